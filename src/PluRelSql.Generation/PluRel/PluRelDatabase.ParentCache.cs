using PluRelSql.Schema;

namespace PluRelSql.Generation.PluRel;

/// <summary>The values children read from their parents: whole-table raw caches and recomputation of the rows asked for.</summary>
public sealed partial class PluRelDatabase
{
    /// <summary>The values a child reads from table <paramref name="t"/> (docs/generator.md §5.4): raw reals for numeric columns and
    /// class codes (quantised and relabelled if lazy) for categorical ones, never transformed or missing.</summary>
    internal double[][] ExportValues(TableState t, ReadOnlySpan<long> rows)
    {
        var model = t.Model.Value!;
        var cal = t.Calibration.Value!;
        var cols = t.Features.Count;
        var result = new double[cols][];
        for (var j = 0; j < cols; j++) result[j] = new double[rows.Length];
        if (t.FullRaw.Value is { } full)
        {
            for (var j = 0; j < cols; j++)
            {
                var src = full[j];
                var dst = result[j];
                var numeric = t.Features[j].IsNumeric;
                for (var i = 0; i < rows.Length; i++) dst[i] = numeric ? src[rows[i]] : model.Code(j, src[rows[i]], cal);
            }
            return result;
        }
        // Recompute only the distinct rows, in sorted order (cheapest for the temporal AR blocks).
        var distinct = rows.ToArray().Distinct().Order().ToArray();
        var raw = ForwardFeatures(t, model, distinct);
        var index = new Dictionary<long, int>(distinct.Length);
        for (var i = 0; i < distinct.Length; i++) index[distinct[i]] = i;
        for (var i = 0; i < rows.Length; i++)
        {
            var k = index[rows[i]];
            for (var j = 0; j < cols; j++)
                result[j][i] = t.Features[j].IsNumeric ? raw[j][k] : model.Code(j, raw[j][k], cal);
        }
        return result;
    }

    /// <summary>The SCM forward pass over any list of rows, in blocks (in parallel with <see cref="PluRelRuntimeOptions.Threads"/>);
    /// one raw array per feature.</summary>
    private double[][] ForwardFeatures(TableState t, TableModel model, long[] rows)
    {
        var cols = t.Features.Count;
        var result = new double[cols][];
        for (var j = 0; j < cols; j++) result[j] = new double[rows.Length];
        var blocks = (rows.Length + BlockRows - 1) / BlockRows;
        void Block(int b)
        {
            var off = b * BlockRows;
            var m = Math.Min(BlockRows, rows.Length - off);
            var x = model.Forward(rows.AsSpan(off, m));
            for (var j = 0; j < cols; j++) x[model.ColumnNode[j]].AsSpan(0, m).CopyTo(result[j].AsSpan(off));
        }
        if (Options.Threads > 1 && blocks > 1)
            Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = Options.Threads }, Block);
        else
            for (var b = 0; b < blocks; b++) Block(b);
        return result;
    }

    private double[][]? BuildFullRaw(TableState t)
    {
        if (t.Model.Value is not { } model) return null;
        if (t.Rows > Options.ParentCacheRows && !t.CachedAsParent) return null;
        var rows = new long[t.Rows];
        for (var i = 0; i < rows.Length; i++) rows[i] = i;
        return ForwardFeatures(t, model, rows);
    }
}
