using System.Diagnostics;
using PluRelSql.Storage.Postgres;

using PluRelSql.TestSupport;

namespace PluRelSql.Storage.Tests;

[Collection(ClusterCollection.Name)]
public sealed class EmbeddedClusterTests(ClusterFixture fx)
{
    [Fact]
    public async Task Status_reports_running_port_and_version()
    {
        var status = await fx.Cluster.StatusAsync();
        Assert.True(status.Running);
        Assert.Equal(fx.Cluster.Port, status.Port);
        Assert.InRange(status.Port!.Value, 55500, 55699);
        Assert.Equal(Path.Combine(fx.Directory, "data"), status.DataDirectory);
        Assert.Contains("PostgreSQL", status.Version, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Psql_connects_with_the_url()
    {
        var psi = new ProcessStartInfo(Path.Combine(fx.Cluster.BinDirectory, "psql"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { fx.Cluster.Url(), "-X", "-A", "-t", "-c", "select 40 + 2" }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = await p.StandardOutput.ReadToEndAsync();
        var error = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, error);
        Assert.Equal("42", output.Trim());
    }

    [Fact]
    public async Task Url_has_the_libpq_form()
    {
        Assert.Equal($"postgresql://postgres@127.0.0.1:{fx.Cluster.Port}/shop", fx.Cluster.Url("shop"));
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Start_is_idempotent_and_a_second_instance_reuses_the_remembered_port()
    {
        await fx.Cluster.StartAsync();
        var other = EmbeddedCluster.At(fx.Directory, preferredPort: 55500);
        await other.StartAsync();
        Assert.Equal(fx.Cluster.Port, other.Port);
        Assert.False(other.UsesFallbackDirectory);
    }

    [Fact]
    public async Task EnsureDatabase_creates_once()
    {
        await fx.Cluster.EnsureDatabaseAsync("ensure_me");
        await fx.Cluster.EnsureDatabaseAsync("ensure_me");
        var n = await ClusterFixture.ScalarAsync<long>(fx.Cluster.ConnectionString(),
            "select count(*) from pg_database where datname = 'ensure_me'");
        Assert.Equal(1L, n);
    }
}

/// <summary>Clusters of their own (not the shared fixture's): concurrent start, directory fallback, socket path.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class EmbeddedClusterLayoutTests
{
    [Fact]
    public async Task Two_concurrent_starts_of_a_new_cluster_make_one_cluster()
    {
        var dir = Path.Combine("/tmp", $"plurel-storage-race-{Environment.ProcessId}");
        var a = EmbeddedCluster.At(dir, 55700);
        var b = EmbeddedCluster.At(dir, 55700);
        try
        {
            await Task.WhenAll(Task.Run(() => a.StartAsync()), Task.Run(() => b.StartAsync()));
            Assert.Equal(a.Port, b.Port);
            Assert.True((await b.StatusAsync()).Running);
            Assert.Equal(1L, await ClusterFixture.ScalarAsync<long>(a.ConnectionString(), "select count(*) from pg_database where datname = 'postgres'"));
            await a.StopAsync();
            Assert.False((await b.StatusAsync()).Running);
            await b.StopAsync(); // stopping a stopped cluster is fine
        }
        finally
        {
            await a.StopAsync();
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_directory_the_postgres_user_cannot_reach_falls_back_to_var_tmp()
    {
        var root = Path.Combine("/tmp", $"plurel-storage-private-{Environment.ProcessId}");
        Directory.CreateDirectory(root);
        try
        {
            File.SetUnixFileMode(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var cluster = EmbeddedCluster.At(Path.Combine(root, "pg"));
            if (Environment.IsPrivilegedProcess)
            {
                Assert.True(cluster.UsesFallbackDirectory);
                Assert.StartsWith("/var/tmp/plurel-", cluster.ClusterDirectory, StringComparison.Ordinal);
                Assert.EndsWith("/pg", cluster.ClusterDirectory, StringComparison.Ordinal);
                Assert.Equal(Path.Combine(cluster.ClusterDirectory, "data"), cluster.DataDirectory);
                // The same request resolves to the same fallback, so later commands find the cluster.
                Assert.Equal(cluster.ClusterDirectory, EmbeddedCluster.At(Path.Combine(root, "pg")).ClusterDirectory);
                Directory.Delete(Path.GetDirectoryName(cluster.ClusterDirectory)!, recursive: true);
            }
            else
            {
                // Not root: the server runs as us, so our own private directory is fine.
                Assert.False(cluster.UsesFallbackDirectory);
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void A_long_directory_puts_the_socket_under_tmp()
    {
        var shortOne = EmbeddedCluster.At("/tmp/plurel-short/pg");
        Assert.Equal("/tmp/plurel-short/pg", shortOne.SocketDirectory);
        var longDir = "/tmp/" + new string('d', 120) + "/pg";
        var longOne = EmbeddedCluster.At(longDir);
        try
        {
            Assert.StartsWith("/tmp/plurel-", longOne.SocketDirectory, StringComparison.Ordinal);
            Assert.True(longOne.SocketDirectory.Length < 40);
        }
        finally
        {
            if (Directory.Exists("/tmp/plurel-short")) Directory.Delete("/tmp/plurel-short", recursive: true);
            if (Directory.Exists("/tmp/" + new string('d', 120))) Directory.Delete("/tmp/" + new string('d', 120), recursive: true);
        }
    }
}
