using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;
using MathNet.Numerics.Statistics;

namespace PluRelSql.Analysis;

/// <summary>Data that cannot be fitted (too few points, non-finite values, x ≤ 0): the caller's input is at fault.</summary>
public sealed class FitException(string message) : Exception(message);

/// <summary>A confidence interval [Low, High] at <see cref="Level"/>.</summary>
public sealed record Interval(double Low, double High, double Level);

/// <summary>L(x) = A·x^(−B) + C (B in (0, 6], C ≥ 0) fitted by nonlinear least squares, with R² and (when the data leave residual degrees of
/// freedom) residual-bootstrap percentile intervals for A, B and C.</summary>
public sealed record PowerLawFit(double A, double B, double C, double RSquared, int Points, int BootstrapSamples,
    Interval? ACi, Interval? BCi, Interval? CCi)
{
    public double Predict(double x) => A * Math.Pow(x, -B) + C;
}

/// <summary>Fits L = a·x^(−b) + c. For fixed b the model is linear in (a, c), so a profile search over b gives a start
/// that does not depend on a guess; Levenberg–Marquardt (MathNet) then polishes all three together. x is divided by
/// its smallest value first so that a stays of order one whatever the scale of x (tokens run to millions).</summary>
public static class PowerLawFitter
{
    /// <summary>a, b and c.</summary>
    public const int ParameterCount = 3;

    /// <summary>Smallest exponent searched: at this bound the curve is a straight line in log x and a, c are not identified.</summary>
    public const double MinExponent = 1e-3;

    /// <summary>Largest exponent searched: b is the exponent of a decay, and beyond ~6 the curve is a step at the first point.</summary>
    public const double MaxExponent = 6;

    private const double MinB = MinExponent, MaxB = MaxExponent;

    /// <summary>Fits the points; <paramref name="bootstrap"/> resamples (0 = no intervals) with a seeded generator, so the
    /// same data give the same intervals.</summary>
    public static PowerLawFit Fit(IReadOnlyList<double> x, IReadOnlyList<double> y, int bootstrap = 1000, int seed = 1, double level = 0.95)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        Validate(x, y);
        if (bootstrap < 0) throw new ArgumentOutOfRangeException(nameof(bootstrap), "bootstrap samples must be >= 0");
        if (level is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(level), "confidence level must be in (0, 1)");
        var x0 = x.Min();
        var u = x.Select(v => v / x0).ToArray();
        var ys = y.ToArray();
        var (ua, b, c) = FitScaled(u, ys);
        var fitted = u.Select(v => ua * Math.Pow(v, -b) + c).ToArray();
        var r2 = RSquared(ys, fitted);
        var a = ua * Math.Pow(x0, b);

        // n = 3 interpolates exactly: no residual is left to resample, so no interval can be claimed.
        var n = ys.Length;
        if (bootstrap == 0 || n <= ParameterCount) return new PowerLawFit(a, b, c, r2, n, 0, null, null, null);
        // Residual bootstrap (x fixed; with 4–6 points, resampling cases would often leave too few distinct x). Residuals
        // are inflated by √(n/(n−p)) because least-squares residuals are smaller than the errors they estimate.
        var inflate = Math.Sqrt((double)n / (n - ParameterCount));
        var residuals = ys.Select((v, i) => (v - fitted[i]) * inflate).ToArray();
        var rng = new Random(seed);
        var samples = new (double A, double B, double C)[bootstrap];
        var star = new double[n];
        for (var s = 0; s < bootstrap; s++)
        {
            for (var i = 0; i < n; i++) star[i] = fitted[i] + residuals[rng.Next(n)];
            var (sa, sb, sc) = FitScaled(u, star);
            samples[s] = (sa * Math.Pow(x0, sb), sb, sc);
        }
        return new PowerLawFit(a, b, c, r2, n, bootstrap,
            Percentile(samples.Select(p => p.A), level), Percentile(samples.Select(p => p.B), level), Percentile(samples.Select(p => p.C), level));
    }

    private static void Validate(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count) throw new FitException($"power-law fit: {x.Count} x values but {y.Count} y values");
        if (x.Count < ParameterCount)
            throw new FitException($"power-law fit L = a·x^-b + c needs at least {ParameterCount} points (one per parameter); got {x.Count}");
        for (var i = 0; i < x.Count; i++)
        {
            if (!double.IsFinite(x[i]) || x[i] <= 0) throw new FitException($"power-law fit: x[{i}] = {x[i]} (x must be finite and > 0)");
            if (!double.IsFinite(y[i])) throw new FitException($"power-law fit: y[{i}] = {y[i]} is not finite");
        }
        var distinct = x.Distinct().Count();
        if (distinct < ParameterCount)
            throw new FitException($"power-law fit needs at least {ParameterCount} distinct x values; got {distinct}");
    }

    /// <summary>(a, b, c) for x already divided by its minimum.</summary>
    private static (double A, double B, double C) FitScaled(double[] u, double[] y)
    {
        var start = ProfileSearch(u, y);
        var polished = Polish(u, y, start);
        return polished is { } p && Sse(u, y, p) <= Sse(u, y, start) ? p : start;
    }

    /// <summary>Best b on a log grid over (0, MaxB], refined by golden-section search, with (a, c) solved exactly at each b.</summary>
    private static (double A, double B, double C) ProfileSearch(double[] u, double[] y)
    {
        const int grid = 240;
        var logMin = Math.Log(MinB);
        var step = (Math.Log(MaxB) - logMin) / (grid - 1);
        int best = 0;
        double bestSse = double.PositiveInfinity;
        for (var k = 0; k < grid; k++)
        {
            var sse = ProfileSse(u, y, Math.Exp(logMin + k * step));
            if (sse < bestSse) { bestSse = sse; best = k; }
        }
        // Golden section on log b between the neighbours of the best grid point.
        double lo = logMin + Math.Max(0, best - 1) * step, hi = logMin + Math.Min(grid - 1, best + 1) * step;
        var g = (Math.Sqrt(5) - 1) / 2;
        double p = hi - g * (hi - lo), q = lo + g * (hi - lo);
        double fp = ProfileSse(u, y, Math.Exp(p)), fq = ProfileSse(u, y, Math.Exp(q));
        for (var it = 0; it < 80 && hi - lo > 1e-12; it++)
        {
            if (fp <= fq) { hi = q; q = p; fq = fp; p = hi - g * (hi - lo); fp = ProfileSse(u, y, Math.Exp(p)); }
            else { lo = p; p = q; fp = fq; q = lo + g * (hi - lo); fq = ProfileSse(u, y, Math.Exp(q)); }
        }
        var b = Math.Exp((lo + hi) / 2);
        var (a, c) = LinearPart(u, y, b);
        return (a, b, c);
    }

    private static double ProfileSse(double[] u, double[] y, double b)
    {
        var (a, c) = LinearPart(u, y, b);
        return Sse(u, y, (a, b, c));
    }

    /// <summary>Least squares of y on [u^−b, 1]: closed-form 2×2 normal equations.</summary>
    private static (double A, double C) LinearPart(double[] u, double[] y, double b)
    {
        double sf = 0, sff = 0, sy = 0, sfy = 0;
        var n = u.Length;
        for (var i = 0; i < n; i++)
        {
            var f = Math.Pow(u[i], -b);
            sf += f; sff += f * f; sy += y[i]; sfy += f * y[i];
        }
        var det = n * sff - sf * sf;
        if (Math.Abs(det) < 1e-300) return (0, Math.Max(0, sy / n));
        var a = (n * sfy - sf * sy) / det;
        var c = (sy - a * sf) / n;
        // A loss cannot approach a negative value: on that side the best fit has c = 0, a pure power law.
        return c >= 0 ? (a, c) : (sfy / sff, 0);
    }

    /// <summary>Levenberg–Marquardt from the profile optimum; null when it does not end at a finite point with b in range.</summary>
    private static (double A, double B, double C)? Polish(double[] u, double[] y, (double A, double B, double C) start)
    {
        var model = ObjectiveFunction.NonlinearModel(
            (p, xs) => Vector<double>.Build.Dense(xs.Count, i => p[0] * Math.Pow(xs[i], -p[1]) + p[2]),
            (p, xs) => Matrix<double>.Build.Dense(xs.Count, 3, (i, j) =>
            {
                var f = Math.Pow(xs[i], -p[1]);
                return j switch { 0 => f, 1 => -p[0] * f * Math.Log(xs[i]), _ => 1.0 };
            }),
            Vector<double>.Build.DenseOfArray(u), Vector<double>.Build.DenseOfArray(y));
        try
        {
            var result = new LevenbergMarquardtMinimizer(maximumIterations: 200)
                .FindMinimum(model, Vector<double>.Build.DenseOfArray([start.A, start.B, start.C]));
            var p = result.MinimizingPoint;
            if (!p.All(double.IsFinite) || p[1] < MinB || p[1] > MaxB || p[2] < 0) return null;
            return (p[0], p[1], p[2]);
        }
        catch (MaximumIterationsException) { return null; }
        catch (ArithmeticException) { return null; }
    }

    private static double Sse(double[] u, double[] y, (double A, double B, double C) p)
    {
        double s = 0;
        for (var i = 0; i < u.Length; i++)
        {
            var e = y[i] - (p.A * Math.Pow(u[i], -p.B) + p.C);
            s += e * e;
        }
        return s;
    }

    /// <summary>1 − SS_res/SS_tot; 1 when the points are all equal and fitted exactly, NaN when equal and not.</summary>
    internal static double RSquared(double[] y, double[] fitted)
    {
        var mean = y.Average();
        double res = 0, tot = 0;
        for (var i = 0; i < y.Length; i++)
        {
            res += (y[i] - fitted[i]) * (y[i] - fitted[i]);
            tot += (y[i] - mean) * (y[i] - mean);
        }
        return tot > 0 ? 1 - res / tot : res == 0 ? 1 : double.NaN;
    }

    private static Interval Percentile(IEnumerable<double> values, double level)
    {
        var sorted = values.Where(double.IsFinite).Order().ToArray();
        if (sorted.Length == 0) return new Interval(double.NaN, double.NaN, level);
        var tail = (1 - level) / 2;
        return new Interval(SortedArrayStatistics.QuantileCustom(sorted, tail, QuantileDefinition.R7),
            SortedArrayStatistics.QuantileCustom(sorted, 1 - tail, QuantileDefinition.R7), level);
    }
}
