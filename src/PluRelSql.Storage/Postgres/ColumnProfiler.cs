using System.Globalization;
using Npgsql;
using PluRelSql.Schema;

namespace PluRelSql.Storage.Postgres;

/// <summary>One value and its share of the sampled rows.</summary>
public sealed record TopValue(string Value, double Share);

/// <summary>What a column's data looks like, measured on a table's sample; <see cref="Kind"/> is the classifier's
/// (<see cref="ColumnSemantics.Classify"/>) and <see cref="Evidence"/> what gave it away.</summary>
public sealed record ColumnProfile(
    string Name, string Type, SemanticKind Kind, double NullShare, long Distinct,
    string? Min, string? Max, int? MinLength, double? AvgLength, int? MaxLength, IReadOnlyList<TopValue>? Top)
{
    public string Evidence { get; init; } = "";

    /// <summary>The unit of a <see cref="SemanticKind.Duration"/> column, when the schema says it.</summary>
    public DurationUnit Unit { get; init; }
}

/// <summary>A table's row count and its columns' profiles. <see cref="Sampled"/> rows were read, by
/// <see cref="SampleMethod"/> (<c>full</c>: every row, so distinct counts are exact; <c>tablesample</c>: a
/// TABLESAMPLE SYSTEM sample cut to the limit).</summary>
public sealed record TableProfile(
    QualifiedName Name, long Rows, bool RowsExact, long Sampled, string SampleMethod, IReadOnlyList<ColumnProfile> Columns);

/// <summary>Profiles the tables of a PostgreSQL database: row counts, null shares, distinct counts, ranges, top values
/// and text lengths per column, each table in one scan of a sample of at most <c>sampleRows</c> rows (plus one grouped
/// query per low-cardinality column). Identifiers are quoted; values go as parameters.</summary>
public static class ColumnProfiler
{
    /// <summary>Tables estimated up to this many rows are counted exactly (count(*)); larger ones keep the
    /// planner's reltuples estimate.</summary>
    public const long ExactCountLimit = 1_000_000;

    /// <summary>A column with at most this many distinct sampled values gets its top values.</summary>
    public const int LowCardinality = 30;

    public static async Task<IReadOnlyList<TableProfile>> ProfileAsync(NpgsqlConnection conn, SchemaGraph graph, long sampleRows, CancellationToken ct)
    {
        if (sampleRows < 1) throw new ArgumentOutOfRangeException(nameof(sampleRows), "the sample needs at least one row");
        var result = new List<TableProfile>();
        foreach (var table in graph.LoadableTables.OrderBy(t => t.Name.Schema, StringComparer.Ordinal).ThenBy(t => t.Name.Name, StringComparer.Ordinal))
            result.Add(await ProfileTableAsync(conn, graph, table, sampleRows, ct).ConfigureAwait(false));
        return result;
    }

    private static async Task<TableProfile> ProfileTableAsync(NpgsqlConnection conn, SchemaGraph graph, TableDef table, long sampleRows, CancellationToken ct)
    {
        var (rows, exact) = await RowCountAsync(conn, table, ct).ConfigureAwait(false);
        var full = rows <= sampleRows;
        // SYSTEM picks whole pages: ask for 1.5 × the share needed so the LIMIT usually has enough rows to cut from.
        var percent = full ? 100.0 : Math.Min(100.0, 150.0 * sampleRows / Math.Max(1, rows));
        var from = full
            ? $"(SELECT * FROM {table.Name.ToSql()} LIMIT $1) s"
            : $"(SELECT * FROM {table.Name.ToSql()} TABLESAMPLE SYSTEM ($2) REPEATABLE (0) LIMIT $1) s";

        var cols = table.Columns;
        var select = new List<string> { "count(*)" };
        foreach (var c in cols)
        {
            var q = SqlIdent.Quote(c.Name);
            select.Add($"count({q})");
            select.Add($"count(DISTINCT {q}::text)");
            select.Add(HasRange(c.Type) ? $"min({q})::text" : "NULL::text");
            select.Add(HasRange(c.Type) ? $"max({q})::text" : "NULL::text");
            select.Add(HasLength(c.Type) ? $"min(length({q}))" : "NULL::int");
            select.Add(HasLength(c.Type) ? $"avg(length({q}))::float8" : "NULL::float8");
            select.Add(HasLength(c.Type) ? $"max(length({q}))" : "NULL::int");
        }
        long sampled;
        var raw = new List<(long NonNull, long Distinct, string? Min, string? Max, int? MinLen, double? AvgLen, int? MaxLen)>();
        await using (var cmd = new NpgsqlCommand($"SELECT {string.Join(", ", select)} FROM {from}", conn))
        {
            Parameters(cmd, sampleRows, full, percent);
            await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await r.ReadAsync(ct).ConfigureAwait(false);
            sampled = r.GetInt64(0);
            for (var i = 0; i < cols.Count; i++)
            {
                var o = 1 + i * 7;
                raw.Add((r.GetInt64(o), r.GetInt64(o + 1),
                    r.IsDBNull(o + 2) ? null : r.GetString(o + 2), r.IsDBNull(o + 3) ? null : r.GetString(o + 3),
                    r.IsDBNull(o + 4) ? null : r.GetInt32(o + 4), r.IsDBNull(o + 5) ? null : r.GetDouble(o + 5),
                    r.IsDBNull(o + 6) ? null : r.GetInt32(o + 6)));
            }
        }
        if (full) rows = sampled;

        var profiles = new List<ColumnProfile>();
        for (var i = 0; i < cols.Count; i++)
        {
            var c = cols[i];
            var s = raw[i];
            IReadOnlyList<TopValue>? top = null;
            if (s.Distinct > 0 && s.Distinct <= LowCardinality && s.Distinct < s.NonNull)
                top = await TopAsync(conn, from, c.Name, sampleRows, full, percent, sampled, ct).ConfigureAwait(false);
            var meaning = ColumnSemantics.Classify(table, c, graph);
            profiles.Add(new ColumnProfile(c.Name, c.Type.ToPgSql(), meaning.Kind,
                sampled == 0 ? 0 : (double)(sampled - s.NonNull) / sampled, s.Distinct,
                s.Min, s.Max, s.MinLen, s.AvgLen, s.MaxLen, top)
            { Evidence = meaning.Evidence, Unit = meaning.Unit });
        }
        return new TableProfile(table.Name, rows, exact || full, sampled, full ? "full" : "tablesample", profiles);
    }

    private static async Task<IReadOnlyList<TopValue>> TopAsync(NpgsqlConnection conn, string from, string column, long sampleRows,
        bool full, double percent, long sampled, CancellationToken ct)
    {
        var q = SqlIdent.Quote(column);
        await using var cmd = new NpgsqlCommand(
            $"SELECT {q}::text, count(*) FROM {from} WHERE {q} IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 5", conn);
        Parameters(cmd, sampleRows, full, percent);
        var top = new List<TopValue>();
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
            top.Add(new TopValue(r.GetString(0), (double)r.GetInt64(1) / Math.Max(1, sampled)));
        return top;
    }

    private static void Parameters(NpgsqlCommand cmd, long sampleRows, bool full, double percent)
    {
        cmd.Parameters.AddWithValue(sampleRows);
        if (!full) cmd.Parameters.AddWithValue((float)percent);
    }

    // reltuples over the table's leaf partitions (a plain table is its own leaf); -1 means never analysed.
    private static async Task<(long Rows, bool Exact)> RowCountAsync(NpgsqlConnection conn, TableDef table, CancellationToken ct)
    {
        await using (var est = new NpgsqlCommand(
            """
            SELECT coalesce(sum(greatest(c.reltuples, 0)), 0)::bigint, coalesce(bool_or(c.reltuples < 0), true)
            FROM pg_partition_tree($1::regclass) p JOIN pg_class c ON c.oid = p.relid WHERE p.isleaf
            """, conn))
        {
            est.Parameters.AddWithValue(table.Name.ToSql());
            await using var r = await est.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await r.ReadAsync(ct).ConfigureAwait(false);
            var estimate = r.GetInt64(0);
            var unknown = r.GetBoolean(1);
            if (!unknown && estimate > ExactCountLimit) return (estimate, false);
        }
        await using var count = new NpgsqlCommand($"SELECT count(*) FROM {table.Name.ToSql()}", conn);
        return (Convert.ToInt64(await count.ExecuteScalarAsync(ct).ConfigureAwait(false), CultureInfo.InvariantCulture), true);
    }

    // Numbers, dates and times of day (not intervals).
    private static bool HasRange(SqlType t) => !t.IsArray && t.Descriptor is { IsNumeric: true } or { IsCalendar: true } or { IsTimeOfDay: true };

    private static bool HasLength(SqlType t) => !t.IsArray && t.Descriptor.IsCharacter;
}
