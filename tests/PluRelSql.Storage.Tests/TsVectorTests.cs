using Npgsql;
using PluRelSql.Generation;
using PluRelSql.Schema;
using PluRelSql.Storage.Postgres;
using PluRelSql.TestSupport;

namespace PluRelSql.Storage.Tests;

/// <summary>tsvector goes over binary COPY in its wire form (Npgsql's converter breaks on values that cross the
/// write buffer's end, as pagila's film.fulltext did at 20,000 rows).</summary>
[Collection(ClusterCollection.Name)]
public sealed class TsVectorTests(ClusterFixture fx)
{
    private static string LongVector(long row) =>
        string.Join(' ', Enumerable.Range(0, 40).Select(i => $"'lexeme{(row * 31 + i * 7) % 997}x{i}':{i + 1}{"ABCD"[i % 4]}"));

    [Theory]
    [InlineData("'fat':2 'cat':3A 'rat':5,7B")]
    [InlineData("'a' 'b' 'ünïcödé':1")]
    [InlineData("")]
    public async Task Wire_form_equals_the_servers_tsvectorsend(string text)
    {
        var cs = await fx.NewDatabaseAsync("tsv_wire");
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT tsvectorsend($1::tsvector)", conn);
        cmd.Parameters.AddWithValue(text);
        var expected = (byte[])(await cmd.ExecuteScalarAsync())!;
        Assert.Equal(expected, ColumnWriter.TsVectorWire(text));
    }

    [Fact]
    public async Task Long_values_crossing_the_write_buffer_load_and_read_back()
    {
        var cs = await fx.NewDatabaseAsync("tsv_long");
        await ClusterFixture.ExecAsync(cs, "CREATE TABLE doc (id int PRIMARY KEY, body tsvector NOT NULL)");
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        var graph = await PgIntrospector.ReadAsync(conn);
        var doc = graph.Table("public", "doc");
        var plan = new GenerationPlan
        {
            Graph = graph, Order = graph.ComputeLoadOrder(), Options = new GenerationOptions(),
            RowCounts = new Dictionary<QualifiedName, long> { [doc.Name] = 5000 },
        };
        var gen = new TestGenerator(plan);
        gen.Overrides["doc.id"] = r => (int)r;
        gen.Overrides["doc.body"] = r => LongVector(r);
        await new PgLoader().LoadAsync(cs, new GeneratedRows(plan, gen), new LoadOptions(), null, CancellationToken.None);

        Assert.Equal(5000L, await ClusterFixture.ScalarAsync<long>(cs, "SELECT count(*) FROM doc WHERE length(body) = 40"));
        await using var cmd = new NpgsqlCommand("SELECT body = $1::tsvector FROM doc WHERE id = 4321", conn);
        cmd.Parameters.AddWithValue(LongVector(4321));
        Assert.True((bool)(await cmd.ExecuteScalarAsync())!);
    }
}
