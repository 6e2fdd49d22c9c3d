using PluRelSql.Core;
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
            _driven[t.Name] = engine.DrivenColumns(t)
                .Where(c => c.IsLoaded && !blocked.Contains(c.Name) && c.Type.Domain is null && !c.Type.IsArray)
                .Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        }
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
        foreach (var feature in chunk.Columns)
            if (driven.Contains(feature.Column.Name))
                Overwrite(batch[feature.Column.Name], feature);
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

    private static void Overwrite(ColumnVector vector, FeatureColumn f)
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
                case FeatureValueKind.Double: SetNumber(vector, i, f.Doubles![i]); break;
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
