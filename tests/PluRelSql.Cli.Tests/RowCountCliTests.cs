using System.Diagnostics;
using PluRelSql.TestSupport;

namespace PluRelSql.Cli.Tests;

/// <summary>Row counts: refused with exit 2 before any server is contacted when they overflow, pass the ceiling or
/// exceed what a key can number (unless --fit-rows, which loads what fits and lists the shortfall); and the shipped
/// example schemas populate at a million rows with every constraint validated.</summary>
[Collection(ClusterCollection.Name)]
public sealed class RowCountCliTests(ClusterFixture pg)
{
    private static string Schema(string name) => Path.Combine(Repo.Root, "schemas", name);

    /// <summary>Nothing listens there: a command that gets as far as connecting exits 3, not 2.</summary>
    private const string Nowhere = "postgresql://postgres@127.0.0.1:1/x?connect_timeout=2";

    private static string TempSchema(string name, string sql)
    {
        var file = Path.Combine(Path.GetTempPath(), $"plurel-rows-{name}-{Environment.ProcessId}.sql");
        File.WriteAllText(file, sql);
        return file;
    }

    [Theory]
    [InlineData("--scale", "1e300", "public.category: 1,000 rows × scale 1E+300 = 1E+303 rows, more than any table can hold")]
    [InlineData("--rows", "99999999999999", "the plan asks for 599,999,999,999,994 rows in all, more than the limit of 10,000,000,000")]
    [InlineData("--rows", "9223372036854775807", "rows, more than any table can hold")]
    public async Task Oversized_counts_exit_2_before_any_database_is_created(string option, string value, string message)
    {
        var db = "rows_oversized";
        await pg.Execute("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        var run = Cli.Plurel("populate", "--db", pg.Url("postgres"), "--database", db, "--create", "--schema", Schema("shop.sql"), option, value, "--sizing", "uniform");
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains(message, run.StdErr);
        Assert.Equal(0L, await pg.Scalar<long>("postgres", $"SELECT count(*) FROM pg_database WHERE datname = '{db}'"));
        // Refused before connecting: against a server that is not there it is still exit 2, not 3.
        var offline = Cli.Plurel("populate", "--db", Nowhere, "--schema", Schema("shop.sql"), option, value, "--sizing", "uniform");
        Assert.True(offline.ExitCode == 2, offline.ToString());
    }

    [Fact]
    public void Sample_and_corpus_check_scale_before_connecting()
    {
        var sample = Cli.Plurel("sample", "--seed", "1", "--scale", "1e300", "--db", Nowhere);
        Assert.True(sample.ExitCode == 2, sample.ToString());
        Assert.Contains("more than one PostgreSQL table can hold", sample.StdErr);
        var corpus = Cli.Plurel("corpus", "--count", "3", "--scale", "1e6", "--db", Nowhere);
        Assert.True(corpus.ExitCode == 2, corpus.ToString());
        Assert.Contains("more than the limit of 10,000,000,000", corpus.StdErr);
        Assert.Equal(2, Cli.Plurel("sample", "--seed", "1", "--scale", "NaN", "--db", Nowhere).ExitCode);
        Assert.Equal(2, Cli.Plurel("corpus", "--count", "1", "--scale", "1", "--max-rows", "-1", "--db", Nowhere).ExitCode);
    }

    [Fact]
    public void The_row_plan_with_each_tables_role_is_printed_before_the_server_is_contacted()
    {
        var run = Cli.Plurel("populate", "--db", Nowhere, "--schema", Schema("shop.sql"), "--rows", "20000");
        Assert.True(run.ExitCode == 3, run.ToString());
        var plan = run.StdErr.IndexOf("row plan: ", StringComparison.Ordinal);
        Assert.True(plan >= 0, run.StdErr);
        Assert.Contains("sized by role (--sizing uniform gives every table the same count):", run.StdErr);
        Assert.True(plan < run.StdErr.IndexOf("127.0.0.1", StringComparison.Ordinal), run.StdErr);
        var lines = run.StdErr[plan..].Split('\n').Skip(1).TakeWhile(l => l.StartsWith("  ", StringComparison.Ordinal)).ToList();
        Assert.True(lines.Count >= 5, run.StdErr);
        Assert.Contains(lines, l => l.Contains(" fact ", StringComparison.Ordinal) && l.TrimEnd().EndsWith("20,000", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(" lookup ", StringComparison.Ordinal) || l.Contains(" entity ", StringComparison.Ordinal));

        var uniform = Cli.Plurel("populate", "--db", Nowhere, "--schema", Schema("shop.sql"), "--rows", "20000", "--sizing", "uniform");
        Assert.True(uniform.ExitCode == 3, uniform.ToString());
        Assert.Contains("(--sizing uniform):", uniform.StdErr);
        var rows = uniform.StdErr[uniform.StdErr.IndexOf("row plan: ", StringComparison.Ordinal)..].Split('\n').Skip(1)
            .TakeWhile(l => l.StartsWith("  ", StringComparison.Ordinal)).ToList();
        Assert.All(rows, l => Assert.EndsWith("20,000", l.TrimEnd(), StringComparison.Ordinal));

        var bad = Cli.Plurel("populate", "--db", Nowhere, "--schema", Schema("shop.sql"), "--sizing", "random");
        Assert.True(bad.ExitCode == 2, bad.ToString());
        Assert.Contains("'random' not recognized", bad.StdErr);
        Assert.Contains("'uniform'", bad.StdErr);
    }

    [Fact]
    public void Large_plans_are_described_before_loading_and_one_postgres_table_has_a_limit()
    {
        // Described on stderr before the (failed) connection.
        var run = Cli.Plurel("populate", "--db", Nowhere, "--schema", Schema("shop.sql"), "--rows", "3000000", "--sizing", "uniform");
        Assert.True(run.ExitCode == 3, run.ToString());
        var described = run.StdErr.IndexOf("planned 18,000,000 rows in 6 tables, about ", StringComparison.Ordinal);
        Assert.True(described >= 0, run.StdErr);
        Assert.Contains("of table data before indexes", run.StdErr);
        Assert.Contains("  public.customer: 3,000,000 rows, ~", run.StdErr);
        Assert.True(described < run.StdErr.IndexOf("127.0.0.1", StringComparison.Ordinal), run.StdErr);

        var file = TempSchema("huge", "CREATE TABLE t (id bigint PRIMARY KEY);");
        try
        {
            var huge = Cli.Plurel("populate", "--db", Nowhere, "--schema", file, "--rows", "2000000000000", "--max-rows", "0");
            Assert.True(huge.ExitCode == 2, huge.ToString());
            Assert.Contains("public.t: 2,000,000,000,000 rows are more than one PostgreSQL table can hold", huge.StdErr);
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public async Task A_key_too_small_for_the_rows_exits_2_and_fit_rows_loads_what_fits_and_says_so()
    {
        var file = TempSchema("flag", """
            CREATE TABLE t (id integer PRIMARY KEY, flag boolean UNIQUE);
            CREATE TABLE u (id integer PRIMARY KEY, code varchar(1) NOT NULL UNIQUE);
            CREATE TABLE v (id integer PRIMARY KEY);
            """);
        const string db = "rows_fit";
        try
        {
            await pg.Execute("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
            var refused = Cli.Plurel("populate", "--db", pg.Url("postgres"), "--database", db, "--create", "--schema", file);
            Assert.True(refused.ExitCode == 2, refused.ToString());
            Assert.Contains("public.t: UNIQUE (flag) can hold at most 2 distinct values (boolean), but 1,000 rows were asked for; " +
                            "lower --rows t=… or pass --fit-rows", refused.StdErr);
            Assert.Equal(0L, await pg.Scalar<long>("postgres", $"SELECT count(*) FROM pg_database WHERE datname = '{db}'"));

            var fitted = Cli.Plurel("populate", "--db", pg.Url("postgres"), "--database", db, "--create", "--schema", file, "--fit-rows");
            Assert.True(fitted.ExitCode == 0, fitted.ToString());
            Assert.Contains("2 table(s) got fewer rows than asked (--fit-rows):", fitted.StdOut);
            Assert.Contains("  public.t: 2 of 1,000 rows (UNIQUE (flag) can hold at most 2 distinct values (boolean))", fitted.StdOut);
            Assert.Contains("  public.u: 36 of 1,000 rows (UNIQUE (code) can hold at most 36 distinct values", fitted.StdOut);
            Assert.DoesNotContain("public.v:", fitted.StdOut[fitted.StdOut.IndexOf("fewer rows", StringComparison.Ordinal)..]);
            Assert.Equal(2L, await pg.Scalar<long>(db, "SELECT count(*) FROM t"));
            Assert.Equal(36L, await pg.Scalar<long>(db, "SELECT count(*) FROM u"));
            Assert.Equal(1000L, await pg.Scalar<long>(db, "SELECT count(*) FROM v"));
        }
        finally { File.Delete(file); }
    }

    /// <summary>Each shipped schema at about a million rows. shop's `order` gets 1,000,000 of them because its CHECK
    /// (shipped_at IS NULL OR shipped_at >= ordered_at) used to be met by 20 redraws, which ran out at row 323,144 with
    /// seed 1; the other tables get 100,000 each so the test stays near 20 s on two cores (measured: 900k rows in 9 s
    /// of load). bench.sql: 300,000 rows in each of its 4 tables.</summary>
    [Theory]
    [InlineData("shop.sql", new[] { "--rows", "100000", "--rows", "order=1000000" }, 1_500_000L)]
    [InlineData("bench.sql", new[] { "--rows", "300000" }, 1_200_000L)]
    public async Task Shipped_schemas_populate_at_a_million_rows_with_every_constraint_validated(string schema, string[] rows, long total)
    {
        var db = "rows_" + Path.GetFileNameWithoutExtension(schema);
        await pg.Execute("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
        var sw = Stopwatch.StartNew();
        var run = Cli.Plurel(["populate", "--db", pg.Url("postgres"), "--database", db, "--create", "--schema", Schema(schema), "--seed", "1", "--sizing", "uniform", .. rows]);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"loaded {total:N0} rows", run.StdOut.Replace('\u00a0', ' '));
        Assert.Contains("planned ", run.StdErr);

        var rowsInTables = await pg.Scalar<decimal>(db,
            "SELECT sum((xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %s', c.oid::regclass), false, true, '')))[1]::text::numeric) " +
            "FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'");
        Assert.Equal(total, (long)rowsInTables);
        Assert.Equal(0L, await pg.Scalar<long>(db, "SELECT count(*) FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND NOT convalidated"));
        Assert.True(await pg.Scalar<long>(db, "SELECT count(*) FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND contype IN ('c', 'f')") > 0);
        if (schema == "shop.sql")
        {
            Assert.Equal(1_000_000L, await pg.Scalar<long>(db, "SELECT count(*) FROM \"order\""));
            Assert.Equal(0L, await pg.Scalar<long>(db, "SELECT count(*) FROM \"order\" WHERE shipped_at < ordered_at"));
            Assert.True(await pg.Scalar<long>(db, "SELECT count(*) FROM \"order\" WHERE shipped_at > ordered_at") > 900_000);
        }
        Assert.True(sw.Elapsed < TimeSpan.FromMinutes(3), $"took {sw.Elapsed}");
    }
}
