namespace PluRelSql.Analysis.Tests;

/// <summary>The GBDT reference learns planted relations, knows nothing without signal, and the bootstrap interval
/// covers its point estimate.</summary>
public sealed class SupervisedReferenceTests
{
    private static (List<float[]> X, List<double> Y) Planted(int n, int seed, bool signal)
    {
        var rng = new Random(seed);
        var x = new List<float[]>();
        var y = new List<double>();
        for (var i = 0; i < n; i++)
        {
            // Column 2 is missing on a third of the rows, and missing means +2: rows with a NaN must be learned too.
            var row = new[] { (float)rng.NextDouble(), (float)rng.NextDouble(), rng.NextDouble() < 0.3 ? float.NaN : (float)rng.NextDouble() };
            x.Add(row);
            var noise = 0.05 * (rng.NextDouble() - 0.5);
            y.Add(signal ? 3 * row[0] + (row[1] > 0.5 ? 1 : 0) + (float.IsNaN(row[2]) ? 2 : 0) + noise : rng.NextDouble());
        }
        return (x, y);
    }

    private static double R2(IReadOnlyList<double> truth, IReadOnlyList<double> predicted)
    {
        var mean = truth.Average();
        return 1 - truth.Select((t, i) => (t - predicted[i]) * (t - predicted[i])).Sum() / truth.Sum(t => (t - mean) * (t - mean));
    }

    [Fact]
    public void Regression_learns_a_planted_relation_and_nothing_from_noise()
    {
        var (x, y) = Planted(1500, 1, signal: true);
        var (tx, ty) = Planted(400, 2, signal: true);
        var predicted = SupervisedReference.Regress(x, y, tx);
        Assert.True(R2(ty, predicted) > 0.9, $"R² {R2(ty, predicted):F3}");
        Assert.Equal(predicted, SupervisedReference.Regress(x, y, tx)); // deterministic

        var (nx, ny) = Planted(1500, 3, signal: false);
        var (ntx, nty) = Planted(400, 4, signal: false);
        Assert.True(R2(nty, SupervisedReference.Regress(nx, ny, ntx)) < 0.1);
        // The column-mean baseline scores exactly 0 on the cells it is the mean of.
        Assert.Equal(0, R2(ty, Enumerable.Repeat(ty.Average(), ty.Count).ToList()), 12);
    }

    [Fact]
    public void Classification_learns_a_planted_boundary_and_a_constant_column_stays_constant()
    {
        var (x, y) = Planted(1500, 5, signal: true);
        var (tx, ty) = Planted(400, 6, signal: true);
        var labels = y.Select(v => v > 2.5).ToList();
        var p = SupervisedReference.Classify(x, labels, tx);
        var accuracy = ty.Select((v, i) => v > 2.5 == p[i] >= 0.5).Count(b => b) / (double)ty.Count;
        Assert.True(accuracy > 0.9, $"accuracy {accuracy:F3}");
        Assert.All(SupervisedReference.Classify(x, labels.Select(_ => true).ToList(), tx), v => Assert.Equal(1, v));
    }

    [Fact]
    public void Bootstrap_interval_covers_the_point_estimate_and_narrows_with_more_data()
    {
        var rng = new Random(9);
        double Width(int n)
        {
            var v = Enumerable.Range(0, n).Select(_ => rng.NextDouble()).ToArray();
            var point = v.Average();
            var (lo, hi) = Bootstrap.Interval(n, idx => idx.Average(i => v[i]));
            Assert.InRange(point, lo, hi);
            Assert.Equal((lo, hi), Bootstrap.Interval(n, idx => idx.Average(i => v[i]))); // fixed seed
            return hi - lo;
        }
        var small = Width(50);
        var large = Width(5000);
        Assert.True(large < small / 5, $"{large} vs {small}");
        Assert.Equal((double.NaN, double.NaN), Bootstrap.Interval(0, _ => 1));
    }
}
