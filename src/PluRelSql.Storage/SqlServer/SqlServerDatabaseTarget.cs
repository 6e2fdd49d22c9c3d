using System.Data.Common;
using Microsoft.Data.SqlClient;
using PluRelSql.Core;
using PluRelSql.Schema;
using PluRelSql.Schema.Output;
using PluRelSql.Schema.Postgres;

namespace PluRelSql.Storage.SqlServer;

/// <summary>SQL Server as a target: sys.* introspection, <see cref="TSqlDdlWriter"/>, SqlBulkCopy through
/// <see cref="SqlServerLoader"/>.</summary>
public sealed class SqlServerDatabaseTarget : IDatabaseTarget
{
    public DatabaseProvider Provider => DatabaseProvider.SqlServer;
    public SqlDialect Dialect => SqlDialect.TSql;
    public bool ChecksCompatibility => false;
    public bool DefersConstraintChecks => false;
    public string? DefaultDatabase => "master";

    // A T-SQL script is read (and its graph written by TSqlDdlWriter); nothing here runs one as sqlcmd would.
    public bool RunsSchemaScripts => false;

    public Task<int> RunSchemaScriptAsync(string connectionString, IReadOnlyList<ScriptStatement> script, CancellationToken ct) =>
        throw new NotSupportedException("SQL Server targets do not run schema scripts");

    public Task<LoadGuards> LoadGuardsAsync(string connectionString, CancellationToken ct) =>
        throw new NotSupportedException("SQL Server targets do not run schema scripts");

    public string? TableRowLimit(long rows) => null;

    public bool IsSystemDatabase(string name) => SqlServerDatabases.IsSystem(name);

    public DbConnection CreateConnection(string connectionString) => new SqlConnection(connectionString);

    public Task<SchemaGraph> ReadSchemaAsync(DbConnection connection, IReadOnlyCollection<string>? schemas, CancellationToken ct) =>
        SqlServerIntrospector.ReadAsync((SqlConnection)connection, schemas, ct);

    public string ListSchemasSql => """
        SELECT DISTINCT s.name FROM sys.tables t JOIN sys.schemas s ON s.schema_id = t.schema_id
        WHERE t.is_ms_shipped = 0 AND t.temporal_type <> 1
        ORDER BY 1
        """;

    public ISnapshotSql SnapshotSql => Storage.SnapshotSql.SqlServer;

    // No server-side checks yet: the T-SQL reader and converter refuse what SQL Server cannot hold.
    public Task<CompatibilityReport> CheckCompatibilityAsync(string connectionString, SchemaGraph graph, bool scriptRuns,
        CancellationToken ct) => Task.FromResult(CompatibilityReport.None);

    public IReadOnlyList<string> PreData(SchemaGraph graph, CompatibilityReport? server = null) => TSqlDdlWriter.PreData(graph);

    public IReadOnlyList<string> PostData(SchemaGraph graph) => TSqlDdlWriter.PostData(graph);

    public Task<LoadReport> LoadAsync(string connectionString, IRowSource rows, LoadOptions options,
        IProgress<TableProgress>? progress, CancellationToken ct) =>
        new SqlServerLoader().LoadAsync(connectionString, rows, options, progress, ct);

    public Task<bool> EnsureDatabaseAsync(string connectionString, bool recreate, CancellationToken ct) =>
        SqlServerDatabases.EnsureAsync(connectionString, recreate, ct);

    public Task<QualifiedName?> FirstExistingTableAsync(string connectionString, IEnumerable<QualifiedName> tables, CancellationToken ct) =>
        SqlServerDatabases.FirstExistingTableAsync(connectionString, tables, ct);

    public async Task<ITargetSession> OpenSessionAsync(string connectionString, string database, string command, CancellationToken ct) =>
        await SqlServerTargetSession.OpenAsync(connectionString, database, command, ct).ConfigureAwait(false);
}
