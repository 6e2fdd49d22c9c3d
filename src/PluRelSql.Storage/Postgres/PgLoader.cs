using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Npgsql;
using PluRelSql.Core;
using PluRelSql.Schema;

namespace PluRelSql.Storage.Postgres;

/// <summary>Loads rows (a generation plan's, as they are made) into PostgreSQL with binary COPY, all or nothing: one transaction holds the DDL,
/// every COPY, the constraints and the sequence updates. If anything fails, or the process dies before the commit,
/// the server rolls the transaction back and the database is as it was.</summary>
public sealed class PgLoader
{
    public async Task<LoadReport> LoadAsync(string connectionString, IRowSource rows,
        LoadOptions options, IProgress<TableProgress>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        await using var dataSource = BuildDataSource(connectionString);
        await using var conn = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await conn.BeginTransactionAsync(ct).ConfigureAwait(false);
        var tables = rows.Tables.ToList();
        var run = new LoadRun();
        HashSet<QualifiedName> fresh = [];
        try
        {
            return await run.ExecuteAsync(tables,
                prepare: async () => fresh = await PrepareTablesAsync(conn, tables, options, ct).ConfigureAwait(false),
                copyTable: (table, timing) => CopyTableAsync(conn, rows, table, rows.Rows(table),
                    freeze: fresh.Contains(table.Name) && table.Partitioning is null, options.BatchSize, options.GenerateThreads,
                    timing, progress, ct),
                postData: async () =>
                {
                    foreach (var sql in options.PostDataSql) await ExecuteAsync(conn, sql, ct).ConfigureAwait(false);
                    run.Phase = "sequences";
                    await SetSequencesAsync(conn, rows, tables, ct).ConfigureAwait(false);
                },
                commit: () => tx.CommitAsync(ct)).ConfigureAwait(false);
        }
        catch (Exception e) when (PgServerErrors.IsConnectionLoss(e))
        {
            // The server went away (crash, shutdown, network): say so, naming host and database, not "Broken pipe".
            var csb = new NpgsqlConnectionStringBuilder(connectionString);
            var during = run.Current is { } table ? $"the load of {LoadException.DisplayName(table.Name)}" : "the " + run.Phase;
            throw new LoadException(
                PgServerErrors.Describe(e, csb.Host ?? "localhost", csb.Port, options.TargetDatabase ?? csb.Database ?? "postgres", during)! +
                (run.Phase == "commit" ? "; whether the commit happened is unknown" : ""),
                run.Current?.Name, inner: e);
        }
        catch (PostgresException e)
        {
            throw PgLoadErrors.From(e, run.Current ?? FindTable(rows.Graph, e), run.Phase);
        }
        catch (InvalidOperationException e) when (run.Current is { } current)
        {
            // A generator that produced the wrong shape.
            throw new LoadException($"{LoadException.DisplayName(current.Name)}: {e.Message}", current.Name, inner: e);
        }
        // Anything else (cancellation, a lost connection) propagates as it is; the server rolls the transaction
        // back when the connection closes without a commit.
    }

    private static TableDef? FindTable(SchemaGraph graph, PostgresException e) =>
        e.TableName is { } name
            ? graph.FindTable(new QualifiedName(e.SchemaName ?? "public", name))
            : null;

    private static NpgsqlDataSource BuildDataSource(string connectionString)
    {
        var given = new NpgsqlConnectionStringBuilder(connectionString);
        var csb = new NpgsqlConnectionStringBuilder(connectionString)
        {
            // Measured: a 256 KiB write buffer halves the kernel time of a large COPY.
            WriteBufferSize = Math.Max(given.WriteBufferSize, 262144),
            // One physical connection that really closes when we are done: a failed load must not leave an aborted
            // transaction parked in a pool.
            Pooling = false,
            // Constraint validation and index builds after a large load may take long.
            CommandTimeout = 0,
            // "Failing row contains (…)" and "Key (x)=(1)" details make the errors name the offending values.
            IncludeErrorDetail = true,
        };
        if (string.IsNullOrEmpty(csb.ApplicationName)) csb.ApplicationName = "plurel-load";
        var builder = new NpgsqlDataSourceBuilder(csb.ConnectionString);
        // Lets strings be written as enum values (arrays of enums need the enum's type, see ColumnWriter).
        builder.EnableUnmappedTypes();
        return builder.Build();
    }

    /// <summary>Runs PreDataSql, then checks every target table that this load did not create (exists, has the
    /// planned columns, is empty — or TRUNCATE when asked). Returns the tables created or truncated in this
    /// transaction: those can be copied with FREEZE.</summary>
    private static async Task<HashSet<QualifiedName>> PrepareTablesAsync(NpgsqlConnection conn,
        List<TableDef> tables, LoadOptions options, CancellationToken ct)
    {
        var existedBefore = options.PreDataSql.Count == 0
            ? tables.Select(t => t.Name).ToHashSet()
            : (await ReadColumnsAsync(conn, tables, ct).ConfigureAwait(false)).Keys.ToHashSet();
        foreach (var sql in options.PreDataSql) await ExecuteAsync(conn, sql, ct).ConfigureAwait(false);

        var fresh = tables.Select(t => t.Name).Where(n => !existedBefore.Contains(n)).ToHashSet();
        var existing = await ReadColumnsAsync(conn, tables, ct).ConfigureAwait(false);
        LoadRun.RequireTargets(tables, options, t => existing.TryGetValue(t.Name, out var columns) ? columns.Contains : null);

        var old = tables.Where(t => !fresh.Contains(t.Name)).ToList();
        if (old.Count == 0) return fresh;
        if (options.Truncate)
        {
            // One TRUNCATE over all of the plan's tables, so foreign keys among them do not block it. Deliberately no
            // CASCADE: a table outside the plan that references one of them makes the server refuse, instead of
            // silently emptying tables we were not asked to touch.
            var list = string.Join(", ", old.Select(t => t.Name.ToSql()));
            try
            {
                await ExecuteAsync(conn, "TRUNCATE TABLE " + list, ct).ConfigureAwait(false);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.FeatureNotSupported)
            {
                throw new LoadException(
                    $"cannot empty the target tables: {e.MessageText}. {e.Detail} Tables outside the plan are never " +
                    "truncated; empty or drop the referencing table first.", inner: e);
            }
            fresh.UnionWith(old.Select(t => t.Name));
            return fresh;
        }
        foreach (var table in old)
        {
            await using var cmd = new NpgsqlCommand($"SELECT EXISTS (SELECT 1 FROM {table.Name.ToSql()})", conn);
            if ((bool)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!)
                throw new LoadException(
                    $"{LoadException.DisplayName(table.Name)}: the target table is not empty; load into empty tables, or replace their rows",
                    table.Name)
                { TableNotEmpty = true };
        }
        return fresh;
    }

    /// <summary>The columns of each plan table that exists in the database.</summary>
    private static async Task<Dictionary<QualifiedName, HashSet<string>>> ReadColumnsAsync(
        NpgsqlConnection conn, List<TableDef> tables, CancellationToken ct)
    {
        var result = new Dictionary<QualifiedName, HashSet<string>>();
        await using var cmd = new NpgsqlCommand(
            """
            SELECT n.nspname, c.relname, a.attname
            FROM unnest($1::text[], $2::text[]) AS t(nsp, rel)
            JOIN pg_namespace n ON n.nspname = t.nsp
            JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = t.rel AND c.relkind IN ('r', 'p')
            LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            """, conn);
        cmd.Parameters.AddWithValue(tables.Select(t => t.Name.Schema).ToArray());
        cmd.Parameters.AddWithValue(tables.Select(t => t.Name.Name).ToArray());
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            var name = new QualifiedName(r.GetString(0), r.GetString(1));
            if (!result.TryGetValue(name, out var cols)) result[name] = cols = [];
            if (!r.IsDBNull(2)) cols.Add(r.GetString(2));
        }
        return result;
    }

    private static async Task ExecuteAsync(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        // Types created by the statements (enums used as array elements) must be known to Npgsql before COPY.
        if (sql.Contains("CREATE TYPE", StringComparison.OrdinalIgnoreCase) ||
            sql.Contains("CREATE DOMAIN", StringComparison.OrdinalIgnoreCase))
            await conn.ReloadTypesAsync(ct).ConfigureAwait(false);
    }

    /// <summary>COPY of one table. A producer task generates the next batches (a bounded channel holds at most a few)
    /// while this thread writes the current one.</summary>
    private static async Task<long> CopyTableAsync(NpgsqlConnection conn, IRowSource rows, TableDef table,
        long total, bool freeze, int batchSize, int generateThreads, GenerateTiming timing, IProgress<TableProgress>? progress,
        CancellationToken ct)
    {
        progress?.Report(new TableProgress(table.Name, 0, total));
        if (total == 0) return 0;

        var columns = table.Columns.Where(c => c.IsLoaded).ToList();
        // Extension types go through a text staging table (StagedCopy); everything else straight into the table.
        var stage = StagedCopy.For(table, columns);
        var writers = columns.Select(c => stage?.Writer(c) ?? ColumnWriter.For(table, c)).ToArray();
        var copy = stage?.CopySql ?? $"COPY {table.Name.ToSql()} ({string.Join(", ", columns.Select(c => SqlIdent.Quote(c.Name)))}) " +
                   $"FROM STDIN (FORMAT BINARY{(freeze ? ", FREEZE" : "")})";
        if (stage is not null) await stage.CreateAsync(conn, ct).ConfigureAwait(false);

        long done = 0;
        await using var importer = await conn.BeginBinaryImportAsync(copy, ct).ConfigureAwait(false);
        await foreach (var batch in rows.Batches(table, batchSize, generateThreads, timing, ct).ConfigureAwait(false))
        {
            Bind(table, columns, writers, batch, done);
            int row = 0, col = 0;
            try
            {
                WriteRows(importer, writers, batch.Count, ref row, ref col);
            }
            catch (Exception e) when (e is FormatException or InvalidCastException or ArgumentException
                                          or OverflowException or NotSupportedException)
            {
                // A value the client could not encode: name it before the server ever sees it.
                var c = columns[col];
                throw new LoadException(
                    $"{LoadException.DisplayName(table.Name)}: row {done + row + 1}, column {c.Name} ({c.Type}): {e.Message}",
                    table.Name, c.Name, inner: e);
            }
            done += batch.Count;
            progress?.Report(new TableProgress(table.Name, done, total));
        }
        if (done != total)
            throw new InvalidOperationException($"the generator produced {done} rows, the plan says {total}");
        await importer.CompleteAsync(ct).ConfigureAwait(false);
        if (stage is not null)
        {
            await importer.DisposeAsync().ConfigureAwait(false);
            await stage.FinishAsync(conn, ct).ConfigureAwait(false);
        }
        return done;
    }

    /// <summary>The hot loop, compiled optimized at once: a load runs once per process, so it must not spend its first
    /// million rows in tier-0 code waiting for tiered compilation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteRows(NpgsqlBinaryImporter importer, ColumnWriter[] writers, int count, ref int row, ref int col)
    {
        for (row = 0; row < count; row++)
        {
            importer.StartRow();
            for (col = 0; col < writers.Length; col++) writers[col].Write(importer, row);
        }
    }

    private static void Bind(TableDef table, List<ColumnDef> columns, ColumnWriter[] writers, RowBatch batch, long expectedFirst)
    {
        if (batch.FirstRow != expectedFirst)
            throw new InvalidOperationException($"batch starts at row {batch.FirstRow}, expected {expectedFirst}");
        if (batch.Columns.Count != columns.Count)
            throw new InvalidOperationException(
                $"the generator produced {batch.Columns.Count} columns, the table loads {columns.Count}");
        for (var i = 0; i < writers.Length; i++)
        {
            var v = batch.Columns[i];
            if (v.Column.Name != columns[i].Name)
                throw new InvalidOperationException(
                    $"generated column {i} is \"{v.Column.Name}\", expected \"{columns[i].Name}\" of {table.Name}");
            if (v.Count < batch.Count)
                throw new InvalidOperationException($"column {v.Column.Name} holds {v.Count} values for {batch.Count} rows");
            writers[i].Bind(v);
        }
    }

    /// <summary>Moves every sequence behind an identity / serial / nextval column of a loaded table to the column's
    /// maximum, so that the next INSERT that takes a default does not collide with a loaded key.</summary>
    private static async Task SetSequencesAsync(NpgsqlConnection conn, IRowSource rows, List<TableDef> tables,
        CancellationToken ct)
    {
        foreach (var table in tables)
        {
            if (rows.Rows(table) == 0) continue;
            foreach (var col in table.Columns.Where(c => c.IsLoaded && c.Identity != IdentityKind.None))
            {
                // Identity: always the server's own answer. serial / nextval: the sequence the default names.
                var known = col.Identity == IdentityKind.Sequence ? col.Sequence?.ToSql() : null;
                await using var cmd = new NpgsqlCommand(
                    $"""
                    SELECT setval(s.seq::regclass, m.v)
                    FROM (SELECT COALESCE($1, pg_get_serial_sequence($2, $3)) AS seq) s,
                         (SELECT max({SqlIdent.Quote(col.Name)})::bigint AS v FROM {table.Name.ToSql()}) m
                    WHERE s.seq IS NOT NULL AND m.v IS NOT NULL
                    """, conn);
                cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)known ?? DBNull.Value);
                cmd.Parameters.AddWithValue(table.Name.ToSql());
                cmd.Parameters.AddWithValue(col.Name);
                await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
        }
    }
}
