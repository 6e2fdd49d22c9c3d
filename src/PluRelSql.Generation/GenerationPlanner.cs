using PluRelSql.Generation.Values;
using PluRelSql.Schema;

namespace PluRelSql.Generation;

/// <summary>Decides how many rows every loadable table gets: the requested count, lowered where the table's keys
/// cannot hold that many distinct values (a key of FK columns, a 1:1 FK, an enum/boolean key, a short char(n)).</summary>
public static class GenerationPlanner
{
    public static GenerationPlan Create(SchemaGraph graph, GenerationOptions options)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(options);
        if (options.DefaultRows < 0) throw new ArgumentException("DefaultRows must not be negative", nameof(options));
        if (!(options.Scale >= 0) || double.IsInfinity(options.Scale)) throw new ArgumentException("Scale must be a finite non-negative number", nameof(options));
        if (!(options.NullRate is >= 0 and <= 1)) throw new ArgumentException("NullRate must be in [0, 1]", nameof(options));

        var order = graph.ComputeLoadOrder();
        var requested = Requested(graph, options);
        var rows = new Dictionary<QualifiedName, long>();
        var caps = new Dictionary<QualifiedName, RowCap>();
        var analyses = order.Tables.ToDictionary(t => t.Name, t => new TableAnalysis(graph, order, t));
        // A child loaded ahead of its parent (a NOT NULL FK cycle) sizes its keys by the parent's count before the
        // parent is planned: start from the requested counts and lower them until no cap changes (counts only fall).
        if (order.AheadForeignKeys.Count > 0)
            foreach (var t in order.Tables) rows[t.Name] = requested[t.Name];
        for (var pass = 0; pass <= order.Tables.Count; pass++)
        {
            var changed = false;
            foreach (var t in order.Tables)
            {
                var want = requested[t.Name];
                var (cap, reason) = Capacity(analyses[t.Name], want, rows, options.Seed);
                var n = Math.Min(want, cap);
                if (n < want) caps[t.Name] = new RowCap(t.Name, want, n, reason!);
                if (!rows.TryGetValue(t.Name, out var before) || before != n) changed = true;
                rows[t.Name] = n;
            }
            if (!changed || order.AheadForeignKeys.Count == 0) break;
        }
        return new GenerationPlan
        {
            Graph = graph, Order = order, RowCounts = rows, Options = options,
            Caps = order.Tables.Where(t => caps.ContainsKey(t.Name)).Select(t => caps[t.Name]).ToList(),
        };
    }

    private static Dictionary<QualifiedName, long> Requested(SchemaGraph graph, GenerationOptions options)
    {
        var loadable = graph.LoadableTables.ToList();
        var counts = new Dictionary<QualifiedName, long>();
        var explicitRows = new Dictionary<QualifiedName, long>();
        var unknown = new List<string>();
        foreach (var (name, n) in options.TableRows)
        {
            if (n < 0) throw new ArgumentException($"row count for {name} must not be negative", nameof(options));
            var matches = loadable.Where(t => t.Name.ToString().Equals(name, StringComparison.OrdinalIgnoreCase)).ToList();
            if (matches.Count == 0) matches = loadable.Where(t => t.Name.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).ToList();
            if (matches.Count == 0) { unknown.Add(name); continue; }
            foreach (var m in matches)
                // A qualified name wins over a bare one.
                if (!explicitRows.ContainsKey(m.Name) || name.Contains('.', StringComparison.Ordinal)) explicitRows[m.Name] = n;
        }
        if (unknown.Count > 0)
            throw new ArgumentException("unknown table(s) in row counts: " + string.Join(", ", unknown.Order(StringComparer.Ordinal)) +
                (graph.Tables.Any(t => t.IsPartition && unknown.Any(u => u.EndsWith(t.Name.Name, StringComparison.OrdinalIgnoreCase)))
                    ? " (partitions get their rows through the partitioned table)" : ""), nameof(options));
        foreach (var t in loadable)
        {
            var baseRows = explicitRows.TryGetValue(t.Name, out var e) ? e : options.DefaultRows;
            var scaled = Math.Round(baseRows * options.Scale);
            var n = scaled >= long.MaxValue / 2 ? long.MaxValue / 2 : (long)scaled;
            if (baseRows > 0 && options.Scale > 0 && n < 1) n = 1;
            counts[t.Name] = n;
        }
        return counts;
    }

    private static (long Cap, string? Reason) Capacity(TableAnalysis a, long want, IReadOnlyDictionary<QualifiedName, long> rows, ulong seed)
    {
        long cap = long.MaxValue;
        string? reason = null;
        void Lower(long c, string why)
        {
            if (c < cap) { cap = c; reason = why; }
        }
        long RowsOf(TableDef p) => rows.TryGetValue(p.Name, out var n) ? n : 0;

        foreach (var fk in a.Graph.ForeignKeysOf(a.Table))
        {
            if (a.Deferred.GetValueOrDefault(fk) || fk.IsSelfReference(a.Table)) continue;
            var (parent, partition) = TableAnalysis.FkParent(a.Graph, a.Table, fk);
            var domain = a.Target(parent, partition, RowsOf(parent)).Domain;
            var notNull = fk.Columns.Any(c => a.Table.FindColumn(c) is { Nullable: false });
            if (domain == 0 && notNull)
                Lower(0, $"NOT NULL foreign key to {(partition is { } p ? p : parent.Name)}, which has no rows");
        }
        foreach (var key in a.Keys)
        {
            var digits = a.Digits(key, RowsOf, want, seed, out var satisfied);
            // Digits that cannot hold unique values (arrays, unknown types) count for nothing here; a key made only of
            // them is reported by the generator.
            var counted = digits.Where(d => d.Domain > 0).ToList();
            // NULLS NOT DISTINCT over columns that are always NULL: every row has the same key.
            if (key.NullsNotDistinct && !satisfied && digits.Count == 0 && key.Columns.Count > 0)
                Lower(1, $"unique key ({string.Join(", ", key.Columns)}) is NULLS NOT DISTINCT over columns that are always NULL");
            if (satisfied || counted.Count == 0) continue;
            var capacity = KeyLayout.SaturatingProduct(counted.Select(d => d.Domain));
            if (capacity < want)
                Lower(capacity, $"{(ReferenceEquals(key, a.Table.PrimaryKey) ? "primary key" : "unique key")} ({string.Join(", ", key.Columns)}) has only {capacity} distinct values");
        }
        return (cap, reason);
    }
}
