using Npgsql;
using PluRelSql.Schema;

namespace PluRelSql.Storage.Postgres;

/// <summary>Statistics read from a source, with where they came from and which tables showed none.</summary>
/// <param name="Source"><c>pg_stats</c>, or the SECURITY DEFINER function <see cref="PgStatisticsReader.Function"/>
/// when it is installed in the source database.</param>
/// <param name="Hidden">Tables whose column statistics <c>pg_stats</c> hides from this role (it shows a column's only
/// to a role that may SELECT it); empty when read through the function.</param>
public sealed record StatisticsRead(DatabaseStatistics Statistics, string Source, IReadOnlyList<QualifiedName> Hidden);

/// <summary>Reads planner statistics (<c>pg_class.reltuples</c>/<c>relpages</c>, <c>pg_stats</c>) of a graph's tables
/// from a PostgreSQL catalog. It never reads a table's rows: only the catalog, so a role with no SELECT on the tables
/// can read them through <see cref="Function"/> (see <see cref="SetupSql"/>).</summary>
public static class PgStatisticsReader
{
    /// <summary>The SECURITY DEFINER function over pg_stats that <see cref="SetupSql"/> installs.</summary>
    public const string Function = "plurel_stats.column_stats()";

    /// <summary>SQL a superuser runs once in the source database so that <paramref name="grantTo"/> (a role with no
    /// SELECT on the tables) can read their statistics: a SECURITY DEFINER function returning pg_stats' rows with the
    /// value arrays as text[]. Nothing else is granted. The MCVs and histogram bounds it returns are column values, so
    /// grant it only to roles that may see those.</summary>
    public static string SetupSql(string? grantTo)
    {
        var role = grantTo is null ? "<role>" : SqlIdent.Quote(grantTo);
        return $"""
            -- Installs plurel_stats.column_stats(): the planner statistics of every user table (pg_stats, read as its
            -- owner), for `plurel populate --like` run by a role that has no SELECT on the tables. Run as a superuser
            -- in the source database. No table row is read by the function or by plurel.
            CREATE SCHEMA IF NOT EXISTS plurel_stats;
            CREATE OR REPLACE FUNCTION plurel_stats.column_stats()
              RETURNS TABLE (schemaname name, tablename name, attname name, inherited boolean, null_frac real,
                             avg_width integer, n_distinct real, most_common_vals text[], most_common_freqs real[],
                             histogram_bounds text[], correlation real)
              LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
            AS $f$
              SELECT s.schemaname, s.tablename, s.attname, s.inherited, s.null_frac, s.avg_width, s.n_distinct,
                     s.most_common_vals::text::text[], s.most_common_freqs, s.histogram_bounds::text::text[], s.correlation
              FROM pg_catalog.pg_stats s
              WHERE s.schemaname NOT IN ('pg_catalog', 'information_schema', 'plurel_stats')
                AND s.schemaname NOT LIKE 'pg\_toast%' AND s.schemaname NOT LIKE 'pg\_temp\_%'
            $f$;
            REVOKE ALL ON FUNCTION plurel_stats.column_stats() FROM PUBLIC;
            GRANT USAGE ON SCHEMA plurel_stats TO {role};
            GRANT EXECUTE ON FUNCTION plurel_stats.column_stats() TO {role};

            """;
    }

    /// <summary>True when <see cref="Function"/> exists in the connected database and this role may run it.</summary>
    public static async Task<bool> FunctionUsableAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT p IS NOT NULL AND has_function_privilege(p, 'EXECUTE') FROM to_regprocedure('plurel_stats.column_stats()') AS p", conn);
        return await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false) is true;
    }

    /// <summary>Runs ANALYZE on the graph's tables (needs ownership, or MAINTAIN from PostgreSQL 17; reads the rows on
    /// the server only). A table this role may not analyze (which ANALYZE itself only warns about) is an
    /// <see cref="UnauthorizedAccessException"/> naming the tables, before anything runs.</summary>
    public static async Task AnalyzeAsync(NpgsqlConnection conn, SchemaGraph graph, CancellationToken ct)
    {
        var names = graph.LoadableTables.Select(t => t.Name.ToSql()).ToList();
        if (names.Count == 0) return;
        var maintain = conn.PostgreSqlVersion.Major >= 17 ? " OR has_table_privilege(c.oid, 'MAINTAIN')" : "";
        await using (var check = new NpgsqlCommand($"""
            SELECT string_agg(format('%I.%I', n.nspname, c.relname), ', ' ORDER BY n.nspname, c.relname)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.oid = ANY(@tables::regclass[]) AND NOT (pg_has_role(c.relowner, 'USAGE'){maintain})
            """, conn))
        {
            check.Parameters.AddWithValue("tables", names.ToArray());
            if (await check.ExecuteScalarAsync(ct).ConfigureAwait(false) is string denied)
                throw new UnauthorizedAccessException($"this role may not ANALYZE {denied} (it needs to own them{(maintain.Length > 0 ? " or hold MAINTAIN" : "")})");
        }
        await using var cmd = new NpgsqlCommand("ANALYZE " + string.Join(", ", names), conn) { CommandTimeout = 0 };
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>The statistics of <paramref name="graph"/>'s loadable tables.</summary>
    public static async Task<StatisticsRead> ReadAsync(NpgsqlConnection conn, SchemaGraph graph, CancellationToken ct)
    {
        var wanted = graph.LoadableTables.Select(t => t.Name).ToHashSet();
        var sizes = await ReadSizesAsync(conn, wanted, ct).ConfigureAwait(false);
        var viaFunction = await FunctionUsableAsync(conn, ct).ConfigureAwait(false);
        var columns = await ReadColumnsAsync(conn, wanted, viaFunction, ct).ConfigureAwait(false);

        var tables = new Dictionary<QualifiedName, TableStatistics>();
        var hidden = new List<QualifiedName>();
        foreach (var name in graph.LoadableTables.Select(t => t.Name))
        {
            var (rows, pages, canSelect) = sizes.GetValueOrDefault(name, (null, 0, true));
            var cols = columns.GetValueOrDefault(name) ?? [];
            if (!viaFunction && !canSelect && cols.Count == 0) hidden.Add(name);
            tables[name] = new TableStatistics(name, rows, pages, cols);
        }
        return new StatisticsRead(new DatabaseStatistics(tables), viaFunction ? Function : "pg_stats", hidden);
    }

    private static async Task<Dictionary<QualifiedName, (double? Rows, long Pages, bool CanSelect)>> ReadSizesAsync(
        NpgsqlConnection conn, HashSet<QualifiedName> wanted, CancellationToken ct)
    {
        // A partitioned table keeps no rows of its own: unless ANALYZE gave it an estimate, its partitions' sum is its
        // size (partitions never analyzed count as unknown). reltuples < 0 (PostgreSQL 14+) means never analyzed, and
        // relpages stays 0 after a COPY into a fresh table until VACUUM/ANALYZE: such a table is empty only when its
        // main fork has no page on disk (pg_relation_size reads the file's size, no row); else its size is unknown, not 0.
        const string sql = """
            SELECT n.nspname, c.relname, c.relkind, c.reltuples::float8, c.relpages::int8,
                   has_table_privilege(c.oid, 'SELECT'),
                   pg_relation_size(c.oid) = 0,
                   (SELECT CASE WHEN bool_and(p.reltuples >= 0 OR pg_relation_size(p.oid) = 0) THEN sum(greatest(p.reltuples, 0))::float8 END
                    FROM pg_partition_tree(c.oid) t JOIN pg_class p ON p.oid = t.relid WHERE t.isleaf)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p', 'm', 'f')
            """;
        var result = new Dictionary<QualifiedName, (double?, long, bool)>();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            var name = new QualifiedName(r.GetString(0), r.GetString(1));
            if (!wanted.Contains(name)) continue;
            var kind = r.GetChar(2);
            var tuples = r.GetDouble(3);
            var pages = r.GetInt64(4);
            double? rows = tuples >= 0 ? tuples : pages == 0 && r.GetBoolean(6) ? 0 : null;
            if (kind == 'p' && tuples < 0) rows = r.IsDBNull(7) ? null : r.GetDouble(7);
            result[name] = (rows, pages, r.GetBoolean(5));
        }
        return result;
    }

    private static async Task<Dictionary<QualifiedName, Dictionary<string, ColumnStatistics>>> ReadColumnsAsync(
        NpgsqlConnection conn, HashSet<QualifiedName> wanted, bool viaFunction, CancellationToken ct)
    {
        // Inherited rows (a parent's statistics over its children) come after a table's own, so a plain table keeps its
        // own and a partitioned one (which has only inherited rows) keeps those.
        var from = viaFunction
            ? "plurel_stats.column_stats() s"
            : """
              (SELECT schemaname, tablename, attname, inherited, null_frac, avg_width, n_distinct,
                      most_common_vals::text::text[] AS most_common_vals, most_common_freqs,
                      histogram_bounds::text::text[] AS histogram_bounds, correlation
               FROM pg_catalog.pg_stats) s
              """;
        var sql = $"""
            SELECT s.schemaname, s.tablename, s.attname, s.null_frac::float8, s.avg_width, s.n_distinct::float8,
                   s.most_common_vals, s.most_common_freqs::float8[], s.histogram_bounds, s.correlation::float8
            FROM {from}
            ORDER BY s.schemaname, s.tablename, s.attname, s.inherited
            """;
        var result = new Dictionary<QualifiedName, Dictionary<string, ColumnStatistics>>();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            var table = new QualifiedName(r.GetString(0), r.GetString(1));
            if (!wanted.Contains(table)) continue;
            if (!result.TryGetValue(table, out var cols)) result[table] = cols = new Dictionary<string, ColumnStatistics>(StringComparer.Ordinal);
            var column = r.GetString(2);
            if (cols.ContainsKey(column)) continue;
            // An array column's MCVs are array literals ("{1,2}"); a value that does not read as text[] is not kept.
            var mcv = r.IsDBNull(6) ? null : r.GetValue(6) as string[];
            var freqs = r.IsDBNull(7) ? null : r.GetFieldValue<double[]>(7);
            if (mcv is null || freqs is null || mcv.Length != freqs.Length) (mcv, freqs) = (null, null);
            var bounds = r.IsDBNull(8) ? null : r.GetValue(8) as string[];
            cols[column] = new ColumnStatistics(
                column, r.GetDouble(3), r.GetInt32(4), r.GetDouble(5), mcv, freqs, bounds, r.IsDBNull(9) ? null : r.GetDouble(9));
        }
        return result;
    }
}
