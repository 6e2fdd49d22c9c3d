using System.Numerics;
using System.Runtime.CompilerServices;

namespace PluRelSql.Generation.PluRel;

/// <summary>float32 SIMD exp, log, sin and cos for the activations and aggregations. The runtime's Vector.Exp/Log/Sin
/// evaluate in double with general-purpose reductions and cost 3–30 matrix-multiply FLOPs per element, which made the
/// activations, not the matrix products, the engine's main cost. These are accurate to a few float ulps (tests
/// compare them with System.Math over wide ranges) and, like everything in the engine, compute each lane alone, so
/// results never depend on how rows are blocked. The polynomials are truncated Taylor series on small reduced ranges,
/// where their remainder is far below one float ulp.</summary>
internal static class FastMath
{
    private const float Ln2Hi = 0.693145751953125f;        // ln 2 with its low 11 bits cleared: k·Ln2Hi is exact
    private const float Ln2Lo = 1.428606765330187045e-06f; // ln 2 − Ln2Hi
    private const float Log2E = 1.44269504088896341f;
    private const float ExpMax = 88.72283f;                // exp overflows float above this
    private const float ExpMin = -87.33654f;               // below this exp is subnormal: flushed to 0
    private const double TwoOverPi = 0.63661977236758134308;
    private const double PiOver2Hi = 1.5707963267948966;   // π/2 = hi + lo to about 107 bits
    private const double PiOver2Lo = 6.123233995736766e-17;
    private const float PiOver2A = 1.57079637f;            // π/2 = A + B + C in float parts (for fused reductions)
    private const float PiOver2B = -4.37113883e-08f;       // nearest float to π/2 − A
    private const float PiOver2C = -1.71512451e-15f;       // nearest float to π/2 − A − B

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> C(float c) => new(c);

    /// <summary>min(max(x, lo), hi) that keeps NaN (both compares are false). Two compares and two blends, where the
    /// runtime's Vector.Min/Max implement IEEE 754-2019 minimum/maximum with sequences twice as long, and every
    /// activation and aggregation clamps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Clamp(Vector<float> x, Vector<float> lo, Vector<float> hi) =>
        Vector.ConditionalSelect(Vector.LessThan(x, lo), lo, Vector.ConditionalSelect(Vector.GreaterThan(x, hi), hi, x));

    /// <summary>The larger of a and b; a NaN <paramref name="a"/> is kept (the engine never feeds NaN here: inputs are
    /// clamped and finite).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Max(Vector<float> a, Vector<float> b) => Vector.ConditionalSelect(Vector.LessThan(a, b), b, a);

    /// <summary>The smaller of a and b; a NaN <paramref name="a"/> is kept.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Min(Vector<float> a, Vector<float> b) => Vector.ConditionalSelect(Vector.GreaterThan(a, b), b, a);

    /// <summary>e^x; NaN stays NaN, overflow gives +∞, x below −87.34 gives 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Exp(Vector<float> x)
    {
        // x = k·ln2 + r with |r| ≤ ln2/2; e^r by its Taylor series to r^7 (remainder < 5e-9).
        var xc = Clamp(x, C(ExpMin), C(ExpMax));
        var k = Vector.Round(xc * C(Log2E));
        var r = Vector.FusedMultiplyAdd(k, C(-Ln2Hi), xc);
        r = Vector.FusedMultiplyAdd(k, C(-Ln2Lo), r);
        var p = C(1f / 5040f);
        p = Vector.FusedMultiplyAdd(p, r, C(1f / 720f));
        p = Vector.FusedMultiplyAdd(p, r, C(1f / 120f));
        p = Vector.FusedMultiplyAdd(p, r, C(1f / 24f));
        p = Vector.FusedMultiplyAdd(p, r, C(1f / 6f));
        p = Vector.FusedMultiplyAdd(p, r, C(0.5f));
        p = Vector.FusedMultiplyAdd(p, r, Vector<float>.One);
        p = Vector.FusedMultiplyAdd(p, r, Vector<float>.One);
        // 2^k built in the exponent field; k ∈ [−126, 128]: 2^128 overflows to the +∞ bit pattern only via the product.
        var ki = Vector.ConvertToInt32(k);
        var half = Vector.ShiftRightArithmetic(ki, 1);
        var s1 = Vector.AsVectorSingle(Vector.ShiftLeft(half + new Vector<int>(127), 23));
        var s2 = Vector.AsVectorSingle(Vector.ShiftLeft(ki - half + new Vector<int>(127), 23));
        var y = p * s1 * s2;
        y = Vector.ConditionalSelect(Vector.LessThan(x, C(ExpMin)), Vector<float>.Zero, y);
        y = Vector.ConditionalSelect(Vector.GreaterThan(x, C(ExpMax)), C(float.PositiveInfinity), y);
        return Vector.ConditionalSelect(Vector.Equals(x, x), y, x);
    }

    /// <summary>ln x for normal positive x (and +∞ → +∞, 0 → −∞, negative or NaN → NaN; subnormal inputs are not
    /// needed by the engine, which only takes logs of values ≥ 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Log(Vector<float> x)
    {
        // x = 2^e·m with m ∈ [√½, √2); ln m = 2·atanh(s), s = (m−1)/(m+1) ∈ [−0.172, 0.172], series to s^9.
        var bits = Vector.AsVectorInt32(x);
        var e = Vector.ShiftRightArithmetic(bits, 23) - new Vector<int>(127);
        var m = Vector.AsVectorSingle((bits & new Vector<int>(0x007FFFFF)) | new Vector<int>(0x3F800000));
        var big = Vector.GreaterThan(m, C(1.41421356f));
        m = Vector.ConditionalSelect(big, m * C(0.5f), m);
        var ef = Vector.ConvertToSingle(e - Vector.AsVectorInt32(big)); // big lanes are all-ones, i.e. −1: e + 1
        var s = (m - Vector<float>.One) / (m + Vector<float>.One);
        var s2 = s * s;
        var p = C(1f / 9f);
        p = Vector.FusedMultiplyAdd(p, s2, C(1f / 7f));
        p = Vector.FusedMultiplyAdd(p, s2, C(1f / 5f));
        p = Vector.FusedMultiplyAdd(p, s2, C(1f / 3f));
        var lnm = Vector.FusedMultiplyAdd(s * s2, p, s) * C(2f);
        var y = Vector.FusedMultiplyAdd(ef, C(Ln2Hi), Vector.FusedMultiplyAdd(ef, C(Ln2Lo), lnm));
        y = Vector.ConditionalSelect(Vector.Equals(x, Vector<float>.Zero), C(float.NegativeInfinity), y);
        y = Vector.ConditionalSelect(Vector.Equals(x, C(float.PositiveInfinity)), x, y);
        // Negative and NaN inputs: NaN (x < 0 and NaN both fail x ≥ 0).
        return Vector.ConditionalSelect(Vector.GreaterThanOrEqual(x, Vector<float>.Zero), y, C(float.NaN));
    }

    /// <summary>sin x; ±∞ and NaN give NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Sin(Vector<float> x) => SinCos(x, 0);

    /// <summary>cos x = sin(x + π/2), by shifting the quadrant (exact).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Cos(Vector<float> x) => SinCos(x, 1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> SinCos(Vector<float> x, int shift)
    {
        // x = q·π/2 + r, |r| ≤ π/4. Small arguments (every lane below 2^16) reduce in float with a three-part π/2 and
        // fused multiply-adds; others in double, exact enough for any float. Each vector holds 8 outputs of one row,
        // so the choice is made per row, whatever the blocking.
        Vector<float> r;
        Vector<int> quadrant;
        if (Vector.LessThanAll(Vector.Abs(x), C(65536f)))
        {
            var q = Vector.Round(x * C(0.636619772f));
            r = Vector.FusedMultiplyAdd(q, C(-PiOver2A), x);
            r = Vector.FusedMultiplyAdd(q, C(-PiOver2B), r);
            r = Vector.FusedMultiplyAdd(q, C(-PiOver2C), r);
            quadrant = Vector.ConvertToInt32(q) + new Vector<int>(shift);
        }
        else
        {
            Vector.Widen(x, out var lo, out var hi);
            var (rLo, qLo) = Reduce(lo);
            var (rHi, qHi) = Reduce(hi);
            r = Vector.Narrow(rLo, rHi);
            quadrant = Vector.ConvertToInt32(Vector.Narrow(qLo, qHi)) + new Vector<int>(shift);
        }
        var r2 = r * r;
        // sin r to r^11, cos r to r^12 (remainders < 1e-10 on |r| ≤ π/4).
        var ps = C(-1f / 39916800f);
        ps = Vector.FusedMultiplyAdd(ps, r2, C(1f / 362880f));
        ps = Vector.FusedMultiplyAdd(ps, r2, C(-1f / 5040f));
        ps = Vector.FusedMultiplyAdd(ps, r2, C(1f / 120f));
        ps = Vector.FusedMultiplyAdd(ps, r2, C(-1f / 6f));
        var sin = Vector.FusedMultiplyAdd(ps * r2, r, r);
        var pc = C(1f / 479001600f);
        pc = Vector.FusedMultiplyAdd(pc, r2, C(-1f / 3628800f));
        pc = Vector.FusedMultiplyAdd(pc, r2, C(1f / 40320f));
        pc = Vector.FusedMultiplyAdd(pc, r2, C(-1f / 720f));
        pc = Vector.FusedMultiplyAdd(pc, r2, C(1f / 24f));
        pc = Vector.FusedMultiplyAdd(pc, r2, C(-0.5f));
        var cos = Vector.FusedMultiplyAdd(pc, r2, Vector<float>.One);
        // Quadrant q: sin(r + qπ/2) = sin r, cos r, −sin r, −cos r.
        var odd = Vector.Equals(quadrant & Vector<int>.One, Vector<int>.One);
        var y = Vector.ConditionalSelect(odd, cos, sin);
        var negate = Vector.Equals(quadrant & new Vector<int>(2), new Vector<int>(2));
        return Vector.ConditionalSelect(negate, -y, y);
    }

    /// <summary>r = x − q·π/2 and q mod 4 (as a double in 0..3), q = round(x·2/π).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector<double> R, Vector<double> Quadrant) Reduce(Vector<double> x)
    {
        var q = Vector.Round(x * new Vector<double>(TwoOverPi));
        var r = Vector.FusedMultiplyAdd(q, new Vector<double>(-PiOver2Hi), x);
        r = Vector.FusedMultiplyAdd(q, new Vector<double>(-PiOver2Lo), r);
        var quadrant = q - new Vector<double>(4) * Vector.Floor(q * new Vector<double>(0.25));
        return (r, quadrant);
    }
}
