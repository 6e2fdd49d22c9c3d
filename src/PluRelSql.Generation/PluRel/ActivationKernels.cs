using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PluRelSql.Generation.PluRel;

/// <summary>SIMD versions of the activations (docs/generator.md §4.3), fused with the layer's scale and the ±1e6 clamp. Spans are
/// always a whole number of vectors (rows × 32), so every element goes through the same vector code whatever the
/// block size: chunking cannot change a bit.</summary>
internal static class ActivationKernels
{
    private const float Clamp = 1e6f;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Apply(MlpLayer layer, Span<float> x)
    {
        if (x.Length % Vector<float>.Count != 0) throw new ArgumentException("activation spans must be whole vectors");
        var v = MemoryMarshal.Cast<float, Vector<float>>(x);
        var s = layer.Scale;
        switch (layer.Act!.Value)
        {
            case Activation.Relu: Run<Relu>(v, s); break;
            case Activation.Elu or Activation.Celu: Run<Elu>(v, s); break;
            case Activation.Selu: Run<Selu>(v, s); break;
            case Activation.Silu: Run<Silu>(v, s); break;
            case Activation.Softsign: Run<Softsign>(v, s); break;
            case Activation.Tanh: Run<Tanh>(v, s); break;
            case Activation.Sigmoid: Run<Sigmoid>(v, s); break;
            case Activation.Hardswish: Run<Hardswish>(v, s); break;
            case Activation.Mish: Run<Mish>(v, s); break;
            case Activation.LeakyRelu: Run<LeakyRelu>(v, s); break;
            case Activation.Gelu: Run<Gelu>(v, s); break;
            case Activation.Softplus: Run<Softplus>(v, s); break;
            case Activation.Hardsigmoid: Run<Hardsigmoid>(v, s); break;
            case Activation.Hardtanh or Activation.Clip: Run<Hardtanh>(v, s); break;
            case Activation.Tanhshrink: Run<Tanhshrink>(v, s); break;
            case Activation.RReluInference: Run<RRelu>(v, s); break;
            case Activation.LogSigmoid: Run<LogSigmoid>(v, s); break;
            case Activation.Softshrink: Run<Softshrink>(v, s); break;
            case Activation.Hardshrink: Run<Hardshrink>(v, s); break;
            case Activation.Identity: Run<Identity>(v, s); break;
            case Activation.Abs: Run<AbsAct>(v, s); break;
            case Activation.Sin: Run<SinAct>(v, s); break;
            case Activation.Cos: Run<CosAct>(v, s); break;
            case Activation.Sign: Run<SignAct>(v, s); break;
            case Activation.SignedLog: Run<SignedLog>(v, s); break;
            case Activation.BentIdentity: Run<BentIdentity>(v, s); break;
            case Activation.SineMixture: SineMixture(v, s, layer.SineA!, layer.SineF!, layer.SinePhase!); break;
            default: throw new ArgumentOutOfRangeException(nameof(layer), layer.Act, null);
        }
    }

    private interface IAct
    {
        static abstract Vector<float> F(Vector<float> x);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> ScaleClamp(Vector<float> y, Vector<float> s) =>
        FastMath.Clamp(y * s, new Vector<float>(-Clamp), new Vector<float>(Clamp));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<T>(Span<Vector<float>> v, float scale) where T : IAct
    {
        var s = new Vector<float>(scale);
        for (var i = 0; i < v.Length; i++) v[i] = ScaleClamp(T.F(v[i]), s);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SineMixture(Span<Vector<float>> v, float scale, float[] a, float[] f, float[] p)
    {
        var s = new Vector<float>(scale);
        for (var i = 0; i < v.Length; i++)
        {
            var x = v[i];
            var sum = Vector<float>.Zero;
            for (var j = 0; j < a.Length; j++)
                sum += new Vector<float>(a[j]) * FastMath.Sin(x * new Vector<float>(f[j]) + new Vector<float>(p[j]));
            v[i] = ScaleClamp(sum, s);
        }
    }

    private static Vector<float> One => Vector<float>.One;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Pos(Vector<float> x) => FastMath.Max(x, Vector<float>.Zero);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Neg(Vector<float> x) => FastMath.Min(x, Vector<float>.Zero);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> C(double c) => new((float)c);

    /// <summary>log(1 + exp(−|x|)), the stable tail of softplus.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Log1pExpNegAbs(Vector<float> x) => FastMath.Log(One + FastMath.Exp(-Vector.Abs(x)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> SoftplusV(Vector<float> x) => Pos(x) + Log1pExpNegAbs(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> SigmoidV(Vector<float> x) => One / (One + FastMath.Exp(-x));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> TanhV(Vector<float> x)
    {
        var e = FastMath.Exp(C(-2) * Vector.Abs(x));
        var t = (One - e) / (One + e);
        return Vector.ConditionalSelect(Vector.LessThan(x, Vector<float>.Zero), -t, t);
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> ExpM1Neg(Vector<float> x) => FastMath.Exp(Neg(x)) - One;

    private struct Relu : IAct { public static Vector<float> F(Vector<float> x) => Pos(x); }
    private struct Elu : IAct { public static Vector<float> F(Vector<float> x) => Pos(x) + ExpM1Neg(x); }
    private struct Selu : IAct
    {
        public static Vector<float> F(Vector<float> x) =>
            C(1.0507009873554804934193349852946) * (Pos(x) + C(1.6732632423543772848170429916717) * ExpM1Neg(x));
    }
    private struct Silu : IAct { public static Vector<float> F(Vector<float> x) => x * SigmoidV(x); }
    private struct Softsign : IAct { public static Vector<float> F(Vector<float> x) => x / (One + Vector.Abs(x)); }
    private struct Tanh : IAct { public static Vector<float> F(Vector<float> x) => TanhV(x); }
    private struct Sigmoid : IAct { public static Vector<float> F(Vector<float> x) => SigmoidV(x); }
    private struct Hardswish : IAct
    {
        public static Vector<float> F(Vector<float> x) => x * FastMath.Min(Pos(x + C(3)), C(6)) / C(6);
    }
    /// <summary>x·tanh(softplus x) with one exponential and one division instead of two exponentials, a logarithm and a
    /// division: with e = eˣ, tanh(ln(1 + e)) = ((1 + e)² − 1)/((1 + e)² + 1) = n/(n + 2), n = e(e + 2). Above x = 20
    /// n/(n + 2) rounds to 1 (so the input of exp is capped there and the result is x); below, n ≥ 0 has no cancellation.
    /// Agrees with the double definition to a few float ulps (ScmUnitTests.Mish_in_one_exponential…).</summary>
    private struct Mish : IAct
    {
        public static Vector<float> F(Vector<float> x)
        {
            var e = FastMath.Exp(FastMath.Min(x, C(20)));
            var n = e * (e + C(2));
            return x * n / (n + C(2));
        }
    }
    private struct LeakyRelu : IAct { public static Vector<float> F(Vector<float> x) => Pos(x) + C(0.01) * Neg(x); }
    private struct Gelu : IAct
    {
        public static Vector<float> F(Vector<float> x) => C(0.5) * x * (One + Erf(x * C(0.70710678118654752440)));

        /// <summary>Numerical Recipes erfc fit (|error| &lt; 1.2e−7), as the scalar reference.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector<float> Erf(Vector<float> x)
        {
            var z = Vector.Abs(x);
            var t = One / (One + C(0.5) * z);
            var poly = C(-1.26551223) + t * (C(1.00002368) + t * (C(0.37409196) + t * (C(0.09678418) +
                t * (C(-0.18628806) + t * (C(0.27886807) + t * (C(-1.13520398) + t * (C(1.48851587) +
                t * (C(-0.82215223) + t * C(0.17087277)))))))));
            var r = t * FastMath.Exp(-z * z + poly);
            return Vector.ConditionalSelect(Vector.GreaterThanOrEqual(x, Vector<float>.Zero), One - r, r - One);
        }
    }
    private struct Softplus : IAct { public static Vector<float> F(Vector<float> x) => SoftplusV(x); }
    private struct Hardsigmoid : IAct { public static Vector<float> F(Vector<float> x) => FastMath.Min(Pos(x + C(3)), C(6)) / C(6); }
    private struct Hardtanh : IAct { public static Vector<float> F(Vector<float> x) => FastMath.Clamp(x, -One, One); }
    private struct Tanhshrink : IAct { public static Vector<float> F(Vector<float> x) => x - TanhV(x); }
    private struct RRelu : IAct { public static Vector<float> F(Vector<float> x) => Pos(x) + C(11.0 / 48.0) * Neg(x); }
    private struct LogSigmoid : IAct { public static Vector<float> F(Vector<float> x) => Neg(x) - Log1pExpNegAbs(x); }
    private struct Softshrink : IAct { public static Vector<float> F(Vector<float> x) => x - FastMath.Clamp(x, C(-0.5), C(0.5)); }
    private struct Hardshrink : IAct
    {
        public static Vector<float> F(Vector<float> x) =>
            Vector.ConditionalSelect(Vector.GreaterThan(Vector.Abs(x), C(0.5)), x, Vector<float>.Zero);
    }
    private struct Identity : IAct { public static Vector<float> F(Vector<float> x) => x; }
    private struct AbsAct : IAct { public static Vector<float> F(Vector<float> x) => Vector.Abs(x); }
    private struct SinAct : IAct { public static Vector<float> F(Vector<float> x) => FastMath.Sin(x); }
    private struct CosAct : IAct { public static Vector<float> F(Vector<float> x) => FastMath.Cos(x); }
    private struct SignAct : IAct
    {
        public static Vector<float> F(Vector<float> x) =>
            Vector.ConditionalSelect(Vector.GreaterThan(x, Vector<float>.Zero), One,
                Vector.ConditionalSelect(Vector.LessThan(x, Vector<float>.Zero), -One, Vector<float>.Zero));
    }
    private struct SignedLog : IAct
    {
        public static Vector<float> F(Vector<float> x)
        {
            var l = FastMath.Log(One + Vector.Abs(x));
            return Vector.ConditionalSelect(Vector.LessThan(x, Vector<float>.Zero), -l, l);
        }
    }
    private struct BentIdentity : IAct
    {
        public static Vector<float> F(Vector<float> x) => (Vector.SquareRoot(x * x + One) - One) * C(0.5) + x;
    }
}
