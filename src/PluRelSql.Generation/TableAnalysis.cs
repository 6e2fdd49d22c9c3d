using PluRelSql.Core;
using PluRelSql.Generation.Constraints;
using PluRelSql.Generation.Values;
using PluRelSql.Schema;

namespace PluRelSql.Generation;

/// <summary>What the planner and the generator both need to know about one loadable table: loaded columns, CHECK
/// rules, which FK owns which column, partition routing and the digits of every key.</summary>
internal sealed class TableAnalysis
{
    public TableAnalysis(SchemaGraph graph, LoadOrder order, TableDef table, TimeRange? timeRange = null)
    {
        TimeRange = timeRange ?? TimeRange.Default;
        Graph = graph;
        Table = table;
        Loaded = table.Columns.Where(c => c.IsLoaded).ToList();
        Positions = Loaded.Select((c, i) => (c.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);

        // CHECKs: the table's own plus the domain CHECKs of its columns (VALUE → the column).
        foreach (var ck in table.Checks)
            if (ck.Predicate is { } p) Checks.Add((ck.Name ?? ck.Expression, ck.Expression, p, ck.Position));
        foreach (var col in Loaded)
            if (col.Type.Domain is { } dn && graph.FindDomain(dn) is { } dom && !col.Type.IsArray)
                foreach (var ck in dom.Checks)
                    if (ck.Predicate is { } p)
                        Checks.Add(($"{dn} {ck.Name ?? ck.Expression}", ck.Expression, ColumnRules.ForColumn(p, col.Name), ck.Position));
        Rules = ColumnRules.Derive(Checks.Select(c => c.Predicate), name => Positions.ContainsKey(name) ? Codec(name) : null);

        // FK ownership: a column belongs to the first non-deferred FK that has it (deferred FKs come last).
        var own = graph.ForeignKeysOf(table);
        var fks = own.Where(f => !order.IsDeferred(f)).Concat(own.Where(order.IsDeferred));
        foreach (var fk in fks)
        {
            Deferred[fk] = order.IsDeferred(fk);
            foreach (var c in fk.Columns)
                FkOf.TryAdd(c, fk);
        }

        if (table.PrimaryKey is { } pk) Keys.Add(pk);
        Keys.AddRange(table.Uniques);
        // A UNIQUE INDEX on plain columns constrains rows exactly like a UNIQUE constraint (pagila's store.manager_staff_id).
        // One on lower(col) is kept by distinct values of col when the generator does not vary their case.
        foreach (var ix in graph.Indexes.Where(ix => ix.Unique && ix.Table == table.Name))
            if (ix.KeyColumns() is { } cols && cols.All(c => table.FindColumn(c) is not null))
                Keys.Add(new KeyConstraint { Name = ix.Name, Columns = [.. cols] });
        // An EXCLUDE holds when no two rows have every operator true. Rows whose "=" columns are all distinct never
        // conflict, so those columns become a key: exactly the constraint when "=" is its only operator, stronger
        // otherwise. An element that is always NULL (a nullable column the generator cannot fill) never conflicts.
        foreach (var x in table.Exclusions)
        {
            if (x.Elements.Any(e => e.Column is { } col && AlwaysNull(col))) continue;
            var eq = x.Elements.Where(e => e.Column is not null && IsEquality(e.Operator)).Select(e => e.Column!).Distinct().ToList();
            if (eq.Count > 0) Keys.Add(new KeyConstraint { Name = x.Name, Columns = eq, Position = x.Position });
            else UnkeyedExclusions.Add(x);
        }
        Route = Routing(graph, table);
        Bounds = ColumnBounds();
        EventColumn = EventTimes.Of(this);
    }

    private static bool IsEquality(string op)
    {
        var o = op.Replace(" ", "", StringComparison.Ordinal);
        return o is "=" or "OPERATOR(=)" or "OPERATOR(pg_catalog.=)" || o.Equals("operator(pg_catalog.=)", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>True when the generator loads only NULLs into the column: nullable and of a type it cannot generate,
    /// or a column of a cycle-breaking (deferred) foreign key.</summary>
    private bool AlwaysNull(string column)
    {
        if (!Positions.ContainsKey(column) || Table.FindColumn(column) is not { Nullable: true } c) return false;
        if (FkOf.TryGetValue(column, out var fk)) return Deferred[fk];
        return !ColumnFactory.CanGenerate(c.Type);
    }

    /// <summary>Exclusion constraints with no "=" over a plain column and no always-NULL element: the generator cannot
    /// keep their rows apart, so a table of more than one row is refused.</summary>
    public List<ExclusionConstraint> UnkeyedExclusions { get; } = [];

    /// <summary>Where to point a problem with a column's values: the first CHECK that mentions it, else the column.</summary>
    public SourcePosition? PositionOf(string column)
    {
        foreach (var ck in Checks)
            if (ck.Position is { } p && ck.Predicate.Columns().Contains(column)) return p;
        return Table.FindColumn(column)?.Position ?? Table.Position;
    }

    public SchemaGraph Graph { get; }
    public TableDef Table { get; }
    public TimeRange TimeRange { get; }
    /// <summary>The column that says when a row happened (EventTimes), or null.</summary>
    public string? EventColumn { get; }
    public List<ColumnDef> Loaded { get; }
    public Dictionary<string, int> Positions { get; }
    public List<(string Name, string Expression, CheckPredicate Predicate, SourcePosition? Position)> Checks { get; } = [];
    public Dictionary<string, ColumnRules> Rules { get; }
    public Dictionary<string, ForeignKey> FkOf { get; } = new(StringComparer.Ordinal);
    public Dictionary<ForeignKey, bool> Deferred { get; } = new(ReferenceEqualityComparer.Instance);
    public List<KeyConstraint> Keys { get; } = [];
    public PartitionRoute? Route { get; }
    /// <summary>CHECK comparisons between columns that rows satisfy by construction, in draw order (a bound's other
    /// column is final before its column is drawn).</summary>
    public IReadOnlyList<ColumnBound> Bounds { get; }
    /// <summary>Comparisons no CHECK makes but the column names imply (TemporalPairs), each the Check of its bound:
    /// drawn like a CHECK's but never enforced, so a row that cannot keep one is still loaded.</summary>
    public HashSet<CheckPredicate> ImplicitChecks { get; } = new(ReferenceEqualityComparer.Instance);

    /// <summary><c>Column Op Other</c> from CHECK <paramref name="Check"/>: Column is drawn from the interval Other leaves.
    /// Other is another column, or a constant when the comparison sits inside an OR (top-level constants are rules).</summary>
    internal sealed record ColumnBound(string Column, CompareOp Op, CheckOperand Other, CheckPredicate Check);

    /// <summary>Comparisons a term makes true when all of them hold: column-vs-column ones (and, with
    /// <paramref name="constants"/>, column-vs-constant ones), or null when the term holds anything else.</summary>
    private static List<(CheckOperand Left, CompareOp Op, CheckOperand Right)>? Comparisons(CheckPredicate term, bool constants)
    {
        var all = new List<(CheckOperand, CompareOp, CheckOperand)>();
        foreach (var t in ColumnRules.Conjuncts(term))
        {
            switch (t)
            {
                case ComparePredicate { Op: not CompareOp.Ne } c when c.Left is ColumnOperand && (c.Right is ColumnOperand || constants && c.Right is ConstOperand):
                    all.Add((c.Left, c.Op, c.Right));
                    break;
                case ComparePredicate { Op: not CompareOp.Ne } c when constants && c.Left is ConstOperand && c.Right is ColumnOperand:
                    all.Add((c.Right, CompareOps.Flip(c.Op), c.Left));
                    break;
                case BetweenPredicate { Negated: false, Operand: ColumnOperand } b:
                    if (b.Low is ColumnOperand || constants && b.Low is ConstOperand) all.Add((b.Operand, CompareOp.Ge, b.Low));
                    if (b.High is ColumnOperand || constants && b.High is ConstOperand) all.Add((b.Operand, CompareOp.Le, b.High));
                    break;
                default:
                    if (constants) return null;
                    break;
            }
        }
        return all;
    }

    /// <summary>Ordinal family: only columns of one family compare (numbers; dates and timestamps; times; intervals).</summary>
    private static int Family(TypeKind k) => TypeTable.Of(k) switch
    {
        { IsCalendar: true } => 1,
        { IsTimeOfDay: true } => 2,
        { IsTemporal: true } => 3,
        { IsNumeric: true } => 0,
        _ => -1,
    };

    /// <summary>Whether a column may be drawn from an interval another column leaves: an own ordinal column that no
    /// key, foreign key, partition or IN list fixes and that no FK reads (children recompute its first draw).</summary>
    private bool Constructible(string column)
    {
        if (!Positions.ContainsKey(column)) return false;
        var c = Table.Column(column);
        if (c.Type.IsArray || Family(c.Type.Kind) < 0 || FkOf.ContainsKey(column) || IsKeyColumn(column)) return false;
        if (c.Identity != IdentityKind.None || Table.Partitioning?.Columns.Contains(column) == true) return false;
        var r = RulesOf(column);
        if (r.In is not null || r.Patterns is not null) return false;
        foreach (var t in Graph.Tables)
            foreach (var fk in Graph.ForeignKeysOf(t))
                if (fk.RefColumns.Contains(column) && Graph.FindTable(fk.RefTable) is { } target
                    && (ReferenceEquals(target, Table) || target.PartitionOf is not null && FkParent(Graph, t, fk).Parent == Table))
                    return false;
        return true;
    }

    private bool CanBeNull(string column)
    {
        var c = Table.Column(column);
        return c.Nullable && !RulesOf(column).NotNull && !(c.Type.Domain is { } d && Graph.FindDomain(d) is { NotNull: true });
    }

    /// <summary>Chooses, for each column comparison a CHECK makes, which side is drawn from the other (the greater side
    /// where it can be: ended_at from started_at), keeps the choices acyclic, and narrows the other side's rules so a
    /// NOT NULL drawn side always has a value left (b &lt; a with a at the top of b's type would leave none).</summary>
    private List<ColumnBound> ColumnBounds()
    {
        var bounds = new List<ColumnBound>();
        var deps = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        bool Reaches(string from, string to)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var stack = new Stack<string>([from]);
            while (stack.Count > 0)
            {
                var x = stack.Pop();
                if (x == to) return true;
                if (seen.Add(x) && deps.TryGetValue(x, out var next)) foreach (var n in next) stack.Push(n);
            }
            return false;
        }
        bool Compatible(string a, string b) =>
            Positions.ContainsKey(a) && Positions.ContainsKey(b) && a != b
            && Family(Table.Column(a).Type.Kind) is var fa && fa >= 0 && fa == Family(Table.Column(b).Type.Kind)
            && !Table.Column(a).Type.IsArray && !Table.Column(b).Type.IsArray;
        bool AddBound((string D, CompareOp Op, string O)[] options, CheckPredicate predicate)
        {
            foreach (var (d, dop, o) in options)
            {
                if (!Constructible(d) || Reaches(o, d)) continue;
                (deps.TryGetValue(d, out var set) ? set : deps[d] = new HashSet<string>(StringComparer.Ordinal)).Add(o);
                bounds.Add(new ColumnBound(d, dop, new ColumnOperand(o), predicate));
                return true;
            }
            return false;
        }

        foreach (var (_, _, predicate, _) in Checks)
        {
            var terms = new List<(CheckOperand Left, CompareOp Op, CheckOperand Right)>();
            foreach (var term in ColumnRules.Conjuncts(predicate))
            {
                if (term is OrPredicate or)
                {
                    // a IS NULL OR a >= b: making one branch true satisfies the OR; the first branch made only of
                    // comparisons is drawn (a row that already passes keeps its values).
                    foreach (var branch in or.Terms)
                        if (Comparisons(branch, constants: true) is { Count: > 0 } cmps && cmps.Any(x => x.Right is ColumnOperand))
                        {
                            terms.AddRange(cmps);
                            break;
                        }
                }
                else if (Comparisons(term, constants: false) is { } cmps) terms.AddRange(cmps);
            }
            foreach (var (left, op, right) in terms)
            {
                var l = ((ColumnOperand)left).Column;
                if (right is ConstOperand)
                {
                    if (Positions.ContainsKey(l) && Family(Table.Column(l).Type.Kind) >= 0 && Constructible(l)) bounds.Add(new ColumnBound(l, op, right, predicate));
                    continue;
                }
                var r = ((ColumnOperand)right).Column;
                if (!Compatible(l, r)) continue;
                // The greater side first (a > b, a >= b: a is drawn from b), then the other.
                var greaterLeft = op is CompareOp.Gt or CompareOp.Ge or CompareOp.Eq;
                AddBound(greaterLeft ? [(l, op, r), (r, CompareOps.Flip(op), l)] : [(r, CompareOps.Flip(op), l), (l, op, r)], predicate);
            }
        }

        // Orders the column names imply (created_at <= updated_at), drawn after the CHECKs' own so a CHECK's choice
        // wins; only between plain columns no CHECK already relates, and never a key or a foreign key.
        bool Plain(string c) => !FkOf.ContainsKey(c) && !IsKeyColumn(c);
        foreach (var (lower, upper, strict) in TemporalPairs.Find(Loaded.Select(c => c.Name).ToList(),
                     c => Table.Column(c).Type.IsArray ? -1 : Family(Table.Column(c).Type.Kind)))
        {
            if (!Compatible(lower, upper) || !Plain(lower) || !Plain(upper)) continue;
            if (Checks.Any(ck => ck.Predicate.Columns().Contains(lower) && ck.Predicate.Columns().Contains(upper))) continue;
            var op = strict ? CompareOp.Gt : CompareOp.Ge;
            var implicitCheck = new ComparePredicate(new ColumnOperand(upper), op, new ColumnOperand(lower));
            if (AddBound([(upper, op, lower), (lower, CompareOps.Flip(op), upper)], implicitCheck)) ImplicitChecks.Add(implicitCheck);
        }
        if (bounds.Count == 0) return bounds;

        // Draw order: a column after every column it is drawn from.
        var order = new List<string>();
        var placed = new HashSet<string>(StringComparer.Ordinal);
        void Place(string c)
        {
            if (!placed.Add(c)) return;
            if (deps.TryGetValue(c, out var on)) foreach (var o in on.Order(StringComparer.Ordinal)) Place(o);
            order.Add(c);
        }
        foreach (var b in bounds) Place(b.Column);
        var rank = order.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        var sorted = bounds.OrderBy(b => rank[b.Column]).ToList();

        // A NOT NULL drawn column narrows what it is drawn from (to a fixed point: chains pass bounds along).
        for (var pass = 0; pass <= sorted.Count; pass++)
        {
            var changed = false;
            foreach (var b in sorted)
            {
                // An implied order is a preference, not a constraint: it never narrows what the schema allows.
                if (b.Other is not ColumnOperand { Column: var o } || CanBeNull(b.Column) || ImplicitChecks.Contains(b.Check)) continue;
                if (ColumnFactory.Space(Context(b.Column, 0, 0)) is not { } space) continue;
                var lo = space.Lo * space.Step;
                var hi = space.Hi * space.Step;
                var rules = Rules.TryGetValue(o, out var x) ? x : Rules[o] = new ColumnRules();
                var before = (rules.Lo, rules.LoStrict, rules.Hi, rules.HiStrict);
                switch (b.Op)
                {
                    case CompareOp.Gt: rules.Upper(hi, true); break;
                    case CompareOp.Ge: rules.Upper(hi, false); break;
                    case CompareOp.Lt: rules.Lower(lo, true); break;
                    case CompareOp.Le: rules.Lower(lo, false); break;
                    case CompareOp.Eq: rules.Upper(hi, false); rules.Lower(lo, false); break;
                }
                changed |= before != (rules.Lo, rules.LoStrict, rules.Hi, rules.HiStrict);
            }
            if (!changed) break;
        }
        return sorted;
    }

    public ColumnCodec Codec(string column)
    {
        var c = Table.Column(column);
        return new ColumnCodec(c, c.Type.Kind == TypeKind.Enum && c.Type.UserType is { } u ? Graph.FindEnum(u) : null);
    }

    public ColumnRules RulesOf(string column) => Rules.TryGetValue(column, out var r) ? r : new ColumnRules();

    public bool IsKeyColumn(string column) => Keys.Any(k => k.Columns.Contains(column));

    /// <summary>The table an FK's rows live in (a partition's parent) and the partition it is confined to.</summary>
    public static (TableDef Parent, QualifiedName? Partition) FkParent(SchemaGraph graph, TableDef child, ForeignKey fk)
    {
        var target = graph.FindTable(fk.RefTable)
            ?? throw new InvalidOperationException($"{child.Name}: foreign key {fk.Name ?? string.Join(",", fk.Columns)} references unknown table {fk.RefTable}");
        if (target.PartitionOf is { } parentName)
        {
            var parent = graph.FindTable(parentName) ?? throw new InvalidOperationException($"{target.Name}: partition of unknown table {parentName}");
            while (parent.PartitionOf is { } up) parent = graph.Table(up);
            return (parent, target.Name);
        }
        return (target, null);
    }

    /// <summary>The Bogus locale of generated words, names and addresses.</summary>
    public string Locale { get; init; } = Locales.Default;

    private Dictionary<string, ColumnMeaning>? _meanings;
    private readonly Dictionary<ulong, RowEntities> _entities = [];

    /// <summary>Every loaded column's meaning, classified once.</summary>
    public IReadOnlyDictionary<string, ColumnMeaning> Meanings =>
        _meanings ??= Loaded.ToDictionary(c => c.Name, c => ColumnSemantics.Classify(Table, c, Graph), StringComparer.Ordinal);

    private RowEntities EntitiesFor(ulong seed)
    {
        lock (_entities)
        {
            if (!_entities.TryGetValue(seed, out var e)) _entities[seed] = e = new RowEntities(Table, seed, Locale, Meanings);
            return e;
        }
    }

    public ColumnContext Context(string column, long rows, ulong seed, bool wholeRange = false)
    {
        var c = Table.Column(column);
        long start = 1, inc = 1;
        if (c.Sequence is { } sn && Graph.FindSequence(sn) is { } seq)
        {
            start = seq.Start;
            inc = seq.Increment == 0 ? 1 : seq.Increment;
        }
        return new ColumnContext
        {
            Table = Table,
            Column = c,
            Type = c.Type,
            Position = Positions[column],
            Source = PositionOf(column),
            Rules = RulesOf(column),
            Enum = c.Type.Kind == TypeKind.Enum && c.Type.UserType is { } u ? Graph.FindEnum(u) : null,
            Rng = CounterRng.Stream(seed, CounterRng.Label(Table.Name.ToString()), CounterRng.Label(column)),
            Rows = rows,
            Route = Route is not null && Table.Partitioning!.Columns[0] == column ? Route : null,
            SequenceStart = start,
            SequenceIncrement = inc,
            WholeRange = wholeRange,
            TimeRange = TimeRange,
            Meaning = Meanings.TryGetValue(column, out var m) ? m : ColumnSemantics.Classify(Table, c, Graph),
            Locale = Locale,
            Entities = EntitiesFor(seed),
        };
    }

    /// <summary>Partition routing over the first partition column: RANGE bounds on ordinal kinds, LIST values.
    /// HASH partitioning and DEFAULT-only layouts need nothing.</summary>
    private static PartitionRoute? Routing(SchemaGraph graph, TableDef t)
    {
        if (t.Partitioning is not { Columns.Count: > 0 } spec || t.FindColumn(spec.Columns[0]) is not { } key) return null;
        var kind = key.Type.Kind;
        var names = new List<QualifiedName>();
        if (spec.Strategy.Equals("RANGE", StringComparison.OrdinalIgnoreCase))
        {
            if (!Literals.IsOrdinal(kind)) return null;
            var ranges = new List<(double, double)>();
            foreach (var p in spec.Partitions)
            {
                if (p.From is not { Count: > 0 } from || p.To is not { Count: > 0 } to) continue;
                var f = Literals.Unquote(from[0], out var fMin, out _);
                var u = Literals.Unquote(to[0], out _, out var uMax);
                double lo = double.NegativeInfinity, hi = double.PositiveInfinity;
                if (!fMin && (f is null || !Literals.TryOrdinal(kind, f, out lo))) continue;
                if (!uMax && (u is null || !Literals.TryOrdinal(kind, u, out hi))) continue;
                if (!(lo < hi)) continue;
                ranges.Add((lo, hi));
                names.Add(p.Table);
            }
            return names.Count == 0 ? null : new PartitionRoute { Partitions = names, Ranges = ranges.ToArray() };
        }
        if (spec.Strategy.Equals("LIST", StringComparison.OrdinalIgnoreCase))
        {
            var lists = new List<string[]>();
            foreach (var p in spec.Partitions)
            {
                if (p.In is not { Count: > 0 } values) continue;
                var vals = values.Select(v => Literals.Unquote(v, out _, out _)).OfType<string>().ToArray();
                if (vals.Length == 0) continue;
                lists.Add(vals);
                names.Add(p.Table);
            }
            return names.Count == 0 ? null : new PartitionRoute { Partitions = names, Lists = lists.ToArray() };
        }
        return null;
    }

    /// <summary>A key component: one own column, or one whole FK (its value is a parent row).</summary>
    internal sealed record Digit(string? Column, ForeignKey? Fk, bool SelfReference, long Domain);

    /// <summary>The digits of a key given the row counts of the parents. Columns fixed by an FK that is only partly
    /// in the key contribute no digit. <paramref name="satisfied"/> is true when NULLs make the key unique anyway
    /// (it contains the columns of a deferred FK, always NULL).</summary>
    public List<Digit> Digits(KeyConstraint key, Func<TableDef, long> rowsOf, long ownRows, ulong seed, out bool satisfied)
    {
        satisfied = false;
        var digits = new List<Digit>();
        foreach (var col in key.Columns)
        {
            if (!Positions.ContainsKey(col)) continue;
            if (FkOf.TryGetValue(col, out var fk))
            {
                // Deferred FK columns are always NULL: distinct from each other, unless NULLS NOT DISTINCT.
                if (Deferred[fk]) { satisfied |= !key.NullsNotDistinct; continue; }
                if (!fk.Columns.All(key.Columns.Contains)) continue;
                if (digits.Any(d => ReferenceEquals(d.Fk, fk))) continue;
                var self = fk.IsSelfReference(Table);
                long domain;
                if (self) domain = KeyLayout.MaxSpace;
                else
                {
                    var (parent, partition) = FkParent(Graph, Table, fk);
                    domain = Target(parent, partition, rowsOf(parent)).Domain;
                }
                digits.Add(new Digit(null, fk, self, domain));
                continue;
            }
            // A one-column key may reach past its preferred start (a smallint key holds 65,536 rows); a column of a
            // composite key keeps its usual domain, so layouts that worked before stay as they were.
            var ctx = Context(col, ownRows, seed, wholeRange: key.Columns.Count == 1);
            var d = ColumnFactory.CanGenerate(ctx.Type) ? ColumnFactory.UniqueDomain(ctx) : 0;
            digits.Add(new Digit(col, null, false, d));
        }
        return digits;
    }

    public FkTarget Target(TableDef parent, QualifiedName? partition, long parentRows)
    {
        if (partition is { } p && RouteOf(parent) is { } route)
        {
            var idx = route.Partitions.ToList().IndexOf(p);
            if (idx >= 0) return new FkTarget(parentRows, idx, route.Count);
        }
        return new FkTarget(parentRows, 0, 1);
    }

    private readonly Dictionary<TableDef, PartitionRoute?> _routes = new(ReferenceEqualityComparer.Instance);

    /// <summary>The partition routing of another table (cached; partition routing depends only on the schema).</summary>
    public PartitionRoute? RouteOf(TableDef t)
    {
        if (ReferenceEquals(t, Table)) return Route;
        lock (_routes)
        {
            if (!_routes.TryGetValue(t, out var r)) _routes[t] = r = Routing(Graph, t);
            return r;
        }
    }
}
