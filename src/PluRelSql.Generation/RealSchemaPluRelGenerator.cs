using PluRelSql.Core;
using PluRelSql.Generation.Constraints;
using PluRelSql.Generation.PluRel;
using PluRelSql.Schema;

namespace PluRelSql.Generation;

/// <summary>PluRel where the constraints allow (<c>populate --engine plurel</c>): the PluRel engine over a real schema
/// (sampled schemas need no constraints: see PluRel.SampledSchemaPluRelGenerator): foreign keys follow the HSBM, and the columns the engine
/// drives (numeric, boolean, enum, activity timestamps) come from the per-table causal models; every other column,
/// and every key, comes from <see cref="IndependentValueGenerator"/>, so constraints hold as in v1. A driven column
/// that a CHECK, a key, a domain or the partitioning constrains stays with v1 — the engine knows nothing of them.</summary>
public sealed class RealSchemaPluRelGenerator : IRowGenerator
{
    private readonly IndependentValueGenerator _base;
    private readonly PluRelDatabase _engine;
    private readonly Dictionary<QualifiedName, HashSet<string>> _driven = [];

    public RealSchemaPluRelGenerator(GenerationPlan plan, PluRelDatabase engine)
    {
        _engine = engine;
        _base = new IndependentValueGenerator(plan, new EngineLinker(engine, plan.Options.Seed));
        foreach (var t in plan.Order.Tables)
        {
            var blocked = ConstrainedColumns(plan.Graph, t);
            // Orders the names imply (sale ≤ list price) are kept by v1's draws, which the engine's would undo.
            blocked.UnionWith(new TableAnalysis(plan.Graph, plan.Order, t, plan.Options.TimeRange).ImplicitChecks.SelectMany(c => c.Columns()));
            // Dates and timestamps stay v1's: its event columns already grow with the row as the engine's window does,
            // and it also keeps them in the time range, after the parent's, in name order, and birth dates adult.
            _driven[t.Name] = engine.DrivenColumns(t)
                .Where(c => c.IsLoaded && !blocked.Contains(c.Name) && c.Type.Domain is null && !c.Type.IsArray && !EventTimes.IsCalendar(c.Type))
                .Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
            _shapes[t.Name] = new Lazy<Dictionary<string, Shape>>(() => Shapes(t, plan.Rows(t)), LazyThreadSafetyMode.ExecutionAndPublication);
        }
    }

    private readonly Dictionary<QualifiedName, Lazy<Dictionary<string, Shape>>> _shapes = [];

    /// <summary>Rows sampled (the first ones) to learn both marginals of a driven numeric column.</summary>
    private const int ShapeSample = 2048;

    /// <summary>A driven numeric column's two marginals, sorted: the engine's (abstract: standardized, rank-uniform,
    /// log …) and v1's (what the column's semantics make: prices at the type's scale, small quantities …).</summary>
    private sealed record Shape(double[] Engine, double[] Values)
    {
        /// <summary>The v1 value at the engine value's quantile: the engine decides the rank (its causal dependence),
        /// the semantics decide the look. Interpolated between neighbouring samples; SetNumber rounds to the type.</summary>
        public double Map(double x)
        {
            int lo = 0, hi = Engine.Length;
            while (lo < hi)
            {
                var mid = (lo + hi) >> 1;
                if (Engine[mid] < x) lo = mid + 1; else hi = mid;
            }
            var q = Engine.Length == 1 ? 0.5 : Math.Clamp(lo / (double)(Engine.Length - 1), 0, 1);
            var p = q * (Values.Length - 1);
            var i = (int)Math.Floor(p);
            var j = Math.Min(i + 1, Values.Length - 1);
            return Values[i] + (Values[j] - Values[i]) * (p - i);
        }
    }

    private Dictionary<string, Shape> Shapes(TableDef t, long rows)
    {
        var result = new Dictionary<string, Shape>(StringComparer.Ordinal);
        var driven = _driven[t.Name];
        var n = (int)Math.Min(rows, ShapeSample);
        if (n == 0 || driven.Count == 0) return result;
        var chunk = _engine.ComputeChunk(t, 0, n);
        var program = _base.Program(t);
        foreach (var f in chunk.Columns)
        {
            if (f.Kind != FeatureValueKind.Double || !driven.Contains(f.Column.Name)) continue;
            var engine = new List<double>(n);
            for (var i = 0; i < n; i++)
                if (!f.IsNull(i) && double.IsFinite(f.Doubles![i])) engine.Add(f.Doubles[i]);
            var slot = program.SlotFor(f.Column.Name);
            var values = new List<double>(n);
            for (var r = 0; r < n; r++)
                if (slot.ScalarAt(r, 0) is { Kind: Scalar.NumKind } v) values.Add(v.Num);
            if (engine.Count == 0 || values.Count == 0) continue;
            engine.Sort();
            values.Sort();
            result[f.Column.Name] = new Shape([.. engine], [.. values]);
        }
        return result;
    }

    public GenerationPlan Plan => _base.Plan;

    public PluRelDatabase Engine => _engine;

    public IReadOnlyCollection<string> DrivenColumns(TableDef table) =>
        _driven.TryGetValue(table.Name, out var d) ? d : [];

    public RowBatch Generate(TableDef table, long firstRow, int count)
    {
        var batch = _base.Generate(table, firstRow, count);
        if (count == 0 || !_driven.TryGetValue(table.Name, out var driven) || driven.Count == 0) return batch;
        var chunk = _engine.ComputeChunk(table, firstRow, count);
        var shapes = _shapes[table.Name].Value;
        foreach (var feature in chunk.Columns)
            if (driven.Contains(feature.Column.Name))
                Overwrite(batch[feature.Column.Name], feature, shapes.GetValueOrDefault(feature.Column.Name));
        return batch;
    }

    private static HashSet<string> ConstrainedColumns(SchemaGraph graph, TableDef t)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        if (t.PrimaryKey is { } pk) set.UnionWith(pk.Columns);
        foreach (var u in t.Uniques) set.UnionWith(u.Columns);
        foreach (var fk in graph.ForeignKeysOf(t)) set.UnionWith(fk.Columns);
        foreach (var ix in graph.Indexes.Where(i => i.Unique && i.Table == t.Name)) set.UnionWith(ix.KeyColumns() ?? []);
        if (t.Partitioning is { } p) set.UnionWith(p.Columns);
        foreach (var ck in t.Checks) set.UnionWith(CheckColumns.Of(ck, t, graph.Dialect));
        return set;
    }

    private static void Overwrite(ColumnVector vector, FeatureColumn f, Shape? shape)
    {
        var col = vector.Column;
        for (var i = 0; i < vector.Count; i++)
        {
            if (f.IsNull(i) || (f.Kind == FeatureValueKind.Double && !double.IsFinite(f.Doubles![i])))
            {
                if (col.Nullable) vector.SetNull(i);
                continue; // a NOT NULL column keeps the v1 value
            }
            if (vector.Nulls is { } n) n[i] = false;
            switch (f.Kind)
            {
                case FeatureValueKind.Double: SetNumber(vector, i, shape is null ? f.Doubles![i] : shape.Map(f.Doubles![i])); break;
                case FeatureValueKind.Boolean when vector is ColumnVector<bool> b: b.Values[i] = f.Booleans![i]; break;
                case FeatureValueKind.Category when vector is ColumnVector<string> s && f.Labels is { } labels:
                    s.Values[i] = labels[f.Codes![i]];
                    break;
                case FeatureValueKind.Category when vector is ColumnVector<bool> b2: b2.Values[i] = f.Codes![i] > 0; break;
                case FeatureValueKind.Timestamp: SetTime(vector, i, f.Timestamps![i]); break;
            }
        }
    }

    private static void SetNumber(ColumnVector vector, int i, double v)
    {
        switch (vector)
        {
            case ColumnVector<double> d: d.Values[i] = v; break;
            case ColumnVector<float> f: f.Values[i] = (float)v; break;
            case ColumnVector<short> s: s.Values[i] = (short)Math.Clamp(Math.Round(v), short.MinValue, short.MaxValue); break;
            case ColumnVector<int> n: n.Values[i] = (int)Math.Clamp(Math.Round(v), int.MinValue, int.MaxValue); break;
            case ColumnVector<long> l: l.Values[i] = (long)Math.Clamp(Math.Round(v), -9e18, 9e18); break;
            case ColumnVector<decimal> m:
                var type = vector.Column.Type;
                var scale = type.Scale ?? (type.Kind == TypeKind.Money ? 2 : 4);
                var limit = type.Precision is { } p ? Math.Pow(10, p - scale) - Math.Pow(10, -scale) : 1e15;
                m.Values[i] = Math.Round((decimal)Math.Clamp(v, -limit, limit), scale, MidpointRounding.ToZero);
                break;
        }
    }

    private static void SetTime(ColumnVector vector, int i, DateTime t)
    {
        switch (vector)
        {
            case ColumnVector<DateTime> d:
                d.Values[i] = vector.Column.Type.Kind == TypeKind.TimestampTz
                    ? DateTime.SpecifyKind(t, DateTimeKind.Utc)
                    : DateTime.SpecifyKind(t, DateTimeKind.Unspecified);
                break;
            case ColumnVector<DateOnly> day: day.Values[i] = DateOnly.FromDateTime(t); break;
        }
    }

    /// <summary>HSBM parent rows where the engine links the key; uniform otherwise.</summary>
    private sealed class EngineLinker(PluRelDatabase engine, ulong seed) : IForeignKeyLinker
    {
        private readonly UniformLinker _fallback = new(seed);

        public long ParentRow(TableDef child, ForeignKey fk, long childRow, long parentRows) =>
            engine.TryParentRow(child, fk, childRow, out var row) && row < parentRows
                ? row
                : _fallback.ParentRow(child, fk, childRow, parentRows);
    }
}
