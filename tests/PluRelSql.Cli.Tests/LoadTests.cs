using System.Diagnostics;
using Npgsql;
using PluRelSql.TestSupport;

namespace PluRelSql.Cli.Tests;

[Collection(ClusterCollection.Name)]
public sealed class LoadTests(ClusterFixture pg)
{
    private static string Shop => Path.Combine(Repo.Root, "schemas", "shop.sql");

    private async Task<string> TableDump(string db, string table, string orderBy)
    {
        await using var conn = new NpgsqlConnection(pg.ConnectionString(db));
        await conn.OpenAsync();
        using var reader = await conn.BeginTextExportAsync($"COPY (SELECT * FROM {table} ORDER BY {orderBy}) TO STDOUT");
        return await reader.ReadToEndAsync();
    }

    [Fact]
    public async Task Same_seed_gives_identical_rows_and_another_seed_differs()
    {
        string[] Populate(string db, string seed, string batch) =>
        [
            "populate", "--db", pg.Url("postgres"), "--database", db, "--recreate", "--schema", Shop,
            "--rows", "3000", "--seed", seed, "--batch-size", batch,
        ];
        foreach (var (db, seed, batch) in new[] { ("det_a", "5", "8192"), ("det_b", "5", "777"), ("det_c", "6", "8192") })
        {
            var r = Cli.Plurel(Populate(db, seed, batch));
            Assert.True(r.ExitCode == 0, r.ToString());
        }
        foreach (var (table, key) in new[] { ("customer", "customer_id"), ("\"order\"", "order_id"), ("order_item", "order_id, product_id"), ("page_view", "viewed_at, session_id") })
        {
            var a = await TableDump("det_a", table, key);
            Assert.Equal(a, await TableDump("det_b", table, key));
            Assert.NotEqual(a, await TableDump("det_c", table, key));
        }
    }

    [Fact]
    public async Task Existing_tables_are_filled_refused_when_non_empty_and_replaced_with_truncate()
    {
        await pg.RecreateDatabase("fill_existing");
        var psql = pg.Psql("fill_existing", "-f", Shop);
        Assert.True(psql.ExitCode == 0, psql.ToString());
        string[] Args(params string[] extra) =>
            ["populate", "--db", pg.Url("fill_existing"), "--schema", Shop, "--rows", "500", "--sizing", "uniform", .. extra];

        var first = Cli.Plurel(Args());
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal(500L, await pg.Scalar<long>("fill_existing", "SELECT count(*) FROM customer"));
        // The identity / serial sequences continue past the loaded rows.
        await pg.Execute("fill_existing", "INSERT INTO category (name) VALUES ('after-load')");

        var refused = Cli.Plurel(Args("--seed", "2"));
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("--truncate", refused.StdErr);
        Assert.Equal(500L, await pg.Scalar<long>("fill_existing", "SELECT count(*) FROM customer"));

        var replaced = Cli.Plurel(Args("--seed", "2", "--truncate", "--rows", "customer=800"));
        Assert.True(replaced.ExitCode == 0, replaced.ToString());
        Assert.Equal(800L, await pg.Scalar<long>("fill_existing", "SELECT count(*) FROM customer"));
    }

    [Fact]
    public async Task Sigkill_mid_copy_leaves_the_target_tables_empty()
    {
        await pg.RecreateDatabase("killed");
        var psql = pg.Psql("killed", "-f", Path.Combine(Repo.Root, "schemas", "bench.sql"));
        Assert.True(psql.ExitCode == 0, psql.ToString());

        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var a in new[] { Repo.PlurelDll, "populate", "--db", pg.Url("killed"), "--schema",
                     Path.Combine(Repo.Root, "schemas", "bench.sql"), "--rows", "5000000" })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        _ = p.StandardOutput.ReadToEndAsync();
        _ = p.StandardError.ReadToEndAsync();

        // Wait until the server is inside a COPY of the load, then kill the client outright.
        var sw = Stopwatch.StartNew();
        long copied = 0;
        while (sw.Elapsed < TimeSpan.FromSeconds(90) && !p.HasExited)
        {
            copied = await pg.Scalar<long>("postgres",
                "SELECT coalesce(sum(tuples_processed), 0)::bigint FROM pg_stat_progress_copy WHERE datname = 'killed'");
            if (copied > 10_000) break;
            await Task.Delay(50);
        }
        Assert.False(p.HasExited, "populate finished before it could be killed");
        Assert.True(copied > 10_000, "never saw the COPY in progress");
        p.Kill(entireProcessTree: true); // SIGKILL
        await p.WaitForExitAsync();

        // The server notices the dead client and rolls the transaction back.
        sw.Restart();
        while (sw.Elapsed < TimeSpan.FromSeconds(30) &&
               await pg.Scalar<long>("postgres", "SELECT count(*) FROM pg_stat_activity WHERE datname = 'killed'") > 0)
            await Task.Delay(100);
        foreach (var t in new[] { "branch", "teller", "account", "transfer" })
            Assert.Equal(0L, await pg.Scalar<long>("killed", $"SELECT count(*) FROM {t}"));
    }

    [Fact]
    public async Task Ctrl_c_mid_copy_exits_130_and_leaves_the_target_tables_empty()
    {
        await pg.RecreateDatabase("interrupted");
        var psql = pg.Psql("interrupted", "-f", Path.Combine(Repo.Root, "schemas", "bench.sql"));
        Assert.True(psql.ExitCode == 0, psql.ToString());

        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var a in new[] { Repo.PlurelDll, "populate", "--db", pg.Url("interrupted"), "--schema",
                     Path.Combine(Repo.Root, "schemas", "bench.sql"), "--rows", "5000000" })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();

        var sw = Stopwatch.StartNew();
        long copied = 0;
        while (sw.Elapsed < TimeSpan.FromSeconds(90) && !p.HasExited)
        {
            copied = await pg.Scalar<long>("postgres",
                "SELECT coalesce(sum(tuples_processed), 0)::bigint FROM pg_stat_progress_copy WHERE datname = 'interrupted'");
            if (copied > 10_000) break;
            await Task.Delay(50);
        }
        Assert.False(p.HasExited, "populate finished before it could be interrupted");
        using (var kill = Process.Start("kill", ["-INT", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(1))) p.Kill(entireProcessTree: true);
        var result = new ProcessResult(p.HasExited ? p.ExitCode : -1, await stdout, await stderr);

        // Interrupted like any command: the load stops, its transaction rolls back, and the exit code says SIGINT.
        Assert.True(result.ExitCode == 130, result.ToString());
        Assert.Contains("interrupted; the target was left as it was", result.StdErr);
        foreach (var t in new[] { "branch", "teller", "account", "transfer" })
            Assert.Equal(0L, await pg.Scalar<long>("interrupted", $"SELECT count(*) FROM {t}"));
    }

    [Fact]
    public async Task Our_shop_schema_populates_with_partitions_enums_domains_and_checks()
    {
        var r = Cli.Plurel("populate", "--db", pg.Url("postgres"), "--database", "shop_full", "--recreate",
            "--schema", Shop, "--rows", "2000", "--rows", "order_item=6000", "--scale", "1.5");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(9000L, await pg.Scalar<long>("shop_full", "SELECT count(*) FROM order_item"));
        Assert.True(await pg.Scalar<long>("shop_full", "SELECT count(*) FROM page_view_2024") > 0);
        Assert.True(await pg.Scalar<long>("shop_full", "SELECT count(*) FROM page_view_2025") > 0);
        Assert.Equal(0L, await pg.Scalar<long>("shop_full", "SELECT count(*) FROM \"order\" WHERE shipped_at < ordered_at"));
        Assert.True(await pg.Scalar<long>("shop_full", "SELECT count(DISTINCT status) FROM \"order\"") > 1);
    }
}
