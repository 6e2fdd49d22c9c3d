using PluRelSql.Core;
using PluRelSql.Schema;

namespace PluRelSql.Generation.Values;

/// <summary>How a number's draws spread over its allowed interval: an inverse CDF applied to one unit draw,
/// truncated to [lo, hi] (so the bounds of the type and the CHECKs are never crossed and never piled up on).</summary>
internal abstract record Shape
{
    public static readonly Shape Uniform = new UniformShape();

    /// <summary>The ordinal for unit draw <paramref name="u"/> ∈ [0, 1), inside [lo, hi].</summary>
    public double At(double u, double lo, double hi) => Bind(lo, hi)(u);

    /// <summary>The draw → ordinal map for one interval (its CDF bounds computed once, not per value).</summary>
    public abstract Func<double, double> Bind(double lo, double hi);

    private sealed record UniformShape : Shape
    {
        public override Func<double, double> Bind(double lo, double hi) => u => lo + u * (hi - lo);
    }
}

/// <summary>Log-normal with the given median and log-space sigma: prices, quantities, sizes (a long right tail).</summary>
internal sealed record LogNormalShape(double Median, double Sigma) : Shape
{
    public override Func<double, double> Bind(double lo, double hi)
    {
        var mu = Math.Log(Median);
        var sigma = Sigma;
        var a = lo > 0 ? Normals.Cdf((Math.Log(lo) - mu) / sigma) : 0;
        var b = hi > 0 ? Normals.Cdf((Math.Log(hi) - mu) / sigma) : 0;
        if (b - a < 1e-12) return Uniform.Bind(lo, hi);
        return u => Math.Clamp(Math.Exp(mu + sigma * Normals.Quantile(a + u * (b - a))), lo, hi);
    }
}

/// <summary>Normal with the given mean and deviation, truncated: ages, scores, ratings, coordinates.</summary>
internal sealed record NormalShape(double Mean, double Sd) : Shape
{
    public override Func<double, double> Bind(double lo, double hi)
    {
        var (mean, sd) = (Mean, Sd);
        var a = Normals.Cdf((lo - mean) / sd);
        var b = Normals.Cdf((hi - mean) / sd);
        if (b - a < 1e-12) return Uniform.Bind(lo, hi);
        return u => Math.Clamp(mean + sd * Normals.Quantile(a + u * (b - a)), lo, hi);
    }
}

/// <summary>Standard normal CDF and quantile (closed forms, no tables: the same bits on every run).</summary>
internal static class Normals
{
    public static double Cdf(double z) => 0.5 * Erfc(-z / Math.Sqrt(2));

    // Numerical Recipes' erfc (fractional error below 1.2e-7), enough to place a draw.
    private static double Erfc(double x)
    {
        var z = Math.Abs(x);
        var t = 1 / (1 + 0.5 * z);
        var r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
            + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }

    /// <summary>Acklam's rational approximation of the inverse normal CDF (relative error below 1.2e-9).</summary>
    public static double Quantile(double p)
    {
        p = Math.Clamp(p, 1e-300, 1 - 1e-16);
        ReadOnlySpan<double> a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
        ReadOnlySpan<double> b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
        ReadOnlySpan<double> c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
        ReadOnlySpan<double> d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
        const double low = 0.02425;
        if (p < low)
        {
            var q = Math.Sqrt(-2 * Math.Log(p));
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        if (p > 1 - low)
        {
            var q = Math.Sqrt(-2 * Math.Log(1 - p));
            return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        var s = p - 0.5;
        var r = s * s;
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * s / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }
}

/// <summary>Ordinal values drawn from <paramref name="range"/> with a shape (one unit draw per (row, attempt), the
/// same sub-stream a uniform draw uses).</summary>
internal sealed class ShapedGen<T>(Codec<T> codec, CounterRng rng, UnitRange range, Shape shape) : ValueGen<T>
{
    private readonly Func<double, double> _draw = shape.Bind(range.Lo * codec.Step, range.Hi * codec.Step);

    public override T Get(long row, int attempt)
    {
        var x = _draw(rng.Uniform(row, Sub(attempt, 1)));
        var units = (long)Math.Clamp(Math.Round(x / codec.Step), range.Lo, range.Hi);
        return codec.FromUnits(units);
    }
}

/// <summary>Where a number of each kind lies and how its draws spread. The interval is the name's suggestion; the
/// column's type and CHECKs bound it from outside (ColumnFactory.Range).</summary>
internal static class NumberShapes
{
    /// <summary>The suggested interval and shape of a numeric column, or null when its meaning says nothing.</summary>
    public static (double Lo, double Hi, Shape Shape)? For(SemanticKind kind, DurationUnit unit, SqlType t, double typeHi, double checkHi)
    {
        var fraction = Math.Min(typeHi, checkHi) <= 1.0;
        switch (kind)
        {
            case SemanticKind.Price:
            {
                // The median sits well inside what the type can hold (numeric(4,2) ≤ 99.99 gets prices of a few units).
                var median = Math.Clamp(Math.Min(typeHi, checkHi) / 30, 0.5, 30);
                return (0.01, Math.Min(typeHi, 1e7), new LogNormalShape(median, 1.0));
            }
            case SemanticKind.Quantity: return (1, 100000, new LogNormalShape(t.IsInteger ? 6 : 6.5, 0.9));
            case SemanticKind.Percentage when fraction:
            case SemanticKind.Fraction: return (0, 0.99, new LogNormalShape(0.08, 0.7));
            case SemanticKind.Percentage: return (0, 100, new LogNormalShape(10, 1.0));
            case SemanticKind.Rating: return (1, 5, new NormalShape(3.8, 1.0));
            case SemanticKind.Score: return (0, 100, new NormalShape(70, 15));
            case SemanticKind.Age: return (18, 90, new NormalShape(40, 14));
            case SemanticKind.Year: return (1950, 2025, new NormalShape(2016, 7));
            case SemanticKind.Quarter: return (1, 4, Shape.Uniform);
            case SemanticKind.Month: return (1, 12, Shape.Uniform);
            case SemanticKind.DayOfMonth: return (1, 28, Shape.Uniform);
            case SemanticKind.DayOfWeek: return (1, 7, Shape.Uniform);
            case SemanticKind.Hour: return (0, 23, Shape.Uniform);
            case SemanticKind.Minute or SemanticKind.Second: return (0, 59, Shape.Uniform);
            case SemanticKind.Duration:
            {
                var median = unit switch
                {
                    DurationUnit.Milliseconds => 240_000,
                    // Minutes count meetings, films, trips (a song is counted in seconds or ms).
                    DurationUnit.Minutes => 60,
                    DurationUnit.Hours => 2,
                    DurationUnit.Days => 3,
                    _ => 240,
                };
                return (1, median * 1000.0, new LogNormalShape(median, 1.0));
            }
            case SemanticKind.ByteSize: return (1, 1e12, new LogNormalShape(1e6, 1.5));
            case SemanticKind.Weight: return (0.01, 1e6, new LogNormalShape(5, 1.0));
            case SemanticKind.Measurement: return (0.01, 1e6, new LogNormalShape(5, 1.0));
            // An integer id that is no key (a code from elsewhere): small numbers, as such codes mostly are.
            case SemanticKind.Id when t.IsInteger: return (1, 1000, Shape.Uniform);
            case SemanticKind.Version: return (1, 100, new LogNormalShape(2, 0.7));
            case SemanticKind.Latitude: return (-90, 90, new NormalShape(30, 25));
            case SemanticKind.Longitude: return (-180, 180, new NormalShape(0, 70));
        }
        // A non-integer number nothing explains: a log-normal of modest size (1–100 mostly), not uniform 0–1000.
        if (!t.IsInteger && t.Descriptor.IsNumeric && kind is SemanticKind.Other or SemanticKind.Text)
            return (0, 10000, new LogNormalShape(20, 1.2));
        return null;
    }
}
