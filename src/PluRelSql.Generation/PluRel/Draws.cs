using System.Numerics;
using System.Runtime.CompilerServices;
using PluRelSql.Core;

namespace PluRelSql.Generation.PluRel;

/// <summary>A cursor over one counter-based stream: draw k of row r is a pure function of (stream key, r, k).
/// Structure draws use row 0 and advance k; per-row draws make a fresh cursor per (node, row). Never shared between
/// threads (it is a mutable struct passed by ref) and never persisted, so it cannot make results order-dependent.</summary>
internal struct Draws
{
    /// <summary>The stream's hash of the row, computed once: draw k is then one more mix (the same bits as
    /// <see cref="CounterRng.Uniform"/> and <see cref="CounterRng.Below"/> of (row, k)).</summary>
    private readonly ulong _rowBits;
    private ulong _k;

    public Draws(CounterRng rng, long row = 0)
    {
        _rowBits = rng.Bits((ulong)row);
        _k = 0;
    }

    public static Draws For(ulong seed, params ReadOnlySpan<ulong> labels) => new(CounterRng.Stream(seed, labels));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Uniform() => CounterRng.ToUnit(CounterRng.SubBits(_rowBits, _k++));

    /// <summary>Uniform in (0, 1]: safe for logarithms.</summary>
    public double UniformOpen() => 1.0 - Uniform();

    public double Real(double min, double max) => min + (max - min) * Uniform();

    public double Real(RealRange r) => Real(r.Min, r.Max);

    /// <summary>Uniform integer in [min, max] inclusive.</summary>
    public int Int(int min, int max) => min + (int)Below((long)max - min + 1);

    public int Int(IntRange r) => Int(r.Min, r.Max);

    /// <summary>Uniform integer in [0, n).</summary>
    public int Below(int n) => (int)Below((long)n);

    public long Below(long n) => CounterRng.ToBelow(CounterRng.SubBits(_rowBits, _k++), n);

    public bool Bernoulli(double p) => Uniform() < p;

    public T Pick<T>(IReadOnlyList<T> items) => items[Below(items.Count)];

    public double Normal()
    {
        var u1 = UniformOpen();
        var u2 = Uniform();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>Fills <paramref name="dst"/> with float32 standard normals times <paramref name="scale"/>: Box–Muller on
    /// eight pairs at a time (FastMath logarithm and sine/cosine), both uniforms of a pair from one 64-bit draw. The
    /// 24-bit uniform radius caps |z| at 5.9, a tail of probability 4e−9.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Normals(Span<float> dst, float scale)
    {
        var lanes = Vector<float>.Count;
        Span<float> u1 = stackalloc float[lanes];
        Span<float> u2 = stackalloc float[lanes];
        Span<float> z0 = stackalloc float[lanes];
        Span<float> z1 = stackalloc float[lanes];
        var twoPi = new Vector<float>(2 * MathF.PI);
        var minusTwo = new Vector<float>(-2f);
        var s = new Vector<float>(scale);
        for (var i = 0; i < dst.Length; i += 2 * lanes)
        {
            for (var j = 0; j < lanes; j++)
            {
                var bits = CounterRng.SubBits(_rowBits, _k++);
                u1[j] = ((bits >> 40) + 0.5f) * (1f / (1 << 24)); // (0, 1): safe for the logarithm
                u2[j] = (bits & 0xFFFFFF) * (1f / (1 << 24));
            }
            var radius = Vector.SquareRoot(minusTwo * FastMath.Log(new Vector<float>(u1))) * s;
            var angle = new Vector<float>(u2) * twoPi;
            (radius * FastMath.Cos(angle)).CopyTo(z0);
            (radius * FastMath.Sin(angle)).CopyTo(z1);
            for (var j = 0; j < lanes; j++)
            {
                var o = i + 2 * j;
                if (o < dst.Length) dst[o] = z0[j];
                if (o + 1 < dst.Length) dst[o + 1] = z1[j];
            }
        }
    }

    /// <summary>Fills <paramref name="dst"/> with uniforms on (−bound, bound), two 32-bit draws per 64-bit hash.</summary>
    public void Uniforms(Span<float> dst, float bound)
    {
        for (var i = 0; i < dst.Length; i += 2)
        {
            var bits = CounterRng.SubBits(_rowBits, _k++);
            dst[i] = ((uint)bits * (2f / 4294967296f) - 1f) * bound;
            if (i + 1 < dst.Length) dst[i + 1] = ((uint)(bits >> 32) * (2f / 4294967296f) - 1f) * bound;
        }
    }

    /// <summary>The density mask (docs/generator.md §4.3): each weight kept with probability <paramref name="density"/> and scaled by
    /// 1/density, else zeroed; two 32-bit Bernoulli draws per 64-bit hash.</summary>
    public void DensityMask(Span<float> w, double density)
    {
        var threshold = (ulong)(density * 4294967296.0);
        var inverse = (float)(1 / density);
        for (var i = 0; i < w.Length; i += 2)
        {
            var bits = CounterRng.SubBits(_rowBits, _k++);
            w[i] = (bits & 0xFFFFFFFF) < threshold ? w[i] * inverse : 0;
            if (i + 1 < w.Length) w[i + 1] = (bits >> 32) < threshold ? w[i + 1] * inverse : 0;
        }
    }

    /// <summary>k distinct values of [0, n), uniformly, in draw order: the first k steps of a Fisher–Yates shuffle of
    /// <paramref name="buffer"/> (length n), which is overwritten; the result is a slice of it.</summary>
    public ReadOnlySpan<int> DistinctPrefix(Span<int> buffer, int k)
    {
        var n = buffer.Length;
        for (var i = 0; i < n; i++) buffer[i] = i;
        for (var i = 0; i < k; i++)
        {
            var j = i + Below(n - i);
            (buffer[i], buffer[j]) = (buffer[j], buffer[i]);
        }
        return buffer[..k];
    }

    public double Cauchy() => Math.Tan(Math.PI * (Uniform() - 0.5));

    public double LogNormal() => Math.Exp(Normal());

    /// <summary>Log-uniform on [min, max].</summary>
    public double LogUniform(double min, double max) => Math.Exp(Real(Math.Log(min), Math.Log(max)));

    /// <summary>Gamma(shape, 1) by Marsaglia–Tsang (with the u^(1/a) boost for shape &lt; 1).</summary>
    public double Gamma(double shape)
    {
        if (shape < 1.0)
        {
            var g = Gamma(shape + 1.0);
            return g * Math.Pow(UniformOpen(), 1.0 / shape);
        }
        var d = shape - 1.0 / 3.0;
        var c = 1.0 / Math.Sqrt(9.0 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = Normal();
                v = 1.0 + c * x;
            } while (v <= 0);
            v = v * v * v;
            var u = UniformOpen();
            if (u < 1.0 - 0.0331 * x * x * x * x) return d * v;
            if (Math.Log(u) < 0.5 * x * x + d * (1.0 - v + Math.Log(v))) return d * v;
        }
    }

    public double Beta(double a, double b)
    {
        var x = Gamma(a);
        var y = Gamma(b);
        var s = x + y;
        return s > 0 ? x / s : 0.5;
    }

    /// <summary>Dirichlet(1, …, 1) over k classes.</summary>
    public double[] Dirichlet(int k)
    {
        var p = new double[k];
        double s = 0;
        for (var i = 0; i < k; i++) s += p[i] = -Math.Log(UniformOpen());
        for (var i = 0; i < k; i++) p[i] /= s;
        return p;
    }

    /// <summary>A uniformly random permutation of 0..n−1 (Fisher–Yates).</summary>
    public int[] Permutation(int n)
    {
        var p = new int[n];
        for (var i = 0; i < n; i++) p[i] = i;
        for (var i = n - 1; i > 0; i--)
        {
            var j = Below(i + 1);
            (p[i], p[j]) = (p[j], p[i]);
        }
        return p;
    }

    /// <summary>k distinct values of [0, n), in draw order.</summary>
    public int[] Distinct(int n, int k)
    {
        var p = Permutation(n);
        return p[..k];
    }

    /// <summary>P(k) ∝ 1/k on [min, max].</summary>
    public int PowerLaw(IntRange r)
    {
        double total = 0;
        for (var k = r.Min; k <= r.Max; k++) total += 1.0 / k;
        var u = Uniform() * total;
        for (var k = r.Min; k <= r.Max; k++)
        {
            u -= 1.0 / k;
            if (u < 0) return k;
        }
        return r.Max;
    }

    public double EdgeWeight(EdgeWeightLaw law) => law switch
    {
        EdgeWeightLaw.Gaussian => Normal(),
        EdgeWeightLaw.LogNormal => LogNormal(),
        EdgeWeightLaw.Cauchy => Cauchy(),
        _ => Real(-2, 2),
    };
}

/// <summary>Purpose labels of the named sub-streams (stable numbers: adding one never shifts another).</summary>
internal static class Purpose
{
    public const ulong Schema = 1;
    public const ulong Window = 2;
    public const ulong TableShape = 3;
    public const ulong Hsbm = 4;
    public const ulong ScmStructure = 5;
    public const ulong Sources = 6;
    public const ulong Noise = 7;
    public const ulong Post = 8;
    public const ulong Mlp = 9;
    public const ulong SourceRow = 10;
    public const ulong Quantise = 11;
    public const ulong Missing = 12;
    public const ulong Statistics = 13;
    public const ulong HsbmRow = 14;
    public const ulong RankTies = 15;
}
