using PluRelSql.Analysis;

namespace PluRelSql.Analysis.Tests;

public sealed class PowerLawFitterTests
{
    /// <summary>Points on a·x^-b + c plus Gaussian noise of relative size <paramref name="noise"/> (Box–Muller, seeded).</summary>
    private static (double[] X, double[] Y) Noisy(double a, double b, double c, double[] x, double noise, int seed)
    {
        var rng = new Random(seed);
        var y = x.Select(v =>
        {
            var clean = a * Math.Pow(v, -b) + c;
            var z = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            return clean * (1 + noise * z);
        }).ToArray();
        return (x, y);
    }

    private static void Within(double expected, double actual, double relative, string name) =>
        Assert.True(Math.Abs(actual - expected) <= relative * Math.Abs(expected),
            $"{name}: expected {expected} within {relative:P0}, got {actual}");

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Recovers_the_papers_database_law_from_noisy_points(int seed)
    {
        // The paper's L(N) = 0.07·N^-0.38 + 0.36 at N = 1 … 4096, 0.1 % noise.
        var (x, y) = Noisy(0.07, 0.38, 0.36, [.. Enumerable.Range(0, 13).Select(i => Math.Pow(2, i))], 0.001, seed);
        var fit = PowerLawFitter.Fit(x, y, bootstrap: 400, seed: seed);
        Within(0.07, fit.A, 0.05, "a");
        Within(0.38, fit.B, 0.05, "b");
        Within(0.36, fit.C, 0.05, "c");
        Assert.True(fit.RSquared > 0.99, $"R² {fit.RSquared}");
        Assert.Equal(13, fit.Points);
        Assert.NotNull(fit.BCi);
        Assert.True(fit.BCi.Low <= 0.38 && 0.38 <= fit.BCi.High, $"b interval [{fit.BCi.Low}, {fit.BCi.High}] misses 0.38");
        Assert.True(fit.ACi!.Low <= fit.A && fit.A <= fit.ACi.High);
        Assert.True(fit.CCi!.Low <= fit.C && fit.C <= fit.CCi.High);
    }

    [Fact]
    public void Recovers_a_law_over_token_counts_in_the_millions()
    {
        // Large x: a is of order x^b; the fitter must not lose it to scaling.
        var x = Enumerable.Range(0, 8).Select(i => 2e5 * Math.Pow(2, i)).ToArray();
        var (_, y) = Noisy(40, 0.5, 0.3, x, 0.0005, seed: 11);
        var fit = PowerLawFitter.Fit(x, y, bootstrap: 200);
        Within(40, fit.A, 0.05, "a");
        Within(0.5, fit.B, 0.05, "b");
        Within(0.3, fit.C, 0.05, "c");
    }

    [Fact]
    public void Exact_points_give_exact_parameters_and_r2_one()
    {
        double[] x = [2, 4, 8, 16, 32, 64];
        var y = x.Select(v => 0.5 * Math.Pow(v, -0.7) + 0.2).ToArray();
        var fit = PowerLawFitter.Fit(x, y, bootstrap: 50);
        Assert.Equal(0.5, fit.A, 6);
        Assert.Equal(0.7, fit.B, 6);
        Assert.Equal(0.2, fit.C, 6);
        Assert.Equal(1.0, fit.RSquared, 9);
        foreach (var x1 in x) Assert.Equal(0.5 * Math.Pow(x1, -0.7) + 0.2, fit.Predict(x1), 9);
    }

    [Fact]
    public void Bootstrap_intervals_widen_with_noise_and_repeat_with_the_seed()
    {
        var x = Enumerable.Range(0, 8).Select(i => Math.Pow(2, i)).ToArray();
        var (_, quiet) = Noisy(0.3, 0.5, 0.4, x, 0.001, seed: 4);
        var (_, loud) = Noisy(0.3, 0.5, 0.4, x, 0.02, seed: 4);
        var q = PowerLawFitter.Fit(x, quiet, bootstrap: 300, seed: 9);
        var l = PowerLawFitter.Fit(x, loud, bootstrap: 300, seed: 9);
        Assert.True(l.BCi!.High - l.BCi.Low > 3 * (q.BCi!.High - q.BCi.Low),
            $"noisy b interval {l.BCi} is not wider than quiet {q.BCi}");
        Assert.Equal(q, PowerLawFitter.Fit(x, quiet, bootstrap: 300, seed: 9));
        Assert.Equal(0.95, q.BCi.Level);
    }

    [Fact]
    public void The_floor_c_is_never_negative()
    {
        // Exactly x^-0.3 − 0.05: unconstrained least squares would return c = −0.05, but a loss has no negative floor.
        double[] x = [1, 2, 4, 8, 16, 32];
        var y = x.Select(v => Math.Pow(v, -0.3) - 0.05).ToArray();
        var fit = PowerLawFitter.Fit(x, y, bootstrap: 200);
        Assert.Equal(0, fit.C);
        Assert.True(fit.CCi!.Low >= 0, $"c interval {fit.CCi}");
        Assert.True(fit.RSquared > 0.99, $"R² {fit.RSquared}");
        Assert.InRange(fit.B, 0.3, 0.5);   // the best pure power law through these points
    }

    [Fact]
    public void Three_points_fit_exactly_without_intervals()
    {
        double[] x = [1, 4, 16];
        var y = x.Select(v => 0.2 * Math.Pow(v, -0.4) + 0.5).ToArray();
        var fit = PowerLawFitter.Fit(x, y);
        Assert.Equal(0.4, fit.B, 5);
        Assert.Null(fit.ACi);
        Assert.Null(fit.BCi);
        Assert.Equal(0, fit.BootstrapSamples);
    }

    [Theory]
    [InlineData(new double[] { }, new double[] { })]
    [InlineData(new double[] { 2 }, new double[] { 0.5 })]
    [InlineData(new double[] { 2, 4 }, new double[] { 0.5, 0.4 })]
    public void Fewer_points_than_parameters_is_a_clear_error(double[] x, double[] y)
    {
        var e = Assert.Throws<FitException>(() => PowerLawFitter.Fit(x, y));
        Assert.Contains("needs at least 3 points (one per parameter)", e.Message);
        Assert.Contains($"got {x.Length}", e.Message);
    }

    [Fact]
    public void Bad_values_are_named()
    {
        Assert.Contains("x must be finite and > 0", Assert.Throws<FitException>(() => PowerLawFitter.Fit([0, 1, 2], [1, 1, 1])).Message);
        Assert.Contains("not finite", Assert.Throws<FitException>(() => PowerLawFitter.Fit([1, 2, 3], [1, double.NaN, 1])).Message);
        Assert.Contains("3 distinct x", Assert.Throws<FitException>(() => PowerLawFitter.Fit([1, 1, 2, 2], [1, 1, 0.5, 0.5])).Message);
        Assert.Contains("2 y values", Assert.Throws<FitException>(() => PowerLawFitter.Fit([1, 2, 3], [1, 2])).Message);
    }
}
