using PluRelSql.Core;
using PluRelSql.Generation.PluRel;
using PluRelSql.Schema;
using Xunit.Abstractions;

namespace PluRelSql.Generation.Tests.PluRel;

/// <summary>The tabulated mode against the exact engine on the parity statistics: per statistic, the values over every
/// table (or column, or FK) of N databases per side, compared with a two-sample Kolmogorov–Smirnov test. The two sides
/// use disjoint seeds, so this is a real two-sample comparison of two engines, not of one database with itself. The
/// normal run uses 50 small databases per side; PLUREL_TABULATED_FULL=1 runs 200 per side with the default sizes
/// ([Trait Category=TabulatedFull]).</summary>
public sealed class TabulatedParityTests(ITestOutputHelper output)
{
    private static readonly SamplerConfig Small = new()
    {
        Tables = new(3, 6), EntityRows = new(150, 250), ActivityRows = new(400, 700), FeatureColumns = new(3, 12),
    };

    private sealed record Table(bool Activity, int Rows, List<double[]> Floats, List<bool[]> Bools, List<(int Parent, long[] Rows)> Fks);

    private static List<Table>[] Generate(int count, ulong firstSeed, SamplerConfig cfg, EncoderMode mode)
    {
        var dbs = new List<Table>[count];
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i =>
        {
            var schema = SchemaSampler.Sample(firstSeed + (ulong)i, cfg);
            var db = PluRelDatabase.FromSampled(schema, PluRelConfig.WithEncoders(mode));
            var names = schema.Tables.Select(t => t.Name).ToList();
            dbs[i] = schema.Tables.Select(st =>
            {
                var c = db.ComputeChunk(db.Graph.Table(SampledSchema.SchemaName, st.Name), 0, (int)st.Rows);
                return new Table(st.Role == TableRole.Activity, (int)st.Rows,
                    c.Columns.Where(x => x.Kind == FeatureValueKind.Double).Select(x => x.Doubles!).ToList(),
                    c.Columns.Where(x => x.Kind == FeatureValueKind.Boolean).Select(x => x.Booleans!).ToList(),
                    c.ForeignKeys.Select(f => (names.IndexOf(f.Parent.Name.Name), f.ParentRows)).ToList());
            }).ToList();
        });
        return dbs;
    }

    private static double[] Finite(double[] x) => x.Where(double.IsFinite).ToArray();

    private static double Skew(double[] x)
    {
        var v = Finite(x);
        if (v.Length < 3) return 0;
        var m = v.Average();
        double m2 = 0, m3 = 0;
        foreach (var a in v) { var d = a - m; m2 += d * d; m3 += d * d * d; }
        m2 /= v.Length; m3 /= v.Length;
        return m2 <= 0 ? 0 : m3 / Math.Pow(m2, 1.5);
    }

    private static double AbsSpearman(double[] a, double[] b)
    {
        var keep = Enumerable.Range(0, a.Length).Where(i => double.IsFinite(a[i]) && double.IsFinite(b[i])).ToArray();
        return keep.Length < 10 ? 0 : Math.Abs(Stats.Spearman(keep.Select(i => a[i]).ToArray(), keep.Select(i => b[i]).ToArray()));
    }

    private static double Lag1(double[] x)
    {
        var v = Finite(x);
        return v.Length < 3 ? 0 : Stats.Lag1(v);
    }

    /// <summary>The statistics, one value per database each (the mean over its tables, columns or FKs): databases are
    /// independent draws, their tables are not, so only per-database values make a valid KS sample.</summary>
    private static Dictionary<string, List<double>> Statistics(List<Table>[] dbs)
    {
        var result = new Dictionary<string, List<double>>();
        foreach (var db in dbs)
        {
            var s = new Dictionary<string, List<double>>();
            void Add(string k, double v) { if (double.IsFinite(v)) (s.TryGetValue(k, out var l) ? l : s[k] = []).Add(v); }
            foreach (var t in db)
            {
                Add("rows per table", t.Rows);
                Add("boolean share of columns", t.Bools.Count / (double)Math.Max(1, t.Bools.Count + t.Floats.Count));
                foreach (var b in t.Bools)
                {
                    var p = b.Count(x => x) / (double)b.Length;
                    Add("boolean column constant", p is 0 or 1 ? 1 : 0);
                    if (p is > 0 and < 1) Add("P(true) of non-constant booleans", p);
                }
                foreach (var f in t.Floats) Add("numeric skew", Skew(f));
                if (t.Floats.Count > 0)
                {
                    Add("max lag-1 autocorrelation", t.Floats.Max(Lag1));
                    var idx = Enumerable.Range(0, t.Rows).Select(i => (double)i).ToArray();
                    Add("max |Spearman(row, value)|", t.Floats.Max(f => AbsSpearman(idx, f)));
                }
                if (t.Floats.Count >= 2)
                {
                    var best = 0.0;
                    for (var i = 0; i < t.Floats.Count; i++)
                        for (var j = i + 1; j < t.Floats.Count; j++) best = Math.Max(best, AbsSpearman(t.Floats[i], t.Floats[j]));
                    Add("within-table max |Spearman|", best);
                }
                foreach (var (parent, rows) in t.Fks)
                {
                    var p = db[parent];
                    if (t.Floats.Count == 0 || p.Floats.Count == 0) continue;
                    var best = 0.0;
                    foreach (var pc in p.Floats)
                    {
                        var joined = rows.Select(r => pc[r]).ToArray();
                        foreach (var cc in t.Floats) best = Math.Max(best, AbsSpearman(cc, joined));
                    }
                    Add("parent→child max |Spearman|", best);
                }
            }
            foreach (var (k, v) in s) (result.TryGetValue(k, out var l) ? l : result[k] = []).Add(v.Average());
        }
        return result;
    }

    /// <summary>Two-sample Kolmogorov–Smirnov: the statistic D and its asymptotic p-value (Stephens' small-sample
    /// correction, Numerical Recipes' probks).</summary>
    internal static (double D, double P) Ks(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        var x = a.Order().ToArray();
        var y = b.Order().ToArray();
        int i = 0, j = 0;
        var d = 0.0;
        while (i < x.Length && j < y.Length)
        {
            var v = Math.Min(x[i], y[j]);
            while (i < x.Length && x[i] <= v) i++;
            while (j < y.Length && y[j] <= v) j++;
            d = Math.Max(d, Math.Abs(i / (double)x.Length - j / (double)y.Length));
        }
        var ne = Math.Sqrt(x.Length * (double)y.Length / (x.Length + y.Length));
        var lambda = (ne + 0.12 + 0.11 / ne) * d;
        double p = 0, sign = 1;
        for (var k = 1; k <= 100; k++)
        {
            var term = sign * 2 * Math.Exp(-2 * k * k * lambda * lambda);
            p += term;
            if (Math.Abs(term) < 1e-10) break;
            sign = -sign;
        }
        return (d, lambda < 1e-3 ? 1 : Math.Clamp(p, 0, 1));
    }

    [Fact]
    public void Ks_detects_a_shift_and_accepts_the_same_law()
    {
        var rng = CounterRng.Stream(3, 4);
        var a = Enumerable.Range(0, 400).Select(i => rng.Normal(i, 0)).ToList();
        var b = Enumerable.Range(0, 400).Select(i => rng.Normal(i, 1)).ToList();
        var c = Enumerable.Range(0, 400).Select(i => rng.Normal(i, 2) + 0.4).ToList();
        Assert.True(Ks(a, b).P > 0.05);
        Assert.True(Ks(a, c).P < 1e-4);
    }

    /// <summary>Three comparisons. (1) KS on the same seeds (same schemas and MLPs): p &gt; 0.05 on every statistic.
    /// (2) Paired: per-database statistics within 0.02 of the exact engine's for ≥ 95 % of the databases (the sharp
    /// check). (3) Disjoint seeds: exact on seeds A against tabulated on seeds B, with exact on seeds B as the control;
    /// a statistic fails only when tabulated differs (p ≤ 0.05) where exact on the same seeds does not (p &gt; 0.05), so
    /// a difference between the two seed sets' schemas is not blamed on the encoders.</summary>
    private void Compare(int count, SamplerConfig cfg)
    {
        const ulong seedsA = 1000, seedsB = 500_000;
        var exact = Statistics(Generate(count, seedsA, cfg, EncoderMode.Exact));
        var paired = Statistics(Generate(count, seedsA, cfg, EncoderMode.Tabulated));
        var tabulatedB = Statistics(Generate(count, seedsB, cfg, EncoderMode.Tabulated));
        var exactB = Statistics(Generate(count, seedsB, cfg, EncoderMode.Exact));
        var failures = new List<string>();
        foreach (var (name, e) in exact)
        {
            var p = paired[name];
            var (d, ks) = Ks(e, p);
            var close = e.Count == p.Count ? e.Zip(p).Count(z => Math.Abs(z.First - z.Second) <= 0.02) / (double)e.Count : 0;
            var (dB, ksB) = Ks(e, tabulatedB[name]);
            var (_, control) = Ks(e, exactB[name]);
            var line = $"{name}: exact median {Stats.Quantile(e, 0.5):F3}, tabulated {Stats.Quantile(p, 0.5):F3} (n={e.Count}); " +
                       $"same seeds KS D={d:F3} p={ks:F3}, {close:P0} of databases within 0.02; disjoint seeds KS D={dB:F3} " +
                       $"p={ksB:F3} (control exact vs exact p={control:F3})";
            output.WriteLine(line);
            var skewLike = name is "numeric skew";
            if (ks <= 0.05 || (!skewLike && close < 0.95) || (ksB <= 0.05 && control > 0.05)) failures.Add(line);
        }
        Assert.Empty(failures);
    }

    [Fact]
    public void Tabulated_engine_matches_the_exact_engine_on_50_small_databases_each() => Compare(50, Small);

    [Fact]
    [Trait("Category", "TabulatedFull")]
    public void Tabulated_engine_matches_the_exact_engine_on_200_databases_each()
    {
        if (Environment.GetEnvironmentVariable("PLUREL_TABULATED_FULL") != "1") return;
        Compare(200, new SamplerConfig { Tables = new(3, 10) });
    }
}
