using System.Runtime.CompilerServices;
using PluRelSql.Core;
namespace PluRelSql.Generation.PluRel;

/// <summary>Value → R^32 (docs/generator.md §4.4): numeric MLP 1 → 32, or embedding lookup (K × 32) followed by an MLP 32 → 32.</summary>
internal sealed class Encoder
{
    private readonly Mlp _mlp;
    private readonly float[]? _embedding;
    private readonly int _k;
    /// <summary>Categorical encoders: the MLP output of each of the K embeddings, computed once (the same bits as
    /// running the MLP per row, since the MLP is a per-row function).</summary>
    private readonly float[]? _table;
    /// <summary>Numeric encoders in <see cref="EncoderMode.Tabulated"/> mode: the same MLP, tabulated.</summary>
    private readonly TabulatedEncoder? _tabulated;

    private Encoder(Mlp mlp, float[]? embedding, int k, bool tabulate = false)
    {
        _mlp = mlp;
        _embedding = embedding;
        _k = k;
        if (embedding is null)
        {
            if (tabulate) _tabulated = new TabulatedEncoder(mlp);
            return;
        }
        _table = new float[k * Mlp.D];
        var s = new Scratch(k);
        _mlp.Forward(embedding, k, _table, s.A, s.B);
    }

    /// <summary>Per-row multiply-adds: the MLP for numeric inputs, none for categorical ones (looked up in the table).</summary>
    public long FmasPerRow => _table is null ? _mlp.FmasPerRow : 0;

    internal TabulatedEncoder? Tabulated => _tabulated;

    /// <summary>categories = 0: numeric encoder (tabulated when <see cref="ScmConfig.Encoders"/> says so; the MLP drawn is
    /// the same either way).</summary>
    public static Encoder Random(int categories, ref Draws d, ScmConfig cfg)
    {
        if (categories <= 0) return new Encoder(Mlp.Random(1, Mlp.D, ref d, cfg), null, 0, cfg.Encoders == EncoderMode.Tabulated);
        var e = Mlp.InitWeights(categories, Mlp.D, ref d);
        return new Encoder(Mlp.Random(Mlp.D, Mlp.D, ref d, cfg), e, categories);
    }

    /// <summary>Encodes m values into dst (m × 32).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Encode(ReadOnlySpan<double> x, int m, Span<float> dst, Scratch s)
    {
        if (_tabulated is not null)
        {
            _tabulated.Encode(x, m, dst, s);
            return;
        }
        if (_table is null)
        {
            var input = s.In.AsSpan(0, m);
            for (var i = 0; i < m; i++) input[i] = (float)x[i];
            _mlp.Forward(input, m, dst, s.A, s.B);
            return;
        }
        for (var i = 0; i < m; i++)
        {
            var k = Math.Clamp((int)x[i], 0, _k - 1);
            _table.AsSpan(k * Mlp.D, Mlp.D).CopyTo(dst.Slice(i * Mlp.D, Mlp.D));
        }
    }
}

/// <summary>R^32 → value (docs/generator.md §4.4): numeric MLP 32 → 1, or argmax_k ⟨E_k, MLP 32 → 32 (h)⟩.</summary>
internal sealed class Decoder
{
    private readonly Mlp _mlp;
    private readonly float[]? _embedding;
    private readonly int _k;

    private Decoder(Mlp mlp, float[]? embedding, int k)
    {
        _mlp = mlp;
        _embedding = embedding;
        _k = k;
    }

    /// <summary>Per-row multiply-adds: the MLP plus, for categorical outputs, K class scores of 32 each.</summary>
    public long FmasPerRow => _mlp.FmasPerRow + (_embedding is null ? 0 : (long)_k * Mlp.D);

    public static Decoder Random(int categories, ref Draws d, ScmConfig cfg)
    {
        if (categories <= 0) return new Decoder(Mlp.Random(Mlp.D, 1, ref d, cfg), null, 0);
        var mlp = Mlp.Random(Mlp.D, Mlp.D, ref d, cfg);
        return new Decoder(mlp, Mlp.InitWeights(categories, Mlp.D, ref d), categories);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Decode(ReadOnlySpan<float> h, int m, Span<double> dst, Scratch s)
    {
        if (_embedding is null)
        {
            var y = s.Out.AsSpan(0, m);
            _mlp.Forward(h, m, y, s.A, s.B);
            for (var i = 0; i < m; i++) dst[i] = float.IsNaN(y[i]) ? 0 : y[i];
            return;
        }
        var hp = s.C.AsSpan(0, m * Mlp.D);
        _mlp.Forward(h, m, hp, s.A, s.B);
        Span<float> scores = stackalloc float[_k];
        for (var i = 0; i < m; i++)
        {
            var row = hp.Slice(i * Mlp.D, Mlp.D);
            Scores(row, scores);
            var best = 0;
            var bestScore = float.NegativeInfinity;
            for (var k = 0; k < _k; k++)
                if (scores[k] > bestScore) { bestScore = scores[k]; best = k; }
            dst[i] = best;
        }
    }

    /// <summary>score_k = ⟨E_k, row⟩, each an in-order FMA chain over the 32 components; two classes' chains run
    /// interleaved so they do not wait on each other's latency (the same bits as one at a time).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Scores(ReadOnlySpan<float> row, Span<float> scores)
    {
        var k = 0;
        for (; k + 1 < _k; k += 2)
        {
            var e0 = _embedding.AsSpan(k * Mlp.D, Mlp.D);
            var e1 = _embedding.AsSpan((k + 1) * Mlp.D, Mlp.D);
            float s0 = 0, s1 = 0;
            for (var j = 0; j < Mlp.D; j++)
            {
                s0 = MathF.FusedMultiplyAdd(e0[j], row[j], s0);
                s1 = MathF.FusedMultiplyAdd(e1[j], row[j], s1);
            }
            scores[k] = s0;
            scores[k + 1] = s1;
        }
        if (k < _k)
        {
            var e = _embedding.AsSpan(k * Mlp.D, Mlp.D);
            var s = 0f;
            for (var j = 0; j < Mlp.D; j++) s = MathF.FusedMultiplyAdd(e[j], row[j], s);
            scores[k] = s;
        }
    }
}

/// <summary>Per-call scratch buffers sized for one block of rows (m × 32 each, float32).</summary>
internal sealed class Scratch(int rows)
{
    public readonly float[] A = new float[rows * Mlp.D];
    public readonly float[] B = new float[rows * Mlp.D];
    public readonly float[] C = new float[rows * Mlp.D];
    public readonly float[] Enc = new float[rows * Mlp.D];
    public readonly float[] Noise = new float[rows * Mlp.D];
    /// <summary>The running Σ exp(input − maximum) of an online logsumexp.</summary>
    public readonly float[] Lse = new float[rows * Mlp.D];
    public readonly float[] In = new float[rows];
    public readonly float[] Out = new float[rows];
}

/// <summary>Node noise ε_v(r) ∈ R^32 with i.i.d. Beta(α, β)/32 components (docs/generator.md §4.5), a pure function of (node, row).
/// Draws invert a tabulated Beta quantile function (1024 cells, linear interpolation, grid dense at both ends). The
/// row is hashed once; its 32 components come from 16 steps of a wyrand-style generator seeded by that hash, two 32-bit
/// uniforms per step (32 bits are ample for a 1024-cell table).</summary>
internal sealed class NodeNoise
{
    private const ulong Step = 0xA0761D6478BD642FUL;
    private const ulong Salt = 0xE7037ED1A0B428DBUL;
    /// <summary>Cells per unit of a 32-bit uniform: 1024 / 2^32.</summary>
    private const float CellScale = 1.0f / (1 << 22);
    private readonly CounterRng _rows;
    /// <summary>Quantile k/1024 divided by 32, and the step to the next one (0 after the last).</summary>
    private readonly float[] _q;
    private readonly float[] _dq;

    public NodeNoise(double alpha, double beta, CounterRng rows)
    {
        Alpha = alpha;
        Beta = beta;
        _rows = rows;
        var q = BetaQuantiles.Table(alpha, beta);
        _q = new float[q.Length];
        _dq = new float[q.Length];
        for (var k = 0; k < q.Length; k++) _q[k] = (float)(q[k] / Mlp.D);
        for (var k = 0; k + 1 < q.Length; k++) _dq[k] = _q[k + 1] - _q[k];
    }

    public double Alpha { get; }
    public double Beta { get; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Fill(ReadOnlySpan<long> rs, Span<float> dst)
    {
        var q = _q;
        var dq = _dq;
        for (var i = 0; i < rs.Length; i++)
        {
            var row = dst.Slice(i * Mlp.D, Mlp.D);
            var state = _rows.Bits((ulong)rs[i]);
            for (var j = 0; j < Mlp.D; j += 2)
            {
                state += Step;
                var hi = Math.BigMul(state ^ Salt, state, out var lo);
                var bits = hi ^ lo;
                row[j] = Quantile((uint)bits, q, dq);
                row[j + 1] = Quantile((uint)(bits >> 32), q, dq);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Quantile(uint u, float[] q, float[] dq)
    {
        var pos = u * CellScale;
        var k = (int)pos;
        return MathF.FusedMultiplyAdd(pos - k, dq[k], q[k]);
    }
}

/// <summary>Beta quantile tables from the regularised incomplete beta function (Numerical Recipes continued fraction).</summary>
internal static class BetaQuantiles
{
    private const int Grid = 2048;
    private const int Cells = 1024;
    /// <summary>x_i = sin²(πi/2G) and the logarithms of sin and cos at the same angles (interior points only).</summary>
    private static readonly double[] Xs = Enumerable.Range(0, Grid + 1)
        .Select(i => i == Grid ? 1.0 : Math.Pow(Math.Sin(Math.PI * i / (2.0 * Grid)), 2)).ToArray();
    private static readonly double[] LnSin = Enumerable.Range(0, Grid + 1).Select(i => Math.Log(Math.Sin(Math.PI * i / (2.0 * Grid)))).ToArray();
    private static readonly double[] LnCos = Enumerable.Range(0, Grid + 1).Select(i => Math.Log(Math.Cos(Math.PI * i / (2.0 * Grid)))).ToArray();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double[] Table(double a, double b)
    {
        // CDF on x_i = sin²(θ_i), θ_i = πi/2G: dense near 0 and 1 where the density may be singular.
        var xs = Xs;
        var cdf = new double[Grid + 1];
        if (a >= 0.5 && b >= 0.5)
        {
            // With x = sin²θ the Beta integrand becomes 2·sin^(2a−1)θ·cos^(2b−1)θ dθ / B(a, b): bounded for a, b ≥ ½,
            // so a cumulative trapezoid over θ, normalised by its total, gives the CDF without continued fractions
            // (a tenth of the cost; the table is built for every SCM node).
            // The integrand is exp((2a−1)·ln sin θ + (2b−1)·ln cos θ) on the fixed grid (logs tabulated once); at
            // θ = 0 and π/2 one factor is 0^(2a−1) or 0^(2b−1): 1 for an exponent of 0, else 0.
            var ea = 2 * a - 1;
            var eb = 2 * b - 1;
            var prev = ea == 0 ? 1.0 : 0.0;
            for (var i = 1; i <= Grid; i++)
            {
                var g = i == Grid ? (eb == 0 ? 1.0 : 0.0) : Math.Exp(ea * LnSin[i] + eb * LnCos[i]);
                cdf[i] = cdf[i - 1] + (prev + g); // the constant h/2 cancels in the normalisation below
                prev = g;
            }
            var total = cdf[Grid];
            for (var i = 1; i <= Grid; i++) cdf[i] /= total;
            cdf[Grid] = 1;
        }
        else
        {
            var lnNorm = LogGamma(a + b) - LogGamma(a) - LogGamma(b);
            for (var i = 1; i < Grid; i++) cdf[i] = Math.Clamp(IncompleteBeta(a, b, xs[i], lnNorm), 0, 1);
            cdf[Grid] = 1;
        }
        for (var i = 1; i <= Grid; i++) cdf[i] = Math.Max(cdf[i], cdf[i - 1]);
        var q = new double[Cells + 1];
        var gi = 0;
        for (var k = 0; k <= Cells; k++)
        {
            var u = (double)k / Cells;
            while (gi < Grid - 1 && cdf[gi + 1] < u) gi++;
            var span = cdf[gi + 1] - cdf[gi];
            var t = span > 0 ? Math.Clamp((u - cdf[gi]) / span, 0, 1) : 0;
            q[k] = xs[gi] + t * (xs[gi + 1] - xs[gi]);
        }
        q[0] = 0;
        q[Cells] = 1;
        return q;
    }

    public static double IncompleteBeta(double a, double b, double x) => IncompleteBeta(a, b, x, LogGamma(a + b) - LogGamma(a) - LogGamma(b));

    /// <summary>With <paramref name="lnNorm"/> = lnΓ(a+b) − lnΓ(a) − lnΓ(b) computed once per table of x values.</summary>
    private static double IncompleteBeta(double a, double b, double x, double lnNorm)
    {
        if (x <= 0) return 0;
        if (x >= 1) return 1;
        var lbt = lnNorm + a * Math.Log(x) + b * Math.Log(1 - x);
        return x < (a + 1) / (a + b + 2)
            ? Math.Exp(lbt) * ContinuedFraction(a, b, x) / a
            : 1 - Math.Exp(lbt) * ContinuedFraction(b, a, 1 - x) / b;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double ContinuedFraction(double a, double b, double x)
    {
        const double eps = 1e-15, tiny = 1e-300;
        double qab = a + b, qap = a + 1, qam = a - 1, c = 1, d = 1 - qab * x / qap;
        if (Math.Abs(d) < tiny) d = tiny;
        d = 1 / d;
        var h = d;
        for (var m = 1; m <= 500; m++)
        {
            var m2 = 2 * m;
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2));
            d = 1 + aa * d; if (Math.Abs(d) < tiny) d = tiny;
            c = 1 + aa / c; if (Math.Abs(c) < tiny) c = tiny;
            d = 1 / d;
            h *= d * c;
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
            d = 1 + aa * d; if (Math.Abs(d) < tiny) d = tiny;
            c = 1 + aa / c; if (Math.Abs(c) < tiny) c = tiny;
            d = 1 / d;
            var del = d * c;
            h *= del;
            if (Math.Abs(del - 1) < eps) break;
        }
        return h;
    }

    /// <summary>ln Γ(x) for x &gt; 0 (Lanczos, g = 7, n = 9).</summary>
    public static double LogGamma(double x)
    {
        ReadOnlySpan<double> c =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        ];
        if (x < 0.5) return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        x -= 1;
        var s = c[0];
        for (var i = 1; i < 9; i++) s += c[i] / (x + i);
        var t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(s);
    }
}

/// <summary>One SCM edge u → v: the encoder typed by u and the edge weight.</summary>
internal sealed record ScmEdge(int From, Encoder Encoder, double Weight);

/// <summary>One SCM node (docs/generator.md §4.2).</summary>
internal sealed class ScmNode
{
    public required int Id { get; init; }
    /// <summary>K for categorical nodes, 0 for numeric.</summary>
    public required int Categories { get; init; }
    /// <summary>Index of the feature column bound to this node, or −1 for a hidden node.</summary>
    public int Column { get; set; } = -1;
    public required Aggregation Aggregation { get; init; }
    public SourceGenerator? Source { get; set; }
    public NodeNoise? Noise { get; set; }
    public Decoder? Decoder { get; set; }
    public List<ScmEdge> Inputs { get; } = [];
    public bool IsSource => Source is not null;
}
