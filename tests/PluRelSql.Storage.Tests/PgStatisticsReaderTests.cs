using Npgsql;
using PluRelSql.Schema;
using PluRelSql.Storage.Postgres;
using PluRelSql.TestSupport;

namespace PluRelSql.Storage.Tests;

[Collection(ClusterCollection.Name)]
public sealed class PgStatisticsReaderTests(ClusterFixture fx)
{
    private static QualifiedName P(string name) => new("public", name);

    private const string Ddl = """
        CREATE TABLE item (id int PRIMARY KEY, color text, price numeric(8,2), note text, tags int[]);
        INSERT INTO item
        SELECT g, CASE WHEN g % 10 < 6 THEN 'red' WHEN g % 10 < 9 THEN 'blue' ELSE NULL END,
               (g % 500) + 0.5, NULL, ARRAY[g % 3]
        FROM generate_series(1, 2000) g;
        CREATE TABLE never (id int);
        CREATE TABLE loaded (id int PRIMARY KEY);
        INSERT INTO loaded SELECT generate_series(1, 40);
        """;

    private async Task<string> DatabaseAsync()
    {
        var cs = await fx.NewDatabaseAsync("stats");
        await ClusterFixture.ExecAsync(cs, Ddl);
        return cs;
    }

    private static async Task<(SchemaGraph, StatisticsRead)> ReadAsync(string cs, bool analyze)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        var graph = await PgIntrospector.ReadAsync(conn);
        if (analyze) await PgStatisticsReader.AnalyzeAsync(conn, new SchemaGraph { Tables = [graph.Table(P("item"))] }, default);
        return (graph, await PgStatisticsReader.ReadAsync(conn, graph, default));
    }

    [Fact]
    public async Task Reads_sizes_null_fractions_mcvs_histograms_and_correlation_after_analyze()
    {
        var cs = await DatabaseAsync();
        var (_, read) = await ReadAsync(cs, analyze: true);
        Assert.Equal("pg_stats", read.Source);
        Assert.Empty(read.Hidden);

        var item = read.Statistics.Table(P("item"))!;
        Assert.Equal(2000, item.RowEstimate);
        Assert.True(item.Pages > 0);

        var color = item.Column("color")!;
        Assert.Equal(0.1, color.NullFraction, 3);
        Assert.Equal(["red", "blue"], color.MostCommonValues);
        Assert.Equal([0.6, 0.3], color.MostCommonFrequencies!.Select(f => Math.Round(f, 3)));
        Assert.Equal(2, color.DistinctCount(2000));
        Assert.Null(color.HistogramBounds); // every non-null value is an MCV

        var id = item.Column("id")!;
        Assert.Equal(-1, id.NDistinct); // unique: minus the share of rows
        Assert.Equal(2000, id.DistinctCount(2000));
        Assert.Null(id.MostCommonValues);
        Assert.Equal("1", id.HistogramBounds![0]);
        Assert.Equal("2000", id.HistogramBounds[^1]);
        Assert.Equal(1.0, id.Correlation!.Value, 3);

        var price = item.Column("price")!;
        Assert.Equal(500, price.DistinctCount(2000)!.Value, 0);
        Assert.All(price.HistogramBounds ?? price.MostCommonValues!, v => Assert.EndsWith(".50", v, StringComparison.Ordinal));

        Assert.Equal(1.0, item.Column("note")!.NullFraction);
        Assert.Equal(["{0}", "{1}", "{2}"], item.Column("tags")!.MostCommonValues!.Order(StringComparer.Ordinal)); // each MCV an array literal

        // Never analyzed and no pages: known empty, no column statistics.
        var never = read.Statistics.Table(P("never"))!;
        Assert.Equal(0, never.RowEstimate);
        Assert.Empty(never.Columns);

        // Never analyzed, no pages recorded, but rows were inserted: unknown, not empty (a twin must not come out empty).
        Assert.Null(read.Statistics.Table(P("loaded"))!.RowEstimate);
    }

    [Fact]
    public async Task A_role_without_select_sees_no_pg_stats_but_reads_them_through_the_definer_function()
    {
        var cs = await DatabaseAsync();
        await ClusterFixture.ExecAsync(cs, "ANALYZE item");
        var role = "stats_reader_" + Guid.NewGuid().ToString("N")[..8];
        await ClusterFixture.ExecAsync(cs, $"CREATE ROLE {role} LOGIN PASSWORD 'pw'; REVOKE ALL ON item FROM {role};");
        var asRole = new NpgsqlConnectionStringBuilder(cs) { Username = role, Password = "pw" }.ConnectionString;

        var (_, hiddenRead) = await ReadAsync(asRole, analyze: false);
        Assert.Equal("pg_stats", hiddenRead.Source);
        Assert.Contains(P("item"), hiddenRead.Hidden);
        Assert.Equal(2000, hiddenRead.Statistics.Table(P("item"))!.RowEstimate); // pg_class is public

        await ClusterFixture.ExecAsync(cs, PgStatisticsReader.SetupSql(role));
        var (_, read) = await ReadAsync(asRole, analyze: false);
        Assert.Equal(PgStatisticsReader.Function, read.Source);
        Assert.Empty(read.Hidden);
        Assert.Equal(["red", "blue"], read.Statistics.Table(P("item"))!.Column("color")!.MostCommonValues);

        // The role still cannot read a row.
        var ex = await Assert.ThrowsAsync<PostgresException>(() => ClusterFixture.ScalarAsync<long>(asRole, "SELECT count(*) FROM item"));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState);
    }
}
