using PluRelSql.Core;
using PluRelSql.Schema;

namespace PluRelSql.Generation.PluRel;

/// <summary>Pure PluRel (<c>plurel sample</c>): an <see cref="IRowGenerator"/> over a sampled PluRel database, every column
/// from the prior: primary keys are row indices (0..n−1, the
/// reference's <c>row_idx</c>), foreign keys are parent row indices, features and dates come from
/// <see cref="PluRelDatabase.ComputeChunk"/>. Pure like the database: any batch on any thread.</summary>
public sealed class SampledSchemaPluRelGenerator : IRowGenerator
{
    private readonly PluRelDatabase _db;

    public SampledSchemaPluRelGenerator(SampledSchema schema, PluRelConfig? config = null, PluRelRuntimeOptions? options = null)
    {
        _db = PluRelDatabase.FromSampled(schema, config, options);
        var graph = _db.Graph;
        Plan = new GenerationPlan
        {
            Graph = graph,
            Order = graph.ComputeLoadOrder(),
            RowCounts = graph.Tables.ToDictionary(t => t.Name, t => _db.Rows(t)),
            Options = new GenerationOptions { Seed = schema.Seed },
        };
    }

    public GenerationPlan Plan { get; }

    public PluRelDatabase Database => _db;

    public RowBatch Generate(TableDef table, long firstRow, int count)
    {
        var chunk = _db.ComputeChunk(table, firstRow, count);
        var columns = new List<ColumnVector>(table.Columns.Count);
        foreach (var col in table.Columns.Where(c => c.IsLoaded))
        {
            if (table.PrimaryKey is { } pk && pk.Columns.Count == 1 && pk.Columns[0] == col.Name)
            {
                var v = new ColumnVector<long>(col, count);
                for (var i = 0; i < count; i++) v.Values[i] = firstRow + i;
                columns.Add(v);
                continue;
            }
            if (chunk.ForeignKeys.FirstOrDefault(f => f.Key.Columns.Count == 1 && f.Key.Columns[0] == col.Name) is { } fk)
            {
                var v = new ColumnVector<long>(col, count);
                fk.ParentRows.CopyTo(v.Values, 0);
                columns.Add(v);
                continue;
            }
            var f = chunk.Columns.FirstOrDefault(c => c.Column.Name == col.Name)
                ?? throw new InvalidOperationException($"{table.Name}.{col.Name}: not a PluRel column");
            ColumnVector vector = f.Kind switch
            {
                FeatureValueKind.Double => Copy(col, f.Doubles!),
                FeatureValueKind.Boolean => Copy(col, f.Booleans!),
                FeatureValueKind.Timestamp => Copy(col, f.Timestamps!),
                _ => Copy(col, f.Codes!.Select(k => f.Labels![k]).ToArray()),
            };
            if (f.Nulls is { } nulls)
                for (var i = 0; i < count; i++)
                    if (nulls[i]) vector.SetNull(i);
            columns.Add(vector);
        }
        return new RowBatch { Table = table, FirstRow = firstRow, Count = count, Columns = columns };
    }

    private static ColumnVector<T> Copy<T>(ColumnDef col, T[] values)
    {
        var v = new ColumnVector<T>(col, values.Length);
        values.CopyTo(v.Values, 0);
        return v;
    }
}
