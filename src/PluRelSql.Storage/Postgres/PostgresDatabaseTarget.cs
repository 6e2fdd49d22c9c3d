using System.Data.Common;
using System.Globalization;
using Npgsql;
using PluRelSql.Core;
using PluRelSql.Schema;
using PluRelSql.Schema.Output;
using PluRelSql.Schema.Postgres;

namespace PluRelSql.Storage.Postgres;

/// <summary>PostgreSQL as a target: pg_catalog introspection, <see cref="PgDdlWriter"/>, COPY through <see cref="PgLoader"/>.</summary>
public sealed class PostgresDatabaseTarget : IDatabaseTarget
{
    /// <summary>PostgreSQL's most rows in one table: 2³² pages of 8 kB (32 TB) with at most 291 tuples each.</summary>
    public const long MaxTableRows = 4_294_967_296L * 291;

    public DatabaseProvider Provider => DatabaseProvider.Postgres;
    public SqlDialect Dialect => SqlDialect.PostgreSql;
    public bool ChecksCompatibility => true;
    public bool DefersConstraintChecks => true;
    public string? DefaultDatabase => null;
    public bool RunsSchemaScripts => true;

    public Task<int> RunSchemaScriptAsync(string connectionString, IReadOnlyList<ScriptStatement> script, CancellationToken ct) =>
        PgScriptRunner.RunAsync(connectionString, script, ct);

    public Task<LoadGuards> LoadGuardsAsync(string connectionString, CancellationToken ct) => PgScriptRunner.GuardsAsync(connectionString, ct);

    public string? TableRowLimit(long rows) => rows > MaxTableRows
        ? string.Create(CultureInfo.InvariantCulture, $"more than one PostgreSQL table can hold (32 TB, at most {MaxTableRows:N0} rows)")
        : null;

    public bool IsSystemDatabase(string name) => name is "postgres" or "template0" or "template1";

    public DbConnection CreateConnection(string connectionString) => new NpgsqlConnection(connectionString);

    public Task<SchemaGraph> ReadSchemaAsync(DbConnection connection, IReadOnlyCollection<string>? schemas, CancellationToken ct) =>
        PgIntrospector.ReadAsync((NpgsqlConnection)connection, schemas, ct);

    public string ListSchemasSql => """
        SELECT n.nspname FROM pg_namespace n
        WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
          AND EXISTS (SELECT 1 FROM pg_class c WHERE c.relnamespace = n.oid AND c.relkind IN ('r', 'p'))
        ORDER BY 1
        """;

    public ISnapshotSql SnapshotSql => Storage.SnapshotSql.Postgres;

    public async Task<CompatibilityReport> CheckCompatibilityAsync(string connectionString, SchemaGraph graph, bool scriptRuns,
        CancellationToken ct)
    {
        // Through the maintenance database: the target database may not exist yet.
        await using var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres" }.ConnectionString);
        await conn.OpenAsync(ct).ConfigureAwait(false);
        return await PgCompatibility.CheckAsync(conn, graph, ct, scriptRuns).ConfigureAwait(false);
    }

    public IReadOnlyList<string> PreData(SchemaGraph graph, CompatibilityReport? server = null) =>
        server is null ? PgDdlWriter.PreData(graph) : PgDdlWriter.PreData(graph, server.ServerMajorVersion);

    public IReadOnlyList<string> PostData(SchemaGraph graph) => PgDdlWriter.PostData(graph);

    public Task<LoadReport> LoadAsync(string connectionString, IRowSource rows, LoadOptions options,
        IProgress<TableProgress>? progress, CancellationToken ct) =>
        new PgLoader().LoadAsync(connectionString, rows, options, progress, ct);

    public async Task<bool> EnsureDatabaseAsync(string connectionString, bool recreate, CancellationToken ct)
    {
        var csb = new NpgsqlConnectionStringBuilder(connectionString);
        var name = csb.Database ?? "postgres";
        // CREATE / DROP DATABASE run from another database of the server.
        await using var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString)
        {
            Database = name == "postgres" ? "template1" : "postgres",
        }.ConnectionString);
        await conn.OpenAsync(ct).ConfigureAwait(false);
        if (recreate)
        {
            if (IsSystemDatabase(name))
                throw new FormatException($"refusing to drop the system database \"{name}\"");
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {SqlIdent.Quote(name)} WITH (FORCE)", conn);
            await drop.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", conn);
        exists.Parameters.AddWithValue(name);
        if (await exists.ExecuteScalarAsync(ct).ConfigureAwait(false) is not null) return false;
        await using var create = new NpgsqlCommand($"CREATE DATABASE {SqlIdent.Quote(name)}", conn);
        await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        return true;
    }

    public async Task<QualifiedName?> FirstExistingTableAsync(string connectionString, IEnumerable<QualifiedName> tables, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct).ConfigureAwait(false);
        foreach (var t in tables)
        {
            await using var cmd = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL", conn);
            cmd.Parameters.AddWithValue(t.ToSql());
            if (await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false) is true) return t;
        }
        return null;
    }

    public async Task<ITargetSession> OpenSessionAsync(string connectionString, string database, string command, CancellationToken ct) =>
        await PgTargetSession.OpenAsync(connectionString, database, command, ct).ConfigureAwait(false);
}
