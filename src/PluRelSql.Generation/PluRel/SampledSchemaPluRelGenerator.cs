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
    /// <summary>Emitted table name → the engine's table (with every declared column).</summary>
    private readonly Dictionary<QualifiedName, TableDef> _engineTables = [];

    /// <summary>With <paramref name="dropConstantColumns"/> (the reference's output, docs/generator.md §5.5) the categorical
    /// columns whose boolean form is constant over the whole table are left out of <see cref="GenerationPlan.Graph"/> and of
    /// every batch, as the reference drops them when it processes categorical data; the SCM still has every declared column
    /// (the reference drops after generating), so the other columns keep their values. Finding them evaluates each table
    /// with boolean columns once (free for tables under <see cref="PluRelRuntimeOptions.ParentCacheRows"/>, which are
    /// cached whole anyway); the set is a pure function of the seed.</summary>
    public SampledSchemaPluRelGenerator(SampledSchema schema, PluRelConfig? config = null, PluRelRuntimeOptions? options = null,
        bool dropConstantColumns = true)
    {
        Schema = schema;
        _db = PluRelDatabase.FromSampled(schema, config, options);
        var full = _db.Graph;
        var dropped = new Dictionary<QualifiedName, IReadOnlyList<ColumnDef>>();
        if (dropConstantColumns)
            foreach (var t in full.Tables)
                if (_db.ConstantBooleanColumns(t) is { Count: > 0 } cols) dropped[t.Name] = cols;
        Dropped = dropped;
        var tables = new List<TableDef>(full.Tables.Count);
        foreach (var t in full.Tables)
        {
            var emitted = dropped.TryGetValue(t.Name, out var cols)
                ? t with { Columns = t.Columns.Where(c => !cols.Contains(c)).ToList() }
                : t;
            _engineTables[t.Name] = t;
            tables.Add(emitted);
        }
        var graph = dropped.Count == 0 ? full : full with { Tables = tables };
        Plan = new GenerationPlan
        {
            Graph = graph,
            Order = graph.ComputeLoadOrder(),
            RowCounts = graph.Tables.ToDictionary(t => t.Name, t => _db.Rows(_engineTables[t.Name])),
            Options = new GenerationOptions { Seed = schema.Seed },
        };
    }

    public GenerationPlan Plan { get; }

    public PluRelDatabase Database => _db;

    public SampledSchema Schema { get; }

    /// <summary>Per table, the declared columns left out of the output (constant booleans); tables without any are absent.</summary>
    public IReadOnlyDictionary<QualifiedName, IReadOnlyList<ColumnDef>> Dropped { get; }

    public RowBatch Generate(TableDef table, long firstRow, int count)
    {
        var chunk = _db.ComputeChunk(_engineTables.GetValueOrDefault(table.Name, table), firstRow, count);
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
