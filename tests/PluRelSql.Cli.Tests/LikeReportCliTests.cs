using System.Text.Json;
using PluRelSql.TestSupport;

namespace PluRelSql.Cli.Tests;

/// <summary><c>plurel like-report</c> end to end: a database against itself passes every column, table and plan; a
/// different one does not; ANALYZE touches the source only when asked; unreachable databases are named.</summary>
[Collection(ClusterCollection.Name)]
public sealed class LikeReportCliTests(ClusterFixture pg)
{
    private static readonly string[] Tpch = ["generic/tpch-dss.ddl", "generic/tpch-dss.ri"];

    private string Populate(string database, int seed, string scale)
    {
        var r = Cli.Plurel("populate", "--db", pg.Url("postgres"), "--database", database, "--recreate",
            "--schema", Repo.Corpus(Tpch[0]), "--schema", Repo.Corpus(Tpch[1]), "--scale", scale,
            "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "--time-range", "1992-01-01..1998-12-31");
        Assert.True(r.ExitCode == 0, r.ToString());
        return database;
    }

    private JsonDocument Report(string source, string target, string json, params string[] more)
    {
        var r = Cli.Plurel(["like-report", "--source", pg.Url(source), "--target", pg.Url(target), "--json", json, .. more]);
        Assert.True(r.ExitCode == 0, r.ToString());
        return JsonDocument.Parse(File.ReadAllText(json));
    }

    [CorpusFact("generic/tpch-dss.ddl", "generic/tpch-dss.ri")]
    public async Task A_database_against_itself_passes_every_column_table_and_plan_and_another_does_not()
    {
        var source = Populate("lr_tpch_src", 42, "10");
        await pg.Execute(source, "ANALYZE");
        var dir = Directory.CreateTempSubdirectory("plurel-like-").FullName;
        var queries = Path.Combine(Repo.Root, "schemas", "tpch-queries.sql");
        using (var self = Report(source, source, Path.Combine(dir, "self.json"), "--queries", queries))
        {
            var root = self.RootElement;
            Assert.Equal(8, root.GetProperty("tables").GetArrayLength());
            Assert.Equal(8, root.GetProperty("tablesWithin").GetInt32());
            Assert.True(root.GetProperty("columnsCompared").GetInt32() >= 61, root.ToString());
            Assert.Equal(root.GetProperty("columnsCompared").GetInt32(), root.GetProperty("columnsPassed").GetInt32());
            Assert.Equal(22, root.GetProperty("plansCompared").GetInt32());
            Assert.Equal(22, root.GetProperty("plansEqual").GetInt32());
            Assert.All(root.GetProperty("plans").EnumerateArray(), p => Assert.Equal(JsonValueKind.Null, p.GetProperty("error").ValueKind));
            Assert.Equal(["Q1", "Q22"], new[] { 0, 21 }.Select(i => root.GetProperty("plans")[i].GetProperty("name").GetString()));
        }

        // A twin with other rows and another size: some columns, the sizes and some plans differ, and the text says which.
        var other = Populate("lr_tpch_other", 7, "1");
        using (var diff = Report(source, other, Path.Combine(dir, "other.json"), "--queries", queries))
        {
            var root = diff.RootElement;
            Assert.True(root.GetProperty("columnsPassed").GetInt32() < root.GetProperty("columnsCompared").GetInt32());
            Assert.Equal(0, root.GetProperty("tablesWithin").GetInt32());
            Assert.True(root.GetProperty("plansEqual").GetInt32() < 22, root.GetProperty("plansEqual").ToString());
            var lineitem = root.GetProperty("tables").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "lineitem");
            Assert.Equal(0.1, lineitem.GetProperty("ratio").GetDouble(), 2);
        }
        var text = Cli.Plurel("like-report", "--source", pg.Url(source), "--target", pg.Url(other), "--queries", queries, "--failures-only");
        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains("FAIL table lineitem", text.StdOut);
        Assert.Matches(@"DIFF plan Q\d+ \| ", text.StdOut);
        Assert.DoesNotContain("same plan", text.StdOut);
        Assert.Matches(@"plans equal: \d+/22 \([\d.]+ %\); differ: Q", text.StdOut);
    }

    [Fact]
    public async Task The_source_is_analyzed_only_when_asked()
    {
        // The same table and rows on both sides; autovacuum off so that only like-report could analyze them.
        const string table = "CREATE TABLE t (id int PRIMARY KEY, v text) WITH (autovacuum_enabled = false); " +
                             "INSERT INTO t SELECT g, 'v' || (g % 7) FROM generate_series(1, 500) g";
        var source = Name(await pg.NewDatabaseAsync("lr_src"));
        var target = Name(await pg.NewDatabaseAsync("lr_tgt"));
        await pg.Execute(source, table);
        await pg.Execute(target, table);
        const string stats = "SELECT count(*) FROM pg_stats WHERE tablename = 't'";
        var dir = Directory.CreateTempSubdirectory("plurel-like-").FullName;
        using (var before = Report(source, target, Path.Combine(dir, "before.json")))
        {
            var root = before.RootElement;
            Assert.Equal(0, root.GetProperty("columnsCompared").GetInt32());
            Assert.Equal(["public.t"], root.GetProperty("sourceWithoutStatistics").EnumerateArray().Select(e => e.GetString()));
            Assert.False(root.GetProperty("sourceAnalyzed").GetBoolean());
        }
        Assert.Equal(0L, await pg.Scalar<long>(source, stats));
        Assert.Equal(2L, await pg.Scalar<long>(target, stats));
        using (var after = Report(source, target, Path.Combine(dir, "after.json"), "--analyze-source"))
        {
            var root = after.RootElement;
            Assert.Equal(2, root.GetProperty("columnsCompared").GetInt32());
            Assert.Equal(2, root.GetProperty("columnsPassed").GetInt32());
            var v = root.GetProperty("columns").EnumerateArray().Single(c => c.GetProperty("column").GetString() == "v");
            Assert.Equal(7, v.GetProperty("sourceDistinct").GetDouble());
            Assert.Equal(1, v.GetProperty("mcvOverlap").GetDouble());
        }
        Assert.Equal(2L, await pg.Scalar<long>(source, stats));
    }

    private static string Name(string connectionString) => new Npgsql.NpgsqlConnectionStringBuilder(connectionString).Database!;

    [Fact]
    public void Unreachable_databases_are_named_and_bad_query_files_are_bad_input()
    {
        var noTarget = Cli.Plurel("like-report", "--source", pg.Url("postgres"), "--target", "postgresql://postgres@127.0.0.1:1/nowhere");
        Assert.Equal(3, noTarget.ExitCode);
        Assert.Contains("cannot reach the target database 127.0.0.1:1/nowhere", noTarget.StdErr);
        var noSource = Cli.Plurel("like-report", "--source", pg.Url("lr_no_such_db"), "--target", pg.Url("postgres"));
        Assert.Equal(3, noSource.ExitCode);
        Assert.Contains("cannot reach the source database", noSource.StdErr);
        Assert.Contains("lr_no_such_db", noSource.StdErr);

        var noFile = Cli.Plurel("like-report", "--source", pg.Url("postgres"), "--target", pg.Url("postgres"), "--queries", "/nonexistent/q.sql");
        Assert.Equal(2, noFile.ExitCode);
        Assert.Contains("--queries /nonexistent/q.sql: no such file", noFile.StdErr);
        var empty = Path.Combine(Directory.CreateTempSubdirectory("plurel-like-").FullName, "empty.sql");
        File.WriteAllText(empty, "-- nothing here\n");
        var none = Cli.Plurel("like-report", "--source", pg.Url("postgres"), "--target", pg.Url("postgres"), "--queries", empty);
        Assert.Equal(2, none.ExitCode);
        Assert.Contains($"query file {empty}: it holds no query", none.StdErr);
    }
}
