using PluRelSql.Schema;

namespace PluRelSql.Generation.PluRel;

/// <summary>Chunk computation: the driven columns and FK parent rows of any row range.</summary>
public sealed partial class PluRelDatabase
{
    /// <summary>Rows [firstRow, firstRow + count) of <paramref name="table"/>: every driven column and every FK's parent rows.
    /// A pure function of (seed, table, row): any chunking gives identical bits.</summary>
    public FeatureChunk ComputeChunk(TableDef table, long firstRow, int count)
    {
        var t = State(table);
        if (firstRow < 0 || count < 0 || firstRow + count > t.Rows)
            throw new ArgumentOutOfRangeException(nameof(firstRow), $"{table.Name}: rows [{firstRow}, {firstRow + count}) outside [0, {t.Rows})");
        var model = t.Model.Value;
        var cal = t.Calibration.Value;
        var columns = new List<FeatureColumn>();
        foreach (var f in t.Features)
            columns.Add(f.Output switch
            {
                FeatureValueKind.Double => new FeatureColumn { Column = f.Column, Kind = f.Output, Doubles = new double[count] },
                FeatureValueKind.Boolean => new FeatureColumn { Column = f.Column, Kind = f.Output, Booleans = new bool[count], Codes = new int[count] },
                _ => new FeatureColumn { Column = f.Column, Kind = f.Output, Codes = new int[count], Labels = f.Labels },
            });
        foreach (var c in t.TimeColumns)
        {
            var ts = new DateTime[count];
            for (var i = 0; i < count; i++) ts[i] = Window.At(firstRow + i, t.Rows);
            columns.Add(new FeatureColumn { Column = c, Kind = FeatureValueKind.Timestamp, Timestamps = ts });
        }
        var fks = new List<ForeignKeyRows>();
        foreach (var l in t.Links)
        {
            var pr = new long[count];
            for (var i = 0; i < count; i++) pr[i] = l.Hsbm.ParentRow(firstRow + i);
            fks.Add(new ForeignKeyRows(l.Key, l.Parent.Def, pr));
        }
        if (model is not null)
        {
            var rows = new long[Math.Min(count, BlockRows)];
            for (var off = 0; off < count; off += BlockRows)
            {
                var m = Math.Min(BlockRows, count - off);
                for (var i = 0; i < m; i++) rows[i] = firstRow + off + i;
                var raws = RawFeatures(t, model, rows.AsSpan(0, m));
                for (var j = 0; j < t.Features.Count; j++)
                {
                    var f = t.Features[j];
                    var raw = raws[j];
                    var col = columns[j];
                    if (f.IsNumeric)
                    {
                        for (var i = 0; i < m; i++)
                        {
                            var r = rows[i];
                            col.Doubles![off + i] = model.Transform(j, raw[i], r, cal!);
                            if (f.Column.Nullable && model.IsMissing(j, r))
                            {
                                col.Nulls ??= new bool[count];
                                col.Nulls[off + i] = true;
                                col.Doubles[off + i] = double.NaN;
                            }
                        }
                    }
                    else
                    {
                        for (var i = 0; i < m; i++)
                        {
                            var code = model.Code(j, raw[i], cal!);
                            col.Codes![off + i] = code;
                            if (col.Booleans is { } b) b[off + i] = code > 0;
                        }
                    }
                }
            }
        }
        return new FeatureChunk { Table = table, FirstRow = firstRow, Count = count, Columns = columns, ForeignKeys = fks };
    }

    /// <summary>Raw feature values for a block of rows: from the full-table cache when the table has one.</summary>
    private double[][] RawFeatures(TableState t, TableModel model, ReadOnlySpan<long> rows)
    {
        var cols = t.Features.Count;
        var result = new double[cols][];
        if (t.FullRaw.Value is { } full)
        {
            for (var j = 0; j < cols; j++)
            {
                result[j] = new double[rows.Length];
                for (var i = 0; i < rows.Length; i++) result[j][i] = full[j][rows[i]];
            }
            return result;
        }
        var x = model.Forward(rows);
        for (var j = 0; j < cols; j++) result[j] = x[model.ColumnNode[j]];
        return result;
    }
}
