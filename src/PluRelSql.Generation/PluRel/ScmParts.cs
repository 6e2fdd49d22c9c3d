namespace PluRelSql.Generation.PluRel;

/// <summary>Value → R^32 (§4.6): numeric MLP 1 → 32, or embedding lookup (K × 32) followed by an MLP 32 → 32.</summary>
internal sealed class Encoder
{
    private readonly Mlp _mlp;
    private readonly float[]? _embedding;
    private readonly int _k;
    /// <summary>Categorical encoders: the MLP output of each of the K embeddings, computed once (the same bits as
    /// running the MLP per row, since the MLP is a per-row function).</summary>
    private readonly float[]? _table;

    private Encoder(Mlp mlp, float[]? embedding, int k)
    {
        _mlp = mlp;
        _embedding = embedding;
        _k = k;
        if (embedding is null) return;
        _table = new float[k * Mlp.D];
        var s = new Scratch(k);
        _mlp.Forward(embedding, k, _table, s.A, s.B);
    }

    /// <summary>categories = 0: numeric encoder.</summary>
    public static Encoder Random(int categories, ref Draws d, ScmConfig cfg)
    {
        if (categories <= 0) return new Encoder(Mlp.Random(1, Mlp.D, ref d, cfg), null, 0);
        var e = Mlp.InitWeights(categories, Mlp.D, ref d);
        return new Encoder(Mlp.Random(Mlp.D, Mlp.D, ref d, cfg), Mlp.ToFloat(e), categories);
    }

    /// <summary>Encodes m values into dst (m × 32).</summary>
    public void Encode(ReadOnlySpan<double> x, int m, Span<float> dst, Scratch s)
    {
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

/// <summary>R^32 → value (§4.6): numeric MLP 32 → 1, or argmax_k ⟨E_k, MLP 32 → 32 (h)⟩.</summary>
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

    public static Decoder Random(int categories, ref Draws d, ScmConfig cfg)
    {
        if (categories <= 0) return new Decoder(Mlp.Random(Mlp.D, 1, ref d, cfg), null, 0);
        var mlp = Mlp.Random(Mlp.D, Mlp.D, ref d, cfg);
        return new Decoder(mlp, Mlp.ToFloat(Mlp.InitWeights(categories, Mlp.D, ref d)), categories);
    }

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
        for (var i = 0; i < m; i++)
        {
            var row = hp.Slice(i * Mlp.D, Mlp.D);
            var best = 0;
            var bestScore = float.NegativeInfinity;
            for (var k = 0; k < _k; k++)
            {
                var score = 0f;
                var e = _embedding.AsSpan(k * Mlp.D, Mlp.D);
                for (var j = 0; j < Mlp.D; j++) score = MathF.FusedMultiplyAdd(e[j], row[j], score);
                if (score > bestScore) { bestScore = score; best = k; }
            }
            dst[i] = best;
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
    public readonly float[] In = new float[rows];
    public readonly float[] Out = new float[rows];
}

/// <summary>Node noise ε_v(r) ∈ R^32 with i.i.d. Beta(α, β)/32 components (§5.3), a pure function of (node, row).
/// Draws invert a tabulated Beta quantile function (1024 cells, linear interpolation, grid dense at both ends):
/// one hash per component instead of two Gamma rejection samplers.</summary>
internal sealed class NodeNoise
{
    private readonly CounterRng _rows;
    private readonly double[] _quantiles;

    public NodeNoise(double alpha, double beta, CounterRng rows)
    {
        Alpha = alpha;
        Beta = beta;
        _rows = rows;
        _quantiles = BetaQuantiles.Table(alpha, beta);
    }

    public double Alpha { get; }
    public double Beta { get; }

    /// <summary>The Beta(α, β) quantile at u ∈ [0, 1).</summary>
    public double Quantile(double u)
    {
        var pos = u * (_quantiles.Length - 1);
        var k = (int)pos;
        if (k >= _quantiles.Length - 1) return _quantiles[^1];
        return _quantiles[k] + (pos - k) * (_quantiles[k + 1] - _quantiles[k]);
    }

    public void Fill(ReadOnlySpan<long> rs, Span<float> dst)
    {
        for (var i = 0; i < rs.Length; i++)
        {
            var row = dst.Slice(i * Mlp.D, Mlp.D);
            var rowBits = _rows.Bits((ulong)rs[i]);
            // = Quantile(_rows.Uniform(row, j)), hashing the row once.
            for (var j = 0; j < Mlp.D; j++) row[j] = (float)(Quantile(CounterRng.ToUnit(CounterRng.SubBits(rowBits, (ulong)j))) / Mlp.D);
        }
    }
}

/// <summary>Beta quantile tables from the regularised incomplete beta function (Numerical Recipes continued fraction).</summary>
internal static class BetaQuantiles
{
    private const int Grid = 2048;
    private const int Cells = 1024;

    public static double[] Table(double a, double b)
    {
        // CDF on x_i = sin²(πi/2G): dense near 0 and 1 where the density may be singular.
        var xs = new double[Grid + 1];
        var cdf = new double[Grid + 1];
        var lnNorm = LogGamma(a + b) - LogGamma(a) - LogGamma(b);
        for (var i = 0; i <= Grid; i++)
        {
            var sn = Math.Sin(Math.PI * i / (2.0 * Grid));
            xs[i] = i == Grid ? 1 : sn * sn;
            cdf[i] = i == 0 ? 0 : i == Grid ? 1 : Math.Clamp(IncompleteBeta(a, b, xs[i], lnNorm), 0, 1);
        }
        for (var i = 1; i <= Grid; i++) cdf[i] = Math.Max(cdf[i], cdf[i - 1]);
        var q = new double[Cells + 1];
        var g = 0;
        for (var k = 0; k <= Cells; k++)
        {
            var u = (double)k / Cells;
            while (g < Grid - 1 && cdf[g + 1] < u) g++;
            var span = cdf[g + 1] - cdf[g];
            var t = span > 0 ? Math.Clamp((u - cdf[g]) / span, 0, 1) : 0;
            q[k] = xs[g] + t * (xs[g + 1] - xs[g]);
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

/// <summary>One SCM node (§4.2–4.3).</summary>
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
