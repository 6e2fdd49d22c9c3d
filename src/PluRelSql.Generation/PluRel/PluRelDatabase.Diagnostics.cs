using PluRelSql.Schema;

namespace PluRelSql.Generation.PluRel;

/// <summary>Diagnostics for tests and reports: constant boolean columns, MLP work, SCM descriptions.</summary>
public sealed partial class PluRelDatabase
{
    /// <summary>The categorical columns whose boolean form (<c>code &gt; 0</c>) is constant over the whole table: the
    /// reference drops them (docs/generator.md §5.5; its <c>process_categorical_data</c> drops no other column). Evaluates the
    /// table in blocks until every boolean column has shown both values, so only a table with a constant column is read to
    /// its end; <see cref="SampledSchemaPluRelGenerator"/> leaves these columns out of its tables.</summary>
    public IReadOnlyList<ColumnDef> ConstantBooleanColumns(TableDef table)
    {
        var t = State(table);
        var cats = Enumerable.Range(0, t.Features.Count).Where(j => t.Features[j].Output == FeatureValueKind.Boolean).ToList();
        if (cats.Count == 0 || t.Rows == 0) return [];
        var seenTrue = new bool[t.Features.Count];
        var seenFalse = new bool[t.Features.Count];
        for (long s = 0; s < t.Rows; s += 4 * BlockRows)
        {
            var c = ComputeChunk(table, s, (int)Math.Min(4 * BlockRows, t.Rows - s));
            foreach (var j in cats)
                foreach (var b in c.Columns[j].Booleans!)
                    if (b) seenTrue[j] = true; else seenFalse[j] = true;
            if (cats.All(j => seenTrue[j] && seenFalse[j])) return [];
        }
        return cats.Where(j => !(seenTrue[j] && seenFalse[j])).Select(j => t.Features[j].Column).ToList();
    }

    /// <summary>Multiply-adds per row in the table's frozen MLPs (0 without an SCM); see <see cref="TableModel.MlpFmasPerRow"/>.</summary>
    public long MlpFmasPerRow(TableDef table) => State(table).Model.Value?.MlpFmasPerRow ?? 0;

    /// <summary>The database's frozen-MLP work: Σ over tables of rows × <see cref="MlpFmasPerRow"/>, except that a first
    /// feed cached per parent row (<see cref="TableModel.CachesFirstFeed"/>) counts its export encoders once per parent row.</summary>
    public double MlpFmas() => _order.Sum(t => t.Model.Value?.MlpFmas ?? 0);

    /// <summary>A one-line description of a table's SCM (family, mode, nodes, edges, sources).</summary>
    public string DescribeScm(TableDef table)
    {
        var m = State(table).Model.Value;
        if (m is null) return "no SCM";
        return $"{m.Family} {m.Mode} nodes={m.Graph.N} edges={m.Graph.Edges.Count} sources={m.Nodes.Count(n => n.IsSource)}";
    }
}
