using PluRelSql.Core;

namespace PluRelSql.Generation.PluRel;

/// <summary>An exogenous generator of a source node (docs/generator.md §5.1): the value at row r is a pure function of (stream, r).</summary>
public abstract class SourceGenerator
{
    private protected SourceGenerator() { }

    /// <summary>Values for the given rows (any order; sorted rows are fastest for the temporal AR state).</summary>
    public abstract void Fill(ReadOnlySpan<long> rows, Span<double> dst);

    /// <summary>Draws a generator for a source node. Categorical (type-aware) nodes get class indices as values.</summary>
    internal static SourceGenerator Draw(ref Draws d, CounterRng rowStream, ScmConfig cfg, long n, TableRole role, int categories)
    {
        var kind = d.Pick(cfg.SourceKinds);
        if (categories > 0)
        {
            if (kind == SourceKind.Temporal)
            {
                var gens = new TemporalSource[categories];
                for (var k = 0; k < categories; k++)
                    gens[k] = TemporalSource.Draw(ref d, rowStream.Derive((ulong)k + 1), cfg, n, role);
                return new SoftmaxCategorical(gens, rowStream);
            }
            return new DirichletCategorical(d.Dirichlet(categories), rowStream);
        }
        return kind switch
        {
            SourceKind.Temporal => TemporalSource.Draw(ref d, rowStream, cfg, n, role),
            SourceKind.Mixed => MixedSource.DrawMixed(ref d, rowStream, cfg),
            _ => IidSource.DrawSimple(kind, ref d, rowStream, cfg),
        };
    }

    /// <summary>S ~ scales, then two U(0,1)·S draws sorted as (lo, hi).</summary>
    internal static (double Lo, double Hi) Range(ref Draws d, ScmConfig cfg, bool scaled = true)
    {
        var s = scaled ? d.Pick(cfg.ValueScales) : 1.0;
        var a = d.Uniform() * s;
        var b = d.Uniform() * s;
        return a <= b ? (a, b) : (b, a);
    }
}

/// <summary>uniform / gaussian / beta generators: i.i.d. per row.</summary>
internal sealed class IidSource(SourceKind kind, double lo, double hi, double a, double b, CounterRng rows) : SourceGenerator
{
    public SourceKind Kind => kind;

    public static IidSource DrawSimple(SourceKind kind, ref Draws d, CounterRng rows, ScmConfig cfg)
    {
        var (lo, hi) = Range(ref d, cfg);
        double a = 0, b = 0;
        if (kind == SourceKind.Beta) { a = d.Real(cfg.BetaSourceShape); b = d.Real(cfg.BetaSourceShape); }
        return new IidSource(kind, lo, hi, a, b, rows);
    }

    public double Value(long r, ulong sub)
    {
        switch (kind)
        {
            case SourceKind.Uniform:
                return lo + (hi - lo) * rows.Uniform(r, sub);
            case SourceKind.Gaussian:
                var sd = Math.Max((hi - lo) / 4, 1e-6);
                return Math.Clamp((lo + hi) / 2 + sd * rows.Normal(r, sub), lo, hi);
            default:
                var c = new Draws(rows.Derive(sub + 1), r);
                return lo + (hi - lo) * c.Beta(a, b);
        }
    }

    public override void Fill(ReadOnlySpan<long> rs, Span<double> dst)
    {
        for (var i = 0; i < rs.Length; i++) dst[i] = Value(rs[i], 0);
    }
}

/// <summary>mixed: 2–3 simple generators, one chosen uniformly per row.</summary>
internal sealed class MixedSource(IidSource[] parts, CounterRng rows) : SourceGenerator
{
    public static MixedSource DrawMixed(ref Draws d, CounterRng rows, ScmConfig cfg)
    {
        var count = d.Int(2, 3);
        var parts = new IidSource[count];
        SourceKind[] simple = [SourceKind.Uniform, SourceKind.Gaussian, SourceKind.Beta];
        for (var i = 0; i < count; i++) parts[i] = IidSource.DrawSimple(d.Pick(simple), ref d, rows.Derive(100 + (ulong)i), cfg);
        return new MixedSource(parts, rows);
    }

    public override void Fill(ReadOnlySpan<long> rs, Span<double> dst)
    {
        for (var i = 0; i < rs.Length; i++)
            dst[i] = parts[rows.Below(rs[i], parts.Length, 99)].Value(rs[i], 0);
    }
}

/// <summary>docs/generator.md §5.2: value(r) = (trend(r) + cycle(r) + fluc(r)) / 3 with an AR(1) fluctuation. The AR state is
/// recomputed per block of <see cref="Block"/> rows from a warm-up long enough that ρ^warm-up &lt; 1e−18, so any row
/// range gives the same bits whatever the chunking.</summary>
public sealed class TemporalSource : SourceGenerator
{
    public const int Block = 256;
    private readonly CounterRng _rows;
    private readonly int _warmup;

    public long N { get; }
    public double Lo { get; }
    public double Hi { get; }
    public double Alpha { get; }
    public double Tau { get; }
    public double Phi { get; }
    public long F { get; }
    public double Kappa { get; }
    public double Sigma { get; }
    public double Rho { get; }

    public TemporalSource(long n, double lo, double hi, double alpha, double tau, double phi, double kappa,
        double sigma, double rho, CounterRng rows)
    {
        N = n; Lo = lo; Hi = hi; Alpha = alpha; Tau = tau; Phi = phi; Kappa = kappa; Sigma = sigma; Rho = rho;
        F = Math.Max(1, (long)Math.Ceiling(n * phi));
        _rows = rows;
        _warmup = rho <= 0 ? 0 : (int)Math.Ceiling(Math.Log(1e-18) / Math.Log(rho));
    }

    internal static TemporalSource Draw(ref Draws d, CounterRng rows, ScmConfig cfg, long n, TableRole role)
    {
        var (lo, hi) = SourceGenerator.Range(ref d, cfg, cfg.ScaleTemporalRange);
        var alpha = d.Real(cfg.TrendExponent);
        var tau = d.Bernoulli(0.5) ? 1.0 : -1.0;
        var phi = d.Pick(cfg.CycleFraction);
        var kappa = d.Bernoulli(0.5) ? 1.0 : -1.0;
        var rho = cfg.ArFluctuation ? d.Real(cfg.ArCoefficient) : 0.0;
        var activity = role == TableRole.Activity;
        return new TemporalSource(n, lo, hi, alpha, activity ? tau : 0, phi, activity ? kappa : 0,
            activity ? cfg.ActivitySigma : cfg.EntitySigma, rho, rows);
    }

    /// <summary>The standard normal innovation z_r.</summary>
    public double Z(long r) => _rows.Normal(r, 7);

    public double Trend(long r) => Math.Min(Tau * Math.Pow((double)r / N, Alpha) + Lo, Hi);

    public double Cycle(long r) => Math.Clamp(Kappa * Math.Sin(Math.PI * r / F), Lo, Hi);

    /// <summary>(trend + cycle + clip(e_r)) / 3 for a given AR state e_r.</summary>
    public double Combine(long r, double e) => (Trend(r) + Cycle(r) + Math.Clamp(e, Lo, Hi)) / 3;

    /// <summary>AR states are advanced from the start of the row's block (after the warm-up) up to the row, so a
    /// request for a few rows costs the warm-up plus their offsets, and sorted rows share one pass per block.</summary>
    public override void Fill(ReadOnlySpan<long> rows, Span<double> dst)
    {
        long block = -1, pos = 0;
        double state = 0;
        for (var i = 0; i < rows.Length; i++)
        {
            var r = rows[i];
            var b = r / Block;
            if (b != block || r < pos - 1)
            {
                // Restart at the block: run the warm-up (ρ^warm-up < 1e−18) from e = 0.
                block = b;
                var start = b * Block;
                state = 0;
                for (var t = Math.Max(0, start - _warmup); t < start; t++) state = Rho * state + Sigma * Z(t);
                pos = start; // next row to advance to; state holds e_{pos−1}
            }
            if (r == pos - 1)
            {
                dst[i] = Combine(r, state);
                continue;
            }
            while (pos <= r) { state = Rho * state + Sigma * Z(pos); pos++; }
            dst[i] = Combine(r, state);
        }
    }

    /// <summary>Values of rows [0, n) in order.</summary>
    public double[] Values(long n)
    {
        var rows = new long[n];
        for (var i = 0; i < n; i++) rows[i] = i;
        var v = new double[n];
        Fill(rows, v);
        return v;
    }
}

/// <summary>Type-aware categorical ts source: K temporal generators; class drawn per row from their softmax.</summary>
internal sealed class SoftmaxCategorical(TemporalSource[] gens, CounterRng rows) : SourceGenerator
{
    public override void Fill(ReadOnlySpan<long> rs, Span<double> dst)
    {
        var k = gens.Length;
        var vals = new double[k][];
        for (var j = 0; j < k; j++)
        {
            vals[j] = new double[rs.Length];
            gens[j].Fill(rs, vals[j]);
        }
        var p = new double[k];
        for (var i = 0; i < rs.Length; i++)
        {
            var max = double.NegativeInfinity;
            for (var j = 0; j < k; j++) max = Math.Max(max, vals[j][i]);
            double s = 0;
            for (var j = 0; j < k; j++) s += p[j] = Math.Exp(vals[j][i] - max);
            var u = rows.Uniform(rs[i], 0) * s;
            var cls = k - 1;
            for (var j = 0; j < k; j++)
            {
                u -= p[j];
                if (u < 0) { cls = j; break; }
            }
            dst[i] = cls;
        }
    }
}

/// <summary>Categorical uniform/gaussian/beta/mixed source: i.i.d. class from Dirichlet(1,…,1) probabilities.</summary>
internal sealed class DirichletCategorical(double[] probs, CounterRng rows) : SourceGenerator
{
    public override void Fill(ReadOnlySpan<long> rs, Span<double> dst)
    {
        for (var i = 0; i < rs.Length; i++)
        {
            var u = rows.Uniform(rs[i], 0);
            var cls = probs.Length - 1;
            for (var j = 0; j < probs.Length; j++)
            {
                u -= probs[j];
                if (u < 0) { cls = j; break; }
            }
            dst[i] = cls;
        }
    }
}
