using System.Numerics;
using PluRelSql.Generation.PluRel;

namespace PluRelSql.Generation.Tests.PluRel;

/// <summary>The engine's float32 exp/log/sin/cos against System.Math (double) over the ranges the activations see.</summary>
public sealed class FastMathTests
{
    /// <summary>Largest error over inputs spread log-uniformly in ±[lo, hi] (plus small ones), measured relative to
    /// max(|exact|, floor) so that near-zero results are judged by absolute error.</summary>
    private static double MaxError(Func<Vector<float>, Vector<float>> f, Func<double, double> exact, double lo, double hi,
        double floor, bool positiveOnly = false, int count = 200_000)
    {
        var rng = new Random(5);
        var worst = 0.0;
        var lanes = new float[Vector<float>.Count];
        var result = new float[Vector<float>.Count];
        for (var i = 0; i < count; i += lanes.Length)
        {
            for (var j = 0; j < lanes.Length; j++)
            {
                var mag = Math.Exp(Math.Log(lo) + rng.NextDouble() * (Math.Log(hi) - Math.Log(lo)));
                lanes[j] = (float)(positiveOnly || rng.Next(2) == 0 ? mag : -mag);
            }
            f(new Vector<float>(lanes)).CopyTo(result);
            for (var j = 0; j < lanes.Length; j++)
            {
                var want = exact(lanes[j]);
                var err = Math.Abs(result[j] - want) / Math.Max(Math.Abs(want), floor);
                if (err > worst) worst = err;
            }
        }
        return worst;
    }

    [Fact]
    public void Exp_is_within_a_few_ulps_over_its_whole_float_range()
    {
        Assert.InRange(MaxError(FastMath.Exp, Math.Exp, 1e-6, 87, floor: 1e-30), 0, 4e-7);
    }

    [Fact]
    public void Log_is_within_a_few_ulps_from_tiny_to_huge()
    {
        Assert.InRange(MaxError(FastMath.Log, Math.Log, 1e-30, 1e30, floor: 1e-6, positiveOnly: true), 0, 4e-7);
        Assert.InRange(MaxError(FastMath.Log, Math.Log, 0.5, 2, floor: 1e-6, positiveOnly: true), 0, 4e-7);
    }

    [Fact]
    public void Sin_and_cos_are_within_float_precision_for_small_and_huge_arguments()
    {
        // Absolute error: sin and cos are bounded, and the argument itself carries a float rounding.
        Assert.InRange(MaxError(FastMath.Sin, Math.Sin, 1e-6, 10, floor: 1), 0, 2e-7);
        Assert.InRange(MaxError(FastMath.Cos, Math.Cos, 1e-6, 10, floor: 1), 0, 2e-7);
        Assert.InRange(MaxError(FastMath.Sin, Math.Sin, 10, 60_000, floor: 1), 0, 2e-7); // float reduction
        Assert.InRange(MaxError(FastMath.Cos, Math.Cos, 10, 60_000, floor: 1), 0, 2e-7);
        Assert.InRange(MaxError(FastMath.Sin, Math.Sin, 10, 1e9, floor: 1), 0, 2e-7);     // mostly the double one
        Assert.InRange(MaxError(FastMath.Cos, Math.Cos, 10, 1e9, floor: 1), 0, 2e-7);
        Assert.InRange(MaxError(FastMath.Sin, Math.Sin, 1e-30, 1e-6, floor: 1e-30), 0, 2e-7); // sin x ≈ x, relative
    }

    [Fact]
    public void Special_values_follow_ieee_conventions()
    {
        float[] x = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -1f, 100f, -100f, 88.7f];
        var n = Vector<float>.Count;
        var exp = new float[x.Length];
        var log = new float[x.Length];
        var sin = new float[x.Length];
        for (var i = 0; i < x.Length; i += n)
        {
            var lanes = new float[n];
            Array.Copy(x, i, lanes, 0, Math.Min(n, x.Length - i));
            var v = new Vector<float>(lanes);
            var e = new float[n]; FastMath.Exp(v).CopyTo(e); Array.Copy(e, 0, exp, i, Math.Min(n, x.Length - i));
            var l = new float[n]; FastMath.Log(v).CopyTo(l); Array.Copy(l, 0, log, i, Math.Min(n, x.Length - i));
            var s = new float[n]; FastMath.Sin(v).CopyTo(s); Array.Copy(s, 0, sin, i, Math.Min(n, x.Length - i));
        }
        Assert.True(float.IsNaN(exp[0]));
        Assert.Equal(float.PositiveInfinity, exp[1]);
        Assert.Equal(0f, exp[2]);
        Assert.Equal(1f, exp[3]);
        Assert.Equal(float.PositiveInfinity, exp[5]);
        Assert.Equal(0f, exp[6]);
        Assert.True(float.IsFinite(exp[7]) && exp[7] > 3e38f);
        Assert.True(float.IsNaN(log[0]));
        Assert.Equal(float.PositiveInfinity, log[1]);
        Assert.True(float.IsNaN(log[2]));
        Assert.Equal(float.NegativeInfinity, log[3]);
        Assert.True(float.IsNaN(log[4]));
        Assert.True(float.IsNaN(sin[0]) && float.IsNaN(sin[1]) && float.IsNaN(sin[2]));
        Assert.Equal(0f, sin[3]);
    }

    [Fact]
    public void Aggregations_fold_weighted_clamped_inputs_like_their_definitions()
    {
        var rng = new Random(9);
        const int n = 64, inputs = 7;
        var xs = Enumerable.Range(0, inputs).Select(_ => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 40 - 20)).ToArray()).ToArray();
        var weights = Enumerable.Range(0, inputs).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        foreach (var agg in Enum.GetValues<Aggregation>())
        {
            var acc = new float[n];
            var sum = new float[n];
            for (var k = 0; k < inputs; k++) TableModel.Combine(agg, acc, xs[k], weights[k], k == 0, sum);
            if (agg == Aggregation.LogSumExp) TableModel.FinishLogSumExp(acc, sum);
            for (var i = 0; i < n; i++)
            {
                var v = Enumerable.Range(0, inputs).Select(k => Math.Clamp((double)(xs[k][i] * weights[k]), -1e4, 1e4)).ToArray();
                var want = agg switch
                {
                    Aggregation.Sum => v.Sum(),
                    Aggregation.Max => v.Max(),
                    Aggregation.Product => v.Aggregate(1.0, (p, x) => p * x),
                    _ => v.Max() + Math.Log(v.Sum(x => Math.Exp(x - v.Max()))),
                };
                Assert.True(Math.Abs(acc[i] - want) <= 1e-5 * Math.Max(1, Math.Abs(want)), $"{agg} row {i}: {acc[i]} vs {want}");
            }
        }
    }
}
