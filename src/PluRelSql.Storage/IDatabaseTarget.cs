using System.Data.Common;
using PluRelSql.Core;
using PluRelSql.Schema;
using PluRelSql.Schema.Postgres;
using PluRelSql.Storage.Postgres;
using PluRelSql.Storage.SqlServer;

namespace PluRelSql.Storage;

/// <summary>Everything that differs between the servers PluRelSql loads into and reads from, in one place: callers pick
/// a target once (<see cref="DatabaseTargets.For"/>) instead of branching on the provider.</summary>
public interface IDatabaseTarget
{
    DatabaseProvider Provider { get; }

    /// <summary>The dialect a schema is loaded in (a script of the other dialect is converted to it).</summary>
    SqlDialect Dialect { get; }

    /// <summary>The server is asked what it cannot hold of a schema (<see cref="CheckCompatibilityAsync"/>) before anything
    /// is made, and that report comes before the generator's own refusals; a target without such checks gets those
    /// refusals before it is touched at all.</summary>
    bool ChecksCompatibility { get; }

    /// <summary>Keys declared DEFERRABLE INITIALLY DEFERRED are checked at commit, so one may close a cycle of NOT NULL
    /// foreign keys in a database whose keys already exist.</summary>
    bool DefersConstraintChecks { get; }

    /// <summary>The database a connection string naming none reaches, which is never filled (SQL Server's master);
    /// null where there is none to refuse.</summary>
    string? DefaultDatabase { get; }

    /// <summary>The server runs a schema script's own statements (<see cref="RunSchemaScriptAsync"/>) in a new database.</summary>
    bool RunsSchemaScripts { get; }

    /// <summary>Runs the script's schema statements one at a time, as the server's own shell would; the number run.</summary>
    Task<int> RunSchemaScriptAsync(string connectionString, IReadOnlyList<ScriptStatement> script, CancellationToken ct);

    /// <summary>What a load into the tables a script created runs around its data (see <see cref="LoadGuards"/>).</summary>
    Task<LoadGuards> LoadGuardsAsync(string connectionString, CancellationToken ct);

    /// <summary>Why one table of this server cannot hold <paramref name="rows"/> rows, or null when it can.</summary>
    string? TableRowLimit(long rows);

    /// <summary>True for the server's own databases, which are never dropped.</summary>
    bool IsSystemDatabase(string name);

    /// <summary>Opens a connection of this server's driver.</summary>
    DbConnection CreateConnection(string connectionString);

    /// <summary>The graph of the given schemas (all user schemas when null), read from the server's catalog.</summary>
    Task<SchemaGraph> ReadSchemaAsync(DbConnection connection, IReadOnlyCollection<string>? schemas, CancellationToken ct);

    /// <summary>A query for the user schemas that hold at least one table, in name order.</summary>
    string ListSchemasSql { get; }

    /// <summary>The SQL the snapshot reader sends to this server.</summary>
    ISnapshotSql SnapshotSql { get; }

    /// <summary>What the server of <paramref name="connectionString"/> cannot hold of <paramref name="graph"/>, and what
    /// the DDL writer adapts (the target database itself need not exist yet).</summary>
    /// <param name="scriptRuns">The server runs the schema script itself (see <see cref="PgCompatibility.CheckAsync"/>).</param>
    Task<CompatibilityReport> CheckCompatibilityAsync(string connectionString, SchemaGraph graph, bool scriptRuns, CancellationToken ct);

    /// <summary>Statements that create the schema's objects before the data (tables without keys, types …).</summary>
    IReadOnlyList<string> PreData(SchemaGraph graph, CompatibilityReport? server = null);

    /// <summary>Statements run after the data (keys, checks, indexes …).</summary>
    IReadOnlyList<string> PostData(SchemaGraph graph);

    /// <summary>Loads the rows in one transaction (see <see cref="LoadOptions"/>).</summary>
    Task<LoadReport> LoadAsync(string connectionString, IRowSource rows, LoadOptions options,
        IProgress<TableProgress>? progress, CancellationToken ct);

    /// <summary>CREATE DATABASE for the database <paramref name="connectionString"/> names when it does not exist
    /// (dropping it first when <paramref name="recreate"/>). True when this call created it. Refusing to drop a
    /// system database is a <see cref="FormatException"/>.</summary>
    Task<bool> EnsureDatabaseAsync(string connectionString, bool recreate, CancellationToken ct);

    /// <summary>The first of <paramref name="tables"/> that exists in the database, or null.</summary>
    Task<QualifiedName?> FirstExistingTableAsync(string connectionString, IEnumerable<QualifiedName> tables, CancellationToken ct);

    /// <summary>Takes the lock on <paramref name="database"/> for a run of <paramref name="command"/>: a second run into
    /// the same database is refused (<see cref="DatabaseBusyException"/>).</summary>
    Task<ITargetSession> OpenSessionAsync(string connectionString, string database, string command, CancellationToken ct);
}

/// <summary>What the server can do with the schema: blocking problems, and adaptations the DDL writer makes
/// (e.g. a VIRTUAL generated column written as STORED before PostgreSQL 18, which loads the same data).</summary>
public sealed record CompatibilityReport(int ServerMajorVersion, IReadOnlyList<string> Problems, IReadOnlyList<string> Adaptations)
{
    /// <summary>Nothing to report (a server without checks).</summary>
    public static CompatibilityReport None { get; } = new(0, [], []);
}

/// <summary>What the load runs around its COPYs, inside its transaction, as pg_restore does: foreign keys dropped
/// and added back after the data (so neither table order nor NOT NULL cycles matter, and adding them validates every
/// row), keys and indexes of ordinary tables built after the data, and user triggers and rules disabled, then enabled
/// again as they were, so none fires on generated rows.</summary>
public sealed record LoadGuards(IReadOnlyList<string> Before, IReadOnlyList<string> After, int Triggers, int TriggerTables, int Rules);

/// <summary>A run's hold on its target database: the lock, temporary build databases and their publishing under the
/// real name once the load committed.</summary>
public interface ITargetSession : IAsyncDisposable
{
    /// <summary>The database the run writes into, as the user named it.</summary>
    string Database { get; }

    /// <summary>The temporary database this run is building, until it is published or dropped.</summary>
    string? BuildDatabase { get; }

    Task<bool> ExistsAsync(CancellationToken ct);
    Task DropStaleBuildsAsync(TextWriter log, CancellationToken ct);
    Task<string> CreateBuildAsync(CancellationToken ct);
    string ConnectionStringFor(string database);
    Task PublishAsync(bool replace, CancellationToken ct);
    Task DropBuildQuietlyAsync(TextWriter log);
}

/// <summary>The targets, one per provider.</summary>
public static class DatabaseTargets
{
    public static IDatabaseTarget Postgres { get; } = new PostgresDatabaseTarget();
    public static IDatabaseTarget SqlServer { get; } = new SqlServerDatabaseTarget();

    public static IDatabaseTarget For(DatabaseProvider provider) =>
        provider == DatabaseProvider.Postgres ? Postgres : SqlServer;
}
