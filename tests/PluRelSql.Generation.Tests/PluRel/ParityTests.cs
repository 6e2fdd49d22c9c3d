using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using PluRelSql.Core;
using PluRelSql.Generation.PluRel;
using Xunit.Abstractions;

namespace PluRelSql.Generation.Tests.PluRel;

/// <summary>One generated ten-table database as the parity figures read it: the signature tables (constant booleans dropped)
/// and, per activity table, its time column.</summary>
internal sealed record ParityDb(List<SigTable> Tables, Dictionary<string, double[]> Times);

/// <summary>Ten-table databases with the sample defaults (<c>plurel corpus --tables-range 10-10</c>: the default
/// <see cref="SamplerConfig"/> with ten tables, database seeds drawn as the corpus draws them), computed in memory, each once
/// per test run whichever tests ask for it. Constant boolean columns are dropped as <see cref="SampledSchemaPluRelGenerator"/>
/// drops them (<see cref="PluRelDatabase.ConstantBooleanColumns"/>).</summary>
internal static class ParityCorpus
{
    public const ulong CorpusSeed = 16;

    private static readonly SamplerConfig Config = new() { Tables = new(10, 10) };
    private static readonly ConcurrentDictionary<int, Lazy<ParityDb>> Cache = new();

    public static List<ParityDb> Get(int count)
    {
        var dbs = new ParityDb[count];
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            i => dbs[i] = Cache.GetOrAdd(i, k => new Lazy<ParityDb>(() => Make(k))).Value);
        return [.. dbs];
    }

    private static ParityDb Make(int i)
    {
        var schema = SchemaSampler.Sample(CounterRng.Stream(CorpusSeed, (ulong)i).Key, Config);
        var db = PluRelDatabase.FromSampled(schema);
        var tables = new List<SigTable>();
        var times = new Dictionary<string, double[]>();
        foreach (var st in schema.Tables)
        {
            var def = db.Graph.Table(SampledSchema.SchemaName, st.Name);
            var dropped = db.ConstantBooleanColumns(def);
            var c = db.ComputeChunk(def, 0, (int)st.Rows);
            var kept = c.Columns.Where(x => !dropped.Contains(x.Column)).ToList();
            var floats = kept.Where(x => x.Kind == FeatureValueKind.Double).Select(x => x.Doubles!).ToList();
            var bools = kept.Where(x => x.Kind == FeatureValueKind.Boolean)
                .Select(x => x.Booleans!.Where((_, r) => !x.IsNull(r)).ToArray()).ToList();
            var fks = c.ForeignKeys.Select(f => (f.Parent.Name.Name, f.ParentRows)).ToList();
            tables.Add(new SigTable(st.Name, st.Role == TableRole.Activity, (int)st.Rows, floats, bools, fks));
            if (kept.FirstOrDefault(x => x.Kind == FeatureValueKind.Timestamp) is { } time)
                times[st.Name] = time.Timestamps!.Select(t => (double)t.Ticks).ToArray();
        }
        return new ParityDb(tables, times);
    }
}

/// <summary>One figure of <c>plurel-reference.json</c>: the original's value (or count of) and our reading of it.</summary>
internal sealed record ParityFigure(string Name, double? Value, int? Count, int? Of, string Definition, string? Statistic,
    double? KnownGap)
{
    public static IReadOnlyList<ParityFigure> Load()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "PluRel", "plurel-reference.json")));
        return doc.RootElement.GetProperty("figures").EnumerateArray().Select(f => new ParityFigure(
            f.GetProperty("name").GetString()!,
            f.TryGetProperty("value", out var v) ? v.GetDouble() : null,
            f.TryGetProperty("count", out var c) ? c.GetInt32() : null,
            f.TryGetProperty("of", out var o) ? o.GetInt32() : null,
            f.GetProperty("definition").GetString()!,
            f.TryGetProperty("statistic", out var s) ? s.GetString() : null,
            f.TryGetProperty("known_gap", out var g) ? g.GetProperty("measured").GetDouble() : null)).ToList();
    }
}

/// <summary>The parity figures: each figure of the data file computed over our databases per its definition, compared with the
/// original's value. A value figure passes when |ours − reference| ≤ 3·SE·√(1 + n/32) (SE: bootstrap over our n databases; the
/// reference's own error is taken as ours scaled to its 32 databases, so at n = 32 the bound is 3·√2·SE), floored at 1 % of the
/// reference (and 0.005). A count figure passes a two-sided Fisher exact test at p &gt; 0.01.</summary>
internal static class Parity
{
    public const int ReferenceDatabases = 32;
    private const int BootstrapDraws = 400;

    /// <summary>A value figure as per-database items (computed once per database) and the statistic of the pooled items.</summary>
    public static (Func<ParityDb, double[]> Items, Func<IReadOnlyList<double>, double> Pool) Estimator(ParityFigure f) => f.Name switch
    {
        "rows_per_table" => (d => [.. d.Tables.Select(t => (double)t.Rows)], Median),
        "fk_indegree_gini" => (d => [.. IndegreeGini(d)], Median),
        "fk_locality_share" => (d => [.. SignatureTests.LocalityExcess([d.Tables]).Select(x => x > 0.05 ? 1.0 : 0.0)], Mean),
        "parent_child_max_abs_spearman" => (d => [.. SignatureTests.ParentChild([d.Tables])], Median),
        "boolean_share_of_columns" => (d => [.. d.Tables.SelectMany(t => t.Bools.Select(_ => 1.0).Concat(t.Floats.Select(_ => 0.0)))], Mean),
        "boolean_minority_share" => (d => [.. PTrue(d).Select(p => Math.Min(p, 1 - p))], Median),
        "boolean_p_true" => (d => [.. PTrue(d)], Median),
        "columns_per_table" => (d => [.. d.Tables.Select(t => (double)(t.Bools.Count + t.Floats.Count))], Mean),
        "activity_max_lag1_p75" => (d => [.. d.Tables.Where(t => t.Activity && t.Floats.Count > 0)
            .Select(t => t.Floats.Max(x => Stats.Lag1(SignatureTests.Interpolate(x))))], xs => Stats.Quantile(xs, 0.75)),
        _ => throw new InvalidOperationException($"{f.Name}: no estimator for this figure"),
    };

    private static double Mean(IReadOnlyList<double> xs) => xs.Average();

    private static double Median(IReadOnlyList<double> xs) => Stats.Quantile(xs, 0.5);

    /// <summary>Activity tables with a float column monotone in time, and all activity tables.</summary>
    public static (int Hits, int Of) MonotoneActivity(IReadOnlyList<ParityDb> dbs)
    {
        var hits = 0;
        var of = 0;
        foreach (var d in dbs)
            foreach (var t in d.Tables.Where(t => t.Activity))
            {
                of++;
                var time = d.Times[t.Name];
                if (t.Floats.Any(x => SignatureTests.AbsSpearman(x, time) > 0.999)) hits++;
            }
        return (hits, of);
    }

    /// <summary>Activity tables and all tables.</summary>
    public static (int Hits, int Of) ActivityTables(IReadOnlyList<ParityDb> dbs) =>
        (dbs.Sum(d => d.Tables.Count(t => t.Activity)), dbs.Sum(d => d.Tables.Count));

    private static IEnumerable<double> PTrue(ParityDb d) =>
        d.Tables.SelectMany(t => t.Bools).Where(b => b.Length > 0).Select(b => b.Count(x => x) / (double)b.Length);

    /// <summary>Per FK: Gini of the in-degree of every parent row (rows no child points to count as 0).</summary>
    private static IEnumerable<double> IndegreeGini(ParityDb d)
    {
        foreach (var t in d.Tables)
            foreach (var (parent, rows) in t.Fks)
            {
                var deg = new double[d.Tables.Single(x => x.Name == parent).Rows];
                foreach (var r in rows) deg[r]++;
                Array.Sort(deg);
                double sum = 0, weighted = 0;
                for (var i = 0; i < deg.Length; i++)
                {
                    sum += deg[i];
                    weighted += (i + 1) * deg[i];
                }
                var n = deg.Length;
                yield return sum == 0 ? 0 : 2 * weighted / (n * sum) - (n + 1.0) / n;
            }
    }

    /// <summary>Standard error of <paramref name="pool"/> by resampling the databases (their item lists) with replacement (fixed seed).</summary>
    public static double BootstrapSe(IReadOnlyList<double[]> dbs, Func<IReadOnlyList<double>, double> pool)
    {
        var rng = CounterRng.Stream(7, CounterRng.Label("parity-bootstrap"));
        var values = new double[BootstrapDraws];
        for (var b = 0; b < BootstrapDraws; b++)
        {
            var sample = Enumerable.Range(0, dbs.Count).SelectMany(i => dbs[(int)rng.Below(i, dbs.Count, (ulong)b)]).ToList();
            values[b] = pool(sample);
        }
        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
    }

    /// <summary>Two-sided Fisher exact test on the 2×2 table (a of n1) against (b of n2): the probability, under fixed margins, of
    /// a table no more likely than the observed one.</summary>
    public static double FisherTwoSided(int a, int n1, int b, int n2)
    {
        var hits = a + b;
        var n = n1 + n2;
        double LogP(int x) => LogChoose(n1, x) + LogChoose(n2, hits - x) - LogChoose(n, hits);
        var observed = LogP(a);
        var p = 0.0;
        for (var x = Math.Max(0, hits - n2); x <= Math.Min(hits, n1); x++)
        {
            var lp = LogP(x);
            if (lp <= observed + 1e-7) p += Math.Exp(lp);
        }
        return Math.Min(1, p);
    }

    private static double LogChoose(int n, int k) => LogFactorial(n) - LogFactorial(k) - LogFactorial(n - k);

    private static double LogFactorial(int n)
    {
        var s = 0.0;
        for (var i = 2; i <= n; i++) s += Math.Log(i);
        return s;
    }

    /// <summary>One row of the table: the figure, ours, the reference, the tolerance (or the Fisher p), and whether it passed.</summary>
    /// <summary><paramref name="Informative"/>: the tolerance is below the reference's size, so a figure that is off by the
    /// figure itself would fail (the measured spread at this many databases is small enough for the check to mean something).</summary>
    public sealed record Row(ParityFigure Figure, string Ours, string Reference, string Bound, bool Pass, bool Informative = true)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"{Figure.Name,-32} {Ours,12} {Reference,12} {Bound,-22} {(Pass ? "ok" : "DIFFERS")}{(Informative ? "" : " (uninformative: tolerance ≥ reference)")}{(Figure.KnownGap is { } g ? $" (known gap, measured {g:G4})" : "")}");
    }

    public static Row Compare(ParityFigure f, IReadOnlyList<ParityDb> dbs)
    {
        var inv = CultureInfo.InvariantCulture;
        if (f.Count is { } refHits && f.Of is { } refOf)
        {
            var (hits, of) = f.Name switch
            {
                "monotone_activity_tables" => MonotoneActivity(dbs),
                "activity_table_share" => ActivityTables(dbs),
                _ => throw new InvalidOperationException($"{f.Name}: no counter for this figure"),
            };
            var p = FisherTwoSided(hits, of, refHits, refOf);
            return new Row(f, $"{hits}/{of}", $"{refHits}/{refOf}", string.Create(inv, $"Fisher p={p:G3} > 0.01"), p > 0.01);
        }
        var reference = f.Value ?? throw new InvalidOperationException($"{f.Name}: neither value nor count");
        var (items, pool) = Estimator(f);
        var perDb = dbs.Select(items).ToList();
        var ours = pool([.. perDb.SelectMany(x => x)]);
        var se = BootstrapSe(perDb, pool);
        var tol = Math.Max(3 * se * Math.Sqrt(1 + dbs.Count / (double)ReferenceDatabases), Math.Max(0.005, 0.01 * Math.Abs(reference)));
        return new Row(f, ours.ToString("G4", inv), reference.ToString("G4", inv), string.Create(inv, $"±{tol:G3} (SE {se:G3})"),
            Math.Abs(ours - reference) <= tol, tol < Math.Abs(reference));
    }

    public static List<Row> Table(IEnumerable<ParityFigure> figures, IReadOnlyList<ParityDb> dbs, ITestOutputHelper output)
    {
        var rows = figures.Select(f => Compare(f, dbs)).ToList();
        output.WriteLine($"{dbs.Count} ten-table databases (corpus seed {ParityCorpus.CorpusSeed}) against the original's 32");
        output.WriteLine($"{"figure",-32} {"ours",12} {"reference",12} {"tolerance",-22} verdict");
        foreach (var r in rows) output.WriteLine(r.ToString());
        return rows;
    }
}

/// <summary>A fact that runs only when PLUREL_PARITY=1 (<c>make parity</c>): the full parity set takes minutes.</summary>
public sealed class ParityFactAttribute : FactAttribute
{
    public ParityFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("PLUREL_PARITY") != "1") Skip = "full parity set: set PLUREL_PARITY=1 (make parity)";
    }
}

/// <summary>Our engine against the original PluRel's measured figures (<c>plurel-reference.json</c>, issue 16).</summary>
public sealed class ParityTests(ITestOutputHelper output)
{
    public const int FastDatabases = 12;
    public const int FullDatabases = 32;

    /// <summary>The figures checked in every run at <see cref="FastDatabases"/> databases: those whose measured spread at this size
    /// gives a tolerance below the reference (the others are printed, not checked), less the known gaps, which only the full run
    /// checks (and fails on) until they are closed.</summary>
    [Fact]
    public void Fast_subset_matches_the_original()
    {
        var figures = ParityFigure.Load();
        Assert.Equal(11, figures.Count);
        var rows = Parity.Table(figures.Where(f => f.KnownGap is null), ParityCorpus.Get(FastDatabases), output);
        Assert.True(rows.Count(r => r.Informative) >= 6, "too few figures are stable at this size for a fast check");
        Assert.All(rows.Where(r => r.Informative), r => Assert.True(r.Pass, r.ToString()));
    }

    /// <summary>Every figure at the original's 32 databases, known gaps included: this fails until they are closed.</summary>
    [ParityFact]
    [Trait("Category", "Parity")]
    public void Every_figure_matches_the_original()
    {
        var rows = Parity.Table(ParityFigure.Load(), ParityCorpus.Get(FullDatabases), output);
        Assert.All(rows, r => Assert.True(r.Pass, r.ToString()));
    }

    /// <summary>Which tables are activity tables depends only on the schema graph, so each family's sinks per ten-table graph
    /// are checked against what the original's code gives (<c>code_expectations</c> in the data file) over many graphs, not
    /// against one 32-database sample.</summary>
    [Fact]
    public void Schema_families_give_the_original_code_s_activity_tables()
    {
        const int graphs = 4000;
        var expected = CodeExpectations().GetProperty("schema_sinks_ten_tables");
        var cfg = new GraphConfig();
        foreach (var family in Enum.GetValues<SchemaFamily>())
        {
            var e = expected.GetProperty(family.ToString());
            var sinks = new double[graphs];
            for (var i = 0; i < graphs; i++)
            {
                var d = Draws.For(CounterRng.Label("parity-sinks"), (ulong)family, (ulong)i);
                var dag = GraphFamilies.Schema(family, 10, ref d, cfg);
                sinks[i] = Enumerable.Range(0, 10).Count(v => dag.OutDegree(v) == 0);
            }
            var mean = sinks.Average();
            var se = Math.Sqrt(sinks.Sum(x => (x - mean) * (x - mean)) / (graphs - 1) / graphs);
            var tol = 4 * Math.Sqrt(se * se + Math.Pow(e.GetProperty("se").GetDouble(), 2)) + 1e-9;
            output.WriteLine($"{family}: {mean:F3} sinks per ten-table graph, the original's code {e.GetProperty("mean").GetDouble():F3} (±{tol:F3})");
            Assert.InRange(mean, e.GetProperty("mean").GetDouble() - tol, e.GetProperty("mean").GetDouble() + tol);
        }
    }

    /// <summary>Every monotone activity table of the parity corpus gets it from a temporal source bound to a numeric column, so
    /// how often such a source is monotone in time is checked against the original's code over many sources (its draws in
    /// <c>plurel/ts.py</c> and <c>scm.py</c>, float32 values, the table's missing values, a ten-table database's row counts).</summary>
    [Fact]
    public void Activity_temporal_sources_are_monotone_as_often_as_in_the_original_code()
    {
        const int sources = 3000;
        var expected = CodeExpectations().GetProperty("temporal_source_monotone_share");
        var scm = new ScmConfig();
        var sampler = new SamplerConfig();
        var label = CounterRng.Label("parity-temporal");
        var monotone = 0;
        Parallel.For(0, sources, i =>
        {
            var d = Draws.For(label, (ulong)i);
            var n = d.Int(sampler.ActivityRows);
            var missing = (long)Math.Floor(d.Real(scm.NanRate) * n);
            var ts = TemporalSource.Draw(ref d, CounterRng.Stream(label, (ulong)i, 1), scm, n, TableRole.Activity);
            var values = ts.Values(n);
            var order = new Permutation(n, CounterRng.Stream(label, (ulong)i, 2));
            var kept = Enumerable.Range(0, n).Where(r => order[r] >= missing).ToArray();
            var v = kept.Select(r => (double)(float)values[r]).ToArray();
            if (SignatureTests.AbsSpearman(v, [.. kept.Select(r => (double)r)]) > 0.999) Interlocked.Increment(ref monotone);
        });
        var share = monotone / (double)sources;
        var reference = expected.GetProperty("share").GetDouble();
        var tol = 4 * Math.Sqrt(share * (1 - share) / sources + Math.Pow(expected.GetProperty("se").GetDouble(), 2));
        output.WriteLine($"{monotone} of {sources} activity temporal sources monotone in time ({share:F3}), the original's code {reference:F3} (±{tol:F3})");
        Assert.InRange(share, reference - tol, reference + tol);
    }

    private static JsonElement CodeExpectations()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "PluRel", "plurel-reference.json")));
        return doc.RootElement.GetProperty("code_expectations").Clone();
    }

    [Fact]
    public void Fisher_exact_test_matches_known_values()
    {
        // The issue's own figure: 24 of 128 against 5 of 118 gives p = 5.5e-4 (scipy.stats.fisher_exact, two-sided).
        Assert.InRange(Parity.FisherTwoSided(24, 128, 5, 118), 5.0e-4, 6.0e-4);
        Assert.Equal(1, Parity.FisherTwoSided(5, 118, 5, 118), 6);
    }
}
