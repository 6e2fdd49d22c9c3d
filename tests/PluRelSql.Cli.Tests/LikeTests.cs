using System.Globalization;
using Npgsql;
using PluRelSql.TestSupport;
using PluRelSql.Workflows.Realism;

namespace PluRelSql.Cli.Tests;

/// <summary><c>plurel populate --like</c> end to end: a twin from a source's statistics, read by a role that cannot read
/// one row of it, and a real data set's twin measured against the source's statistics.</summary>
[Collection(ClusterCollection.Name)]
public sealed class LikeTests(ClusterFixture pg)
{
    private sealed record ColumnStats(double NullFrac, double Distinct, string[] Mcv);

    /// <summary>pg_stats of every column of the public tables, after ANALYZE (n_distinct resolved to a count).</summary>
    private async Task<Dictionary<(string Table, string Column), ColumnStats>> StatsAsync(string database)
    {
        await pg.Execute(database, "ANALYZE");
        var result = new Dictionary<(string, string), ColumnStats>();
        await using var conn = new NpgsqlConnection(pg.ConnectionString(database));
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            SELECT s.tablename, s.attname, s.null_frac::float8, s.n_distinct::float8, c.reltuples::float8, s.most_common_vals::text::text[]
            FROM pg_stats s JOIN pg_class c ON c.relname = s.tablename AND c.relnamespace = 'public'::regnamespace
            WHERE s.schemaname = 'public' AND NOT s.inherited
            """, conn);
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            var nd = r.GetDouble(3);
            result[(r.GetString(0), r.GetString(1))] = new ColumnStats(r.GetDouble(2), nd < 0 ? -nd * r.GetDouble(4) : nd,
                r.IsDBNull(5) ? [] : r.GetFieldValue<string[]>(5));
        }
        return result;
    }

    private async Task<long> RowsAsync(string database, string table) => await pg.Scalar<long>(database, $"SELECT count(*) FROM {table}");

    /// <summary>Issue 18's check on a real data set: after ANALYZE on the twin, ≥ 95 % of the source's columns have the
    /// null fraction within 0.02, n_distinct within 10 % and ≥ 80 % of their MCVs; table sizes within 1 %.</summary>
    [CorpusFact("postgres/northwind.sql")]
    public async Task Northwind_twin_matches_the_sources_statistics()
    {
        const string source = "like_nw_src", twin = "like_nw_twin";
        await pg.RecreateDatabase(source);
        await RealDataLoader.LoadAsync(Path.Combine(pg.Cluster.BinDirectory, "psql"), pg.ConnectionString(source), Repo.Corpus("postgres/northwind.sql"), default);
        var src = await StatsAsync(source);

        var run = Cli.Plurel("populate", "--like", pg.Url(source), "--db", pg.Url("postgres"), "--database", twin, "--recreate", "--keep-mcv-text");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("no row was read", run.StdErr, StringComparison.Ordinal);
        var dst = await StatsAsync(twin);

        var failed = new List<string>();
        foreach (var ((table, column), s) in src)
        {
            if (!dst.TryGetValue((table, column), out var t)) { failed.Add($"{table}.{column}: no statistics on the twin"); continue; }
            var overlap = s.Mcv.Length == 0 ? 1 : s.Mcv.Intersect(t.Mcv).Count() / (double)s.Mcv.Length;
            if (Math.Abs(s.NullFrac - t.NullFrac) > 0.02 || Math.Abs(s.Distinct - t.Distinct) > 0.1 * Math.Max(1, s.Distinct) || overlap < 0.8)
                failed.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{table}.{column}: null {s.NullFrac:F3}/{t.NullFrac:F3}, distinct {s.Distinct:F0}/{t.Distinct:F0}, MCV overlap {overlap:P0}"));
        }
        var share = 1 - failed.Count / (double)src.Count;
        Assert.True(share >= 0.95, $"{share:P1} of {src.Count} columns match:\n{string.Join("\n", failed)}");

        foreach (var table in src.Keys.Select(k => k.Table).Distinct())
        {
            long a = await RowsAsync(source, table), b = await RowsAsync(twin, table);
            Assert.True(Math.Abs(a - b) <= 0.01 * a, $"{table}: {a} rows in the source, {b} in the twin");
        }

        // Without --keep-mcv-text, personal values are the twin's own: not one of the source's contact names appears.
        const string own = "like_nw_own"; // another database: the pool still holds connections to the first twin
        var replaced = Cli.Plurel("populate", "--like", pg.Url(source), "--db", pg.Url("postgres"), "--database", own, "--recreate");
        Assert.True(replaced.ExitCode == 0, replaced.ToString());
        Assert.Contains("contact_name (generated values: full_name", replaced.StdErr, StringComparison.Ordinal);
        var names = string.Join(", ", (await ContactNamesAsync(source)).Select(n => "'" + n.Replace("'", "''", StringComparison.Ordinal) + "'"));
        Assert.Equal(0L, await pg.Scalar<long>(own, $"SELECT count(*) FROM customers WHERE contact_name IN ({names})"));
    }

    private async Task<List<string>> ContactNamesAsync(string database)
    {
        var names = new List<string>();
        await using var conn = new NpgsqlConnection(pg.ConnectionString(database));
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT contact_name FROM customers WHERE contact_name IS NOT NULL", conn);
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) names.Add(r.GetString(0));
        return names;
    }

    /// <summary>The minimum privilege: a role with CONNECT and EXECUTE on the SECURITY DEFINER function but no SELECT on
    /// any table builds the whole twin; any row read would fail with "permission denied".</summary>
    [Fact]
    public async Task A_role_without_select_on_any_table_builds_the_twin_through_the_definer_function()
    {
        const string source = "like_priv_src", twin = "like_priv_twin";
        await pg.RecreateDatabase(source);
        await pg.Execute(source, """
            CREATE TABLE team (id int PRIMARY KEY, name text NOT NULL);
            CREATE TABLE player (id int PRIMARY KEY, team_id int NOT NULL REFERENCES team, position text, score numeric(6,1), joined date);
            INSERT INTO team SELECT g, 'team ' || g FROM generate_series(1, 40) g;
            INSERT INTO player SELECT g, CASE WHEN g % 4 = 0 THEN 1 ELSE 1 + g % 40 END,
                   CASE WHEN g % 10 < 5 THEN 'forward' WHEN g % 10 < 8 THEN 'defender' ELSE NULL END,
                   (g % 300) / 3.0, date '2020-01-01' + g
            FROM generate_series(1, 3000) g;
            ANALYZE;
            """);
        var role = "like_reader";
        await pg.Execute(source, $"""
            DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN CREATE ROLE {role} LOGIN PASSWORD 'reader'; END IF; END $$;
            REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC, {role};
            GRANT CONNECT ON DATABASE {source} TO {role};
            """);
        var asRole = new NpgsqlConnectionStringBuilder(pg.ConnectionString(source)) { Username = role, Password = "reader" }.ConnectionString;
        var denied = await Assert.ThrowsAsync<PostgresException>(() => ClusterFixture.ScalarAsync<long>(asRole, "SELECT count(*) FROM player"));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, denied.SqlState);

        // Without the function, pg_stats shows this role nothing: said, and the columns fall back.
        var hidden = Cli.Plurel("populate", "--like", asRole, "--db", pg.Url("postgres"), "--database", twin, "--recreate");
        Assert.True(hidden.ExitCode == 0, hidden.ToString());
        Assert.Contains("pg_stats hides the statistics of 2 table(s)", hidden.StdErr, StringComparison.Ordinal);

        var setup = Cli.Plurel("like-setup-sql", "--role", role);
        Assert.True(setup.ExitCode == 0, setup.ToString());
        await pg.Execute(source, setup.StdOut);

        var run = Cli.Plurel("populate", "--like", asRole, "--db", pg.Url("postgres"), "--database", twin, "--recreate");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("through plurel_stats.column_stats()", run.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("hides", run.StdErr, StringComparison.Ordinal);
        Assert.Equal(3000L, await RowsAsync(twin, "player"));
        Assert.Equal(40L, await RowsAsync(twin, "team"));
        // The heavy parent (a quarter of the players) and the position frequencies came through the statistics.
        Assert.InRange(await pg.Scalar<long>(twin, "SELECT count(*) FROM player WHERE team_id = 1"), 750, 800);
        Assert.Equal(1500L, await pg.Scalar<long>(twin, "SELECT count(*) FROM player WHERE position = 'forward'"));
        Assert.Equal(600L, await pg.Scalar<long>(twin, "SELECT count(*) FROM player WHERE position IS NULL"));
        // Still no row readable by the role.
        await Assert.ThrowsAsync<PostgresException>(() => ClusterFixture.ScalarAsync<long>(asRole, "SELECT count(*) FROM team"));

        // ANALYZE needs ownership: asked of this role, it is refused with the flag's name (exit 2), nothing made.
        var analyze = Cli.Plurel("populate", "--like", asRole, "--analyze-source", "--db", pg.Url("postgres"), "--database", "like_priv_never", "--create");
        Assert.Equal(2, analyze.ExitCode);
        Assert.Contains("--analyze-source", analyze.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void Like_only_flags_without_like_and_rows_with_like_are_refused()
    {
        var r = Cli.Plurel("populate", "--schema", Path.Combine(Repo.Root, "schemas", "shop.sql"), "--keep-mcv-text");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("go with --like", r.StdErr, StringComparison.Ordinal);
        var rows = Cli.Plurel("populate", "--like", "postgresql://nobody@127.0.0.1:1/x", "--rows", "10");
        Assert.Equal(2, rows.ExitCode);
        Assert.Contains("--like-scale", rows.StdErr, StringComparison.Ordinal);
        var none = Cli.Plurel("populate");
        Assert.Equal(2, none.ExitCode);
        Assert.Contains("--schema is required", none.StdErr, StringComparison.Ordinal);
    }
}
