using PluRelSql.Core;
using PluRelSql.Generation.PluRel;
using PluRelSql.Schema;
using Xunit.Abstractions;

namespace PluRelSql.Generation.Tests.PluRel;

/// <summary>The tabulated encoder mode (docs/generator.md §4.6): close to the exact MLP on every input, and a pure
/// function of (seed, rows) whatever the threads or the chunking.</summary>
public sealed class TabulatedEncoderTests(ITestOutputHelper output)
{
    private static readonly ScmConfig Tabulated = PluRelConfig.WithEncoders(EncoderMode.Tabulated).Scm;

    /// <summary>Inputs over the whole table range and beyond: log-uniform magnitudes 2^−16 … 2^22, both signs, zeros.</summary>
    internal static double[] Inputs(int n, ulong seed)
    {
        var rng = CounterRng.Stream(seed, 9);
        var x = new double[n];
        for (var i = 0; i < n; i++)
        {
            var mag = Math.Pow(2, -16 + 38 * rng.Uniform(i, 0));
            x[i] = i % 97 == 0 ? 0 : rng.Uniform(i, 1) < 0.5 ? -mag : mag;
        }
        return x;
    }

    [Fact]
    public void Tabulated_encoders_stay_within_the_error_bound_of_the_exact_mlp()
    {
        const int encoders = 300, n = 4096;
        // The cells are checked at ¼, ½, ¾ against 1e−3·(1 + |f|). Between check points a narrow feature (a sharp
        // oscillation or a kink of a deep layer) can slip through: measured over 39 M components, 1,435 exceed the
        // tolerance, 715 ten times it and the worst is 0.18, so the worst case is bounded at 0.25 and the tail by counts.
        const double bound = 0.25;
        var worst = 0.0;
        long exactCells = 0, builtCells = 0, total = 0, overTolerance = 0, overTenTimes = 0;
        for (var e = 0; e < encoders; e++)
        {
            var d = Draws.For(42, (ulong)e);
            var enc = Encoder.Random(0, ref d, Tabulated);
            var d2 = Draws.For(42, (ulong)e);
            var exact = Encoder.Random(0, ref d2, PluRelConfig.Main.Scm);
            Assert.NotNull(enc.Tabulated);
            Assert.Null(exact.Tabulated);
            var x = Inputs(n, (ulong)e);
            var s = new Scratch(32);
            var got = new float[32 * Mlp.D];
            var want = new float[32 * Mlp.D];
            for (var off = 0; off < n; off += 32)
            {
                enc.Encode(x.AsSpan(off, 32), 32, got, s);
                exact.Encode(x.AsSpan(off, 32), 32, want, s);
                for (var i = 0; i < got.Length; i++)
                {
                    if (!float.IsFinite(want[i])) continue;
                    var err = Math.Abs(got[i] - want[i]) / (1 + Math.Abs(want[i]));
                    total++;
                    if (err > TabulatedEncoder.Tolerance) overTolerance++;
                    if (err > 10 * TabulatedEncoder.Tolerance) overTenTimes++;
                    worst = Math.Max(worst, err);
                }
            }
            var (built, ex) = enc.Tabulated!.CellCounts();
            builtCells += built;
            exactCells += ex;
        }
        output.WriteLine($"relative error over {total:N0} components: {overTolerance:N0} above {TabulatedEncoder.Tolerance:E0}, " +
                         $"{overTenTimes:N0} above ten times that, worst {worst:E2}; exact cells {exactCells}/{builtCells}");
        Assert.True(worst <= bound, $"worst relative error {worst:E2} > {bound:E2}");
        Assert.True(overTolerance <= total / 10_000, $"{overTolerance} of {total} components beyond the tolerance");
        Assert.True(overTenTimes <= total / 20_000, $"{overTenTimes} of {total} components beyond ten times the tolerance");
        // The table must be used: most cells pass their checks.
        Assert.True(exactCells < builtCells / 2, $"{exactCells} of {builtCells} cells fell back to the MLP");
    }
}

/// <summary>Whole sampled databases in tabulated mode: the same bits whatever the chunking, the threads or the cache.</summary>
public sealed class TabulatedDeterminismTests
{
    private static PluRelDatabase Db(ulong seed, PluRelRuntimeOptions? options = null, EncoderMode mode = EncoderMode.Tabulated) =>
        PluRelDatabase.FromSampled(SchemaSampler.Sample(seed, PluRelDatabaseTests.Small with { ForceTables = 5 }),
            PluRelConfig.WithEncoders(mode), options);

    private static double[][] Doubles(PluRelDatabase db, TableDef t, int chunk)
    {
        var n = (int)db.Rows(t);
        var cols = new List<double[]>();
        for (var s = 0; s < n; s += chunk)
        {
            var c = db.ComputeChunk(t, s, Math.Min(chunk, n - s));
            var doubles = c.Columns.Where(col => col.Kind != FeatureValueKind.Timestamp).Select(col => col.Kind == FeatureValueKind.Double ? col.Doubles! : col.Codes!.Select(k => (double)k).ToArray()).ToList();
            if (cols.Count == 0) cols.AddRange(doubles.Select(_ => new double[n]));
            for (var j = 0; j < doubles.Count; j++) doubles[j].CopyTo(cols[j], s);
        }
        return [.. cols];
    }

    [Theory]
    [InlineData(31UL)]
    [InlineData(32UL)]
    [InlineData(33UL)]
    public void Tabulated_rows_never_depend_on_chunks_threads_or_cache(ulong seed)
    {
        var one = Db(seed);
        var threaded = Db(seed, new PluRelRuntimeOptions { Threads = 3 });
        var uncached = Db(seed, new PluRelRuntimeOptions { ParentCacheRows = 0, ParentCacheBytes = 0 });
        var exact = Db(seed, mode: EncoderMode.Exact);
        var differs = 0;
        // Reverse table order for the threaded one: cells are built in another order.
        foreach (var t in threaded.Graph.Tables.Reverse()) Doubles(threaded, t, 64);
        foreach (var t in one.Graph.Tables)
        {
            var whole = Doubles(one, t, (int)one.Rows(t));
            Assert.Equal(whole, Doubles(one, t, 7));
            Assert.Equal(whole, Doubles(threaded, threaded.Graph.Table(t.Name), (int)one.Rows(t)));
            Assert.Equal(whole, Doubles(uncached, uncached.Graph.Table(t.Name), 33));
            var e = Doubles(exact, exact.Graph.Table(t.Name), (int)one.Rows(t));
            for (var j = 0; j < whole.Length; j++)
                if (!whole[j].AsSpan().SequenceEqual(e[j])) differs++;
        }
        // The mode is really on: some column differs from the exact engine's (same seed, same MLPs, interpolated).
        Assert.True(differs > 0);
    }
}

/// <summary>PLUREL_BENCH=1: rows/s of the engine alone (no database) over 16 sampled ten-table databases, exact and
/// tabulated in the same run, alternating.</summary>
public sealed class TabulatedSpeedTests(ITestOutputHelper output)
{
    [Fact]
    public void Tabulated_and_exact_rows_per_second_in_the_same_run()
    {
        if (Environment.GetEnvironmentVariable("PLUREL_BENCH") != "1") return;
        var cfg = new SamplerConfig { Tables = new(10, 10) };
        double Run(EncoderMode mode)
        {
            long rows = 0;
            var sw = System.Diagnostics.Stopwatch.StartNew();
            for (var i = 0; i < 16; i++)
            {
                var schema = SchemaSampler.Sample(CounterRng.Stream(1, (ulong)i).Key, cfg);
                var db = PluRelDatabase.FromSampled(schema, PluRelConfig.WithEncoders(mode), new PluRelRuntimeOptions { Threads = 2 });
                foreach (var t in db.Graph.Tables)
                {
                    var n = db.Rows(t);
                    for (long s = 0; s < n; s += 8192) rows += db.ComputeChunk(t, s, (int)Math.Min(8192, n - s)).Count;
                }
            }
            return rows / sw.Elapsed.TotalSeconds;
        }
        double exact = 0, tab = 0;
        for (var round = 0; round < 2; round++)
        {
            exact = Math.Max(exact, Run(EncoderMode.Exact));
            tab = Math.Max(tab, Run(EncoderMode.Tabulated));
        }
        output.WriteLine($"engine only, 16 ten-table databases: exact {exact:N0} rows/s, tabulated {tab:N0} rows/s ({tab / exact:F2}x); " +
                         $"x the original's 1,630 rows/s: exact {exact / 1630:F1}x, tabulated {tab / 1630:F1}x");
        Assert.True(tab > 0 && exact > 0);
    }
}
