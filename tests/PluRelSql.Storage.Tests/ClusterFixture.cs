using Npgsql;
using PluRelSql.Storage.Postgres;

namespace PluRelSql.Storage.Tests;

/// <summary>One real embedded cluster for the whole test run, in a temp directory the postgres user can reach,
/// on a port found free from 55500 up; stopped and deleted at the end.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private int _databases;

    public string Directory { get; } = Path.Combine("/tmp", $"plurel-storage-tests-{Environment.ProcessId}");

    public EmbeddedCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Cluster = EmbeddedCluster.At(Directory, preferredPort: 55500);
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
            if (System.IO.Directory.Exists(Directory)) System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    /// <summary>A fresh database for one test, so tests cannot see each other's tables.</summary>
    public async Task<string> NewDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Interlocked.Increment(ref _databases)}";
        await Cluster.EnsureDatabaseAsync(name);
        return Cluster.ConnectionString(name);
    }

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
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "embedded cluster";
}
