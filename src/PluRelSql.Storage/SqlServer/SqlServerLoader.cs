using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Data.SqlClient;
using PluRelSql.Core;
using PluRelSql.Schema;
using PluRelSql.Storage.Postgres;

namespace PluRelSql.Storage.SqlServer;

/// <summary>Loads rows (a generation plan's, as they are made) into SQL Server with SqlBulkCopy, all or nothing: one SqlTransaction holds the
/// schema statements, every bulk copy, the constraints added after the data (validated WITH CHECK) and the identity
/// and sequence updates. If anything fails, or the process dies before the commit, the server rolls the transaction
/// back and the database is as it was. Options and reports are PgLoader's, so the CLI treats both alike.</summary>
public sealed class SqlServerLoader
{
    /// <summary>TableLock: one bulk-update lock instead of row locks (minimal logging where the recovery model allows).
    /// KeepIdentity: identity columns take the generated keys that children reference. CheckConstraints: CHECKs and
    /// FKs present during the copy are enforced, so the server never marks them untrusted. KeepNulls: a generated
    /// NULL stays NULL instead of taking the column default. FireTriggers is deliberately not set: triggers would
    /// write rows the plan does not know about.</summary>
    public const SqlBulkCopyOptions BulkOptions =
        SqlBulkCopyOptions.TableLock | SqlBulkCopyOptions.KeepIdentity | SqlBulkCopyOptions.CheckConstraints |
        SqlBulkCopyOptions.KeepNulls;

    public async Task<LoadReport> LoadAsync(string connectionString, IRowSource rows,
        LoadOptions options, IProgress<TableProgress>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        await using var conn = new SqlConnection(LoadConnectionString(connectionString));
        await conn.OpenAsync(ct).ConfigureAwait(false);
        await using var tx = ((SqlTransaction)await conn.BeginTransactionAsync(ct).ConfigureAwait(false));
        var tables = rows.Tables.ToList();
        var run = new LoadRun();
        Dictionary<QualifiedName, TargetTable> targets = [];
        try
        {
            return await run.ExecuteAsync(tables,
                prepare: async () => targets = await PrepareTablesAsync(conn, tx, tables, options, ct).ConfigureAwait(false),
                copyTable: (table, timing) => CopyTableAsync(conn, tx, rows, table, rows.Rows(table), targets[table.Name],
                    options.BatchSize, options.GenerateThreads, timing, progress, ct),
                postData: async () =>
                {
                    foreach (var sql in options.PostDataSql) await ExecuteAsync(conn, tx, sql, ct).ConfigureAwait(false);
                    run.Phase = "identity and sequence values";
                    foreach (var sql in IdentityAndSequenceUpdates(rows.Graph, rows.Rows, tables)) await ExecuteAsync(conn, tx, sql, ct).ConfigureAwait(false);
                },
                commit: () => tx.CommitAsync(ct)).ConfigureAwait(false);
        }
        catch (SqlException e)
        {
            var first = e.Errors.Count > 0 ? e.Errors[0] : null;
            var current = run.Current;
            throw SqlServerErrors.Describe(first?.Number ?? e.Number, first?.Message ?? e.Message, run.Phase, rows.Graph,
                current, current is null ? null : targets.GetValueOrDefault(current.Name)?.Order, e);
        }
        catch (InvalidOperationException e) when (run.Current is not null && e.InnerException is LoadException inner)
        {
            throw inner;
        }
        catch (InvalidOperationException e) when (run.Current is { } current && e.Message.Contains("from the data source", StringComparison.Ordinal))
        {
            throw SqlServerErrors.DescribeClientError(e.Message, current, e);
        }
        catch (InvalidOperationException e) when (run.Current is { } current)
        {
            // A generator that produced the wrong shape, or a mapping the server refused.
            throw new LoadException($"{LoadException.DisplayName(current.Name)}: {e.Message}", current.Name, inner: e);
        }
        // Anything else (cancellation, a lost connection) propagates as it is; the server rolls the transaction back
        // when the connection closes without a commit.
    }

    /// <summary>One physical connection that really closes (a failed load must not park an open transaction in a
    /// pool) and no command timeout (constraint validation after a large load takes long).</summary>
    internal static string LoadConnectionString(string connectionString)
    {
        var b = SqlServerConnectionString.Parse(connectionString);
        b.Pooling = false;
        b.CommandTimeout = 0;
        return b.ConnectionString;
    }

    /// <summary>The bulk copy of one table: destination, column mappings by name (so the target's column order and
    /// extra computed or defaulted columns do not matter), batching and streaming.</summary>
    /// <param name="destinationNames">Graph column name → the target's own spelling (bulk copy matches mapped names
    /// case-sensitively, while SQL Server's default collations let a table spell them in any case).</param>
    internal static SqlBulkCopy CreateBulkCopy(SqlConnection conn, SqlTransaction? tx, TableDef table, int batchSize,
        IReadOnlyDictionary<string, string>? destinationNames = null)
    {
        var bulk = new SqlBulkCopy(conn, BulkOptions, tx)
        {
            DestinationTableName = SqlServerNames.Quote(table.Name),
            // Rows go to the server in batches of this size, all inside the load's transaction.
            BatchSize = batchSize,
            // The reader is read as the server takes rows, never buffered whole.
            EnableStreaming = true,
            BulkCopyTimeout = 0,
        };
        foreach (var c in table.Columns.Where(c => c.IsLoaded))
            bulk.ColumnMappings.Add(new SqlBulkCopyColumnMapping(c.Name,
                destinationNames is not null && destinationNames.TryGetValue(c.Name, out var actual) ? actual : c.Name));
        return bulk;
    }

    /// <summary>A target table's columns: type by name and the name as the table spells it (both keyed
    /// case-insensitively), and the names in column_id order.</summary>
    private sealed record TargetTable(Dictionary<string, string> Types, Dictionary<string, string> Names, List<string> Order);

    /// <summary>Runs PreDataSql, then checks every target table (exists, has the planned columns, is empty — or is
    /// emptied when asked). Returns each table's column types by name and its columns in column_id order.</summary>
    private static async Task<Dictionary<QualifiedName, TargetTable>> PrepareTablesAsync(SqlConnection conn,
        SqlTransaction tx, List<TableDef> tables, LoadOptions options, CancellationToken ct)
    {
        var existedBefore = options.PreDataSql.Count == 0
            ? tables.Select(t => t.Name).ToHashSet()
            : (await ReadColumnsAsync(conn, tx, tables, ct).ConfigureAwait(false)).Keys.ToHashSet();
        foreach (var sql in options.PreDataSql) await ExecuteAsync(conn, tx, sql, ct).ConfigureAwait(false);

        var existing = await ReadColumnsAsync(conn, tx, tables, ct).ConfigureAwait(false);
        LoadRun.RequireTargets(tables, options, t => existing.TryGetValue(t.Name, out var target) ? target.Types.ContainsKey : null);

        var old = tables.Where(t => existedBefore.Contains(t.Name)).ToList();
        if (old.Count == 0) return existing;
        if (options.Truncate)
        {
            // TRUNCATE is refused on any table a foreign key references, even from an empty table: those are emptied
            // with DELETE, children first. A table outside the plan that references one of them makes the server
            // refuse (error 547), instead of silently emptying tables we were not asked to touch.
            var referenced = await ReferencedTablesAsync(conn, tx, ct).ConfigureAwait(false);
            for (var i = old.Count - 1; i >= 0; i--)
            {
                var name = SqlServerNames.Quote(old[i].Name);
                await ExecuteAsync(conn, tx,
                    referenced.Contains(old[i].Name) ? $"DELETE FROM {name} WITH (TABLOCKX)" : $"TRUNCATE TABLE {name}", ct)
                    .ConfigureAwait(false);
            }
            return existing;
        }
        foreach (var table in old)
        {
            await using var cmd = new SqlCommand($"SELECT CASE WHEN EXISTS (SELECT 1 FROM {SqlServerNames.Quote(table.Name)}) THEN 1 ELSE 0 END", conn, tx);
            if ((int)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))! == 1)
                throw new LoadException(
                    $"{LoadException.DisplayName(table.Name)}: the target table is not empty; load into empty tables, or replace their rows",
                    table.Name)
                { TableNotEmpty = true };
        }
        return existing;
    }

    /// <summary>Columns of each plan table that exists: name → type name (alias types resolved to their system type).</summary>
    private static async Task<Dictionary<QualifiedName, TargetTable>> ReadColumnsAsync(SqlConnection conn,
        SqlTransaction tx, List<TableDef> tables, CancellationToken ct)
    {
        var wanted = tables.Select(t => t.Name).ToHashSet();
        var result = new Dictionary<QualifiedName, TargetTable>();
        await using var cmd = new SqlCommand(
            """
            SELECT s.name, t.name, c.name, TYPE_NAME(c.system_type_id)
            FROM sys.tables t
            JOIN sys.schemas s ON s.schema_id = t.schema_id
            JOIN sys.columns c ON c.object_id = t.object_id
            ORDER BY s.name, t.name, c.column_id
            """, conn, tx);
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            var name = Match(wanted, new QualifiedName(r.GetString(0), r.GetString(1)));
            if (name is not { } n) continue;
            if (!result.TryGetValue(n, out var target))
                result[n] = target = new TargetTable(new(StringComparer.OrdinalIgnoreCase), new(StringComparer.OrdinalIgnoreCase), []);
            target.Types[r.GetString(2)] = r.IsDBNull(3) ? "sql_variant" : r.GetString(3);
            target.Names[r.GetString(2)] = r.GetString(2);
            target.Order.Add(r.GetString(2));
        }
        return result;
    }

    /// <summary>The plan's name for a catalog name: SQL Server compares names case-insensitively by default.</summary>
    private static QualifiedName? Match(HashSet<QualifiedName> wanted, QualifiedName found)
    {
        if (wanted.Contains(found)) return found;
        foreach (var w in wanted)
            if (string.Equals(w.Schema, found.Schema, StringComparison.OrdinalIgnoreCase) &&
                string.Equals(w.Name, found.Name, StringComparison.OrdinalIgnoreCase)) return w;
        return null;
    }

    private static async Task<HashSet<QualifiedName>> ReferencedTablesAsync(SqlConnection conn, SqlTransaction tx, CancellationToken ct)
    {
        var result = new HashSet<QualifiedName>();
        await using var cmd = new SqlCommand(
            "SELECT DISTINCT OBJECT_SCHEMA_NAME(referenced_object_id), OBJECT_NAME(referenced_object_id) FROM sys.foreign_keys", conn, tx);
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false)) result.Add(new QualifiedName(r.GetString(0), r.GetString(1)));
        return result;
    }

    private static async Task ExecuteAsync(SqlConnection conn, SqlTransaction tx, string sql, CancellationToken ct)
    {
        await using var cmd = new SqlCommand(sql, conn, tx);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Bulk copy of one table. A producer task generates the next batches (up to
    /// <paramref name="generateThreads"/> at once, handed over in row order; a bounded channel holds a few) while
    /// SqlBulkCopy sends the current one.</summary>
    private static async Task<long> CopyTableAsync(SqlConnection conn, SqlTransaction tx, IRowSource rows,
        TableDef table, long total, TargetTable target, int batchSize, int generateThreads, GenerateTiming timing,
        IProgress<TableProgress>? progress, CancellationToken ct)
    {
        progress?.Report(new TableProgress(table.Name, 0, total));
        if (total == 0) return 0;

        await using var reader = new RowBatchDataReader(table, rows.Batches(table, batchSize, generateThreads, timing, ct), target.Types,
            done => progress?.Report(new TableProgress(table.Name, done, total)));
        using var bulk = CreateBulkCopy(conn, tx, table, batchSize, target.Names);
        await bulk.WriteToServerAsync(reader, ct).ConfigureAwait(false);
        if (reader.RowsRead != total)
            throw new InvalidOperationException($"the generator produced {reader.RowsRead} rows, the plan says {total}");
        return reader.RowsRead;
    }

    /// <summary>After the copy: each identity column's next value goes past the loaded maximum (KeepIdentity wrote
    /// explicit values), and each sequence behind a DEFAULT NEXT VALUE FOR column restarts after it.</summary>
    internal static IEnumerable<string> IdentityAndSequenceUpdates(SchemaGraph graph, Func<TableDef, long> rows, IEnumerable<TableDef> tables)
    {
        foreach (var table in tables)
        {
            if (rows(table) == 0) continue;
            var literal = SqlServerNames.Literal(SqlServerNames.Quote(table.Name));
            // RESEED without a value moves the identity to the column's maximum when it is below it.
            yield return $"IF OBJECTPROPERTY(OBJECT_ID({literal}), 'TableHasIdentity') = 1 DBCC CHECKIDENT ({literal}, RESEED) WITH NO_INFOMSGS";
            foreach (var col in table.Columns.Where(c => c.IsLoaded && c.Identity == IdentityKind.Sequence && c.Sequence is not null))
            {
                var sequence = graph.FindSequence(col.Sequence!.Value);
                if (sequence is { Increment: < 0 }) continue;
                yield return
                    $"""
                    DECLARE @m bigint = (SELECT MAX(CAST({SqlServerNames.Quote(col.Name)} AS bigint)) FROM {SqlServerNames.Quote(table.Name)});
                    IF @m IS NOT NULL
                    BEGIN
                        DECLARE @s nvarchar(max) = N'ALTER SEQUENCE {SqlServerNames.Quote(col.Sequence.Value).Replace("'", "''", StringComparison.Ordinal)} RESTART WITH ' + CAST(@m + 1 AS nvarchar(40));
                        EXEC sp_executesql @s;
                    END
                    """;
            }
        }
    }
}

/// <summary>T-SQL identifiers and literals.</summary>
public static class SqlServerNames
{
    /// <summary>[name] with ] doubled: always quoted, so keywords and any case are safe.</summary>
    public static string Quote(string ident) => "[" + ident.Replace("]", "]]", StringComparison.Ordinal) + "]";

    public static string Quote(QualifiedName name) => Quote(name.Schema) + "." + Quote(name.Name);

    /// <summary>N'text' with ' doubled.</summary>
    public static string Literal(string text) => "N'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";
}
