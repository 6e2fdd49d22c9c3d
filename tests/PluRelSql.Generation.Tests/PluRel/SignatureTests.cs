using PluRelSql.Core;
using PluRelSql.Generation.PluRel;
using PluRelSql.Schema;
using Xunit.Abstractions;

namespace PluRelSql.Generation.Tests.PluRel;

/// <summary>One generated table reduced to what the fidelity signatures (the statistics compared with the original generator) read.</summary>
internal sealed record SigTable(string Name, bool Activity, int Rows, List<double[]> Floats, List<bool[]> Bools,
    List<(string Parent, long[] Rows)> Fks);

/// <summary>Databases for the fidelity-signature checks: PluRel ones and a naive control (independent tables, uniform FKs,
/// i.i.d. columns) with the same schemas.</summary>
public sealed class SignatureFixture
{
    public const int Databases = 50;

    internal static readonly SamplerConfig Config = new()
    {
        Tables = new(3, 6), EntityRows = new(150, 250), ActivityRows = new(400, 700), FeatureColumns = new(3, 12),
    };

    internal List<List<SigTable>> PluRel { get; } = [];
    internal List<List<SigTable>> Naive { get; } = [];

    public SignatureFixture()
    {
        var plurel = new List<SigTable>[Databases];
        var naive = new List<SigTable>[Databases];
        Parallel.For(0, Databases, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i =>
        {
            var schema = SchemaSampler.Sample((ulong)(1000 + i), Config);
            var db = PluRelDatabase.FromSampled(schema);
            plurel[i] = schema.Tables.Select(t => Read(db, schema, t)).ToList();
            naive[i] = schema.Tables.Select(t => NaiveTable(schema, t, (ulong)i)).ToList();
        });
        PluRel.AddRange(plurel);
        Naive.AddRange(naive);
    }

    private static SigTable Read(PluRelDatabase db, SampledSchema schema, SampledTable st)
    {
        var def = db.Graph.Table(SampledSchema.SchemaName, st.Name);
        var c = db.ComputeChunk(def, 0, (int)st.Rows);
        var floats = c.Columns.Where(x => x.Kind == FeatureValueKind.Double).Select(x => x.Doubles!).ToList();
        var bools = c.Columns.Where(x => x.Kind == FeatureValueKind.Boolean).Select(x => x.Booleans!).ToList();
        var fks = c.ForeignKeys.Select(f => (f.Parent.Name.Name, f.ParentRows)).ToList();
        return new SigTable(st.Name, st.Role == TableRole.Activity, (int)st.Rows, floats, bools, fks);
    }

    private static SigTable NaiveTable(SampledSchema schema, SampledTable st, ulong db)
    {
        var rng = CounterRng.Stream(db, CounterRng.Label(st.Name));
        var n = (int)st.Rows;
        var floats = new List<double[]>();
        var bools = new List<bool[]>();
        var col = 0UL;
        foreach (var f in st.Features)
        {
            col++;
            if (f.Kind == FeatureKind.Numeric) floats.Add(Enumerable.Range(0, n).Select(i => rng.Normal(i, col)).ToArray());
            else bools.Add(Enumerable.Range(0, n).Select(i => rng.Uniform(i, col) < 0.5).ToArray());
        }
        var fks = st.Parents.Select((p, j) => (schema.Tables[p].Name,
            Enumerable.Range(0, n).Select(i => rng.Below(i, schema.Tables[p].Rows, 1000 + (ulong)j)).ToArray())).ToList();
        return new SigTable(st.Name, st.Role == TableRole.Activity, n, floats, bools, fks);
    }
}

public sealed class SignatureTests(SignatureFixture fx, ITestOutputHelper output) : IClassFixture<SignatureFixture>
{
    private static (double[] A, double[] B) Complete(double[] a, double[] b)
    {
        var keep = Enumerable.Range(0, a.Length).Where(i => !double.IsNaN(a[i]) && !double.IsNaN(b[i])).ToArray();
        return (keep.Select(i => a[i]).ToArray(), keep.Select(i => b[i]).ToArray());
    }

    internal static double AbsSpearman(double[] a, double[] b)
    {
        var (x, y) = Complete(a, b);
        return x.Length < 10 ? 0 : Math.Abs(Stats.Spearman(x, y));
    }

    private static double Nmi(int[] a, int[] b)
    {
        var n = a.Length;
        var joint = new Dictionary<(int, int), int>();
        var ca = new int[10];
        var cb = new int[10];
        for (var i = 0; i < n; i++)
        {
            joint[(a[i], b[i])] = joint.GetValueOrDefault((a[i], b[i])) + 1;
            ca[a[i]]++;
            cb[b[i]]++;
        }
        double H(int[] c) => -c.Where(x => x > 0).Sum(x => x / (double)n * Math.Log(x / (double)n));
        var mi = joint.Sum(kv => kv.Value / (double)n * Math.Log(kv.Value * (double)n / (ca[kv.Key.Item1] * (double)cb[kv.Key.Item2])));
        var h = (H(ca) + H(cb)) / 2;
        return h <= 0 ? 0 : mi / h;
    }

    /// <summary>Per FK: NMI(decile of child row, decile of parent row) minus the same with the FK column shuffled.</summary>
    internal static List<double> LocalityExcess(List<List<SigTable>> dbs)
    {
        var result = new List<double>();
        foreach (var db in dbs)
            foreach (var t in db)
                foreach (var (parent, rows) in t.Fks)
                {
                    var a = db.Single(x => x.Name == parent).Rows;
                    var childDec = Enumerable.Range(0, rows.Length).Select(i => (int)(10L * i / rows.Length)).ToArray();
                    var parentDec = rows.Select(p => (int)(10L * p / a)).ToArray();
                    var rng = CounterRng.Stream(5, CounterRng.Label(t.Name + parent));
                    var shuffled = (int[])parentDec.Clone();
                    for (var i = shuffled.Length - 1; i > 0; i--)
                    {
                        var j = (int)rng.Below(i, i + 1);
                        (shuffled[i], shuffled[j]) = (shuffled[j], shuffled[i]);
                    }
                    result.Add(Nmi(childDec, parentDec) - Nmi(childDec, shuffled));
                }
        return result;
    }

    /// <summary>Per FK: max |Spearman| over (child float column, parent float column joined through the FK).</summary>
    internal static List<double> ParentChild(List<List<SigTable>> dbs)
    {
        var result = new List<double>();
        foreach (var db in dbs)
            foreach (var t in db)
                foreach (var (parent, rows) in t.Fks)
                {
                    var p = db.Single(x => x.Name == parent);
                    if (t.Floats.Count == 0 || p.Floats.Count == 0) continue;
                    var best = 0.0;
                    foreach (var pc in p.Floats)
                    {
                        var joined = rows.Select(r => pc[r]).ToArray();
                        foreach (var cc in t.Floats) best = Math.Max(best, AbsSpearman(cc, joined));
                    }
                    result.Add(best);
                }
        return result;
    }

    /// <summary>Per table with ≥ 2 float columns: max |Spearman| over pairs of float columns.</summary>
    private static List<double> WithinTable(List<List<SigTable>> dbs) =>
        dbs.SelectMany(db => db).Where(t => t.Floats.Count >= 2).Select(t =>
        {
            var best = 0.0;
            for (var i = 0; i < t.Floats.Count; i++)
                for (var j = i + 1; j < t.Floats.Count; j++) best = Math.Max(best, AbsSpearman(t.Floats[i], t.Floats[j]));
            return best;
        }).ToList();

    /// <summary>Per table: max over float columns of |Spearman(row index, value)|.</summary>
    private static List<(bool Activity, double Trend)> Trend(List<List<SigTable>> dbs) =>
        dbs.SelectMany(db => db).Where(t => t.Floats.Count > 0).Select(t =>
        {
            var idx = Enumerable.Range(0, t.Rows).Select(i => (double)i).ToArray();
            return (t.Activity, t.Floats.Max(f => AbsSpearman(idx, f)));
        }).ToList();

    /// <summary>Per table: max lag-1 autocorrelation over float columns, NaNs linearly interpolated.</summary>
    private static List<(bool Activity, double Ac)> Autocorrelation(List<List<SigTable>> dbs) =>
        dbs.SelectMany(db => db).Where(t => t.Floats.Count > 0).Select(t => (t.Activity, t.Floats.Max(f => Stats.Lag1(Interpolate(f))))).ToList();

    internal static double[] Interpolate(double[] x)
    {
        var y = (double[])x.Clone();
        var known = Enumerable.Range(0, y.Length).Where(i => !double.IsNaN(y[i])).ToArray();
        if (known.Length == 0) return new double[y.Length];
        for (var i = 0; i < y.Length; i++)
        {
            if (!double.IsNaN(y[i])) continue;
            var next = Array.FindIndex(known, k => k > i);
            if (next <= 0) { y[i] = x[known[next < 0 ? ^1 : 0]]; continue; }
            int a = known[next - 1], b = known[next];
            y[i] = x[a] + (x[b] - x[a]) * (i - a) / (b - a);
        }
        return y;
    }

    /// <summary>P(true) of every boolean column that is not constant (the reference drops constant ones).</summary>
    private static List<double> BoolBalance(List<List<SigTable>> dbs) =>
        dbs.SelectMany(db => db).SelectMany(t => t.Bools).Select(b => b.Count(x => x) / (double)b.Length)
            .Where(p => p is > 0 and < 1).ToList();

    private static double Collapse(List<List<SigTable>> dbs)
    {
        var all = dbs.SelectMany(db => db).SelectMany(t => t.Bools).ToList();
        return all.Count(b => b.All(x => x) || !b.Any(x => x)) / (double)all.Count;
    }

    private string Q(IEnumerable<double> xs)
    {
        var l = xs.ToList();
        return string.Join(" / ", new[] { 0.05, 0.25, 0.5, 0.75, 0.95 }.Select(q => Stats.Quantile(l, q).ToString("F3"))) + $" (n={l.Count})";
    }

    [Fact]
    public void Fk_index_locality_separates_plurel_from_naive()
    {
        var ours = LocalityExcess(fx.PluRel);
        var naive = LocalityExcess(fx.Naive);
        output.WriteLine($"locality excess plurel {Q(ours)}; naive {Q(naive)}");
        Assert.True(ours.Count >= 50);
        Assert.InRange(ours.Count(x => x > 0.05) / (double)ours.Count, 0.55, 0.95);  // reference ≈ 76 %
        Assert.InRange(naive.Count(x => x > 0.05) / (double)naive.Count, 0, 0.05);   // reference ≈ 0
    }

    [Fact]
    public void Parent_child_dependence_separates_plurel_from_naive()
    {
        var ours = ParentChild(fx.PluRel);
        var naive = ParentChild(fx.Naive);
        output.WriteLine($"parent->child max|rho| plurel {Q(ours)}; naive {Q(naive)}");
        Assert.InRange(ours.Count(x => x > 0.2) / (double)ours.Count, 0.3, 0.8);      // reference ≈ 48 %
        Assert.InRange(naive.Count(x => x > 0.2) / (double)naive.Count, 0, 0.1);     // reference: never
    }

    [Fact]
    public void Within_table_dependence_separates_plurel_from_naive()
    {
        var ours = WithinTable(fx.PluRel);
        var naive = WithinTable(fx.Naive);
        output.WriteLine($"within-table max|rho| plurel {Q(ours)}; naive {Q(naive)}");
        // Reference (default column counts, 3–20 tables): 0.02 / 0.09 / 0.63 / 0.87 / 1.00. With at most 12 columns per table
        // (for test time) there are far fewer float pairs, so the maximum is lower: this engine gives ≈ 0.10 / 0.20 / 0.55
        // here and 0.17 / 0.49 / 0.82 (q25 / median / q75) with the default 3–40 columns.
        Assert.InRange(Stats.Quantile(ours, 0.75), 0.35, 0.95);
        Assert.InRange(Stats.Quantile(ours, 0.95), 0.8, 1.0);
        Assert.InRange(Stats.Quantile(naive, 0.75), 0, 0.2);   // reference ≲ 0.1
        Assert.InRange(Stats.Quantile(naive, 0.95), 0, 0.3);
    }

    [Fact]
    public void Temporal_trend_appears_in_plurel_tables_and_not_in_naive_ones()
    {
        var ours = Trend(fx.PluRel);
        var naive = Trend(fx.Naive);
        double Share(IEnumerable<(bool A, double T)> xs, bool activity)
        {
            var l = xs.Where(x => x.A == activity).ToList();
            return l.Count(x => x.T > 0.2) / (double)l.Count;
        }
        output.WriteLine($"trend>0.2 plurel activity {Share(ours, true):F3} entity {Share(ours, false):F3}; " +
                         $"naive activity {Share(naive, true):F3} entity {Share(naive, false):F3}");
        // Reference (619 tables): 24 % of activity vs 13 % of entity tables. With ~100 activity tables here the gap is
        // within sampling noise (two keyings of the HSBM streams gave 0.19 / 0.11 and 0.14 / 0.15), so only the
        // levels are checked; the naive control has no trend at all.
        Assert.InRange(Share(ours, true), 0.1, 0.5);
        Assert.InRange(Share(ours, false), 0.03, 0.3);
        Assert.InRange(Share(naive, true), 0, 0.03);
        Assert.InRange(Share(naive, false), 0, 0.03);
    }

    [Fact]
    public void Autocorrelation_appears_in_plurel_tables_and_not_in_naive_ones()
    {
        var ours = Autocorrelation(fx.PluRel);
        var naive = Autocorrelation(fx.Naive);
        double Share(IEnumerable<(bool A, double Ac)> xs, bool activity)
        {
            var l = xs.Where(x => x.A == activity).ToList();
            return l.Count(x => x.Ac > 0.5) / (double)l.Count;
        }
        output.WriteLine($"lag-1 > 0.5 plurel activity {Share(ours, true):F3} entity {Share(ours, false):F3}; " +
                         $"naive activity {Share(naive, true):F3} entity {Share(naive, false):F3}");
        Assert.InRange(Share(ours, true), 0.1, 0.5);    // reference ≈ 25 %
        Assert.InRange(Share(ours, false), 0.04, 0.4);  // reference ≈ 14 % (AR noise in entity sources)
        Assert.Equal(0, Share(naive, true));
        Assert.Equal(0, Share(naive, false));
    }

    [Fact]
    public void Some_float_columns_are_nearly_discrete_unlike_naive()
    {
        static double NearlyDiscrete(List<List<SigTable>> dbs)
        {
            var cols = dbs.SelectMany(db => db).SelectMany(t => t.Floats).ToList();
            return cols.Count(c => c.Where(v => !double.IsNaN(v)).Distinct().Count() < 0.005 * c.Length) / (double)cols.Count;
        }
        output.WriteLine($"floats with < 0.5 % distinct values: plurel {NearlyDiscrete(fx.PluRel):F3}; naive {NearlyDiscrete(fx.Naive):F3}");
        Assert.InRange(NearlyDiscrete(fx.PluRel), 0.02, 0.2);   // reference ≈ 7 %
        Assert.Equal(0, NearlyDiscrete(fx.Naive));
    }

    [Fact]
    public void Booleans_lean_true_unlike_naive()
    {
        var ours = BoolBalance(fx.PluRel);
        var naive = BoolBalance(fx.Naive);
        output.WriteLine($"P(true) plurel {Q(ours)}; naive {Q(naive)}; constant share plurel {Collapse(fx.PluRel):F3} naive {Collapse(fx.Naive):F3}");
        Assert.InRange(Collapse(fx.PluRel), 0.15, 0.6);          // reference ≈ 35 %
        Assert.Equal(0, Collapse(fx.Naive));
        Assert.InRange(Stats.Quantile(ours, 0.5), 0.7, 0.97);   // reference median 0.85
        Assert.InRange(Stats.Quantile(naive, 0.5), 0.45, 0.55);
    }
}
