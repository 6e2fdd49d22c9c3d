using System.Runtime.CompilerServices;

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

    /// <summary>Two independent standard normals from one Box–Muller draw (both branches: half the logarithms).</summary>
    public (double, double) NormalPair()
    {
        var u1 = UniformOpen();
        var u2 = Uniform();
        var r = Math.Sqrt(-2.0 * Math.Log(u1));
        var (sin, cos) = Math.SinCos(2 * Math.PI * u2);
        return (r * cos, r * sin);
    }

    /// <summary>Fills <paramref name="dst"/> with standard normals times <paramref name="scale"/>, two per draw.</summary>
    public void Normals(Span<double> dst, double scale)
    {
        var i = 0;
        for (; i + 1 < dst.Length; i += 2)
        {
            var (a, b) = NormalPair();
            dst[i] = a * scale;
            dst[i + 1] = b * scale;
        }
        if (i < dst.Length) dst[i] = Normal() * scale;
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
}
