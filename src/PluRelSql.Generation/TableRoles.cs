using PluRelSql.Schema;

namespace PluRelSql.Generation;

/// <summary>What a table is in its schema's graph, which decides its share of the rows under
/// <see cref="RowSizing.ByRole"/> (PluRel's entity/activity split, with lookups and bridges told apart).</summary>
public enum SizingRole
{
    /// <summary>No foreign key in or out (self-references aside): gets the requested count.</summary>
    Standalone,
    /// <summary>A small dimension: referenced, no parents, a code-like name or key, few columns.</summary>
    Lookup,
    /// <summary>Referenced by other tables (customers, products, employees): between lookups and facts.</summary>
    Entity,
    /// <summary>A key made of two or more foreign keys and little else: sized from its parents.</summary>
    Bridge,
    /// <summary>An activity table: referenced by nothing, or only by its own line items (orders, rentals): the largest.</summary>
    Fact,
}

/// <summary>How the planner turns <c>--rows N</c> into per-table counts.</summary>
public enum RowSizing
{
    /// <summary>The largest fact tables get N; every other table a size from its role and place in the graph.</summary>
    ByRole,
    /// <summary>Every table gets N (the behaviour before roles; what equal-row benchmarks compare against).</summary>
    Uniform,
}

/// <summary>One table's role and the rows it gets under <see cref="RowSizing.ByRole"/>, before scaling and key caps.</summary>
public sealed record TableSize(SizingRole Role, long Rows);

/// <summary>Row counts by role: a pure function of (schema, N), no RNG. Facts — tables nothing references except their
/// line items — get N; each level of parents above them gets <see cref="Fanout"/> times fewer (so a table referenced by
/// many children is smaller than its children, and orders are smaller than their order lines; deeper levels shrink less);
/// a 1:1 child's parent is as large as the child; a bridge gets at most <see cref="BridgeFanout"/> rows per row of its larger parent (and never more
/// than its parents' product); lookups stay near the cube root of N; a parent referenced only by bridges is one level
/// below its bridges' other parents (actors below films). Counts are ≥ 1 whenever N ≥ 1.</summary>
public static class TableRoles
{
    /// <summary>Rows of a child table per row of its parent, for the two levels nearest the facts (line items per
    /// order, orders per customer); levels further up (address → city → country) shrink by 2 each.</summary>
    public const double Fanout = 4;

    /// <summary>Most rows of a bridge per row of its larger parent (real ones hold 1 to 5.5: film_category, film_actor).</summary>
    public const double BridgeFanout = 2;

    // Names that mark a lookup table (whole words of the table's name, singular or plural).
    private static readonly string[] LookupWords =
    [
        "type", "types", "kind", "kinds", "status", "statuses", "state", "states", "category", "categories", "language", "languages",
        "country", "countries", "region", "regions", "genre", "genres", "currency", "currencies", "unit", "units", "level", "levels",
        "class", "classes", "lookup", "code", "codes", "gender", "genders", "role", "roles", "priority", "priorities", "format", "formats",
        "stage", "stages", "phase", "phases", "channel", "channels", "method", "methods", "shipper", "shippers", "locale", "locales",
        "timezone", "timezones", "continent", "continents", "province", "provinces", "rating", "ratings",
    ];

    /// <summary>The role and role-derived row count of every loadable table for a request of <paramref name="n"/> rows.</summary>
    public static IReadOnlyDictionary<QualifiedName, TableSize> Sizes(SchemaGraph graph, long n)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var g = new Shape(graph);
        var result = new Dictionary<QualifiedName, TableSize>();
        var rows = new Dictionary<QualifiedName, long>();
        long Level(TableDef t) => Scaled(n, g.Down(t));
        // Everything but bridges first: a bridge is sized from its parents.
        foreach (var t in g.Tables)
        {
            var role = g.Role(t);
            if (role == SizingRole.Bridge) continue;
            var size = role switch
            {
                SizingRole.Standalone => n,
                SizingRole.Lookup => Math.Min(Level(t), LookupRows(n)),
                _ => Level(t),
            };
            rows[t.Name] = size;
            result[t.Name] = new TableSize(role, size);
        }
        foreach (var t in g.Tables.Where(t => g.Role(t) == SizingRole.Bridge))
        {
            double product = 1, largest = 0;
            foreach (var p in g.Parents(t))
            {
                var r = rows.TryGetValue(p.Name, out var v) ? v : n;
                product = Math.Min(product * r, n);
                largest = Math.Max(largest, r);
            }
            var size = (long)Math.Max(n == 0 ? 0 : 1, Math.Min(Math.Min(product, largest * BridgeFanout), n));
            result[t.Name] = new TableSize(SizingRole.Bridge, size);
        }
        return result;
    }

    /// <summary>The roles alone (what <c>populate</c> shows next to each planned count).</summary>
    public static IReadOnlyDictionary<QualifiedName, SizingRole> Roles(SchemaGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var g = new Shape(graph);
        return g.Tables.ToDictionary(t => t.Name, g.Role);
    }

    public static string Label(SizingRole role) => role switch
    {
        SizingRole.Standalone => "standalone",
        SizingRole.Lookup => "lookup",
        SizingRole.Entity => "entity",
        SizingRole.Bridge => "bridge",
        SizingRole.Fact => "fact",
        _ => role.ToString().ToLowerInvariant(),
    };

    private static long Scaled(long n, int down) =>
        n == 0 ? 0 : Math.Max(1, (long)Math.Round(n / Math.Pow(Fanout, Math.Min(down, 2)) / Math.Pow(2, Math.Max(0, down - 2))));

    // Lookups grow slowly with the database: 10 at N = 1,000, 27 at 20,000, 100 at 1,000,000.
    private static long LookupRows(long n) => n == 0 ? 0 : Math.Max(1, (long)Math.Round(Math.Cbrt(n)));

    /// <summary>The graph as roles see it: loadable tables, parents and children without self-references.</summary>
    private sealed class Shape
    {
        private readonly Dictionary<QualifiedName, List<(TableDef Parent, ForeignKey Key)>> _parents = [];
        private readonly Dictionary<QualifiedName, List<(TableDef Child, ForeignKey Key)>> _children = [];
        private readonly Dictionary<QualifiedName, SizingRole> _roles = [];
        private readonly Dictionary<QualifiedName, int> _down = [];
        private readonly HashSet<QualifiedName> _visiting = [];
        private readonly HashSet<QualifiedName> _deciding = [];
        private readonly bool _related;

        public IReadOnlyList<TableDef> Tables { get; }

        public Shape(SchemaGraph graph)
        {
            Tables = [.. graph.LoadableTables];
            foreach (var t in Tables) { _parents[t.Name] = []; _children[t.Name] = []; }
            foreach (var t in Tables)
                foreach (var fk in graph.ForeignKeysOf(t))
                {
                    if (graph.FindTable(fk.RefTable) is null) continue;
                    var (parent, _) = TableAnalysis.FkParent(graph, t, fk);
                    if (parent == t || !_children.ContainsKey(parent.Name)) continue;
                    _parents[t.Name].Add((parent, fk));
                    _children[parent.Name].Add((t, fk));
                }
            _related = _parents.Values.Any(p => p.Count > 0);
        }

        public IEnumerable<TableDef> Parents(TableDef t) => _parents[t.Name].Select(p => p.Parent).Distinct();

        public SizingRole Role(TableDef t)
        {
            if (_roles.TryGetValue(t.Name, out var r)) return r;
            // Asked again while deciding it (a cycle of foreign keys): an entity for now.
            if (!_deciding.Add(t.Name)) return SizingRole.Entity;
            var parents = _parents[t.Name];
            var children = _children[t.Name];
            // A table on its own named like a lookup (us_states beside orders) is a lookup when other tables relate:
            // with no relationships anywhere nothing marks the facts, and every table gets N.
            r = parents.Count == 0 && children.Count == 0 ? (IsLookup(t) && _related ? SizingRole.Lookup : SizingRole.Standalone)
                : children.Count == 0 && IsBridge(t) ? SizingRole.Bridge
                : parents.Count == 0 && IsLookup(t) ? SizingRole.Lookup
                : Down(t) == 0 || IsHeader(t) ? SizingRole.Fact
                : SizingRole.Entity;
            _deciding.Remove(t.Name);
            return _roles[t.Name] = r;
        }

        /// <summary>Levels of parenthood between the table and the facts below it (0 for a fact).</summary>
        public int Down(TableDef t)
        {
            if (_down.TryGetValue(t.Name, out var d)) return d;
            // A cycle of foreign keys (staff ⇄ store): the edge that closes it adds nothing.
            if (!_visiting.Add(t.Name)) return 0;
            d = 0;
            var bridgeOnly = true;
            foreach (var (child, fk) in _children[t.Name])
            {
                if (Role(child) == SizingRole.Bridge) continue;
                bridgeOnly = false;
                // A 1:1 child (its FK is a key) has at most one row per parent row: the parent is as large as it.
                var step = child.IsUniqueSet(fk.Columns) ? 0 : 1;
                d = Math.Max(d, Down(child) + step);
            }
            if (bridgeOnly && _children[t.Name].Count > 0)
            {
                // Referenced only by bridges (actors through film_actor): one level below the bridges' other parents.
                var peer = 0;
                foreach (var (bridge, _) in _children[t.Name])
                    foreach (var q in Parents(bridge))
                        // Only peers with children of their own count: two tables joined only by a bridge get the same size.
                        if (q != t && !_visiting.Contains(q.Name) && _children[q.Name].Any(c => Role(c.Child) != SizingRole.Bridge))
                            peer = Math.Max(peer, Down(q));
                d = peer + 1;
            }
            _visiting.Remove(t.Name);
            return _down[t.Name] = d;
        }

        /// <summary>An activity referenced only by facts of its own (orders by order lines, rentals by payments): it has
        /// parents and a date or time of its own. Only the label changes: its size is still a level below its children.</summary>
        private bool IsHeader(TableDef t) =>
            _parents[t.Name].Count > 0 && Down(t) == 1 &&
            t.Columns.Any(c => c.IsLoaded && !IsAudit(c) && c.Type.Kind is TypeKind.Date or TypeKind.Timestamp or TypeKind.TimestampTz) &&
            _children[t.Name].All(c => Role(c.Child) == SizingRole.Bridge || Down(c.Child) == 0);

        private bool IsBridge(TableDef t)
        {
            var fks = _parents[t.Name];
            if (fks.Select(p => p.Parent).Distinct().Count() < 2) return false;
            var fkColumns = fks.SelectMany(p => p.Key.Columns).ToHashSet(StringComparer.Ordinal);
            var loaded = t.Columns.Where(c => c.IsLoaded).ToList();
            var others = loaded.Count(c => !fkColumns.Contains(c.Name) && !IsAudit(c));
            // The key: made of the columns of two or more foreign keys (a surrogate id beside them may stay).
            var keys = (t.PrimaryKey is { } pk ? [pk] : Array.Empty<KeyConstraint>()).Concat(t.Uniques);
            var pairKey = keys.Any(k => k.Columns.Count >= 2 && k.Columns.All(fkColumns.Contains) &&
                                         fks.Count(p => p.Key.Columns.Any(k.Columns.Contains)) >= 2);
            var surrogate = t.PrimaryKey is { Columns.Count: 1 } s && !fkColumns.Contains(s.Columns[0]) ? 1 : 0;
            return pairKey ? others - surrogate <= 1 : t.PrimaryKey is null && others == 0;
        }

        private bool IsLookup(TableDef t)
        {
            if (Words(t.Name.Name) is [.., var last] && LookupWords.Contains(last, StringComparer.Ordinal)) return true;
            // A key that can only hold few values (an enum, a boolean, a short code) makes a lookup whatever its name.
            if (t.PrimaryKey is { Columns.Count: 1 } pk && t.FindColumn(pk.Columns[0]) is { } key && SmallKey(key.Type)) return true;
            return false;
        }

        private static bool SmallKey(SqlType type) => type.Kind switch
        {
            TypeKind.Boolean or TypeKind.Enum => true,
            TypeKind.Char or TypeKind.Varchar => type.Length is <= 3,
            _ => false,
        };

        /// <summary>order_status, MediaType, "Order Status" → their lower-case words.</summary>
        private static List<string> Words(string name)
        {
            var words = new List<string>();
            var current = new System.Text.StringBuilder();
            for (var i = 0; i < name.Length; i++)
            {
                var c = name[i];
                var boundary = !char.IsLetterOrDigit(c) || (char.IsUpper(c) && i > 0 && char.IsLower(name[i - 1]));
                if (boundary && current.Length > 0) { words.Add(current.ToString()); current.Clear(); }
                if (char.IsLetterOrDigit(c)) current.Append(char.ToLowerInvariant(c));
            }
            if (current.Length > 0) words.Add(current.ToString());
            return words;
        }

        private static bool IsAudit(ColumnDef c)
        {
            var n = c.Name.ToLowerInvariant();
            return n is "last_update" or "created_at" or "updated_at" or "modified_at" or "last_updated" or "modified_date" or "created" or "modified";
        }
    }
}
