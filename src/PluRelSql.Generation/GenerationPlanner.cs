using System.Globalization;
using PluRelSql.Generation.Values;
using PluRelSql.Schema;

namespace PluRelSql.Generation;

/// <summary>Decides how many rows every loadable table gets: the requested count, or — where the table's keys cannot
/// hold that many distinct values (a key of FK columns, a 1:1 FK, an enum/boolean key, a short char(n)) — a
/// <see cref="RowCountException"/> naming the key and its size, unless <see cref="GenerationOptions.FitRows"/> lowers
/// the count instead. Counts that overflow or pass <see cref="GenerationOptions.MaxTotalRows"/> are refused. Under
/// <see cref="RowSizing.ByRole"/> the counts not named in <see cref="GenerationOptions.TableRows"/> come from
/// <see cref="TableRoles.Sizes"/>; those below N (or leaning on a parent below N) are lowered to what the keys hold
/// without a refusal (<see cref="GenerationPlan.RoleCaps"/>).</summary>
public static class GenerationPlanner
{
    public static GenerationPlan Create(SchemaGraph graph, GenerationOptions options)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(options);
        if (options.DefaultRows < 0) throw new ArgumentException("DefaultRows must not be negative", nameof(options));
        if (!(options.Scale >= 0) || double.IsInfinity(options.Scale)) throw new ArgumentException("Scale must be a finite non-negative number", nameof(options));
        if (!(options.NullRate is >= 0 and <= 1)) throw new ArgumentException("NullRate must be in [0, 1]", nameof(options));
        if (!Values.Locales.IsKnown(options.Locale))
            throw new ArgumentException($"locale '{options.Locale}' is not known; use one of: {string.Join(", ", Values.Locales.All)}", nameof(options));

        var order = graph.ComputeLoadOrder();
        var requested = Requested(graph, options, out var fromRoles);
        // The ceiling applies to what was asked (a mistyped count), before keys are looked at; summed as doubles, so
        // the sum of many large counts cannot wrap.
        var total = requested.Values.Sum(n => (double)n);
        if (options.MaxTotalRows > 0 && total > options.MaxTotalRows)
            throw new RowCountException(string.Create(CultureInfo.InvariantCulture,
                $"the plan asks for {total:N0} rows in all, more than the limit of {options.MaxTotalRows:N0}"));
        var rows = new Dictionary<QualifiedName, long>();
        var caps = new Dictionary<QualifiedName, RowCap>();
        var roleCaps = new Dictionary<QualifiedName, RowCap>();
        var analyses = order.Tables.ToDictionary(t => t.Name, t => new TableAnalysis(graph, order, t) { Locale = options.Locale });
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
                if (n < want && fromRoles.Contains(t.Name))
                    roleCaps[t.Name] = new RowCap(t.Name, want, n, reason!);
                else if (n < want)
                {
                    if (!options.FitRows)
                        throw new RowCountException(string.Create(CultureInfo.InvariantCulture,
                            $"{t.Name}: {reason}, but {want:N0} rows were asked for"), t.Name, fittable: true);
                    caps[t.Name] = new RowCap(t.Name, want, n, reason!);
                }
                if (!rows.TryGetValue(t.Name, out var before) || before != n) changed = true;
                rows[t.Name] = n;
            }
            if (!changed || order.AheadForeignKeys.Count == 0) break;
        }
        return new GenerationPlan
        {
            Graph = graph, Order = order, RowCounts = rows, Options = options,
            Caps = order.Tables.Where(t => caps.ContainsKey(t.Name)).Select(t => caps[t.Name]).ToList(),
            RoleCaps = order.Tables.Where(t => roleCaps.ContainsKey(t.Name) && rows[t.Name] < roleCaps[t.Name].Requested)
                .Select(t => roleCaps[t.Name] with { Rows = rows[t.Name] }).ToList(),
            Roles = TableRoles.Roles(graph),
        };
    }

    /// <summary>Most rows one table may be asked for: far beyond any server's table (PostgreSQL's 32 TB hold about
    /// 1.25·10¹² rows), small enough that sums over thousands of tables stay exact in a long.</summary>
    public const long MaxTableRows = 1_000_000_000_000_000;

    private static Dictionary<QualifiedName, long> Requested(SchemaGraph graph, GenerationOptions options, out HashSet<QualifiedName> fromRoles)
    {
        fromRoles = [];
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
        var roles = options.Sizing == RowSizing.ByRole ? TableRoles.Sizes(graph, options.DefaultRows) : null;
        foreach (var t in loadable)
        {
            var baseRows = explicitRows.TryGetValue(t.Name, out var e) ? e : roles?[t.Name].Rows ?? options.DefaultRows;
            // A count the roles lowered, or one whose keys lean on a parent the roles lowered, is fitted to what the keys
            // hold without a refusal: nobody asked for it. A table at the full N keeps the refusal of an explicit count.
            if (roles is not null && !explicitRows.ContainsKey(t.Name) &&
                (roles[t.Name].Rows < options.DefaultRows || graph.ForeignKeysOf(t).Any(fk =>
                    graph.FindTable(fk.RefTable) is { } p && p != t && graph.LoadedTableOf(p.Name) is var pn &&
                    !explicitRows.ContainsKey(pn) && roles.TryGetValue(pn, out var ps) && ps.Rows < options.DefaultRows)))
                fromRoles.Add(t.Name);
            // In doubles first: baseRows × scale may pass long.MaxValue (--scale 1e300), which must be refused, not saturated.
            var scaled = Math.Round(baseRows * options.Scale);
            if (!(scaled <= MaxTableRows))
                throw new RowCountException(string.Create(CultureInfo.InvariantCulture,
                    $"{t.Name}: {baseRows:N0} rows × scale {options.Scale:G6} = {scaled:G4} rows, more than any table can hold (at most {MaxTableRows:G3})"), t.Name);
            var n = (long)scaled;
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
        string N(long v) => v.ToString("N0", CultureInfo.InvariantCulture);

        foreach (var fk in a.Graph.ForeignKeysOf(a.Table))
        {
            if (a.Deferred.GetValueOrDefault(fk) || fk.IsSelfReference(a.Table)) continue;
            var (parent, partition) = TableAnalysis.FkParent(a.Graph, a.Table, fk);
            var domain = a.Target(parent, partition, RowsOf(parent)).Domain;
            var notNull = fk.Columns.Any(c => a.Table.FindColumn(c) is { Nullable: false });
            if (domain == 0 && notNull)
                Lower(0, $"NOT NULL foreign key ({string.Join(", ", fk.Columns)}) to {(partition is { } p ? p : parent.Name)}, which gets no rows, leaves no row possible");
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
            if (capacity >= want) continue;
            var what = counted.Count == 1
                ? DigitText(a, counted[0], RowsOf)
                : string.Join(" × ", counted.Select(d => $"{N(d.Domain)} of {DigitName(d)}: {DigitText(a, d, RowsOf)}"));
            Lower(capacity, $"{(ReferenceEquals(key, a.Table.PrimaryKey) ? "PRIMARY KEY" : "UNIQUE")} ({string.Join(", ", key.Columns)}) " +
                            $"can hold at most {N(capacity)} distinct values ({what})");
        }
        // A sequence-numbered column (identity, serial) outside any key: start + row·increment must stay in its type.
        foreach (var c in a.Loaded)
        {
            if (c.Identity == IdentityKind.None || !c.Type.IsInteger || c.Type.IsArray || a.IsKeyColumn(c.Name) || a.FkOf.ContainsKey(c.Name)) continue;
            var ctx = a.Context(c.Name, want, seed);
            var (lo, hi) = c.Type.Kind switch
            {
                TypeKind.SmallInt => ((double)short.MinValue, (double)short.MaxValue),
                TypeKind.Integer => (int.MinValue, int.MaxValue),
                _ => (long.MinValue, (double)long.MaxValue),
            };
            var inc = (double)ctx.SequenceIncrement;
            var room = inc > 0 ? Math.Floor((hi - ctx.SequenceStart) / inc) + 1 : Math.Floor((ctx.SequenceStart - lo) / -inc) + 1;
            if (room < want)
                Lower((long)Math.Max(0, room), $"{c.Name} ({c.Type}, numbered from {N(ctx.SequenceStart)} by {N(ctx.SequenceIncrement)}) can number at most {N((long)Math.Max(0, room))} rows");
        }
        return (cap, reason);
    }

    private static string DigitName(TableAnalysis.Digit d) => d.Column ?? string.Join(", ", d.Fk!.Columns);

    /// <summary>What bounds one key digit: the column's type (and its CHECK, when it narrows it) or the parent's rows.</summary>
    private static string DigitText(TableAnalysis a, TableAnalysis.Digit d, Func<TableDef, long> rowsOf)
    {
        if (d.Column is { } c)
        {
            var col = a.Table.Column(c);
            var r = a.RulesOf(c);
            var narrowed = r.HasBounds || r.In is not null || r.NotIn.Count > 0 || r.Patterns is not null || r.MinLen > 0 || r.MaxLen != int.MaxValue;
            var type = col.Type.Kind == TypeKind.Enum && col.Type.UserType is { } u && a.Graph.FindEnum(u) is { } e
                ? $"enum {u} of {e.Labels.Count} labels" : col.Type.ToString();
            return type + (narrowed ? " as its CHECK allows" : "");
        }
        var (parent, partition) = TableAnalysis.FkParent(a.Graph, a.Table, d.Fk!);
        return string.Create(CultureInfo.InvariantCulture,
            $"one per row of {(partition is { } p ? p : parent.Name)}, which gets {rowsOf(parent):N0} rows");
    }
}
