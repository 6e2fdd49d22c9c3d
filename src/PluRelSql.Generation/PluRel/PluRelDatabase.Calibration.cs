using PluRelSql.Core;

namespace PluRelSql.Generation.PluRel;

/// <summary>Calibration: the whole-column statistics (lazy thresholds, transform statistics) per-row post-processing needs.</summary>
public sealed partial class PluRelDatabase
{
    private Calibration? Calibrate(TableState t)
    {
        var model = t.Model.Value;
        if (model is null) return null;
        var cols = t.Features.Count;
        var exact = t.Rows <= Config.Scm.StatisticsSampleRows;
        long[] sample;
        if (exact)
        {
            sample = new long[t.Rows];
            for (var i = 0; i < sample.Length; i++) sample[i] = i;
        }
        else
        {
            var rng = CounterRng.Stream(Seed, t.Key, Purpose.Statistics);
            sample = new long[Config.Scm.StatisticsSampleRows];
            for (var i = 0; i < sample.Length; i++) sample[i] = rng.Below(i, t.Rows);
            Array.Sort(sample);
        }
        var thresholdRows = model.ThresholdRows;
        var needStats = model.Transforms.Any(x => x is ColumnTransform.RankUniform or ColumnTransform.Standardize);
        if (!needStats) sample = [];
        var all = sample.Concat(thresholdRows.SelectMany(r => r ?? [])).Distinct().Order().ToArray();
        var where = new Dictionary<long, int>(all.Length);
        for (var i = 0; i < all.Length; i++) where[all[i]] = i;
        double[][] raw;
        if (t.FullRaw.Value is { } full)
        {
            raw = full;
            where.Clear();
            foreach (var r in all) where[r] = (int)r;
        }
        else raw = ForwardFeatures(t, model, all);
        var thresholds = new double[]?[cols];
        var sorted = new (double[], long[])?[cols];
        var mean = new double[cols];
        var std = new double[cols];
        for (var j = 0; j < cols; j++)
        {
            if (thresholdRows[j] is { } tr)
            {
                thresholds[j] = tr.Select(r => raw[j][where[r]]).Order().ToArray();
                continue;
            }
            if (!t.Features[j].IsNumeric || sample.Length == 0) continue;
            var values = sample.Select(r => raw[j][where[r]]).ToArray();
            double s = 0;
            foreach (var v in values) s += v;
            mean[j] = s / values.Length;
            double ss = 0;
            foreach (var v in values) ss += (v - mean[j]) * (v - mean[j]);
            std[j] = Math.Sqrt(ss / values.Length);
            if (model.Transforms[j] == ColumnTransform.RankUniform)
            {
                var pairs = values.Zip(sample).OrderBy(p => p.First).ThenBy(p => model.TieKey(p.Second)).ToArray();
                sorted[j] = (pairs.Select(p => p.First).ToArray(), pairs.Select(p => p.Second).ToArray());
            }
        }
        return new Calibration { Thresholds = thresholds, Sorted = sorted, Mean = mean, Std = std, Exact = exact };
    }
}
