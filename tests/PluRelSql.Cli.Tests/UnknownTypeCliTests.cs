using PluRelSql.TestSupport;

namespace PluRelSql.Cli.Tests;

/// <summary>Issue 14, item 4: a column of a type without a value generator (here contrib's seg) never stops the read;
/// populate loads NULL into a nullable one with one warning, and refuses a NOT NULL one before any database is made.</summary>
[Collection(ClusterCollection.Name)]
public sealed class UnknownTypeCliTests(ClusterFixture pg)
{
    private static string Write(string name, string ddl)
    {
        var file = Path.Combine(Path.GetTempPath(), $"plurel-{name}-{Environment.ProcessId}.sql");
        File.WriteAllText(file, ddl);
        return file;
    }

    [Fact]
    public async Task A_nullable_seg_column_loads_nulls_with_one_warning()
    {
        var file = Write("seg-null", """
            CREATE EXTENSION IF NOT EXISTS seg;
            CREATE TABLE point_set (id int PRIMARY KEY, label text NOT NULL, box public.seg, box2 seg[]);
            """);
        const string db = "unknown_type_null";
        try
        {
            await pg.Execute("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
            var run = Cli.Plurel("populate", "--db", pg.Url("postgres"), "--database", db, "--create", "--schema", file, "--rows", "300");
            Assert.True(run.ExitCode == 0, run.ToString());
            var warnings = run.StdErr.Split('\n').Where(l => l.StartsWith("warning:", StringComparison.Ordinal)).ToList();
            Assert.Equal(
                ["warning: public.point_set.box: type seg has no value generator; the column is loaded as NULL",
                 "warning: public.point_set.box2: type seg[] has no value generator; the column is loaded as NULL"],
                warnings);
            Assert.Equal(300L, await pg.Scalar<long>(db, "SELECT count(*) FROM point_set WHERE box IS NULL AND box2 IS NULL AND label IS NOT NULL"));
            Assert.Equal("seg", await pg.Scalar<string>(db,
                "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'point_set'::regclass AND attname = 'box'"));
        }
        finally
        {
            await pg.Execute("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_not_null_seg_column_fails_before_loading_naming_table_column_and_type()
    {
        var file = Write("seg-notnull", """
            CREATE EXTENSION IF NOT EXISTS seg;
            CREATE TABLE point_set (
                id int PRIMARY KEY,
                box seg NOT NULL
            );
            """);
        const string db = "unknown_type_not_null";
        try
        {
            await pg.Execute("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
            var run = Cli.Plurel("populate", "--db", pg.Url("postgres"), "--database", db, "--create", "--schema", file, "--rows", "10");
            Assert.True(run.ExitCode == 2, run.ToString());
            Assert.Contains($"{file}:4:5: public.point_set.box is NOT NULL of type seg, which has no value generator", run.StdErr);
            Assert.Equal(0L, await pg.Scalar<long>("postgres", $"SELECT count(*) FROM pg_database WHERE datname LIKE '{db}%'"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_type_the_server_lacks_with_no_extension_to_provide_it_is_refused_before_loading()
    {
        var file = Write("no-such-type", "CREATE TABLE t (id int PRIMARY KEY, x nosuchtype);\n");
        try
        {
            var run = Cli.Plurel("populate", "--db", pg.Url("postgres"), "--database", "unknown_type_none", "--create", "--schema", file);
            Assert.True(run.ExitCode == 2, run.ToString());
            Assert.Contains($"{file}:1:37: public.t.x has type public.nosuchtype that the server does not know", run.StdErr);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
