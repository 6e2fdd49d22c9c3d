using System.Security.Cryptography;
using System.Text;
using Npgsql;
using PluRelSql.Schema;

namespace PluRelSql.Storage.Postgres;

/// <summary>The session a run that writes into a database holds on the server's maintenance database (postgres) for
/// as long as it runs. It takes a session advisory lock keyed on the target database's name, so a second run into the
/// same database is refused at once instead of colliding in the catalog (advisory locks belong to one database, so
/// every run takes them in the same one). A database the run creates is built under a temporary name
/// (<c>NAME__plurel_1a2b3c4d</c>) and renamed to NAME only after the load committed, so a killed run or a crashed
/// server never leaves a database called NAME behind. Its creator also holds an advisory lock keyed on the temporary
/// name: a temporary database whose lock is free belongs to a run that is gone, and the next run drops it.</summary>
public sealed class PgTargetSession : ITargetSession
{
    // Two-key advisory locks (class, hash of the name): one class for targets, one for temporary databases.
    private const int TargetLockClass = 0x706C7274; // "plrt"
    private const int BuildLockClass = 0x706C7262;  // "plrb"
    private const int MaxIdentifierBytes = 63;

    private readonly NpgsqlConnection _conn;
    private readonly string _sessionConnectionString;
    private readonly string _serverConnectionString;

    private PgTargetSession(NpgsqlConnection conn, string sessionConnectionString, string serverConnectionString, string database)
    {
        _conn = conn;
        _sessionConnectionString = sessionConnectionString;
        _serverConnectionString = serverConnectionString;
        Database = database;
    }

    /// <summary>The database the run writes into, as the user named it.</summary>
    public string Database { get; }

    /// <summary>The temporary database this run is building, until it is published or dropped.</summary>
    public string? BuildDatabase { get; private set; }

    /// <summary>Opens the session and takes the lock on <paramref name="database"/>; throws
    /// <see cref="DatabaseBusyException"/> when another run holds it.</summary>
    /// <param name="connectionString">Any connection string of the server (its database is replaced).</param>
    /// <param name="command">What this run is ("populate"): shown to a second run that finds the lock taken.</param>
    public static async Task<PgTargetSession> OpenAsync(string connectionString, string database, string command, CancellationToken ct)
    {
        var csb = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Database = "postgres",
            // The lock lives as long as this physical connection: it must really close at the end, not idle in a pool.
            Pooling = false,
            ApplicationName = "plurel " + command,
        };
        var conn = new NpgsqlConnection(csb.ConnectionString);
        try
        {
            await conn.OpenAsync(ct).ConfigureAwait(false);
            var session = new PgTargetSession(conn, csb.ConnectionString, connectionString, database);
            if (!await session.TryLockAsync(TargetLockClass, database, ct).ConfigureAwait(false))
            {
                var holder = await session.HolderAsync(TargetLockClass, database, ct).ConfigureAwait(false);
                throw new DatabaseBusyException(
                    $"another {holder ?? "plurel run"} is loading database {database} on {PgServerErrors.Endpoint(csb.Host ?? "localhost", csb.Port)}; " +
                    "wait for it to finish (or stop it), then run again");
            }
            return session;
        }
        catch
        {
            await conn.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>True when the target database exists.</summary>
    public async Task<bool> ExistsAsync(CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", _conn);
        cmd.Parameters.AddWithValue(Database);
        return await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false) is not null;
    }

    /// <summary>Drops the temporary databases of runs that are gone (killed, or whose server crashed): those whose
    /// lock nobody holds. Writes a note for each to <paramref name="log"/>; one that cannot be dropped is a warning.</summary>
    public async Task DropStaleBuildsAsync(TextWriter log, CancellationToken ct)
    {
        var names = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT datname FROM pg_database WHERE strpos(datname, $1) > 0 ORDER BY datname", _conn))
        {
            list.Parameters.AddWithValue(BuildDatabaseName.Marker);
            await using var r = await list.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await r.ReadAsync(ct).ConfigureAwait(false))
                if (BuildDatabaseName.Is(r.GetString(0))) names.Add(r.GetString(0));
        }
        foreach (var name in names)
        {
            if (!await TryLockAsync(BuildLockClass, name, ct).ConfigureAwait(false)) continue; // its run is still going
            try
            {
                await ExecuteAsync($"DROP DATABASE IF EXISTS {SqlIdent.Quote(name)} WITH (FORCE)", ct).ConfigureAwait(false);
                log.WriteLine($"note: dropped database {name}, left half-made by a plurel run that did not finish");
            }
            catch (PostgresException e)
            {
                log.WriteLine($"warning: could not drop database {name}, left half-made by a plurel run that did not finish: {e.MessageText}");
            }
            finally
            {
                await UnlockAsync(BuildLockClass, name, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Creates the temporary database the load fills (locked first, so no other run takes it for stale).
    /// Returns its name.</summary>
    public async Task<string> CreateBuildAsync(CancellationToken ct)
    {
        if (BuildDatabase is not null) throw new InvalidOperationException("a temporary database is already being built");
        var name = BuildNameFor(Database, RandomNumberGenerator.GetHexString(8, lowercase: true));
        if (!await TryLockAsync(BuildLockClass, name, ct).ConfigureAwait(false))
            throw new InvalidOperationException($"the lock of the new temporary database {name} is taken");
        await ExecuteAsync($"CREATE DATABASE {SqlIdent.Quote(name)}", ct).ConfigureAwait(false);
        BuildDatabase = name;
        return name;
    }

    /// <summary>The connection string of database <paramref name="database"/> on this server.</summary>
    public string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(_serverConnectionString) { Database = database }.ConnectionString;

    /// <summary>Gives the built database the target's name: drops the old database first when
    /// <paramref name="replace"/> (only now, so a failed run leaves it as it was).</summary>
    public async Task PublishAsync(bool replace, CancellationToken ct)
    {
        var build = BuildDatabase ?? throw new InvalidOperationException("no temporary database to publish");
        // RENAME needs the database free of sessions: pooled connections of this process would hold it.
        await using (var pooled = new NpgsqlConnection(ConnectionStringFor(build))) NpgsqlConnection.ClearPool(pooled);
        if (replace)
        {
            await using (var pooled = new NpgsqlConnection(ConnectionStringFor(Database))) NpgsqlConnection.ClearPool(pooled);
            await ExecuteAsync($"DROP DATABASE IF EXISTS {SqlIdent.Quote(Database)} WITH (FORCE)", ct).ConfigureAwait(false);
        }
        await ExecuteAsync($"ALTER DATABASE {SqlIdent.Quote(build)} RENAME TO {SqlIdent.Quote(Database)}", ct).ConfigureAwait(false);
        BuildDatabase = null;
        await UnlockAsync(BuildLockClass, build, ct).ConfigureAwait(false);
    }

    /// <summary>Drops the temporary database after a failed run. Never throws: when the server cannot be reached the
    /// database stays, and the next run drops it (its lock is released with this session).</summary>
    public async Task DropBuildQuietlyAsync(TextWriter log)
    {
        if (BuildDatabase is not { } build) return;
        try
        {
            await using (var pooled = new NpgsqlConnection(ConnectionStringFor(build))) NpgsqlConnection.ClearPool(pooled);
            // The session may have died with the server: drop on a connection of its own.
            await using var conn = new NpgsqlConnection(_sessionConnectionString);
            await conn.OpenAsync().ConfigureAwait(false);
            await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {SqlIdent.Quote(build)} WITH (FORCE)", conn);
            await cmd.ExecuteNonQueryAsync().ConfigureAwait(false);
            BuildDatabase = null;
        }
        catch (NpgsqlException e)
        {
            log.WriteLine($"warning: could not drop the temporary database {build} ({e.Message}); " +
                          "the next plurel populate on this server drops it");
        }
    }

    public async ValueTask DisposeAsync() => await _conn.DisposeAsync().ConfigureAwait(false);

    /// <summary><c>NAME__plurel_HEX8</c>, NAME cut so the whole fits PostgreSQL's 63 bytes.</summary>
    internal static string BuildNameFor(string database, string hex8) =>
        BuildDatabaseName.For(database, hex8, MaxIdentifierBytes, Encoding.UTF8.GetByteCount);

    private static int Key(string name) =>
        BitConverter.ToInt32(SHA256.HashData(Encoding.UTF8.GetBytes(name)), 0) & int.MaxValue;

    private async Task<bool> TryLockAsync(int lockClass, string name, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT pg_try_advisory_lock($1, $2)", _conn);
        cmd.Parameters.AddWithValue(lockClass);
        cmd.Parameters.AddWithValue(Key(name));
        return await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false) is true;
    }

    private async Task UnlockAsync(int lockClass, string name, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT pg_advisory_unlock($1, $2)", _conn);
        cmd.Parameters.AddWithValue(lockClass);
        cmd.Parameters.AddWithValue(Key(name));
        await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false);
    }

    /// <summary>"plurel populate (server process 1234)" for the session that holds a lock, when the server says.</summary>
    private async Task<string?> HolderAsync(int lockClass, string name, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            """
            SELECT coalesce(nullif(a.application_name, ''), 'plurel run') || ' (server process ' || l.pid || ')'
            FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1::oid AND l.objid = $2::oid AND l.objsubid = 2
            LIMIT 1
            """, _conn);
        cmd.Parameters.AddWithValue((long)lockClass);
        cmd.Parameters.AddWithValue((long)Key(name));
        return await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false) as string;
    }

    private async Task ExecuteAsync(string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, _conn);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}

/// <summary>Another run holds the target database (its advisory lock is taken). The CLI maps it to exit code 3.</summary>
public sealed class DatabaseBusyException(string message) : Exception(message);
