using System.Text.RegularExpressions;
using PluRelSql.TestSupport;

namespace PluRelSql.Cli.Tests;

/// <summary>Bad input: a message with file:line:col, exit code 2, and the target untouched.</summary>
[Collection(ClusterCollection.Name)]
public sealed partial class BadInputTests(ClusterFixture pg)
{
    public static TheoryData<string, string, int, int> Cases => new()
    {
        { "truncated", "CREATE TABLE a (id int PRIMARY KEY);\nCREATE TABLE b (\n  id int,\n  name text", 4, 12 },
        { "unknown-type", "CREATE TABLE a (\n  id int,\n  x flubber\n);", 3, 5 },
        { "missing-table", "CREATE TABLE a (\n  id int REFERENCES nowhere (id)\n);", 2, 21 },
        { "missing-column", "CREATE TABLE p (id int PRIMARY KEY);\nCREATE TABLE c (\n  pid int,\n  FOREIGN KEY (pid) REFERENCES p (nope)\n);", 4, 35 },
        { "duplicate-table", "CREATE TABLE a (id int);\n\nCREATE TABLE a (id int);", 3, 1 },
        { "unterminated-string", "CREATE TABLE a (\n  s text DEFAULT 'oops\n);", 2, 18 },
        { "binary", "CREATE TABLE a (id int);\n\u0001\u0002\u0000garbage", 2, 1 },
        // A malformed CHECK is found when reading, an unsatisfiable one while planning: both before any database exists.
        { "malformed-check", "CREATE TABLE a (\n  x int CHECK (x >)\n);", 2, 19 },
        { "unsatisfiable-check", "CREATE TABLE a (\n  id int PRIMARY KEY,\n  x int CHECK (x > 5 AND x < 3)\n);", 3, 9 },
        { "unsatisfiable-tsql-check", "CREATE TABLE [dbo].[a] ([id] int NOT NULL PRIMARY KEY,\n  [x] int NULL CHECK ([x] > 5 AND [x] < 3));\nGO\n", 2, 16 },
        { "numeric-check-beyond-precision", "CREATE TABLE a (\n  x numeric(3,0) CHECK (x > 1000)\n);", 2, 18 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_ddl_gives_position_and_exit_2_and_leaves_the_target_alone(string name, string ddl, int line, int col)
    {
        var file = Path.Combine(Path.GetTempPath(), $"plurel-bad-{name}-{Environment.ProcessId}.sql");
        await File.WriteAllTextAsync(file, ddl);
        try
        {
            var db = "bad_" + name.Replace('-', '_');
            await pg.Execute("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
            var run = Cli.Plurel("populate", "--db", pg.Url("postgres"), "--database", db, "--create", "--schema", file);
            Assert.True(run.ExitCode == 2, run.ToString());
            Assert.DoesNotContain("   at ", run.StdErr, StringComparison.Ordinal);
            var m = Position().Match(run.StdErr);
            Assert.True(m.Success, "no file:line:col in: " + run.StdErr);
            Assert.Equal(file, m.Groups[1].Value);
            Assert.Equal((line, col), (int.Parse(m.Groups[2].Value), int.Parse(m.Groups[3].Value)));
            Assert.Equal(0L, await pg.Scalar<long>("postgres", $"SELECT count(*) FROM pg_database WHERE datname = '{db}'"));
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public async Task A_file_with_no_table_exits_2_and_creates_no_database()
    {
        // A psql loader script: meta-commands and data statements, no CREATE TABLE.
        var file = Path.Combine(Path.GetTempPath(), $"plurel-no-tables-{Environment.ProcessId}.sql");
        await File.WriteAllTextAsync(file, "\\set ON_ERROR_STOP 1\nSET client_encoding TO 'utf8';\n\\copy t FROM 't.csv' CSV\n");
        try
        {
            await pg.Execute("postgres", "DROP DATABASE IF EXISTS no_tables WITH (FORCE)");
            var run = Cli.Plurel("populate", "--db", pg.Url("postgres"), "--database", "no_tables", "--create", "--schema", file);
            Assert.True(run.ExitCode == 2, run.ToString());
            Assert.Contains("no CREATE TABLE found", run.StdErr, StringComparison.Ordinal);
            Assert.Equal(0L, await pg.Scalar<long>("postgres", "SELECT count(*) FROM pg_database WHERE datname LIKE 'no_tables%'"));
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void Missing_file_and_bad_options_exit_2()
    {
        Assert.Equal(2, Cli.Plurel("populate", "--db", pg.Url("postgres"), "--schema", "/nonexistent.sql").ExitCode);
        Assert.Equal(2, Cli.Plurel("populate", "--schema", Path.Combine(Repo.Root, "schemas", "shop.sql"), "--rows", "lots").ExitCode);
        Assert.Equal(2, Cli.Plurel("populate", "--no-such-option").ExitCode);
        var range = Cli.Plurel("populate", "--schema", Path.Combine(Repo.Root, "schemas", "shop.sql"), "--time-range", "2025-01-01..2020-01-01");
        Assert.True(range.ExitCode == 2, range.ToString());
        Assert.Contains("--time-range", range.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_locale_exits_2_listing_the_known_ones()
    {
        var run = Cli.Plurel("populate", "--db", pg.Url("postgres"), "--database", "never_made", "--create",
            "--schema", Path.Combine(Repo.Root, "schemas", "shop.sql"), "--locale", "xx_YY");
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("--locale 'xx_YY' is not a known locale", run.StdErr, StringComparison.Ordinal);
        Assert.Contains("pt_BR", run.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void Unreachable_database_exits_3()
    {
        var run = Cli.Plurel("inspect", "--db", "postgresql://postgres@127.0.0.1:1/x?connect_timeout=2");
        Assert.True(run.ExitCode == 3, run.ToString());
    }

    [GeneratedRegex(@"(/\S+?\.sql):(\d+):(\d+)")]
    private static partial Regex Position();
}
