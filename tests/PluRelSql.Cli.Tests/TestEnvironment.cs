using System.Diagnostics;
using Npgsql;
using PluRelSql.Storage.Postgres;

namespace PluRelSql.Cli.Tests;

/// <summary>Paths of the checkout and of the shared corpus beside it.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string Corpus(string relative) =>
        Path.GetFullPath(Path.Combine(Root, "..", "shared", "corpus", relative));

    public static string PlurelDll => Path.Combine(AppContext.BaseDirectory, "plurel.dll");

    private static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "PluRelSql.sln"))) return d.FullName;
        throw new InvalidOperationException("PluRelSql.sln not found above " + AppContext.BaseDirectory);
    }
}

public sealed record ProcessResult(int ExitCode, string StdOut, string StdErr)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{StdOut}\nstderr:\n{StdErr}";
}

/// <summary>One embedded cluster for the whole CLI test assembly, in a temp folder, on a free port.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"plurel-cli-tests-{Environment.ProcessId}");

    public EmbeddedCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Cluster = EmbeddedCluster.At(Path.Combine(_dir, "pg"), preferredPort: 55610);
        await Cluster.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        try { await Cluster.StopAsync(CancellationToken.None); }
        finally
        {
            try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    public string Url(string database) => Cluster.Url(database);

    public string ConnectionString(string database) => Cluster.ConnectionString(database);

    /// <summary>Runs the plurel CLI in a child process (its working directory is a scratch folder).</summary>
    public static ProcessResult Plurel(params string[] args) => Run("dotnet", [Repo.PlurelDll, .. args], TimeSpan.FromMinutes(5));

    public ProcessResult Psql(string database, params string[] args) =>
        Run("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", Url(database), .. args], TimeSpan.FromMinutes(2));

    public async Task<T> Scalar<T>(string database, string sql)
    {
        await using var conn = new NpgsqlConnection(ConnectionString(database));
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    public async Task Execute(string database, string sql)
    {
        await using var conn = new NpgsqlConnection(ConnectionString(database));
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    public async Task RecreateDatabase(string name)
    {
        await Execute("postgres", $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        await Execute("postgres", $"CREATE DATABASE \"{name}\"");
    }

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

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "embedded cluster";
}
