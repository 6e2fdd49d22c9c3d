using System.Diagnostics;
using System.Text.Json;
using PluRelSql.Storage;
using PluRelSql.TestSupport;
using PluRelSql.Workflows;

namespace PluRelSql.Cli.Tests;

/// <summary>Provider choice through the CLI (no server needed) and the SQL Server paths of populate, inspect and
/// train against a live server (PLUREL_MSSQL; skipped without one).</summary>
public sealed class SqlServerCliTests
{
    [Theory]
    [InlineData("Server=db,1433;Database=x;User Id=sa;Password=p", null, DatabaseProvider.SqlServer)]
    [InlineData("postgresql://u@h/db", null, DatabaseProvider.Postgres)]
    [InlineData("Database=x;Password=p", "sqlserver", DatabaseProvider.SqlServer)]
    [InlineData(null, null, DatabaseProvider.Postgres)]
    [InlineData(null, "postgres", DatabaseProvider.Postgres)]
    public void Provider_comes_from_the_connection_string_or_the_option(string? db, string? provider, DatabaseProvider expected) =>
        Assert.Equal(expected, Target.Choose(db, provider));

    [Theory]
    [InlineData("Database=x;Password=p", null)]
    [InlineData("Host=h;Initial Catalog=s", null)]
    [InlineData("postgresql://u@h/db", "sqlserver")]
    [InlineData(null, "sqlserver")]
    public void Ambiguous_contradicting_or_incomplete_choices_are_usage_errors(string? db, string? provider) =>
        Assert.Throws<UsageException>(() => Target.Choose(db, provider));

    [Fact]
    public void Bad_provider_input_exits_2_with_a_message()
    {
        var ambiguous = Cli.Plurel("inspect", "--db", "Database=x;Password=p");
        Assert.True(ambiguous.ExitCode == 2, ambiguous.ToString());
        Assert.Contains("--provider", ambiguous.StdErr);

        var clash = Cli.Plurel("inspect", "--db", "postgresql://u@127.0.0.1:1/x", "--provider", "sqlserver");
        Assert.True(clash.ExitCode == 2, clash.ToString());
        Assert.Contains("contradicts", clash.StdErr);

        var master = Cli.Plurel("populate", "--schema", Path.Combine(Repo.Root, "schemas", "bench.sql"), "--db", "Server=127.0.0.1,1;User Id=sa");
        Assert.True(master.ExitCode == 2, master.ToString());
        Assert.Contains("not master", master.StdErr);

        var sample = Cli.Plurel("sample", "--seed", "1", "--db", "Server=127.0.0.1,1;Database=x");
        Assert.True(sample.ExitCode == 2, sample.ToString());
        Assert.Contains("PostgreSQL only", sample.StdErr);

        Assert.Equal(2, Cli.Plurel("inspect", "--db", "Server=h", "--provider", "oracle").ExitCode);
    }

    [Fact]
    public void Unreachable_sql_server_exits_3()
    {
        var run = Cli.Plurel("inspect", "--db", "Server=127.0.0.1,1;Database=x;Connect Timeout=2;Connect Retry Count=0");
        Assert.True(run.ExitCode == 3, run.ToString());
    }

    private static string Shop => Path.Combine(Repo.Root, "schemas", "shop.sql");

    [MssqlFact]
    public async Task Populate_create_inspect_and_train_on_sql_server()
    {
        var name = SqlServerTarget.Name("cli_shop");
        await SqlServerTarget.DropAsync(name);
        try
        {
            // A PostgreSQL schema: converted to T-SQL, created, loaded, constraints added after the data.
            var run = Cli.Plurel("populate", "--db", SqlServerTarget.ConnectionString!, "--database", name, "--create",
                "--schema", Shop, "--rows", "300");
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.True(await SqlServerTarget.ScalarAsync<long>(name, "SELECT COUNT_BIG(*) FROM dbo.customer") > 0);
            Assert.Equal(0, await SqlServerTarget.ScalarAsync<int>(name,
                "SELECT (SELECT COUNT(*) FROM sys.check_constraints WHERE is_not_trusted = 1) + (SELECT COUNT(*) FROM sys.foreign_keys WHERE is_not_trusted = 1)"));

            var inspect = Cli.Plurel("inspect", "--db", SqlServerTarget.For(name), "--format", "json");
            Assert.True(inspect.ExitCode == 0, inspect.ToString());
            using var json = JsonDocument.Parse(inspect.StdOut);
            var tables = json.RootElement.GetProperty("tables").EnumerateArray().Select(t => t.GetProperty("name").GetString()).ToList();
            Assert.Contains("customer", tables);

            // Again with --create: the tables exist, so it refuses (exit 2) and leaves them.
            var again = Cli.Plurel("populate", "--db", SqlServerTarget.ConnectionString!, "--database", name, "--create", "--schema", Shop);
            Assert.True(again.ExitCode == 2, again.ToString());

            var dir = Path.Combine(Path.GetTempPath(), $"plurel-mssql-train-{Environment.ProcessId}");
            try
            {
                var train = Cli.Plurel("train", "--db", SqlServerTarget.For(name), "--schemas", "dbo", "--steps", "2", "--out", dir,
                    "--tokens-per-batch", "256", "--context", "64", "--d-model", "16", "--layers", "1", "--heads", "2");
                Assert.True(train.ExitCode == 0, train.ToString());
                Assert.Contains("read " + name + ".dbo", train.StdErr);
            }
            finally { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }
        }
        finally { await SqlServerTarget.DropAsync(name); }
    }

    [MssqlFact]
    public async Task A_failed_populate_create_drops_the_database_it_made()
    {
        var name = SqlServerTarget.Name("cli_fail");
        await SqlServerTarget.DropAsync(name);
        var file = Path.Combine(Path.GetTempPath(), $"plurel-mssql-fail-{Environment.ProcessId}.sql");
        // The generator cannot see through this CHECK (it is beyond the simple forms): the rows violate it.
        await File.WriteAllTextAsync(file, "CREATE TABLE t (id int PRIMARY KEY, v int NOT NULL CHECK (v % 7 = 3));\n");
        try
        {
            var run = Cli.Plurel("populate", "--db", SqlServerTarget.ConnectionString!, "--database", name, "--create", "--schema", file, "--rows", "200");
            Assert.True(run.ExitCode == 3, run.ToString());
            Assert.Contains("check constraint", run.StdErr);
            Assert.Equal(0, await SqlServerTarget.ScalarAsync<int>("master", $"SELECT COUNT(*) FROM sys.databases WHERE name = N'{name}'"));
            Assert.Equal(0, await BuildsOf(name));
        }
        finally
        {
            File.Delete(file);
            await SqlServerTarget.DropAsync(name);
        }
    }

    [MssqlFact]
    public async Task Sigkill_mid_bulk_copy_leaves_the_target_tables_empty()
    {
        var name = SqlServerTarget.Name("killed");
        await SqlServerTarget.DropAsync(name);
        var bench = Path.Combine(Repo.Root, "schemas", "bench.sql");
        try
        {
            // Empty tables first (a load of 0 rows that creates them), then a large load into them.
            var create = Cli.Plurel("populate", "--db", SqlServerTarget.ConnectionString!, "--database", name, "--create", "--schema", bench, "--rows", "0");
            Assert.True(create.ExitCode == 0, create.ToString());

            var psi = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
                WorkingDirectory = Path.GetTempPath(),
            };
            foreach (var a in new[] { Repo.PlurelDll, "populate", "--db", SqlServerTarget.For(name), "--schema", bench, "--rows", "5000000" })
                psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            _ = p.StandardOutput.ReadToEndAsync();
            _ = p.StandardError.ReadToEndAsync();

            // Wait until the server runs the load's BULK INSERT and rows arrive (uncommitted rows count in the partition
            // stats), then kill the client outright.
            const string bulkSql = "SELECT COUNT(*) FROM sys.dm_exec_requests WHERE command LIKE N'BULK%' AND database_id = DB_ID()";
            const string rowsSql = "SELECT COALESCE(SUM(row_count), 0) FROM sys.dm_db_partition_stats WHERE index_id IN (0, 1) AND OBJECTPROPERTY(object_id, 'IsUserTable') = 1";
            var sw = Stopwatch.StartNew();
            TimeSpan? bulkSeen = null;
            long copied = 0;
            while (sw.Elapsed < TimeSpan.FromSeconds(90) && !p.HasExited)
            {
                if (bulkSeen is null && await SqlServerTarget.ScalarAsync<int>(name, bulkSql) > 0) bulkSeen = sw.Elapsed;
                copied = await SqlServerTarget.ScalarAsync<long>(name, rowsSql);
                if (copied > 10_000 || sw.Elapsed - bulkSeen > TimeSpan.FromSeconds(3)) break;
                await Task.Delay(50);
            }
            Assert.False(p.HasExited, "populate finished before it could be killed");
            Assert.True(bulkSeen is not null, "never saw the bulk copy in progress");
            p.Kill(entireProcessTree: true); // SIGKILL
            await p.WaitForExitAsync();

            // The server notices the dead client and rolls the transaction back.
            sw.Restart();
            while (sw.Elapsed < TimeSpan.FromSeconds(60) && await SqlServerTarget.ScalarAsync<int>("master",
                       $"SELECT COUNT(*) FROM sys.dm_exec_sessions WHERE database_id = DB_ID(N'{name}') AND program_name = N'plurel'") > 0)
                await Task.Delay(200);
            foreach (var t in new[] { "branch", "teller", "account", "transfer" })
                Assert.Equal(0L, await SqlServerTarget.ScalarAsync<long>(name, $"SELECT COUNT_BIG(*) FROM dbo.{t}"));
        }
        finally { await SqlServerTarget.DropAsync(name); }
    }

    /// <summary>Temporary databases a run builds for <paramref name="name"/> (NAME__plurel_xxxxxxxx).</summary>
    private static Task<int> BuildsOf(string name) => SqlServerTarget.ScalarAsync<int>("master",
        $"SELECT COUNT(*) FROM sys.databases WHERE name LIKE N'{name.Replace("_", "[_]")}[_][_]plurel[_]%'");

    /// <summary>Waits until the bulk copy of the run into a temporary database of <paramref name="name"/> has sent rows.</summary>
    private static async Task WaitForBulkCopy(string name, RunningCli run)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < TimeSpan.FromSeconds(90))
        {
            Assert.False(run.HasExited, "populate ended before it could be interrupted: " + run.StdErr);
            var build = await SqlServerTarget.ScalarAsync<string>("master",
                $"SELECT COALESCE(MIN(name), N'') FROM sys.databases WHERE name LIKE N'{name.Replace("_", "[_]")}[_][_]plurel[_]%'");
            if (build.Length > 0 && await SqlServerTarget.ScalarAsync<int>("master",
                    $"SELECT COUNT(*) FROM sys.dm_exec_requests WHERE command LIKE N'BULK%' AND database_id = DB_ID(N'{build}')") > 0 &&
                await SqlServerTarget.ScalarAsync<long>(build,
                    "SELECT COALESCE(SUM(row_count), 0) FROM sys.dm_db_partition_stats WHERE index_id IN (0, 1) AND OBJECTPROPERTY(object_id, 'IsUserTable') = 1") > 10_000)
                return;
            await Task.Delay(100);
        }
        Assert.Fail("never saw the bulk copy in progress: " + run.StdErr);
    }

    /// <summary>Waits until the server has noticed that the killed client <paramref name="pid"/> is gone (its sessions,
    /// and with them its application locks, end).</summary>
    private static async Task WaitForSessionsToEnd(int pid)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < TimeSpan.FromSeconds(60) &&
               await SqlServerTarget.ScalarAsync<int>("master", $"SELECT COUNT(*) FROM sys.dm_exec_sessions WHERE host_process_id = {pid}") > 0)
            await Task.Delay(200);
    }

    [MssqlFact]
    public async Task Kill_9_of_plurel_mid_load_leaves_no_database_and_the_next_run_drops_the_temporary_one()
    {
        var name = SqlServerTarget.Name("killed_create");
        await SqlServerTarget.DropAsync(name);
        var bench = Path.Combine(Repo.Root, "schemas", "bench.sql");
        try
        {
            int pid;
            await using (var run = RunningCli.Start("populate", "--db", SqlServerTarget.ConnectionString!, "--database", name, "--create",
                             "--schema", bench, "--rows", "account=20000000", "--threads", "1"))
            {
                await WaitForBulkCopy(name, run);
                pid = run.Id;
                run.Kill();
            }
            await WaitForSessionsToEnd(pid);
            Assert.Equal(0, await SqlServerTarget.ScalarAsync<int>("master", $"SELECT COUNT(*) FROM sys.databases WHERE name = N'{name}'"));
            Assert.Equal(1, await BuildsOf(name));

            var next = Cli.Plurel("populate", "--db", SqlServerTarget.ConnectionString!, "--database", name, "--create",
                "--schema", bench, "--rows", "100", "--sizing", "uniform");
            Assert.True(next.ExitCode == 0, next.ToString());
            Assert.Contains($"note: dropped database {name}__plurel_", next.StdErr);
            Assert.Equal(0, await BuildsOf(name));
            Assert.Equal(100L, await SqlServerTarget.ScalarAsync<long>(name, "SELECT COUNT_BIG(*) FROM dbo.account"));
        }
        finally { await SqlServerTarget.DropAsync(name); }
    }

    [MssqlFact]
    public async Task Two_concurrent_populates_one_loads_the_other_is_told_another_run_holds_the_database()
    {
        var name = SqlServerTarget.Name("concurrent");
        await SqlServerTarget.DropAsync(name);
        var bench = Path.Combine(Repo.Root, "schemas", "bench.sql");
        string[] Args(string rows) =>
            ["populate", "--db", SqlServerTarget.ConnectionString!, "--database", name, "--create", "--schema", bench, "--rows", rows, "--threads", "1", "--sizing", "uniform"];
        try
        {
            await using var first = RunningCli.Start(Args("account=1000000"));
            await WaitForBulkCopy(name, first);

            var second = Cli.Plurel(Args("account=1000"));
            Assert.True(second.ExitCode == 3, second.ToString());
            Assert.Contains("another plurel populate", second.StdErr);
            Assert.Contains($"database {name}", second.StdErr);

            var done = await first.WaitAsync(TimeSpan.FromMinutes(5));
            Assert.True(done.ExitCode == 0, done.ToString());
            Assert.Equal(1_000_000L, await SqlServerTarget.ScalarAsync<long>(name, "SELECT COUNT_BIG(*) FROM dbo.account"));
            Assert.Equal(1000L, await SqlServerTarget.ScalarAsync<long>(name, "SELECT COUNT_BIG(*) FROM dbo.branch"));
            Assert.Equal(0, await BuildsOf(name));
        }
        finally { await SqlServerTarget.DropAsync(name); }
    }

    [MssqlFact]
    public async Task Recreate_that_fails_leaves_the_old_database_with_its_rows()
    {
        var name = SqlServerTarget.Name("recreate_keep");
        await SqlServerTarget.DropAsync(name);
        var dir = Directory.CreateTempSubdirectory("plurel-mssql-recreate-");
        try
        {
            var good = Path.Combine(dir.FullName, "good.sql");
            var bad = Path.Combine(dir.FullName, "bad.sql");
            await File.WriteAllTextAsync(good, "CREATE TABLE item (id int PRIMARY KEY, v int NOT NULL);");
            // A CHECK the generator does not understand: its rows violate it, and the server refuses them.
            await File.WriteAllTextAsync(bad, "CREATE TABLE item (id int PRIMARY KEY, v int NOT NULL CHECK (v % 7 = 3));");
            var made = Cli.Plurel("populate", "--db", SqlServerTarget.ConnectionString!, "--database", name, "--recreate",
                "--schema", good, "--rows", "50");
            Assert.True(made.ExitCode == 0, made.ToString());

            var failed = Cli.Plurel("populate", "--db", SqlServerTarget.ConnectionString!, "--database", name, "--recreate",
                "--schema", bad, "--rows", "70");
            Assert.True(failed.ExitCode == 3, failed.ToString());
            Assert.Equal(50L, await SqlServerTarget.ScalarAsync<long>(name, "SELECT COUNT_BIG(*) FROM dbo.item"));
            Assert.Equal(0, await BuildsOf(name));

            // And a --recreate that succeeds replaces it.
            var again = Cli.Plurel("populate", "--db", SqlServerTarget.ConnectionString!, "--database", name, "--recreate",
                "--schema", good, "--rows", "30");
            Assert.True(again.ExitCode == 0, again.ToString());
            Assert.Equal(30L, await SqlServerTarget.ScalarAsync<long>(name, "SELECT COUNT_BIG(*) FROM dbo.item"));
            Assert.Equal(0, await BuildsOf(name));
        }
        finally
        {
            dir.Delete(recursive: true);
            await SqlServerTarget.DropAsync(name);
        }
    }

    [MssqlFact]
    public async Task A_128_character_database_name_is_built_under_a_temporary_name_that_fits()
    {
        var name = SqlServerTarget.Name("long").PadRight(128, 'n');
        await SqlServerTarget.DropAsync(name);
        try
        {
            var run = Cli.Plurel("populate", "--db", SqlServerTarget.ConnectionString!, "--database", name, "--create",
                "--schema", Path.Combine(Repo.Root, "schemas", "bench.sql"), "--rows", "10", "--sizing", "uniform");
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Equal(10L, await SqlServerTarget.ScalarAsync<long>(name, "SELECT COUNT_BIG(*) FROM dbo.teller"));
        }
        finally { await SqlServerTarget.DropAsync(name); }
    }
}
