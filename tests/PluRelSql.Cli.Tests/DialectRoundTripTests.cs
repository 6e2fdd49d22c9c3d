using Npgsql;
using PluRelSql.Generation.PluRel;
using PluRelSql.Schema;
using PluRelSql.Schema.Dialects;
using PluRelSql.Schema.Output;
using PluRelSql.Schema.Postgres;
using PluRelSql.Schema.TSql;
using PluRelSql.Storage.Postgres;
using PluRelSql.TestSupport;

namespace PluRelSql.Cli.Tests;

/// <summary>Round trips between the dialects. "Equal" is <see cref="SchemaDiff"/> against the graph the writer was
/// given after <see cref="DialectConverter"/> made it the target's: equal modulo the documented type mapping
/// (docs/type-mapping.md). (a) emitted T-SQL parses back with the ScriptDom reader to that graph; (b) emitted
/// PostgreSQL loads with psql into the embedded cluster and PgIntrospector reads that graph back.</summary>
[Collection(ClusterCollection.Name)]
public sealed class DialectRoundTripTests(ClusterFixture pg)
{
    private const int SampledSchemas = 20;

    public static TheoryData<string> CorpusSchemas => new()
    {
        "postgres/chinook.sql", "postgres/northwind.sql", "postgres/pagila-schema.sql",
        "generic/tpch-dss.ddl+generic/tpch-dss.ri",
        "tsql/chinook.sql", "tsql/pubs.sql", "tsql/sakila-schema.sql",
    };

    private static SchemaGraph ReadCorpus(string key)
    {
        var files = key.Split('+').Select(Repo.Corpus).ToList();
        return key.StartsWith("tsql/", StringComparison.Ordinal)
            ? TSqlDdlReader.ReadFiles(files).Graph
            : PgDdlReader.ReadFiles(files).Graph;
    }

    private static SchemaGraph Sampled(int i) => SchemaSampler.Sample((ulong)(1000 + i)).ToSchemaGraph();

    private static void AssertTSqlRoundTrip(SchemaGraph source, string what)
    {
        var converted = DialectConverter.Convert(source, SqlDialect.TSql).Graph;
        var script = TSqlDdlWriter.Script(converted);
        var back = TSqlDdlReader.Read(script, what + ".sql").Graph;
        var diffs = SchemaDiff.Compare(converted, back);
        Assert.True(diffs.Count == 0, $"{what}:\n{string.Join("\n", diffs)}\n---\n{script}");
        Assert.NotEmpty(back.Tables);
    }

    [Fact]
    public void Sampled_schemas_written_as_tsql_read_back_equal()
    {
        for (var i = 0; i < SampledSchemas; i++) AssertTSqlRoundTrip(Sampled(i), $"sampled_{i}");
    }

    private async Task AssertPostgresRoundTrip(SchemaGraph source, string database)
    {
        var converted = DialectConverter.Convert(source, SqlDialect.PostgreSql).Graph;
        var script = Path.Combine(Path.GetTempPath(), $"plurel-{database}-{Environment.ProcessId}.sql");
        await File.WriteAllTextAsync(script, PgDdlWriter.Script(converted));
        try
        {
            await pg.RecreateDatabase(database);
            var psql = pg.Psql(database, "-f", script);
            Assert.True(psql.ExitCode == 0, $"{database}: psql could not load the emitted PostgreSQL: {psql}");
            await using var conn = new NpgsqlConnection(pg.ConnectionString(database));
            await conn.OpenAsync();
            var live = await PgIntrospector.ReadAsync(conn);
            var diffs = SchemaDiff.Compare(converted, live);
            Assert.True(diffs.Count == 0, $"{database}:\n{string.Join("\n", diffs)}");
            Assert.Equal(converted.Tables.Sum(t => t.Checks.Count), live.Tables.Sum(t => t.Checks.Count));
        }
        finally { File.Delete(script); }
    }

    /// <summary>pagila-pg18-schema.sql is left out of (b): it needs PostgreSQL 18 (uuidv7(), VIRTUAL columns) and
    /// pgvector, which the cluster (PostgreSQL 15) lacks; CorpusTests checks that populating it says so.</summary>
    [CorpusTheory]
    [MemberData(nameof(CorpusSchemas))]
    public Task Corpus_schema_written_as_postgres_loads_with_psql_to_an_equal_graph(string key) =>
        AssertPostgresRoundTrip(ReadCorpus(key), "rt_" + string.Concat(key.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_')));

    [Fact]
    public async Task Sampled_schemas_written_as_postgres_load_with_psql_to_an_equal_graph()
    {
        for (var i = 0; i < SampledSchemas; i++) await AssertPostgresRoundTrip(Sampled(i), $"rt_sampled_{i}");
    }

    [CorpusFact("postgres/pagila-schema.sql")]
    public void Emitted_tsql_of_a_postgres_schema_translates_its_expressions()
    {
        var converted = DialectConverter.Convert(ReadCorpus("postgres/pagila-schema.sql"), SqlDialect.TSql);
        var script = TSqlDdlWriter.Script(converted.Graph);
        Assert.Contains("CREATE TABLE [dbo].[film]", script, StringComparison.Ordinal);
        Assert.Contains("[rating] nvarchar(5) DEFAULT (N'G') NULL", script, StringComparison.Ordinal);
        Assert.Contains("CHECK ([rating] IN (N'G', N'PG', N'PG-13', N'R', N'NC-17'))", script, StringComparison.Ordinal);
        Assert.Contains("[film_id] int IDENTITY(1, 1) NOT NULL", script, StringComparison.Ordinal);
        Assert.Contains("DEFAULT (sysdatetimeoffset())", script, StringComparison.Ordinal);
        Assert.DoesNotContain("now()", script, StringComparison.Ordinal);
        Assert.DoesNotContain("::", script, StringComparison.Ordinal);
        // The gist index has no SQL Server counterpart: reported with its place in the file, not written.
        Assert.Contains(converted.Warnings, w => w.Subject.Contains("film_fulltext_idx", StringComparison.Ordinal) &&
                                               w.Position is { Line: > 0 } p && p.File.EndsWith("pagila-schema.sql", StringComparison.Ordinal));
        Assert.DoesNotContain("film_fulltext_idx", script, StringComparison.Ordinal);
    }
}
