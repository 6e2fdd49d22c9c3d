using System.Diagnostics;
using System.Text;
using Npgsql;
using PluRelSql.LocalServer;
using PluRelSql.TestSupport;

namespace PluRelSql.Cli.Tests;

/// <summary>Kills, crashes, unreachable servers and concurrent runs: each is said plainly (exit 3), and --create leaves
/// no database behind that is not complete.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ServerFailureTests(ClusterFixture pg)
{
    private static string Bench => Path.Combine(Repo.Root, "schemas", "bench.sql");

    private Task<long> DatabasesLike(string pattern) =>
        pg.Scalar<long>("postgres", $"SELECT count(*) FROM pg_database WHERE datname LIKE '{pattern}'");

    [Fact]
    public async Task Kill_9_of_plurel_mid_load_leaves_no_database_and_the_next_run_drops_the_temporary_one()
    {
        await pg.Execute("postgres", "DROP DATABASE IF EXISTS killed_create WITH (FORCE)");
        await using (var run = RunningCli.Start("populate", "--db", pg.Url("postgres"), "--database", "killed_create", "--create",
                         "--schema", Bench, "--rows", "account=20000000", "--threads", "1"))
        {
            await WaitForCopy(pg.ConnectionString("postgres"), "killed_create__plurel_%", run);
            run.Kill();
        }
        Assert.Equal(0L, await DatabasesLike("killed_create"));
        Assert.Equal(1L, await DatabasesLike("killed\\_create\\_\\_plurel\\_%"));

        var next = Cli.Plurel("populate", "--db", pg.Url("postgres"), "--database", "killed_create", "--create",
            "--schema", Bench, "--rows", "100", "--sizing", "uniform");
        Assert.True(next.ExitCode == 0, next.ToString());
        Assert.Contains("note: dropped database killed_create__plurel_", next.StdErr);
        Assert.Equal(0L, await DatabasesLike("killed\\_create\\_\\_plurel\\_%"));
        Assert.Equal(100L, await pg.Scalar<long>("killed_create", "SELECT count(*) FROM account"));
    }

    [Fact]
    public async Task Two_concurrent_populates_one_loads_the_other_is_told_another_run_holds_the_database()
    {
        await pg.Execute("postgres", "DROP DATABASE IF EXISTS concurrent WITH (FORCE)");
        string[] Args(string rows) =>
            ["populate", "--db", pg.Url("postgres"), "--database", "concurrent", "--create", "--schema", Bench, "--rows", rows, "--threads", "1", "--sizing", "uniform"];
        await using var first = RunningCli.Start(Args("account=3000000"));
        await WaitForCopy(pg.ConnectionString("postgres"), "concurrent__plurel_%", first);

        var second = Cli.Plurel(Args("account=1000"));
        Assert.True(second.ExitCode == 3, second.ToString());
        Assert.Contains("another plurel populate", second.StdErr);
        Assert.Contains("database concurrent", second.StdErr);

        var done = await first.WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(done.ExitCode == 0, done.ToString());
        Assert.Equal(3_000_000L, await pg.Scalar<long>("concurrent", "SELECT count(*) FROM account"));
        Assert.Equal(1000L, await pg.Scalar<long>("concurrent", "SELECT count(*) FROM branch"));
    }

    [Fact]
    public async Task Recreate_that_fails_leaves_the_old_database_with_its_rows()
    {
        var dir = Directory.CreateTempSubdirectory("plurel-recreate-");
        try
        {
            var good = Path.Combine(dir.FullName, "good.sql");
            var bad = Path.Combine(dir.FullName, "bad.sql");
            await File.WriteAllTextAsync(good, "CREATE TABLE item (id int PRIMARY KEY, name text NOT NULL);");
            // A CHECK the generator does not understand: its rows violate it, and the server refuses them after the copy.
            await File.WriteAllTextAsync(bad, "CREATE TABLE item (id int PRIMARY KEY, name text NOT NULL CHECK (md5(name) = 'x'));");
            var made = Cli.Plurel("populate", "--db", pg.Url("postgres"), "--database", "recreate_keep", "--recreate",
                "--schema", good, "--rows", "50");
            Assert.True(made.ExitCode == 0, made.ToString());

            var failed = Cli.Plurel("populate", "--db", pg.Url("postgres"), "--database", "recreate_keep", "--recreate",
                "--schema", bad, "--rows", "70");
            Assert.True(failed.ExitCode == 3, failed.ToString());
            Assert.Equal(50L, await pg.Scalar<long>("recreate_keep", "SELECT count(*) FROM item"));
            Assert.Equal(0L, await DatabasesLike("recreate\\_keep\\_\\_plurel\\_%"));
        }
        finally { dir.Delete(recursive: true); }
    }

    [Fact]
    public async Task A_63_byte_database_name_is_built_under_a_temporary_name_that_fits()
    {
        var name = new string('n', 63);
        await pg.Execute("postgres", $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        var run = Cli.Plurel("populate", "--db", pg.Url("postgres"), "--database", name, "--create", "--schema", Bench, "--rows", "10", "--sizing", "uniform");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(10L, await pg.Scalar<long>(name, "SELECT count(*) FROM teller"));
        Assert.Equal(0L, await DatabasesLike("%\\_\\_plurel\\_%"));
        await pg.Execute("postgres", $"DROP DATABASE {name} WITH (FORCE)");
    }

    [Fact]
    public void A_host_that_does_not_resolve_and_a_refused_port_are_named()
    {
        var unknown = Cli.Plurel("populate", "--db", "postgresql://u@no-such-host.invalid/x", "--schema", Bench);
        Assert.True(unknown.ExitCode == 3, unknown.ToString());
        Assert.Contains("could not resolve host no-such-host.invalid", unknown.StdErr);

        var refused = Cli.Plurel("populate", "--db", "postgresql://u@127.0.0.1:1/x", "--schema", Bench);
        Assert.True(refused.ExitCode == 3, refused.ToString());
        Assert.Contains("could not connect to 127.0.0.1:1", refused.StdErr);
        Assert.Contains("connection refused", refused.StdErr);
    }

    /// <summary>Waits until a COPY into a database matching <paramref name="datnamePattern"/> has written rows.</summary>
    internal static async Task WaitForCopy(string maintenance, string datnamePattern, RunningCli run)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < TimeSpan.FromSeconds(60))
        {
            Assert.False(run.HasExited, "populate ended before it could be interrupted: " + run.StdErr);
            var copied = await ClusterFixture.ScalarAsync<long>(maintenance,
                $"SELECT coalesce(sum(tuples_processed), 0)::bigint FROM pg_stat_progress_copy WHERE datname LIKE '{datnamePattern}'");
            if (copied > 10_000) return;
            await Task.Delay(50);
        }
        Assert.Fail("never saw the COPY in progress: " + run.StdErr);
    }
}

/// <summary>A server crash mid-load, on a cluster of this test's own (the shared one must stay up for the others).</summary>
public sealed class ServerCrashTests
{
    [Fact]
    public async Task A_backend_killed_mid_copy_is_reported_with_host_and_database_and_leaves_no_database()
    {
        var dir = Path.Combine("/tmp", $"plurel-crash-{Environment.ProcessId}");
        var cluster = EmbeddedCluster.At(dir, preferredPort: 55680);
        try
        {
            await cluster.StartAsync();
            var maintenance = cluster.ConnectionString("postgres");
            string[] Args(string rows) =>
                ["populate", "--db", cluster.Url("postgres"), "--database", "crashed", "--create", "--schema",
                 Path.Combine(Repo.Root, "schemas", "bench.sql"), "--rows", rows, "--threads", "1", "--sizing", "uniform"];

            await using (var run = RunningCli.Start(Args("account=20000000")))
            {
                await ServerFailureTests.WaitForCopy(maintenance, "crashed__plurel_%", run);
                var backend = await ClusterFixture.ScalarAsync<int>(maintenance,
                    "SELECT pid FROM pg_stat_progress_copy WHERE datname LIKE 'crashed__plurel_%' LIMIT 1");
                var kill = ClusterFixture.Run("kill", ["-9", backend.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(10));
                Assert.True(kill.ExitCode == 0, kill.ToString());

                var result = await run.WaitAsync(TimeSpan.FromSeconds(60));
                Assert.True(result.ExitCode == 3, result.ToString());
                Assert.Contains("the server closed the connection during the load of account", result.StdErr);
                Assert.Contains($"host 127.0.0.1:{cluster.Port}", result.StdErr);
                Assert.Contains("database crashed", result.StdErr);
                Assert.DoesNotContain("Broken pipe", result.StdErr);
            }

            // The server restarts itself after a backend crash; then no database has the target's name.
            await WaitUntilAcceptingConnections(maintenance);
            Assert.Equal(0L, await ClusterFixture.ScalarAsync<long>(maintenance, "SELECT count(*) FROM pg_database WHERE datname = 'crashed'"));

            var next = Cli.Plurel(Args("100"));
            Assert.True(next.ExitCode == 0, next.ToString());
            Assert.Equal(0L, await ClusterFixture.ScalarAsync<long>(maintenance,
                "SELECT count(*) FROM pg_database WHERE datname LIKE 'crashed\\_\\_plurel\\_%'"));
            Assert.Equal(100L, await ClusterFixture.ScalarAsync<long>(cluster.ConnectionString("crashed"), "SELECT count(*) FROM account"));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            try { await cluster.StopAsync(); }
            finally { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }
        }
    }

    private static async Task WaitUntilAcceptingConnections(string connectionString)
    {
        var sw = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                NpgsqlConnection.ClearAllPools();
                await ClusterFixture.ScalarAsync<int>(connectionString, "SELECT 1");
                return;
            }
            catch (NpgsqlException) when (sw.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(200);
            }
        }
    }
}

/// <summary>The CLI in a child process that a test can wait for or kill (SIGKILL), with its output collected.</summary>
internal sealed class RunningCli : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private RunningCli(Process process) => _process = process;

    public static RunningCli Start(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        psi.ArgumentList.Add(Repo.PlurelDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        var p = new Process { StartInfo = psi };
        var run = new RunningCli(p);
        p.OutputDataReceived += (_, e) => { lock (run._stdout) run._stdout.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { lock (run._stderr) run._stderr.AppendLine(e.Data); };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return run;
    }

    public bool HasExited => _process.HasExited;

    /// <summary>The child's process id (SQL Server shows it as a session's host_process_id).</summary>
    public int Id => _process.Id;

    public string StdErr { get { lock (_stderr) return _stderr.ToString(); } }

    public void Kill()
    {
        _process.Kill(entireProcessTree: true); // SIGKILL
        _process.WaitForExit();
    }

    public async Task<ProcessResult> WaitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        _process.WaitForExit(); // drains the redirected output
        string stdout;
        lock (_stdout) stdout = _stdout.ToString();
        return new ProcessResult(_process.ExitCode, stdout, StdErr);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) Kill();
        await Task.CompletedTask;
        _process.Dispose();
    }
}
