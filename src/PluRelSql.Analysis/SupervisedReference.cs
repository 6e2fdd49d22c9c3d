using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;

namespace PluRelSql.Analysis;

/// <summary>The supervised reference of <c>plurel eval</c>: gradient-boosted trees (ML.NET FastTree) fitted on a table's
/// training rows and scored on its held-out rows. Features are plain floats, NaN where a cell is missing; NaN becomes
/// <see cref="Missing"/>, below every real value, because ML.NET skips training rows with a NaN feature (all video
/// tracks of chinook, whose composer is NULL, would vanish). One thread and a fixed seed: the same inputs give the same
/// predictions.</summary>
public static class SupervisedReference
{
    /// <summary>Tree settings: small enough for a few thousand rows on one core, the usual FastTree defaults otherwise.</summary>
    public sealed record Settings(int Trees = 100, int Leaves = 20, int MinLeafRows = 5, double LearningRate = 0.1, int Seed = 1);

    private sealed class RegressionRow
    {
        public float Label { get; set; }
        public float[] Features { get; set; } = [];
    }

    private sealed class BinaryRow
    {
        public bool Label { get; set; }
        public float[] Features { get; set; } = [];
    }

    private sealed class ScoreRow
    {
        public float Score { get; set; }
    }

    private sealed class ProbabilityRow
    {
        public float Probability { get; set; }
    }

    /// <summary>Predicted values of <paramref name="test"/> rows after fitting <paramref name="train"/> → <paramref name="labels"/>
    /// (squared loss). With no training row, the prediction is 0; with one feature-less or constant problem, the mean.</summary>
    public static double[] Regress(IReadOnlyList<float[]> train, IReadOnlyList<double> labels, IReadOnlyList<float[]> test, Settings? settings = null)
    {
        Check(train, labels.Count, test);
        if (test.Count == 0) return [];
        if (train.Count == 0) return new double[test.Count];
        var mean = labels.Average();
        if (train.Count < 2 * (settings ?? new Settings()).MinLeafRows || Width(train) == 0 || labels.All(y => y == labels[0]))
            return Enumerable.Repeat(mean, test.Count).ToArray();
        var s = settings ?? new Settings();
        var ml = new MLContext(s.Seed);
        var schema = Schema<RegressionRow>(Width(train));
        var data = ml.Data.LoadFromEnumerable(train.Select((x, i) => new RegressionRow { Label = (float)labels[i], Features = Fill(x) }), schema);
        var model = ml.Regression.Trainers.FastTree(new FastTreeRegressionTrainer.Options
        {
            NumberOfTrees = s.Trees, NumberOfLeaves = s.Leaves, MinimumExampleCountPerLeaf = s.MinLeafRows,
            LearningRate = s.LearningRate, NumberOfThreads = 1, Seed = s.Seed,
        }).Fit(data);
        var scored = model.Transform(ml.Data.LoadFromEnumerable(test.Select(x => new RegressionRow { Features = Fill(x) }), schema));
        return ml.Data.CreateEnumerable<ScoreRow>(scored, reuseRowObject: false).Select(p => (double)p.Score).ToArray();
    }

    /// <summary>P(true) of <paramref name="test"/> rows after fitting <paramref name="train"/> → <paramref name="labels"/>
    /// (logistic loss). When the training labels hold one class only, that class's share (0 or 1).</summary>
    public static double[] Classify(IReadOnlyList<float[]> train, IReadOnlyList<bool> labels, IReadOnlyList<float[]> test, Settings? settings = null)
    {
        Check(train, labels.Count, test);
        if (test.Count == 0) return [];
        if (train.Count == 0) return Enumerable.Repeat(0.5, test.Count).ToArray();
        var share = labels.Count(y => y) / (double)labels.Count;
        var s = settings ?? new Settings();
        if (share is 0 or 1 || train.Count < 2 * s.MinLeafRows || Width(train) == 0) return Enumerable.Repeat(share, test.Count).ToArray();
        var ml = new MLContext(s.Seed);
        var schema = Schema<BinaryRow>(Width(train));
        var data = ml.Data.LoadFromEnumerable(train.Select((x, i) => new BinaryRow { Label = labels[i], Features = Fill(x) }), schema);
        var model = ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
        {
            NumberOfTrees = s.Trees, NumberOfLeaves = s.Leaves, MinimumExampleCountPerLeaf = s.MinLeafRows,
            LearningRate = s.LearningRate, NumberOfThreads = 1, Seed = s.Seed,
        }).Fit(data);
        var scored = model.Transform(ml.Data.LoadFromEnumerable(test.Select(x => new BinaryRow { Features = Fill(x) }), schema));
        return ml.Data.CreateEnumerable<ProbabilityRow>(scored, reuseRowObject: false).Select(p => (double)p.Probability).ToArray();
    }

    /// <summary>What a missing (NaN) feature becomes: a value below every real one, so a tree can split it off.</summary>
    public const float Missing = -1e30f;

    private static float[] Fill(float[] row)
    {
        if (!row.Any(float.IsNaN)) return row;
        var copy = (float[])row.Clone();
        for (var i = 0; i < copy.Length; i++)
            if (float.IsNaN(copy[i])) copy[i] = Missing;
        return copy;
    }

    private static int Width(IReadOnlyList<float[]> rows) => rows.Count == 0 ? 0 : rows[0].Length;

    private static SchemaDefinition Schema<T>(int width)
    {
        var schema = SchemaDefinition.Create(typeof(T));
        schema["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        return schema;
    }

    private static void Check(IReadOnlyList<float[]> train, int labels, IReadOnlyList<float[]> test)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        if (train.Count != labels) throw new ArgumentException($"{train.Count} training rows but {labels} labels");
        var width = train.Count > 0 ? train[0].Length : test.Count > 0 ? test[0].Length : 0;
        if (train.Concat(test).Any(r => r.Length != width)) throw new ArgumentException("feature rows differ in width");
    }
}

/// <summary>Percentile bootstrap intervals of a statistic over n paired observations: resample indices with
/// replacement, recompute, take the 2.5th and 97.5th percentiles of the finite results. Fixed seed.</summary>
public static class Bootstrap
{
    public static (double Low, double High) Interval(int n, Func<int[], double> statistic, int resamples = 1000, int seed = 20260417, double level = 0.95)
    {
        ArgumentNullException.ThrowIfNull(statistic);
        if (n == 0 || resamples < 2) return (double.NaN, double.NaN);
        var rng = new Random(seed);
        var values = new List<double>(resamples);
        var idx = new int[n];
        for (var r = 0; r < resamples; r++)
        {
            for (var i = 0; i < n; i++) idx[i] = rng.Next(n);
            var v = statistic(idx);
            if (double.IsFinite(v)) values.Add(v);
        }
        if (values.Count < resamples / 2) return (double.NaN, double.NaN);
        values.Sort();
        var tail = (1 - level) / 2;
        return (Quantile(values, tail), Quantile(values, 1 - tail));
    }

    private static double Quantile(List<double> sorted, double q)
    {
        var pos = q * (sorted.Count - 1);
        var lo = (int)Math.Floor(pos);
        var hi = Math.Min(lo + 1, sorted.Count - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
