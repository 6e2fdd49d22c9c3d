using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace PluRelSql.Generation.PluRel;

/// <summary>The 29 activations (docs/generator.md §4.3) (clip is the same function as hardtanh, listed twice so it has double weight).</summary>
public enum Activation
{
    Relu, Elu, Selu, Silu, Softsign, Tanh, Sigmoid, Hardswish, Mish, LeakyRelu, Gelu, Softplus, Hardsigmoid,
    Hardtanh, Celu, Tanhshrink, RReluInference, LogSigmoid, Softshrink, Hardshrink, Identity, Abs, Sin, Cos, Sign,
    Clip, SignedLog, BentIdentity, SineMixture,
}

public static class ActivationInfo
{
    public static IReadOnlyList<Activation> All { get; } = Enum.GetValues<Activation>();

    /// <summary>The six activations of v1.0.0.</summary>
    public static IReadOnlyList<Activation> V1 { get; } =
        [Activation.Relu, Activation.Elu, Activation.Selu, Activation.Silu, Activation.Softsign, Activation.Tanh];

    private const double SeluAlpha = 1.6732632423543772848170429916717;
    private const double SeluScale = 1.0507009873554804934193349852946;

    private static double Softplus(double x) => x > 30 ? x : x < -30 ? Math.Exp(x) : Math.Log(1 + Math.Exp(x));
    private static double Sigmoid(double x) => x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));
    private static double Relu6(double x) => Math.Clamp(x, 0, 6);

    /// <summary>erf with |error| &lt; 1.2e−7 (Numerical Recipes erfc Chebyshev fit).</summary>
    internal static double Erf(double x)
    {
        var z = Math.Abs(x);
        var t = 1.0 / (1.0 + 0.5 * z);
        var r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
            t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 +
            t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? 1 - r : r - 1;
    }

    /// <summary>φ(x) for every activation except the sine mixture (which needs its drawn parameters).</summary>
    public static double Apply(Activation a, double x) => a switch
    {
        Activation.Relu => x > 0 ? x : 0,
        Activation.Elu => x > 0 ? x : Math.Exp(x) - 1,
        Activation.Selu => SeluScale * (x > 0 ? x : SeluAlpha * (Math.Exp(x) - 1)),
        Activation.Silu => x * Sigmoid(x),
        Activation.Softsign => x / (1 + Math.Abs(x)),
        Activation.Tanh => Math.Tanh(x),
        Activation.Sigmoid => Sigmoid(x),
        Activation.Hardswish => x * Relu6(x + 3) / 6,
        Activation.Mish => x * Math.Tanh(Softplus(x)),
        Activation.LeakyRelu => x > 0 ? x : 0.01 * x,
        Activation.Gelu => 0.5 * x * (1 + Erf(x / Math.Sqrt(2))),
        Activation.Softplus => Softplus(x),
        Activation.Hardsigmoid => Relu6(x + 3) / 6,
        Activation.Hardtanh or Activation.Clip => Math.Clamp(x, -1, 1),
        Activation.Celu => x > 0 ? x : Math.Exp(x) - 1,
        Activation.Tanhshrink => x - Math.Tanh(x),
        Activation.RReluInference => x > 0 ? x : x * (11.0 / 48.0),
        Activation.LogSigmoid => -Softplus(-x),
        Activation.Softshrink => x > 0.5 ? x - 0.5 : x < -0.5 ? x + 0.5 : 0,
        Activation.Hardshrink => Math.Abs(x) > 0.5 ? x : 0,
        Activation.Identity => x,
        Activation.Abs => Math.Abs(x),
        Activation.Sin => Math.Sin(x),
        Activation.Cos => Math.Cos(x),
        Activation.Sign => Math.Sign(x),
        Activation.SignedLog => Math.Sign(x) * Math.Log(1 + Math.Abs(x)),
        Activation.BentIdentity => (Math.Sqrt(x * x + 1) - 1) / 2 + x,
        _ => throw new ArgumentOutOfRangeException(nameof(a), a, "the sine mixture needs its parameters"),
    };
}

public enum WeightInit { KaimingNormal, KaimingUniform, XavierNormal, XavierUniform, TruncatedNormal, Sparse }

/// <summary>One frozen layer: x·W, then (except for the last layer) clamp(s·φ(·), ±1e6).</summary>
internal sealed class MlpLayer
{
    public required int In { get; init; }
    public required int Out { get; init; }
    /// <summary>Row-major In × Out, float32 like the reference's frozen torch layers.</summary>
    public required float[] W { get; init; }
    public Activation? Act { get; init; }
    public float Scale { get; init; } = 1;
    public float[]? SineA { get; init; }
    public float[]? SineF { get; init; }
    public float[]? SinePhase { get; init; }
}

/// <summary>A frozen random bias-free MLP (docs/generator.md §4.3) evaluated over a block of rows at once, in float32 with fused
/// multiply-adds (the reference runs float32 too). Every output element is accumulated in the same order whatever the
/// block size, so results never depend on chunking.</summary>
internal sealed class Mlp
{
    public const int D = 32;
    private const double Clamp = 1e6;
    private readonly MlpLayer[] _layers;

    private Mlp(MlpLayer[] layers) => _layers = layers;

    public int In => _layers[0].In;
    /// <summary>Fused multiply-adds per row of one forward pass (Σ in × out over the layers).</summary>
    public long FmasPerRow => _layers.Sum(l => (long)l.In * l.Out);
    public int Out => _layers[^1].Out;
    internal IReadOnlyList<MlpLayer> Layers => _layers;

    /// <summary>An MLP with widths [in, 32, …, 32, out] and ℓ ~ cfg.MlpLayers weight layers.</summary>
    public static Mlp Random(int inDim, int outDim, ref Draws d, ScmConfig cfg)
    {
        var count = d.Int(cfg.MlpLayers);
        var layers = new MlpLayer[count];
        for (var i = 0; i < count; i++)
        {
            var r = i == 0 ? inDim : D;
            var c = i == count - 1 ? outDim : D;
            var wf = InitWeights(r, c, ref d);
            if (cfg.UseDensityMask) d.DensityMask(wf, d.Real(cfg.MlpDensity));
            if (i == count - 1)
            {
                layers[i] = new MlpLayer { In = r, Out = c, W = wf };
                continue;
            }
            var act = d.Pick(cfg.Activations);
            var scale = cfg.ActivationScale ? Math.Exp(d.Real(-1, 1)) : 1.0;
            double[]? sa = null, sf = null, sp = null;
            if (act == Activation.SineMixture)
            {
                var n = d.Int(3, 7);
                sa = new double[n]; sf = new double[n]; sp = new double[n];
                for (var j = 0; j < n; j++)
                {
                    sa[j] = d.Normal();
                    sf[j] = d.LogUniform(0.1, 10);
                    sp[j] = d.Real(0, 2 * Math.PI);
                }
            }
            layers[i] = new MlpLayer
            {
                In = r, Out = c, W = wf, Act = act, Scale = (float)scale,
                SineA = sa is null ? null : ToFloat(sa), SineF = sf is null ? null : ToFloat(sf), SinePhase = sp is null ? null : ToFloat(sp),
            };
        }
        return new Mlp(layers);
    }

    internal static float[] ToFloat(double[] v)
    {
        var f = new float[v.Length];
        for (var i = 0; i < v.Length; i++) f[i] = (float)v[i];
        return f;
    }

    /// <summary>One of the six schemes of docs/generator.md §4.3 for an r × c matrix (fan_in = c, fan_out = r, as the reference), in
    /// float32 like the reference's torch parameters.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float[] InitWeights(int r, int c, ref Draws d)
    {
        var scheme = (WeightInit)d.Below(6);
        var w = new float[r * c];
        switch (scheme)
        {
            case WeightInit.KaimingNormal:
                d.Normals(w, (float)Math.Sqrt(2.0 / c));
                break;
            case WeightInit.KaimingUniform:
                d.Uniforms(w, (float)Math.Sqrt(6.0 / c));
                break;
            case WeightInit.XavierNormal:
                d.Normals(w, (float)Math.Sqrt(2.0 / (r + c)));
                break;
            case WeightInit.XavierUniform:
                d.Uniforms(w, (float)Math.Sqrt(6.0 / (r + c)));
                break;
            case WeightInit.TruncatedNormal:
                // Rejection per element: draws outside [−2, 2] are replaced by fresh ones (one in 22 is).
                d.Normals(w, 1f);
                for (var i = 0; i < w.Length; i++)
                {
                    double z = w[i];
                    while (z < -2 || z > 2) z = d.Normal();
                    w[i] = (float)z;
                }
                break;
            default:
                d.Normals(w, 0.01f);
                var zeros = (int)Math.Ceiling(0.5 * r);
                Span<int> rows = stackalloc int[r];
                for (var col = 0; col < c; col++)
                    foreach (var row in d.DistinctPrefix(rows, zeros)) w[row * c + col] = 0;
                break;
        }
        return w;
    }

    /// <summary>Forward over m rows: x is m × In (row-major), the result m × Out. Scratch arrays are the caller's.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Forward(ReadOnlySpan<float> x, int m, Span<float> y, Span<float> scratchA, Span<float> scratchB)
    {
        ReadOnlySpan<float> cur = x;
        for (var li = 0; li < _layers.Length; li++)
        {
            var layer = _layers[li];
            var last = li == _layers.Length - 1;
            var dst = last ? y[..(m * layer.Out)] : (li % 2 == 0 ? scratchA : scratchB)[..(m * layer.Out)];
            MatMul(cur, m, layer.In, layer.W, layer.Out, dst);
            if (!last) ActivationKernels.Apply(layer, dst);
            cur = dst;
        }
    }

    /// <summary>y = x · W for m rows. Each y[i, j] is a chain of fused multiply-adds over k = 0..in−1 in order (a
    /// per-element computation, so pairing rows in the 32-wide kernel never changes a bit).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MatMul(ReadOnlySpan<float> x, int m, int inDim, float[] w, int outDim, Span<float> y)
    {
        if (outDim == 4 * Vector<float>.Count && Vector<float>.Count == 8)
        {
            MatMul32(x, m, inDim, w, y);
            return;
        }
        if (outDim == 1)
        {
            var done = Avx.IsSupported && Fma.IsSupported && inDim % 8 == 0 ? MatVecRows8(x, m, inDim, w, y) : 0;
            // Four rows' chains interleaved: each is still one in-order FMA chain (same bits), but four run at once
            // instead of waiting on each other's latency.
            var i = done;
            for (; i + 3 < m; i += 4)
            {
                var x0 = x.Slice(i * inDim, inDim);
                var x1 = x.Slice((i + 1) * inDim, inDim);
                var x2 = x.Slice((i + 2) * inDim, inDim);
                var x3 = x.Slice((i + 3) * inDim, inDim);
                float a0 = 0, a1 = 0, a2 = 0, a3 = 0;
                for (var k = 0; k < inDim; k++)
                {
                    var wk = w[k];
                    a0 = MathF.FusedMultiplyAdd(x0[k], wk, a0);
                    a1 = MathF.FusedMultiplyAdd(x1[k], wk, a1);
                    a2 = MathF.FusedMultiplyAdd(x2[k], wk, a2);
                    a3 = MathF.FusedMultiplyAdd(x3[k], wk, a3);
                }
                y[i] = a0; y[i + 1] = a1; y[i + 2] = a2; y[i + 3] = a3;
            }
            for (; i < m; i++)
            {
                var xr = x.Slice(i * inDim, inDim);
                var acc = 0f;
                for (var k = 0; k < inDim; k++) acc = MathF.FusedMultiplyAdd(xr[k], w[k], acc);
                y[i] = acc;
            }
            return;
        }
        for (var i = 0; i < m; i++)
        {
            var xr = x.Slice(i * inDim, inDim);
            var yr = y.Slice(i * outDim, outDim);
            for (var j = 0; j < outDim; j++)
            {
                var acc = 0f;
                for (var k = 0; k < inDim; k++) acc = MathF.FusedMultiplyAdd(xr[k], w[k * outDim + j], acc);
                yr[j] = acc;
            }
        }
    }

    /// <summary>The one-output case (the last layer of a numeric decoder) with one row per SIMD lane: eight rows' inputs
    /// are transposed 8 × 8 at a time so that lane l holds row l's x[k], then each lane runs the same in-order chain of
    /// fused multiply-adds over k as the scalar loop (the same bits, eight chains per instruction instead of one).
    /// Returns the rows done (a multiple of 8); the caller finishes the rest.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int MatVecRows8(ReadOnlySpan<float> x, int m, int inDim, float[] w, Span<float> y)
    {
        var blocks = m / 8;
        if (blocks == 0) return 0;
        if (x.Length < m * inDim || w.Length < inDim || y.Length < m) throw new ArgumentException("matrix shapes do not match");
        ref var x0 = ref MemoryMarshal.GetReference(x);
        ref var w0 = ref MemoryMarshal.GetArrayDataReference(w);
        ref var y0 = ref MemoryMarshal.GetReference(y);
        for (var b = 0; b < blocks; b++)
        {
            ref var xb = ref Unsafe.Add(ref x0, b * 8 * inDim);
            var acc = Vector256<float>.Zero;
            for (var k = 0; k < inDim; k += 8)
            {
                var r0 = Vector256.LoadUnsafe(ref xb, (nuint)k);
                var r1 = Vector256.LoadUnsafe(ref xb, (nuint)(inDim + k));
                var r2 = Vector256.LoadUnsafe(ref xb, (nuint)(2 * inDim + k));
                var r3 = Vector256.LoadUnsafe(ref xb, (nuint)(3 * inDim + k));
                var r4 = Vector256.LoadUnsafe(ref xb, (nuint)(4 * inDim + k));
                var r5 = Vector256.LoadUnsafe(ref xb, (nuint)(5 * inDim + k));
                var r6 = Vector256.LoadUnsafe(ref xb, (nuint)(6 * inDim + k));
                var r7 = Vector256.LoadUnsafe(ref xb, (nuint)(7 * inDim + k));
                // 8 × 8 transpose: c_j holds x[row l][k + j] in lane l.
                var t0 = Avx.UnpackLow(r0, r1); var t1 = Avx.UnpackHigh(r0, r1);
                var t2 = Avx.UnpackLow(r2, r3); var t3 = Avx.UnpackHigh(r2, r3);
                var t4 = Avx.UnpackLow(r4, r5); var t5 = Avx.UnpackHigh(r4, r5);
                var t6 = Avx.UnpackLow(r6, r7); var t7 = Avx.UnpackHigh(r6, r7);
                var u0 = Avx.Shuffle(t0, t2, 0x44); var u1 = Avx.Shuffle(t0, t2, 0xEE);
                var u2 = Avx.Shuffle(t1, t3, 0x44); var u3 = Avx.Shuffle(t1, t3, 0xEE);
                var u4 = Avx.Shuffle(t4, t6, 0x44); var u5 = Avx.Shuffle(t4, t6, 0xEE);
                var u6 = Avx.Shuffle(t5, t7, 0x44); var u7 = Avx.Shuffle(t5, t7, 0xEE);
                ref var wk = ref Unsafe.Add(ref w0, k);
                acc = Fma.MultiplyAdd(Avx.Permute2x128(u0, u4, 0x20), Vector256.Create(wk), acc);
                acc = Fma.MultiplyAdd(Avx.Permute2x128(u1, u5, 0x20), Vector256.Create(Unsafe.Add(ref wk, 1)), acc);
                acc = Fma.MultiplyAdd(Avx.Permute2x128(u2, u6, 0x20), Vector256.Create(Unsafe.Add(ref wk, 2)), acc);
                acc = Fma.MultiplyAdd(Avx.Permute2x128(u3, u7, 0x20), Vector256.Create(Unsafe.Add(ref wk, 3)), acc);
                acc = Fma.MultiplyAdd(Avx.Permute2x128(u0, u4, 0x31), Vector256.Create(Unsafe.Add(ref wk, 4)), acc);
                acc = Fma.MultiplyAdd(Avx.Permute2x128(u1, u5, 0x31), Vector256.Create(Unsafe.Add(ref wk, 5)), acc);
                acc = Fma.MultiplyAdd(Avx.Permute2x128(u2, u6, 0x31), Vector256.Create(Unsafe.Add(ref wk, 6)), acc);
                acc = Fma.MultiplyAdd(Avx.Permute2x128(u3, u7, 0x31), Vector256.Create(Unsafe.Add(ref wk, 7)), acc);
            }
            acc.StoreUnsafe(ref Unsafe.Add(ref y0, b * 8));
        }
        return blocks * 8;
    }

    /// <summary>The 32-wide case (every hidden layer): two rows at a time share the four weight vectors of each k.
    /// Lengths are checked once up front; the loops then address through refs, without per-element bounds checks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MatMul32(ReadOnlySpan<float> x, int m, int inDim, float[] w, Span<float> y)
    {
        if (x.Length < m * inDim || w.Length < inDim * 32 || y.Length < m * 32)
            throw new ArgumentException("matrix shapes do not match");
        ref var x0 = ref MemoryMarshal.GetReference(x);
        ref var wv = ref Unsafe.As<float, Vector<float>>(ref MemoryMarshal.GetArrayDataReference(w));
        ref var yv = ref Unsafe.As<float, Vector<float>>(ref MemoryMarshal.GetReference(y));
        var i = 0;
        for (; i + 1 < m; i += 2)
        {
            Vector<float> a0 = default, a1 = default, a2 = default, a3 = default,
                b0 = default, b1 = default, b2 = default, b3 = default;
            ref var xa = ref Unsafe.Add(ref x0, i * inDim);
            ref var xb = ref Unsafe.Add(ref xa, inDim);
            for (var k = 0; k < inDim; k++)
            {
                ref var wk = ref Unsafe.Add(ref wv, k * 4);
                Vector<float> w0 = wk, w1 = Unsafe.Add(ref wk, 1), w2 = Unsafe.Add(ref wk, 2), w3 = Unsafe.Add(ref wk, 3);
                var sa = new Vector<float>(Unsafe.Add(ref xa, k));
                var sb = new Vector<float>(Unsafe.Add(ref xb, k));
                a0 = Vector.FusedMultiplyAdd(sa, w0, a0); a1 = Vector.FusedMultiplyAdd(sa, w1, a1);
                a2 = Vector.FusedMultiplyAdd(sa, w2, a2); a3 = Vector.FusedMultiplyAdd(sa, w3, a3);
                b0 = Vector.FusedMultiplyAdd(sb, w0, b0); b1 = Vector.FusedMultiplyAdd(sb, w1, b1);
                b2 = Vector.FusedMultiplyAdd(sb, w2, b2); b3 = Vector.FusedMultiplyAdd(sb, w3, b3);
            }
            ref var ya = ref Unsafe.Add(ref yv, i * 4);
            ya = a0; Unsafe.Add(ref ya, 1) = a1; Unsafe.Add(ref ya, 2) = a2; Unsafe.Add(ref ya, 3) = a3;
            Unsafe.Add(ref ya, 4) = b0; Unsafe.Add(ref ya, 5) = b1; Unsafe.Add(ref ya, 6) = b2; Unsafe.Add(ref ya, 7) = b3;
        }
        for (; i < m; i++)
        {
            Vector<float> a0 = default, a1 = default, a2 = default, a3 = default;
            ref var xa = ref Unsafe.Add(ref x0, i * inDim);
            for (var k = 0; k < inDim; k++)
            {
                ref var wk = ref Unsafe.Add(ref wv, k * 4);
                var sa = new Vector<float>(Unsafe.Add(ref xa, k));
                a0 = Vector.FusedMultiplyAdd(sa, wk, a0); a1 = Vector.FusedMultiplyAdd(sa, Unsafe.Add(ref wk, 1), a1);
                a2 = Vector.FusedMultiplyAdd(sa, Unsafe.Add(ref wk, 2), a2); a3 = Vector.FusedMultiplyAdd(sa, Unsafe.Add(ref wk, 3), a3);
            }
            ref var ya = ref Unsafe.Add(ref yv, i * 4);
            ya = a0; Unsafe.Add(ref ya, 1) = a1; Unsafe.Add(ref ya, 2) = a2; Unsafe.Add(ref ya, 3) = a3;
        }
    }
}
