using System.Diagnostics;
using Npgsql;
using PluRelSql.LocalServer;

namespace PluRelSql.TestSupport;

/// <summary>One real embedded cluster per test assembly, in a temp directory the postgres user can reach, on a free
/// port; stopped and deleted at the end. Linked as source into every test project that needs a server (see
/// tests/Directory.Build.props), each with its own port range so assemblies can run in parallel.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private int _databases;

    public string Directory { get; } = Path.Combine("/tmp", $"plurel-{TestAssembly.Name}-{Environment.ProcessId}");

    public EmbeddedCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Cluster = EmbeddedCluster.At(Directory, preferredPort: TestAssembly.PortBase);
        await Cluster.StartAsync();
    }

    public async Task DisposeAsync()
    {
        try
        {
            NpgsqlConnection.ClearAllPools();
            await Cluster.StopAsync();
        }
        finally
        {
            try { if (System.IO.Directory.Exists(Directory)) System.IO.Directory.Delete(Directory, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }

    public string Url(string database) => Cluster.Url(database);

    public string ConnectionString(string database) => Cluster.ConnectionString(database);

    /// <summary>A fresh database for one test, so tests cannot see each other's tables. Returns its connection string.</summary>
    public async Task<string> NewDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Interlocked.Increment(ref _databases)}";
        await Cluster.EnsureDatabaseAsync(name);
        return Cluster.ConnectionString(name);
    }

    public async Task RecreateDatabase(string name)
    {
        await Execute("postgres", $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        await Execute("postgres", $"CREATE DATABASE \"{name}\"");
    }

    public Task Execute(string database, string sql) => ExecAsync(ConnectionString(database), sql);

    public Task<T> Scalar<T>(string database, string sql) => ScalarAsync<T>(ConnectionString(database), sql);

    public static async Task ExecAsync(string connectionString, string sql)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    public static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>psql with ON_ERROR_STOP against a database of this cluster.</summary>
    public ProcessResult Psql(string database, params string[] args) =>
        Run(Path.Combine(Cluster.BinDirectory, "psql"), ["-X", "-q", "-v", "ON_ERROR_STOP=1", Url(database), .. args], TimeSpan.FromMinutes(2));

    public static ProcessResult Run(string file, IEnumerable<string> args, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} ran over {timeout}");
        }
        return new ProcessResult(p.ExitCode, stdout.Result, stderr.Result);
    }
}

public sealed record ProcessResult(int ExitCode, string StdOut, string StdErr)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{StdOut}\nstderr:\n{StdErr}";
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "embedded cluster";
}

internal static class TestAssembly
{
    public static string Name { get; } = typeof(TestAssembly).Assembly.GetName().Name!.Replace("PluRelSql.", "").Replace(".Tests", "").ToLowerInvariant();

    /// <summary>Separate port ranges keep the clusters of assemblies that run at the same time apart.</summary>
    public static int PortBase => Name switch
    {
        "storage" => 55500,
        "cli" => 55610,
        "tokenization" => 55720,
        "localserver" => 55830,
        _ => 55830,
    };
}
