using System.Data;
using System.Security.Cryptography;
using Microsoft.Data.SqlClient;
using PluRelSql.Storage.Postgres;

namespace PluRelSql.Storage.SqlServer;

/// <summary>SQL Server's counterpart of <see cref="PgTargetSession"/>: the session a run that writes into a database
/// holds on <c>master</c> for as long as it runs. It takes an application lock (sp_getapplock, owned by the session,
/// so it is released when the connection closes, however the client ends) on <c>plurel:NAME</c>, so a second run into
/// the same database is refused at once. A database the run creates is built under a temporary name
/// (<c>NAME__plurel_1a2b3c4d</c>) and renamed to NAME only after the load committed, so a killed run or a crashed
/// server never leaves a database called NAME behind. Its creator also holds a lock on the temporary name: a temporary
/// database whose lock is free belongs to a run that is gone, and the next run drops it.</summary>
public sealed class SqlServerTargetSession : ITargetSession
{
    /// <summary>CREATE DATABASE without a file list names the log file NAME_log, so NAME may have at most 123 of
    /// sysname's 128 characters.</summary>
    internal const int MaxCreatableName = 123;

    /// <summary>Takes an exclusive application lock owned by the session, without waiting; selects
    /// sp_getapplock's result (0 granted, -1 taken by another session).</summary>
    internal const string LockSql =
        "DECLARE @r int; EXEC @r = sys.sp_getapplock @Resource = @resource, @LockMode = N'Exclusive', " +
        "@LockOwner = N'Session', @LockTimeout = 0, @DbPrincipal = N'public'; SELECT @r;";

    internal const string UnlockSql =
        "EXEC sys.sp_releaseapplock @Resource = @resource, @LockOwner = N'Session', @DbPrincipal = N'public';";

    /// <summary>The session holding the lock, for the message a second run gets. Only the first 32 characters of an
    /// application lock's resource are kept in plain text; without VIEW SERVER STATE nothing is found (then the message
    /// says "plurel run").</summary>
    private const string HolderSql =
        """
        SELECT TOP (1) s.program_name + N' (session ' + CAST(s.session_id AS nvarchar(10)) + N')'
        FROM sys.dm_tran_locks l JOIN sys.dm_exec_sessions s ON s.session_id = l.request_session_id
        WHERE l.resource_type = N'APPLICATION' AND l.resource_database_id = DB_ID() AND l.request_owner_type = N'SESSION'
          AND l.request_status = N'GRANT' AND l.request_session_id <> @@SPID AND s.program_name LIKE N'plurel %'
          AND CHARINDEX(@head, l.resource_description) > 0
        """;

    private readonly SqlConnection _conn;
    private readonly string _masterConnectionString;
    private readonly string _serverConnectionString;

    private SqlServerTargetSession(SqlConnection conn, string masterConnectionString, string serverConnectionString, string database)
    {
        _conn = conn;
        _masterConnectionString = masterConnectionString;
        _serverConnectionString = serverConnectionString;
        Database = database;
    }

    /// <summary>The database the run writes into, as the user named it.</summary>
    public string Database { get; }

    /// <summary>The temporary database this run is building, until it is published or dropped.</summary>
    public string? BuildDatabase { get; private set; }

    /// <summary>Opens the session on master and takes the lock on <paramref name="database"/>; throws
    /// <see cref="DatabaseBusyException"/> when another run holds it.</summary>
    /// <param name="connectionString">Any connection string of the server (its database is replaced).</param>
    /// <param name="command">What this run is ("populate"): shown to a second run that finds the lock taken.</param>
    public static async Task<SqlServerTargetSession> OpenAsync(string connectionString, string database, string command, CancellationToken ct)
    {
        var csb = SqlServerConnectionString.Parse(connectionString);
        csb.InitialCatalog = "master";
        // The lock lives as long as this physical connection: it must really close at the end, not idle in a pool.
        csb.Pooling = false;
        csb.ApplicationName = "plurel " + command;
        var conn = new SqlConnection(csb.ConnectionString);
        try
        {
            await conn.OpenAsync(ct).ConfigureAwait(false);
            var session = new SqlServerTargetSession(conn, csb.ConnectionString, connectionString, database);
            var resource = TargetResource(database);
            if (!await session.TryLockAsync(resource, ct).ConfigureAwait(false))
            {
                var holder = await session.HolderAsync(resource, ct).ConfigureAwait(false);
                throw new DatabaseBusyException(
                    $"another {holder ?? "plurel run"} is loading database {database} on {csb.DataSource}; " +
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
        await using var cmd = new SqlCommand("SELECT DB_ID(@name)", _conn);
        cmd.Parameters.Add(Name("@name", Database));
        return await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false) is not DBNull and not null;
    }

    /// <summary>Drops the temporary databases of runs that are gone (killed, or whose server crashed): those whose
    /// lock nobody holds. Writes a note for each to <paramref name="log"/>; one that cannot be dropped is a warning.</summary>
    public async Task DropStaleBuildsAsync(TextWriter log, CancellationToken ct)
    {
        var names = new List<string>();
        await using (var list = new SqlCommand("SELECT name FROM sys.databases WHERE CHARINDEX(@marker, name) > 0 ORDER BY name", _conn))
        {
            list.Parameters.Add(Name("@marker", BuildDatabaseName.Marker));
            await using var r = await list.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await r.ReadAsync(ct).ConfigureAwait(false))
                if (IsBuildName(r.GetString(0))) names.Add(r.GetString(0));
        }
        foreach (var name in names)
        {
            var resource = BuildResource(name);
            if (!await TryLockAsync(resource, ct).ConfigureAwait(false)) continue; // its run is still going
            try
            {
                await ExecuteAsync(_conn, DropSql(name), ct).ConfigureAwait(false);
                log.WriteLine($"note: dropped database {name}, left half-made by a plurel run that did not finish");
            }
            catch (SqlException e)
            {
                log.WriteLine($"warning: could not drop database {name}, left half-made by a plurel run that did not finish: {e.Message}");
            }
            finally
            {
                await UnlockAsync(resource, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Creates the temporary database the load fills (locked first, so no other run takes it for stale).
    /// Returns its name.</summary>
    public async Task<string> CreateBuildAsync(CancellationToken ct)
    {
        if (BuildDatabase is not null) throw new InvalidOperationException("a temporary database is already being built");
        var name = BuildNameFor(Database, RandomNumberGenerator.GetHexString(8, lowercase: true));
        if (!await TryLockAsync(BuildResource(name), ct).ConfigureAwait(false))
            throw new InvalidOperationException($"the lock of the new temporary database {name} is taken");
        await ExecuteAsync(_conn, $"CREATE DATABASE {SqlServerNames.Quote(name)}", ct).ConfigureAwait(false);
        BuildDatabase = name;
        return name;
    }

    /// <summary>The connection string of database <paramref name="database"/> on this server.</summary>
    public string ConnectionStringFor(string database)
    {
        var b = SqlServerConnectionString.Parse(_serverConnectionString);
        b.InitialCatalog = database;
        return b.ConnectionString;
    }

    /// <summary>Gives the built database the target's name: drops the old database first when
    /// <paramref name="replace"/> (only now, so a failed run leaves it as it was).</summary>
    public async Task PublishAsync(bool replace, CancellationToken ct)
    {
        var build = BuildDatabase ?? throw new InvalidOperationException("no temporary database to publish");
        // MODIFY NAME needs the database to itself (and DROP the old one): pooled connections of this process would hold them.
        SqlConnection.ClearAllPools();
        foreach (var sql in PublishSql(build, Database, replace)) await ExecuteAsync(_conn, sql, ct).ConfigureAwait(false);
        BuildDatabase = null;
        await UnlockAsync(BuildResource(build), ct).ConfigureAwait(false);
    }

    /// <summary>Drops the temporary database after a failed run. Never throws: when the server cannot be reached the
    /// database stays, and the next run drops it (its lock is released with this session).</summary>
    public async Task DropBuildQuietlyAsync(TextWriter log)
    {
        if (BuildDatabase is not { } build) return;
        try
        {
            SqlConnection.ClearAllPools();
            // The session may have died with the server: drop on a connection of its own.
            await using var conn = new SqlConnection(_masterConnectionString);
            await conn.OpenAsync().ConfigureAwait(false);
            await ExecuteAsync(conn, DropSql(build), CancellationToken.None).ConfigureAwait(false);
            BuildDatabase = null;
        }
        catch (SqlException e)
        {
            log.WriteLine($"warning: could not drop the temporary database {build} ({e.Message}); " +
                          "the next plurel populate on this server drops it");
        }
    }

    public async ValueTask DisposeAsync() => await _conn.DisposeAsync().ConfigureAwait(false);

    /// <summary><c>NAME__plurel_HEX8</c>, NAME cut so the whole is a name CREATE DATABASE accepts
    /// (<see cref="MaxCreatableName"/> characters).</summary>
    internal static string BuildNameFor(string database, string hex8) =>
        BuildDatabaseName.For(database, hex8, MaxCreatableName, s => s.Length);

    /// <summary>True for names <see cref="BuildNameFor"/> makes (a user's <c>shop__plurel_notes</c> is not one).</summary>
    internal static bool IsBuildName(string name) => BuildDatabaseName.Is(name);

    /// <summary>The lock of a target database. Application lock names compare in binary, while SQL Server's usual
    /// collations make Shop and shop one database: the name is upper-cased so both spellings take one lock.</summary>
    internal static string TargetResource(string database) => "plurel:" + database.ToUpperInvariant();

    /// <summary>The lock a temporary database's creator holds (the name exactly as created).</summary>
    internal static string BuildResource(string build) => "plurel-build:" + build;

    /// <summary>Drops <paramref name="name"/> if it exists, rolling back and disconnecting whoever is in it.</summary>
    internal static string DropSql(string name)
    {
        var quoted = SqlServerNames.Quote(name);
        return $"""
            IF DB_ID({SqlServerNames.Literal(name)}) IS NOT NULL
            BEGIN
                ALTER DATABASE {quoted} SET SINGLE_USER WITH ROLLBACK IMMEDIATE;
                DROP DATABASE {quoted};
            END
            """;
    }

    /// <summary>The statements that publish <paramref name="build"/> as <paramref name="database"/>: the old one
    /// dropped first when <paramref name="replace"/>; sessions left in the build (none of this run's) are rolled back
    /// and it is back to MULTI_USER before MODIFY NAME, so the published database is never single-user.</summary>
    internal static IReadOnlyList<string> PublishSql(string build, string database, bool replace)
    {
        var b = SqlServerNames.Quote(build);
        var statements = new List<string>();
        if (replace) statements.Add(DropSql(database));
        statements.Add($"ALTER DATABASE {b} SET SINGLE_USER WITH ROLLBACK IMMEDIATE");
        statements.Add($"ALTER DATABASE {b} SET MULTI_USER");
        statements.Add($"ALTER DATABASE {b} MODIFY NAME = {SqlServerNames.Quote(database)}");
        return statements;
    }

    private async Task<bool> TryLockAsync(string resource, CancellationToken ct)
    {
        await using var cmd = new SqlCommand(LockSql, _conn);
        cmd.Parameters.Add(Name("@resource", resource, 255));
        var result = Convert.ToInt32(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        return result switch
        {
            >= 0 => true,
            -1 => false,
            _ => throw new InvalidOperationException($"sp_getapplock on {resource} returned {result}"),
        };
    }

    private async Task UnlockAsync(string resource, CancellationToken ct)
    {
        await using var cmd = new SqlCommand(UnlockSql, _conn);
        cmd.Parameters.Add(Name("@resource", resource, 255));
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>"plurel populate (session 57)" for the session that holds a lock, when the server says.</summary>
    private async Task<string?> HolderAsync(string resource, CancellationToken ct)
    {
        try
        {
            await using var cmd = new SqlCommand(HolderSql, _conn);
            cmd.Parameters.Add(Name("@head", resource[..Math.Min(32, resource.Length)]));
            return await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false) as string;
        }
        catch (SqlException)
        {
            return null; // only for the message: a server that will not say still gets the refusal
        }
    }

    private static SqlParameter Name(string parameter, string value, int size = 128) =>
        new(parameter, SqlDbType.NVarChar, size) { Value = value };

    private static async Task ExecuteAsync(SqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new SqlCommand(sql, conn) { CommandTimeout = 0 };
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
