using Npgsql;
using PluRelSql.LocalServer;
using PluRelSql.Schema;
using PluRelSql.Storage;
using PluRelSql.Storage.Postgres;
using PluRelSql.Storage.SqlServer;

namespace PluRelSql.Cli;

/// <summary>Where a command connects: <c>--db</c> when given (PostgreSQL or SQL Server, told apart by the connection
/// string or by <c>--provider</c>), else the embedded cluster under ./.plurel/pg (started on demand).
/// <c>--database NAME</c> picks the database on that server.</summary>
public sealed class Target
{
    private readonly NpgsqlConnectionStringBuilder? _pg;
    private readonly Microsoft.Data.SqlClient.SqlConnectionStringBuilder? _ms;

    private Target(NpgsqlConnectionStringBuilder pg, bool embedded)
    {
        _pg = pg;
        Embedded = embedded;
        Provider = DatabaseProvider.Postgres;
    }

    private Target(Microsoft.Data.SqlClient.SqlConnectionStringBuilder ms)
    {
        _ms = ms;
        Provider = DatabaseProvider.SqlServer;
    }

    public DatabaseProvider Provider { get; }
    public bool Embedded { get; }

    /// <summary>What differs per server: sessions, DDL writer, loader, introspection.</summary>
    public IDatabaseTarget Server => DatabaseTargets.For(Provider);

    /// <summary>This target as the workflows take it.</summary>
    public DatabaseEndpoint Endpoint => new(Server, ConnectionString, Database, Describe());

    public string Database => _pg is not null
        ? _pg.Database ?? "postgres"
        : string.IsNullOrEmpty(_ms!.InitialCatalog) ? "master" : _ms.InitialCatalog;

    public string ConnectionString => _pg?.ConnectionString ?? _ms!.ConnectionString;

    /// <summary>The same server, another database (e.g. the maintenance database for CREATE DATABASE).</summary>
    public string ConnectionStringFor(string database) => _pg is not null
        ? new NpgsqlConnectionStringBuilder(_pg.ConnectionString) { Database = database }.ConnectionString
        : new Microsoft.Data.SqlClient.SqlConnectionStringBuilder(_ms!.ConnectionString) { InitialCatalog = database }.ConnectionString;

    public string Describe() => _pg is not null
        ? $"{_pg.Host}:{_pg.Port}/{Database}{(Embedded ? " (embedded)" : "")}"
        : SqlServerConnectionString.Describe(_ms!);

    public static EmbeddedCluster Cluster() =>
        EmbeddedCluster.At(Path.Combine(Directory.GetCurrentDirectory(), ".plurel", "pg"));

    /// <summary>The target the running command resolved last, so that a failure to reach its server can name host,
    /// port and database wherever the connection was opened (see <see cref="ExitCodes"/>).</summary>
    internal static Target? Current { get; private set; }

    /// <summary>A message naming this target's server for an error that says it could not be reached or went away;
    /// null for any other error.</summary>
    internal string? DescribeServerError(Exception e) =>
        _pg is null ? null : PgServerErrors.Describe(e, _pg.Host ?? "localhost", _pg.Port, Database);

    /// <summary>Takes the lock on the target database for a run of <paramref name="command"/>: a second run into the
    /// same database is refused, see <see cref="ITargetSession"/>.</summary>
    public Task<ITargetSession> OpenSessionAsync(string command, CancellationToken ct) =>
        Server.OpenSessionAsync(ConnectionString, Database, command, ct);

    /// <param name="provider">What <c>--provider</c> said (postgres | sqlserver), or null to tell from <paramref name="db"/>.</param>
    public static async Task<Target> Resolve(string? db, string? database, CancellationToken ct, string? provider = null) =>
        Current = await ResolveCore(db, database, ct, provider);

    private static async Task<Target> ResolveCore(string? db, string? database, CancellationToken ct, string? provider)
    {
        var chosen = Choose(db, provider);
        if (chosen == DatabaseProvider.SqlServer)
        {
            var ms = SqlServerConnectionString.Parse(db!);
            if (database is not null) ms.InitialCatalog = database;
            return new Target(ms);
        }
        if (db is not null)
        {
            var b = PgConnectionString.Parse(db);
            if (database is not null) b.Database = database;
            return new Target(b, embedded: false);
        }
        var cluster = Cluster();
        await cluster.StartAsync(ct);
        var eb = new NpgsqlConnectionStringBuilder(cluster.ConnectionString(database ?? "postgres"));
        return new Target(eb, embedded: true);
    }

    /// <summary>The provider for <c>--db</c> and <c>--provider</c>; bad or ambiguous input is a usage error (exit 2).</summary>
    internal static DatabaseProvider Choose(string? db, string? provider)
    {
        try
        {
            if (db is null)
            {
                var stated = provider is null ? DatabaseProvider.Postgres : ProviderDetection.ParseName(provider);
                if (stated == DatabaseProvider.SqlServer)
                    throw new UsageException("--provider sqlserver needs --db with a SQL Server connection string " +
                                             "(Server=host,1433;Database=…;User Id=…;Password=…;TrustServerCertificate=true)");
                return stated;
            }
            return ProviderDetection.Detect(db, provider);
        }
        catch (ProviderDetectionException e)
        {
            throw new UsageException(Words(e));
        }
        catch (FormatException e)
        {
            throw new UsageException(e.Message);
        }
    }

    /// <summary>A refused connection string in the CLI's words: the text is --db, the stated provider --provider.</summary>
    internal static string Words(ProviderDetectionException e) => e.Problem switch
    {
        ProviderProblem.Contradiction =>
            $"--provider {ProviderDetection.Name(e.Stated!.Value)} contradicts --db, which is a {ProviderDetection.Describe(e.Found!.Value)} connection string ({e.Evidence})",
        ProviderProblem.Empty => "--db is empty: give a connection string, or --provider postgres|sqlserver",
        ProviderProblem.Undecided =>
            $"cannot tell which server --db is for ({e.Evidence}): use {ProviderDetection.Forms}, or add --provider postgres|sqlserver",
        ProviderProblem.UnknownScheme =>
            $"--db: {e.Evidence}:// URIs are not understood; for SQL Server use {ProviderDetection.SqlClientForm}",
        ProviderProblem.NoKeyValue => $"--db '{e.Evidence}' is not a connection string (no key=value)",
        ProviderProblem.Invalid => $"--db is not a valid connection string: {e.Evidence}",
        _ => e.Message,
    };

    /// <summary>For commands that only work against PostgreSQL.</summary>
    public void RequirePostgres(string command)
    {
        if (Provider != DatabaseProvider.Postgres)
            throw new UsageException($"{command} loads into PostgreSQL only; --db names a SQL Server");
    }

    /// <summary>Opens a session on the target database (either server).</summary>
    public Task<DatabaseSession> OpenAsync(CancellationToken ct) => DatabaseSession.OpenAsync(Provider, ConnectionString, ct);

    /// <summary>CREATE DATABASE when it does not exist (optionally dropping it first). Returns true when it was created.</summary>
    public async Task<bool> EnsureDatabase(bool recreate, CancellationToken ct)
    {
        try { return await Server.EnsureDatabaseAsync(ConnectionString, recreate, ct); }
        catch (FormatException e) { throw new UsageException(e.Message); }
    }
}
