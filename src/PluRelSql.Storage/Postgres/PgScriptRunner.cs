using Npgsql;
using PluRelSql.Schema;
using PluRelSql.Schema.Postgres;

namespace PluRelSql.Storage.Postgres;

/// <summary>Runs a PostgreSQL script's schema statements in a database the way <c>psql -v ON_ERROR_STOP=1 -f</c>
/// does (one statement at a time, autocommit), so the server, not our reader, decides what the tables are. Data
/// statements and statements about databases are not sent: the rows are generated, and the run has its own database.</summary>
public static class PgScriptRunner
{
    /// <summary>Executes the statements; the first one the server refuses is a <see cref="SchemaException"/> at its
    /// file:line:col (the server's error position when it gives one) with the server's message.</summary>
    public static async Task<int> RunAsync(string connectionString, IReadOnlyList<ScriptStatement> statements, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(statements);
        var csb = new NpgsqlConnectionStringBuilder(connectionString)
        {
            // The database is renamed or dropped afterwards: no pooled connection may stay in it.
            Pooling = false,
            CommandTimeout = 0,
            ApplicationName = "plurel schema",
        };
        await using var conn = new NpgsqlConnection(csb.ConnectionString);
        await conn.OpenAsync(ct).ConfigureAwait(false);
        int executed = 0;
        foreach (var st in statements)
        {
            if (st.Kind != ScriptStatementKind.Schema) continue;
            await using var cmd = new NpgsqlCommand(st.Sql, conn);
            try
            {
                await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            catch (PostgresException e)
            {
                var at = e.Position > 0 ? st.At(e.Position) : st.Position;
                var head = st.Sql.Length > 80 ? st.Sql[..80].ReplaceLineEndings(" ") + "…" : st.Sql.ReplaceLineEndings(" ");
                throw new SchemaException(
                    $"the server refused this statement: {e.MessageText}{(e.Detail is { } d ? $" ({d})" : "")}" +
                    $"{(e.Hint is { } h ? $"; hint: {h}" : "")} [{head}]", at);
            }
            executed++;
        }
        return executed;
    }

    /// <summary>The statements a load runs around its data in this database (see <see cref="LoadGuards"/>).</summary>
    public static async Task<LoadGuards> GuardsAsync(string connectionString, CancellationToken ct)
    {
        var before = new List<string>();
        var after = new List<string>();
        var csb = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, ApplicationName = "plurel schema" };
        await using var conn = new NpgsqlConnection(csb.ConnectionString);
        await conn.OpenAsync(ct).ConfigureAwait(false);
        const string userRelation = """
            n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'
            AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
            """;

        // Foreign keys of their own (a partition's copy of its parent's key goes and comes back with the parent's).
        await using (var cmd = new NpgsqlCommand($"""
            SELECT format('%I.%I', n.nspname, c.relname), quote_ident(k.conname), pg_get_constraintdef(k.oid)
            FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE k.contype = 'f' AND k.conparentid = 0 AND {userRelation}
            ORDER BY 1, 2
            """, conn))
        await using (var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                before.Add($"ALTER TABLE {r.GetString(0)} DROP CONSTRAINT {r.GetString(1)}");
                after.Add($"ALTER TABLE {r.GetString(0)} ADD CONSTRAINT {r.GetString(1)} {r.GetString(2)}");
            }

        // Keys, exclusions and plain indexes of ordinary tables, dropped after the foreign keys and built again before
        // them, as pg_restore builds them after the data: one sort per index instead of one insertion per row. Those of
        // partitioned tables and partitions stay (rebuilt from the parent, their partitions' copies would get new names).
        var indexesAfter = new List<string>();
        await using (var cmd = new NpgsqlCommand($"""
            SELECT format('%I.%I', n.nspname, c.relname), quote_ident(k.conname), pg_get_constraintdef(k.oid),
                   i.indisclustered, format('%I', ic.relname)
            FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_index i ON i.indexrelid = k.conindid JOIN pg_class ic ON ic.oid = k.conindid
            WHERE k.contype IN ('p', 'u', 'x') AND c.relkind = 'r' AND NOT c.relispartition AND NOT i.indisreplident
              AND {userRelation}
            ORDER BY 1, 2
            """, conn))
        await using (var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                var table = r.GetString(0);
                before.Add($"ALTER TABLE {table} DROP CONSTRAINT {r.GetString(1)}");
                indexesAfter.Add($"ALTER TABLE {table} ADD CONSTRAINT {r.GetString(1)} {r.GetString(2)}");
                if (r.GetBoolean(3)) indexesAfter.Add($"ALTER TABLE {table} CLUSTER ON {r.GetString(4)}");
            }
        await using (var cmd = new NpgsqlCommand($"""
            SELECT format('%I.%I', n.nspname, ic.relname), pg_get_indexdef(i.indexrelid), i.indisclustered,
                   format('%I.%I', n.nspname, c.relname), format('%I', ic.relname)
            FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class c ON c.oid = i.indrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = 'r' AND NOT c.relispartition AND NOT i.indisreplident
              AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
              AND {userRelation}
            ORDER BY 1
            """, conn))
        await using (var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                before.Add($"DROP INDEX {r.GetString(0)}");
                indexesAfter.Add(r.GetString(1));
                if (r.GetBoolean(2)) indexesAfter.Add($"ALTER TABLE {r.GetString(3)} CLUSTER ON {r.GetString(4)}");
            }
        after.InsertRange(0, indexesAfter);

        // Enabled user triggers (constraint triggers included; foreign key triggers are internal and go with their
        // keys), each on its own table, partitions' clones too, then back in the mode they had.
        int triggers = 0;
        var tables = new HashSet<string>(StringComparer.Ordinal);
        await using (var cmd = new NpgsqlCommand($"""
            SELECT format('%I.%I', n.nspname, c.relname), quote_ident(t.tgname), t.tgenabled::text
            FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' AND {userRelation}
            ORDER BY 1, 2
            """, conn))
        await using (var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                var (table, name) = (r.GetString(0), r.GetString(1));
                before.Add($"ALTER TABLE ONLY {table} DISABLE TRIGGER {name}");
                after.Add($"ALTER TABLE ONLY {table} ENABLE {Mode(r.GetString(2))}TRIGGER {name}");
                triggers++;
                tables.Add(table);
            }

        // Rules (not a view's _RETURN) rewrite our INSERTs: disabled the same way.
        int rules = 0;
        await using (var cmd = new NpgsqlCommand($"""
            SELECT format('%I.%I', n.nspname, c.relname), quote_ident(w.rulename), w.ev_enabled::text
            FROM pg_rewrite w JOIN pg_class c ON c.oid = w.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE w.rulename <> '_RETURN' AND w.ev_enabled <> 'D' AND c.relkind IN ('r', 'p') AND {userRelation}
            ORDER BY 1, 2
            """, conn))
        await using (var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                var (table, name) = (r.GetString(0), r.GetString(1));
                before.Add($"ALTER TABLE {table} DISABLE RULE {name}");
                after.Add($"ALTER TABLE {table} ENABLE {Mode(r.GetString(2))}RULE {name}");
                rules++;
            }
        return new LoadGuards(before, after, triggers, tables.Count, rules);
    }

    // pg_trigger.tgenabled / pg_rewrite.ev_enabled: O origin (plain ENABLE), R replica, A always.
    private static string Mode(string enabled) => enabled switch { "R" => "REPLICA ", "A" => "ALWAYS ", _ => "" };
}
