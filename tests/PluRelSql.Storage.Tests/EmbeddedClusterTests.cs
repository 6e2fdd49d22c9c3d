using System.Diagnostics;
using PluRelSql.Storage.Postgres;

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
