using PluRelSql.Core;
using PluRelSql.Generation.Constraints;
using PluRelSql.Generation.Values;
using PluRelSql.Schema;

namespace PluRelSql.Generation;

/// <summary>The "v1" engine (<c>populate --engine v1</c>): every value drawn on its own, with no model of how columns
/// or tables relate beyond what the constraints demand. Rows that satisfy the schema's keys, foreign keys, NOT NULLs, CHECKs, domains, enums and partition
/// bounds, computed column by column from counter-based random streams. A child never stores its parents: it picks
/// a parent row index (through an <see cref="IForeignKeyLinker"/>, or a key bijection) and recomputes the
/// referenced values with the parent's own value functions. Everything is compiled once at construction (where
/// unsupported types and impossible constraints are reported); <see cref="Generate"/> is then thread-safe.</summary>
public sealed class IndependentValueGenerator : IRowGenerator
{
    private readonly Dictionary<QualifiedName, TableProgram> _programs = [];

    public IndependentValueGenerator(GenerationPlan plan, IForeignKeyLinker? linker = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        Plan = plan;
        Linker = linker ?? new UniformLinker(plan.Options.Seed);

        // Columns some FK points at: their values are recomputed by children, so CHECK retries must not touch them.
        foreach (var t in plan.Order.Tables)
            foreach (var fk in plan.Graph.ForeignKeysOf(t))
            {
                if (plan.Order.IsDeferred(fk)) continue;
                var (parent, _) = TableAnalysis.FkParent(plan.Graph, t, fk);
                foreach (var c in fk.RefColumns) Referenced.Add((parent.Name, c));
            }
        foreach (var t in plan.Order.Tables)
            _programs[t.Name] = new TableProgram(this, new TableAnalysis(plan.Graph, plan.Order, t, plan.Options.TimeRange) { Locale = plan.Options.Locale }, plan.Rows(t));
        foreach (var p in _programs.Values) p.Prepare();
        foreach (var p in _programs.Values) p.Complete();
        // Rows are pure functions of their index: trying the first ones now turns a CHECK the generator cannot meet
        // into an error before anything is loaded, not a failure half-way through a load.
        foreach (var p in _programs.Values) p.Preflight();
    }

    public GenerationPlan Plan { get; }

    internal IForeignKeyLinker Linker { get; }

    internal HashSet<(QualifiedName Table, string Column)> Referenced { get; } = [];

    internal TableProgram Program(TableDef table)
    {
        if (_programs.TryGetValue(table.Name, out var p)) return p;
        if (table.IsPartition)
            throw new ArgumentException($"{table.Name} is a partition: generate its partitioned table {table.PartitionOf} instead", nameof(table));
        throw new ArgumentException($"{table.Name} is not a loadable table of this plan", nameof(table));
    }

    public RowBatch Generate(TableDef table, long firstRow, int count)
    {
        ArgumentNullException.ThrowIfNull(table);
        return Program(table).Generate(firstRow, count);
    }
}

/// <summary>One table compiled into per-column value functions plus its CHECKs.</summary>
internal sealed class TableProgram
{
    private const int MaxAttempts = 20;
    private const double FkNullRate = 0.1;

    private readonly IndependentValueGenerator _gen;
    private readonly TableAnalysis _a;
    private readonly long _rows;
    private readonly ulong _seed;
    private readonly ColumnSlot?[] _slots;
    private readonly bool[] _building;
    private readonly Dictionary<ForeignKey, FkLink> _links = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, (KeyLayout Layout, int Digit, bool Whole)> _keyed = new(StringComparer.Ordinal);
    private readonly HashSet<string> _uniqueSelfRefs = new(StringComparer.Ordinal);
    private CompiledCheck[] _checks = [];
    private int[] _checkColumns = [];
    private int[] _retryColumns = [];
    private Dependent[] _dependents = [];
    private long _retried;

    private sealed record CompiledCheck(string Name, string Expression, CheckPredicate Predicate, CheckNode Node, SourcePosition? Position);

    /// <summary>Rows generated at construction to find CHECKs the generator cannot satisfy before a load starts.</summary>
    private const int PreflightRows = 256;

    /// <summary>A column drawn from the interval the columns it is compared with leave (see TableAnalysis.Bounds).</summary>
    private sealed record Dependent(int Position, ColumnSlot Slot, OrdinalSpace Space, bool CanBeNull, CounterRng Rng, DependentBound[] Bounds);

    /// <summary>Column Op Other (Other a column position, or -1 and a constant) from one compiled CHECK.</summary>
    private readonly record struct DependentBound(CompareOp Op, int Other, Scalar Constant, CompiledCheck Check);

    /// <summary>Rows that needed the last-resort retry loop (a test hook: constructive CHECKs never do).</summary>
    public long RetriedRows => Interlocked.Read(ref _retried);

    public TableProgram(IndependentValueGenerator gen, TableAnalysis analysis, long rows)
    {
        _gen = gen;
        _a = analysis;
        _rows = rows;
        _seed = gen.Plan.Options.Seed;
        _slots = new ColumnSlot?[analysis.Loaded.Count];
        _building = new bool[analysis.Loaded.Count];
    }

    public TableDef Table => _a.Table;

    private CounterRng Stream(string purpose) =>
        CounterRng.Stream(_seed, CounterRng.Label(Table.Name.ToString()), CounterRng.Label(purpose));

    private long RowsOf(TableDef t) => _gen.Plan.RowCounts.TryGetValue(t.Name, out var n) ? n : 0;

    private static string FkLabel(ForeignKey fk) => fk.Name ?? string.Join(",", fk.Columns);

    /// <summary>Links and key layouts (needs only row counts, not other tables' columns).</summary>
    public void Prepare()
    {
        foreach (var fk in _gen.Plan.Graph.ForeignKeysOf(Table))
        {
            if (_a.Deferred.GetValueOrDefault(fk)) continue;
            var self = fk.IsSelfReference(Table);
            var (parent, partition) = TableAnalysis.FkParent(_gen.Plan.Graph, Table, fk);
            var target = self ? new FkTarget(_rows, 0, 1) : _a.Target(parent, partition, RowsOf(parent));
            var nullable = fk.Columns.All(c => Table.FindColumn(c) is { Nullable: true });
            var unique = self && Table.IsUniqueSet(fk.Columns);
            _links[fk] = new FkLink(Table, fk, target, self, unique, nullable, _gen.Linker, Stream("link:" + FkLabel(fk)));
        }

        if (_rows > 1 && _a.UnkeyedExclusions.FirstOrDefault() is { } x)
            throw new SchemaException(
                $"{Table.Name}: exclusion constraint {x.Name ?? "(unnamed)"} ({Schema.Output.PgDdlWriter.ExclusionClause(x)}) cannot be " +
                $"kept by generated rows: it compares no plain column with =, so {_rows} rows would conflict (load at most one row, " +
                "or add an equality element)", x.Position ?? Table.Position);

        var injective = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var assigned = new HashSet<object>(ReferenceEqualityComparer.Instance);
        object Id(TableAnalysis.Digit d) => (object?)d.Fk ?? string.Intern(d.Column!);
        foreach (var key in _a.Keys)
        {
            var digits = _a.Digits(key, RowsOf, _rows, _seed, out var satisfied);
            if (satisfied || digits.Count == 0 || digits.Any(d => injective.Contains(Id(d)))) continue;
            var free = digits.Where(d => !assigned.Contains(Id(d))).ToList();
            var pick = free.Where(d => d.Domain >= Math.Max(_rows, 1))
                .OrderBy(d => d.Column is { } c ? (Table.Column(c).Type.IsInteger ? 0 : 1) : d.SelfReference ? 3 : 2)
                .FirstOrDefault();
            var rng = Stream("key:" + string.Join(",", key.Columns));
            if (pick is not null)
            {
                injective.Add(Id(pick));
                assigned.Add(Id(pick));
                if (pick.Column is { } col)
                {
                    var c = Table.Column(col);
                    var identity = c.Identity != IdentityKind.None && c.Type.IsInteger
                        || ReferenceEquals(key, Table.PrimaryKey) && key.Columns.Count == 1 && c.Type.IsInteger && !c.Type.IsArray;
                    _keyed[col] = (KeyLayout.Injective(1, 0, identity, _rows, rng), 0, key.Columns.Count == 1);
                }
                else if (pick.SelfReference) _uniqueSelfRefs.Add(FkLabel(pick.Fk!));
                else _links[pick.Fk!].UseDigit(KeyLayout.Injective(1, 0, false, pick.Domain, rng), 0);
                continue;
            }
            var product = free.Where(d => !d.SelfReference && d.Domain > 0).ToList();
            var space = KeyLayout.SaturatingProduct(product.Select(d => d.Domain));
            if (product.Count == 0 || space < _rows)
                throw new SchemaException(
                    $"{Table.Name}: cannot keep key ({string.Join(", ", key.Columns)}) unique for {_rows} rows (at most {space} combinations are free)",
                    key.Position ?? Table.Position);
            var layout = KeyLayout.Product(product.Select(d => d.Domain).ToArray(), _rows, rng);
            for (var i = 0; i < product.Count; i++)
            {
                var d = product[i];
                assigned.Add(Id(d));
                if (d.Column is { } col) _keyed[col] = (layout, i, false);
                else _links[d.Fk!].UseDigit(layout, i);
            }
        }
    }

    /// <summary>Builds every column and compiles the CHECKs.</summary>
    public void Complete()
    {
        foreach (var c in _a.Loaded) SlotFor(c.Name);
        var compiler = new CheckCompiler(n => _a.Positions.TryGetValue(n, out var p) ? p : -1, p => _a.Codec(_a.Loaded[p].Name));
        var checks = new List<CompiledCheck>();
        foreach (var (name, expr, pred, pos) in _a.Checks)
            if (compiler.Compile(pred) is { } node) checks.Add(new CompiledCheck(name, expr, pred, node, pos));
        _checks = checks.ToArray();
        CheckPartitionKeyCoverage();
        var cols = checks.SelectMany(c => c.Predicate.Columns()).Distinct().Select(n => _a.Positions[n]).Order().ToArray();
        _retryColumns = cols.Where(p => _slots[p]!.Retryable).ToArray();
        // Orders the names imply are drawn like CHECKs but never judged (not in _checks): a row that cannot keep one passes.
        var implied = new List<CompiledCheck>();
        foreach (var pred in _a.ImplicitChecks)
            if (compiler.Compile(pred) is { } node) implied.Add(new CompiledCheck("implied by the column names", pred.ToString() ?? "", pred, node, null));
        _dependents = CompileDependents([.. checks, .. implied]);
        _checkColumns = cols.Concat(_dependents.SelectMany(d => d.Bounds.Select(b => b.Other).Where(o => o >= 0).Append(d.Position)))
            .Distinct().Order().ToArray();
    }

    private Dependent[] CompileDependents(List<CompiledCheck> checks)
    {
        var result = new List<Dependent>();
        foreach (var group in _a.Bounds.GroupBy(b => b.Column))
        {
            var pos = _a.Positions[group.Key];
            var slot = _slots[pos]!;
            var ctx = _a.Context(group.Key, _rows, _seed);
            // The generator's own view decides: a column it does not draw freely keeps the retry path.
            if (!slot.Adjustable || slot.Step <= 0 || ColumnFactory.Space(ctx) is not { } space) continue;
            var bounds = new List<DependentBound>();
            foreach (var b in group)
            {
                if (checks.FirstOrDefault(c => ReferenceEquals(c.Predicate, b.Check)) is not { } check) continue;
                bounds.Add(b.Other switch
                {
                    ColumnOperand o => new DependentBound(b.Op, _a.Positions[o.Column], Scalar.Null, check),
                    ConstOperand k => new DependentBound(b.Op, -1, _a.Codec(group.Key).Constant(k.Value), check),
                    _ => throw new InvalidOperationException(b.Other.GetType().Name),
                });
            }
            if (bounds.Count == 0) continue;
            var canNull = Table.Column(group.Key).Nullable && !ctx.Rules.NotNull && !DomainNotNull(group.Key);
            result.Add(new Dependent(pos, slot, space, canNull, ctx.Rng.Derive(0xB0D5), bounds.ToArray()));
        }
        return result.ToArray();
    }

    /// <summary>Draws each dependent column of a row (in <paramref name="row"/>) from the interval its comparisons leave,
    /// where a CHECK it is part of fails; the rest keep their values. <paramref name="units"/> gets the new value
    /// (long.MinValue for NULL) and <paramref name="changed"/> which dependents moved. A pure function of the row's
    /// other values, the row index and the attempt, so batches and threads never change the result.</summary>
    private void ConstructRow(Scalar[] row, long r, int attempt, long[] units, bool[] changed)
    {
        for (var d = 0; d < _dependents.Length; d++)
        {
            changed[d] = false;
            var dep = _dependents[d];
            var cur = row[dep.Position];
            if (cur.IsNull) continue;
            var needed = false;
            foreach (var b in dep.Bounds)
            {
                var other = b.Other >= 0 ? row[b.Other] : b.Constant;
                if (CheckNode.FromCompare(Scalar.Compare(cur, other), b.Op) == CheckNode.False && b.Check.Node.Eval(row) == CheckNode.False)
                {
                    needed = true;
                    break;
                }
            }
            if (!needed) continue;
            double lo = double.NegativeInfinity, hi = double.PositiveInfinity;
            bool loStrict = false, hiStrict = false;
            foreach (var b in dep.Bounds)
            {
                var other = b.Other >= 0 ? row[b.Other] : b.Constant;
                if (other.Kind != Scalar.NumKind) continue; // NULL: the comparison is unknown, which a CHECK lets pass
                var v = other.Num;
                if (b.Op is CompareOp.Gt or CompareOp.Ge or CompareOp.Eq && (v > lo || v == lo && b.Op == CompareOp.Gt))
                    (lo, loStrict) = (v, b.Op == CompareOp.Gt);
                if (b.Op is CompareOp.Lt or CompareOp.Le or CompareOp.Eq && (v < hi || v == hi && b.Op == CompareOp.Lt))
                    (hi, hiStrict) = (v, b.Op == CompareOp.Lt);
            }
            var s = dep.Space;
            var uLo = double.IsNegativeInfinity(lo) ? s.Lo : Math.Max(s.Lo, UnitsAbove(lo, s.Step, loStrict));
            var uHi = double.IsPositiveInfinity(hi) ? s.Hi : Math.Min(s.Hi, UnitsBelow(hi, s.Step, hiStrict));
            long pick;
            if (uLo > uHi)
            {
                if (!dep.CanBeNull) continue; // nothing left: the CHECK fails and the last resort reports it
                pick = long.MinValue;
            }
            else
            {
                // Prefer the name hint's range, as free draws do; else a hint-wide window next to the bound.
                long a = Math.Max(uLo, s.HintLo), z = Math.Min(uHi, s.HintHi);
                if (a > z)
                {
                    var width = Math.Max(0, s.HintHi - s.HintLo);
                    if (!double.IsNegativeInfinity(lo)) (a, z) = (uLo, uHi - uLo > width ? uLo + width : uHi);
                    else (a, z) = (uHi - uLo > width ? uHi - width : uLo, uHi);
                }
                pick = a + (long)dep.Rng.Below(r, z - a + 1, (ulong)attempt);
            }
            units[d] = pick;
            changed[d] = true;
            row[dep.Position] = pick == long.MinValue ? Scalar.Null : dep.Slot.UnitsScalar(pick);
        }
    }

    private static long UnitsAbove(double v, double step, bool strict)
    {
        var u = v / step;
        var c = Math.Ceiling(u - 1e-9);
        if (strict && Math.Abs(c - u) <= 1e-9) c += 1;
        return (long)Math.Clamp(c, -4e18, 4e18);
    }

    private static long UnitsBelow(double v, double step, bool strict)
    {
        var u = v / step;
        var f = Math.Floor(u + 1e-9);
        if (strict && Math.Abs(f - u) <= 1e-9) f -= 1;
        return (long)Math.Clamp(f, -4e18, 4e18);
    }

    private void WriteDependents(ColumnVector[] vectors, int i, long[] units, bool[] changed)
    {
        for (var d = 0; d < _dependents.Length; d++)
        {
            if (!changed[d]) continue;
            var dep = _dependents[d];
            if (units[d] == long.MinValue) vectors[dep.Position].SetNull(i);
            else dep.Slot.WriteUnits(vectors[dep.Position], i, units[d]);
        }
    }

    /// <summary>A partition key that is also a generated key (say RANGE (id) with id = 1, 2, …) is not routed; its
    /// values must still fall into some partition. Sampled here so the problem surfaces before a load starts.</summary>
    private void CheckPartitionKeyCoverage()
    {
        if (_a.Route is not { } route || _rows == 0) return;
        if (Table.Partitioning!.Partitions.Any(p => p.Bound.Trim().Equals("DEFAULT", StringComparison.OrdinalIgnoreCase))) return;
        var column = Table.Partitioning.Columns[0];
        if (!_keyed.ContainsKey(column) && Table.Column(column).Identity == IdentityKind.None) return;
        var slot = _slots[_a.Positions[column]]!;
        for (var i = 0; i <= 64; i++)
        {
            var row = (long)((_rows - 1) * (i / 64.0));
            var v = slot.ScalarAt(row, 0);
            var inside = route.Ranges is { } ranges
                ? v.Kind == Scalar.NumKind && ranges.Any(r => v.Num >= r.From && v.Num < r.To)
                : route.Lists!.Any(l => l.Any(x => Scalar.Compare(_a.Codec(column).Constant(new StringValue(x)), v) == 0));
            if (!inside)
                throw new SchemaException(
                    $"{Table.Name}.{column}: generated key value {v} (row {row}) falls outside every partition; " +
                    "lower the row count or add a DEFAULT partition", Table.Position);
        }
    }

    /// <summary>Generates the first rows, which throws when a CHECK cannot be met (see <see cref="ApplyChecks"/>).</summary>
    public void Preflight()
    {
        if (_checks.Length > 0 && _rows > 0) Generate(0, (int)Math.Min(_rows, PreflightRows));
    }

    public ColumnSlot SlotFor(string column)
    {
        // Both are schemas the generator cannot fill (a foreign key to a generated column, a key cycle through
        // foreign keys): bad input, pointing at the column.
        if (!_a.Positions.TryGetValue(column, out var pos))
            throw new SchemaException(
                $"{Table.Name}.{column} is referenced by a foreign key but is computed by the server, so its values cannot be generated",
                Table.FindColumn(column)?.Position ?? Table.Position);
        if (_slots[pos] is { } s) return s;
        if (_building[pos])
            throw new SchemaException($"{Table.Name}.{column}: its value depends on itself through foreign keys",
                Table.FindColumn(column)?.Position ?? Table.Position);
        _building[pos] = true;
        try
        {
            if (_a.FkOf.TryGetValue(column, out var fk)) BuildForeignKey(fk);
            else _slots[pos] = BuildOwn(column);
        }
        finally { _building[pos] = false; }
        return _slots[pos]!;
    }

    private ColumnSlot BuildOwn(string column)
    {
        // As the planner sized it (TableAnalysis.Digits): a one-column key may use its type's whole range.
        var ctx = _a.Context(column, _rows, _seed, _keyed.TryGetValue(column, out var key) && key.Whole);
        var c = ctx.Column;
        if (!ColumnFactory.CanGenerate(ctx.Type))
        {
            if (c.Nullable) return ColumnFactory.Null(ctx);
            throw new NotSupportedException($"{Table.Name}.{column}: type {c.Type} cannot be generated");
        }
        ColumnSlot slot;
        if (_keyed.TryGetValue(column, out var k)) slot = ColumnFactory.Keyed(ctx, k.Layout, k.Digit);
        else if (c.Identity != IdentityKind.None && c.Type.IsInteger) slot = ColumnFactory.Sequence(ctx);
        else
        {
            if (column == _a.EventColumn) ctx.Event = EventOf();
            slot = ColumnFactory.Free(ctx);
            var rate = _gen.Plan.Options.NullRate;
            if (c.Nullable && !ctx.Rules.NotNull && !DomainNotNull(column) && !_a.IsKeyColumn(column) && rate > 0)
                slot.Nulls = new RateNullGate(ctx.Rng.Derive(0x4E55), rate);
            slot.Retryable = slot.Adjustable = !_gen.Referenced.Contains((Table.Name, column));
        }
        return slot;
    }

    /// <summary>How the event column is drawn: growing with a sequence key, after each parent's event column (through
    /// FKs that are loaded before this table: never deferred, ahead or self-referencing ones), or null for a free draw.</summary>
    private EventTime? EventOf()
    {
        var parents = new List<EventParent>();
        foreach (var (fk, link) in _links)
        {
            if (link.SelfReference || link.Target.Domain == 0 || _gen.Plan.Order.IsAhead(fk)) continue;
            var (parent, _) = TableAnalysis.FkParent(_gen.Plan.Graph, Table, fk);
            if (parent.Name == Table.Name) continue;
            var program = _gen.Program(parent);
            if (program._a.EventColumn is not { } pc) continue;
            var own = fk.Columns.FirstOrDefault(c => _a.FkOf.TryGetValue(c, out var f) && ReferenceEquals(f, fk));
            if (own is null) continue;
            parents.Add(new EventParent(link, program.SlotFor(pc), SlotFor(own).Nulls));
        }
        var trend = EventTimes.HasSequenceKey(_a);
        return trend || parents.Count > 0 ? new EventTime(trend, parents.ToArray()) : null;
    }

    private bool DomainNotNull(string column) =>
        Table.Column(column).Type.Domain is { } d && _gen.Plan.Graph.FindDomain(d) is { NotNull: true };

    private void BuildForeignKey(ForeignKey fk)
    {
        var cols = fk.Columns.Where(c => _a.Positions.ContainsKey(c) && _a.FkOf[c] == fk).ToList();
        if (_a.Deferred.GetValueOrDefault(fk) || !_links.TryGetValue(fk, out var link))
        {
            // A cycle-breaking FK: loaded as NULL (LoadOrder only defers FKs whose columns are nullable).
            foreach (var c in cols) _slots[_a.Positions[c]] = ColumnFactory.Null(_a.Context(c, _rows, _seed));
            return;
        }
        if (_uniqueSelfRefs.Contains(FkLabel(fk)) && !link.Unique)
            link = _links[fk] = new FkLink(Table, fk, link.Target, true, true, link.Nullable, _gen.Linker, Stream("link:" + FkLabel(fk)));
        var (parent, _) = TableAnalysis.FkParent(_gen.Plan.Graph, Table, fk);
        var parentProgram = link.SelfReference ? this : _gen.Program(parent);
        var parentSlots = new List<ColumnSlot>();
        var built = new List<(int Pos, ColumnSlot Slot)>();
        foreach (var c in cols)
        {
            var refCol = fk.RefColumns[fk.Columns.ToList().IndexOf(c)];
            var ps = parentProgram.SlotFor(refCol);
            parentSlots.Add(ps);
            var ctx = _a.Context(c, _rows, _seed);
            if (!ColumnFactory.CanGenerate(ctx.Type))
                throw new NotSupportedException($"{Table.Name}.{c}: type {ctx.Type} cannot be generated");
            built.Add((ctx.Position, ColumnFactory.Foreign(ctx, link, ps)));
        }
        var rate = _gen.Plan.Options.NullRate > 0 ? FkNullRate : 0;
        var nullable = link.Nullable && cols.All(c => !_a.RulesOf(c).NotNull && !DomainNotNull(c)) && !NeverNull(fk);
        var nullableParents = parentSlots.Where(p => p.Nulls is not null).ToArray();
        var needsGate = link.Target.Domain == 0 || nullableParents.Length > 0 || (nullable && (rate > 0 || link.SelfReference));
        var gate = needsGate ? new FkNullGate(link, nullable, rate, Stream("fknull:" + FkLabel(fk)), nullableParents) : null;
        // A linked (non-key) FK may move to another parent row when a CHECK fails, unless children read its columns.
        var redraw = link.CanRedraw && cols.All(c => !_gen.Referenced.Contains((Table.Name, c)));
        foreach (var (pos, slot) in built)
        {
            slot.Nulls = gate;
            slot.Retryable = redraw;
            _slots[pos] = slot;
        }
    }

    /// <summary>FK columns that must not be NULLed at random: those in a UNIQUE NULLS NOT DISTINCT key (one NULL key
    /// at most), and FKs sharing columns with a MATCH FULL key (each FK has its own NULL gate, so shared columns
    /// would otherwise be NULL in one and set in the other: a partly NULL MATCH FULL key).</summary>
    private bool NeverNull(ForeignKey fk)
    {
        if (_a.Keys.Any(k => k.NullsNotDistinct && fk.Columns.Any(k.Columns.Contains))) return true;
        foreach (var other in _gen.Plan.Graph.ForeignKeysOf(Table))
            if (!ReferenceEquals(other, fk) && other.Columns.Any(fk.Columns.Contains)
                && (fk.Match == ForeignKeyMatch.Full || other.Match == ForeignKeyMatch.Full))
                return true;
        return false;
    }

    private sealed class FkNullGate(FkLink link, bool nullable, double rate, CounterRng rng, ColumnSlot[] nullableParents) : NullGate
    {
        public override bool IsNull(long row, int attempt)
        {
            if (link.Target.Domain == 0) return true;
            if (nullable)
            {
                if (link.SelfReference && row == 0) return true;
                if (rate > 0 && rng.Uniform(row) < rate) return true;
            }
            if (nullableParents.Length > 0)
            {
                var p = link.ParentRow(row, attempt);
                foreach (var s in nullableParents)
                    if (s.Nulls!.IsNull(p, 0)) return true;
            }
            return false;
        }
    }

    public RowBatch Generate(long firstRow, int count)
    {
        if (firstRow < 0 || count < 0 || firstRow + count > _rows)
            throw new ArgumentOutOfRangeException(nameof(firstRow), $"{Table.Name}: rows [{firstRow}, {firstRow + count}) are outside [0, {_rows})");
        var vectors = new ColumnVector[_slots.Length];
        for (var i = 0; i < _slots.Length; i++)
        {
            var v = _slots[i]!.NewVector(count);
            _slots[i]!.Fill(v, firstRow, count);
            vectors[i] = v;
        }
        if ((_checks.Length > 0 || _dependents.Length > 0) && count > 0) ApplyChecks(vectors, firstRow, count);
        return new RowBatch { Table = Table, FirstRow = firstRow, Count = count, Columns = vectors };
    }

    private bool AllPass(Scalar[] row)
    {
        foreach (var c in _checks)
            if (c.Node.Eval(row) == CheckNode.False) return false;
        return true;
    }

    private void ApplyChecks(ColumnVector[] vectors, long firstRow, int count)
    {
        var row = new Scalar[_slots.Length];
        var units = new long[_dependents.Length];
        var changed = new bool[_dependents.Length];
        for (var i = 0; i < count; i++)
        {
            foreach (var p in _checkColumns) row[p] = _slots[p]!.Read(vectors[p], i);
            var r = firstRow + i;
            if (_dependents.Length > 0)
            {
                ConstructRow(row, r, 0, units, changed);
                WriteDependents(vectors, i, units, changed);
            }
            if (AllPass(row)) continue;
            // Last resort, for CHECKs the draws above do not construct (say a <> b over foreign keys): redraw.
            Interlocked.Increment(ref _retried);
            var ok = false;
            if (_retryColumns.Length > 0)
            {
                for (var attempt = 1; attempt <= MaxAttempts && !ok; attempt++)
                {
                    foreach (var p in _retryColumns) row[p] = _slots[p]!.ScalarAt(r, attempt);
                    if (_dependents.Length > 0) ConstructRow(row, r, attempt, units, changed);
                    if (!AllPass(row)) continue;
                    foreach (var p in _retryColumns) _slots[p]!.Write(vectors[p], i, r, attempt);
                    if (_dependents.Length > 0) WriteDependents(vectors, i, units, changed);
                    ok = true;
                }
            }
            if (!ok) ok = Adjust(vectors, i, row);
            if (!ok)
            {
                foreach (var p in _checkColumns) row[p] = _slots[p]!.Read(vectors[p], i);
                var failing = _checks.First(c => c.Node.Eval(row) == CheckNode.False);
                var cols = failing.Predicate.Columns().Distinct().ToList();
                var values = string.Join(", ", cols.Select(c => $"{c}={row[_a.Positions[c]]}"));
                throw new SchemaException(
                    $"{Table.Name}: row {r} cannot satisfy CHECK {failing.Name} ({failing.Expression}) on column(s) {string.Join(", ", cols)} " +
                    $"after {MaxAttempts} redraws (last values {values}); this is a limitation of the generator, which draws this CHECK " +
                    "by trial rather than by construction, not a fault of the schema", failing.Position ?? Table.Position);
            }
        }
    }

    /// <summary>Last resort for comparisons the draws keep missing (typically a &gt; b across columns): set the
    /// redrawable side from the other side, then re-check.</summary>
    private bool Adjust(ColumnVector[] vectors, int i, Scalar[] row)
    {
        foreach (var p in _checkColumns) row[p] = _slots[p]!.Read(vectors[p], i);
        for (var pass = 0; pass < 2; pass++)
        {
            foreach (var check in _checks)
            {
                if (check.Node.Eval(row) != CheckNode.False) continue;
                foreach (var term in ColumnRules.Conjuncts(check.Predicate))
                {
                    if (term is not ComparePredicate cmp) continue;
                    if (TryAdjust(cmp.Left, cmp.Op, cmp.Right, vectors, i, row)) continue;
                    TryAdjust(cmp.Right, CompareOps.Flip(cmp.Op), cmp.Left, vectors, i, row);
                }
            }
            if (AllPass(row)) return true;
        }
        return false;
    }

    private bool TryAdjust(CheckOperand target, CompareOp op, CheckOperand other, ColumnVector[] vectors, int i, Scalar[] row)
    {
        if (target is not ColumnOperand tc || !_a.Positions.TryGetValue(tc.Column, out var tp)) return false;
        var slot = _slots[tp]!;
        if (!slot.Adjustable || slot.Step <= 0) return false;
        Scalar o;
        if (other is ColumnOperand oc && _a.Positions.TryGetValue(oc.Column, out var op2)) o = row[op2];
        else if (other is ConstOperand k) o = _a.Codec(tc.Column).Constant(k.Value);
        else return false;
        if (o.Kind != Scalar.NumKind) return false;
        var cur = row[tp];
        if (cur.Kind == Scalar.NumKind && CheckNode.FromCompare(Scalar.Compare(cur, o), op) == CheckNode.True) return true;
        var step = slot.Step;
        var value = op switch
        {
            CompareOp.Gt or CompareOp.Ne => o.Num + step,
            CompareOp.Lt => o.Num - step,
            _ => o.Num,
        };
        if (!slot.WriteOrdinal(vectors[tp], i, value)) return false;
        row[tp] = slot.Read(vectors[tp], i);
        return true;
    }
}
