using System.Diagnostics;
using PluRelSql.Generation.PluRel;
using PluRelSql.Schema;
using Xunit.Abstractions;

namespace PluRelSql.Generation.Tests.PluRel;

public sealed class PluRelDatabaseTests(ITestOutputHelper output)
{
    /// <summary>Small row and column counts keep Debug test runs short; every code path is the same as with the default configuration (docs/generator.md §8).</summary>
    internal static readonly SamplerConfig Small = new()
    {
        EntityRows = new(60, 120), ActivityRows = new(200, 400), FeatureColumns = new(3, 12),
    };

    private static PluRelDatabase Db(ulong seed, int tables, SchemaFamily family = SchemaFamily.BarabasiAlbert,
        PluRelRuntimeOptions? options = null, SamplerConfig? cfg = null) =>
        PluRelDatabase.FromSampled(SchemaSampler.Sample(seed, (cfg ?? Small) with { ForceTables = tables, ForceFamily = family }), options: options);

    private static string Fingerprint(FeatureChunk c, int i) => string.Join("|", c.Columns.Select(col => col.Kind switch
    {
        FeatureValueKind.Double => col.IsNull(i) ? "null" : BitConverter.DoubleToInt64Bits(col.Doubles![i]).ToString(),
        FeatureValueKind.Timestamp => col.Timestamps![i].Ticks.ToString(),
        _ => col.Codes![i].ToString(),
    }).Concat(c.ForeignKeys.Select(f => f.ParentRows[i].ToString())));

    private static List<string> Rows(PluRelDatabase db, TableDef t, int chunk)
    {
        var n = db.Rows(t);
        var rows = new List<string>();
        for (long s = 0; s < n; s += chunk)
        {
            var c = db.ComputeChunk(t, s, (int)Math.Min(chunk, n - s));
            for (var i = 0; i < c.Count; i++) rows.Add(Fingerprint(c, i));
        }
        return rows;
    }

    [Theory]
    [InlineData(3, SchemaFamily.BarabasiAlbert, 0L)]
    [InlineData(11, SchemaFamily.WattsStrogatz, 1L << 16)]
    [InlineData(12, SchemaFamily.ReverseRandomTree, 0L)]
    [InlineData(13, SchemaFamily.BarabasiAlbert, 100L)] // only parents (byte budget) cached, leaves computed per chunk
    public void Chunk_size_never_changes_a_bit(ulong seed, SchemaFamily family, long cacheRows)
    {
        var db = Db(seed, 4, family, new PluRelRuntimeOptions { ParentCacheRows = cacheRows });
        foreach (var t in db.Graph.Tables)
        {
            var whole = Rows(db, t, (int)db.Rows(t));
            Assert.Equal(whole, Rows(db, t, 100));
            Assert.Equal(whole, Rows(db, t, 7));
            // One-row chunks (each recomputes every ancestor when the cache is off): every 9th row.
            for (var r = 0; r < whole.Count; r += 9) Assert.Equal(whole[r], Fingerprint(db.ComputeChunk(t, r, 1), 0));
        }
    }

    [Theory]
    [InlineData(1L << 16)]
    [InlineData(0L)]
    public void Parallel_block_evaluation_never_changes_a_bit(long cacheRows)
    {
        // Tables of a few thousand rows: several 1,024-row blocks, so the whole-table cache and the calibration sample
        // are evaluated by three threads at once.
        var one = Db(21, 5, SchemaFamily.BarabasiAlbert, new PluRelRuntimeOptions { ParentCacheRows = cacheRows }, new SamplerConfig());
        var three = Db(21, 5, SchemaFamily.BarabasiAlbert, new PluRelRuntimeOptions { ParentCacheRows = cacheRows, Threads = 3 }, new SamplerConfig());
        Assert.Contains(one.Graph.Tables, t => one.Rows(t) > 2 * 1024);
        foreach (var t in one.Graph.Tables)
        {
            var n = (int)Math.Min(one.Rows(t), 3000);
            var a = one.ComputeChunk(t, 0, n);
            var b = three.ComputeChunk(three.Graph.Table(t.Name), 0, n);
            for (var i = 0; i < n; i++) Assert.Equal(Fingerprint(a, i), Fingerprint(b, i));
        }
    }

    [Theory]
    [InlineData(1L << 16, 1)]
    [InlineData(0L, 1)]
    [InlineData(1L << 16, 3)]
    public void Export_encodings_cached_per_parent_row_give_the_same_bits_as_encoding_per_child_row(long cacheRows, int threads)
    {
        // Ten tables, so children with several feeding FKs (the first feed cached as aggregates, later ones as encodings).
        var cfg = new SamplerConfig();
        var cached = Db(5, 10, SchemaFamily.BarabasiAlbert, new PluRelRuntimeOptions { ParentCacheRows = cacheRows, Threads = threads }, cfg);
        var plain = Db(5, 10, SchemaFamily.BarabasiAlbert, new PluRelRuntimeOptions { ParentCacheRows = cacheRows, ParentFeedCache = false }, cfg);
        var models = cached.Graph.Tables.Select(cached.Model).OfType<TableModel>().ToList();
        Assert.Contains(models, m => m.CachesFeed(0));
        Assert.Contains(models, m => Enumerable.Range(1, 4).Any(f => m.FeedCount > f && m.CachesFeed(f)));
        Assert.True(cached.MlpFmas() < plain.MlpFmas());
        foreach (var t in cached.Graph.Tables)
        {
            var n = (int)Math.Min(cached.Rows(t), 3000);
            var a = cached.ComputeChunk(t, 0, n);
            var b = plain.ComputeChunk(plain.Graph.Table(t.Name), 0, n);
            for (var i = 0; i < n; i++) Assert.Equal(Fingerprint(b, i), Fingerprint(a, i));
        }
    }

    [Fact]
    public void Recomputing_parents_gives_the_same_bits_as_caching_them_and_a_fresh_database_agrees()
    {
        var cached = Db(8, 5, SchemaFamily.WattsStrogatz);
        var recomputed = Db(8, 5, SchemaFamily.WattsStrogatz, new PluRelRuntimeOptions { ParentCacheRows = 0 });
        foreach (var t in cached.Graph.Tables)
        {
            var other = recomputed.Graph.Table(t.Name);
            var a = cached.ComputeChunk(t, 10, 50);
            var b = recomputed.ComputeChunk(other, 10, 50);
            for (var i = 0; i < 50; i++) Assert.Equal(Fingerprint(a, i), Fingerprint(b, i));
        }
    }

    [Fact]
    public void Concurrent_chunks_on_many_threads_match_a_sequential_pass()
    {
        // Sequential whole-table pass with the cache; concurrent 30-row chunks without it (every chunk recomputes its
        // ancestors on its own thread).
        var sequential = Db(14, 4, SchemaFamily.WattsStrogatz);
        var expected = sequential.Graph.Tables.ToDictionary(t => t.Name, t => Rows(sequential, t, (int)sequential.Rows(t)));
        var shared = Db(14, 4, SchemaFamily.WattsStrogatz, new PluRelRuntimeOptions { ParentCacheRows = 0 });
        var work = shared.Graph.Tables.SelectMany(t => Enumerable.Range(0, (int)((shared.Rows(t) + 29) / 30)).Select(k => (t, k))).Reverse().ToList();
        var results = new System.Collections.Concurrent.ConcurrentDictionary<(QualifiedName, int), List<string>>();
        Parallel.ForEach(work, new ParallelOptions { MaxDegreeOfParallelism = 4 }, w =>
        {
            var start = w.k * 30L;
            var c = shared.ComputeChunk(w.t, start, (int)Math.Min(30, shared.Rows(w.t) - start));
            results[(w.t.Name, w.k)] = Enumerable.Range(0, c.Count).Select(i => Fingerprint(c, i)).ToList();
        });
        foreach (var t in shared.Graph.Tables)
        {
            var rows = results.Where(kv => kv.Key.Item1 == t.Name).OrderBy(kv => kv.Key.Item2).SelectMany(kv => kv.Value).ToList();
            Assert.Equal(expected[t.Name], rows);
        }
    }

    [Fact]
    public void Different_seeds_give_different_values()
    {
        var a = Db(1, 3);
        var b = Db(2, 3);
        var ta = a.Graph.Tables[0];
        var tb = b.Graph.Tables[0];
        var ca = a.ComputeChunk(ta, 0, 50);
        var cb = b.ComputeChunk(tb, 0, 50);
        Assert.NotEqual(Enumerable.Range(0, 50).Select(i => Fingerprint(ca, i)), Enumerable.Range(0, 50).Select(i => Fingerprint(cb, i)));
    }

    [Fact]
    public void Numeric_columns_get_exactly_floor_pi_n_nulls_with_one_rate_per_table_and_others_none()
    {
        for (ulong seed = 0; seed < 3; seed++)
        {
            var db = Db(seed, 4, SchemaFamily.ReverseRandomTree);
            foreach (var t in db.Graph.Tables)
            {
                var n = db.Rows(t);
                var c = db.ComputeChunk(t, 0, (int)n);
                var counts = new HashSet<int>();
                foreach (var col in c.Columns)
                {
                    var nulls = col.Nulls?.Count(x => x) ?? 0;
                    if (col.Kind == FeatureValueKind.Double)
                    {
                        counts.Add(nulls);
                        for (var i = 0; i < n; i++) Assert.Equal(col.IsNull(i), double.IsNaN(col.Doubles![i]));
                    }
                    else Assert.Equal(0, nulls);
                }
                if (counts.Count == 0) continue;
                var count = Assert.Single(counts);
                Assert.InRange(count / (double)n, 0.01 - 1.0 / n, 0.1);
                foreach (var fk in c.ForeignKeys)
                    Assert.All(fk.ParentRows, p => Assert.InRange(p, 0, db.Rows(fk.Parent) - 1));
            }
        }
    }

    [Fact]
    public void Activity_dates_are_evenly_spaced_over_the_shared_window()
    {
        var db = Db(4, 6);
        var activity = db.Graph.Tables.Where(t => db.Role(t) == TableRole.Activity).ToList();
        Assert.NotEmpty(activity);
        foreach (var t in activity)
        {
            var n = db.Rows(t);
            var dates = db.ComputeChunk(t, 0, (int)n)["date"].Timestamps!;
            Assert.Equal(db.Window.Start, dates[0]);
            Assert.Equal(db.Window.End, dates[^1]);
            var steps = dates.Zip(dates.Skip(1), (a, b) => (b - a).Ticks).ToList();
            Assert.All(steps, s => Assert.True(s > 0));
            Assert.InRange(steps.Max() - steps.Min(), 0, 10); // constant step up to microsecond rounding
        }
        Assert.All(db.Graph.Tables.Where(t => db.Role(t) == TableRole.Entity), t =>
        {
            Assert.Null(t.FindColumn("date"));
            Assert.Equal(db.Rows(t), db.RowsUpToTestCutoff(t));
        });
        foreach (var t in activity)
        {
            var n = db.Rows(t);
            var dates = db.ComputeChunk(t, 0, (int)n)["date"].Timestamps!;
            var visible = db.RowsUpToTestCutoff(t);
            Assert.Equal(dates.Count(d => d <= db.Window.TestCutoff), visible);
            Assert.InRange(visible / (double)n, 0.85, 0.95); // ≈ the last 10 % held back
        }
    }

    /// <summary>Rows/s of ComputeChunk over a sampled 10-table database with the default configuration (docs/generator.md §8). Run with
    /// PLUREL_BENCH=1 dotnet test -c Release --filter Throughput --logger "console;verbosity=detailed".</summary>
    [BenchFact]
    public void Throughput_of_a_ten_table_database()
    {
        var db = Db(10, 10, cfg: new SamplerConfig());
        var sw = Stopwatch.StartNew();
        long rows = 0;
        foreach (var t in db.Graph.ComputeLoadOrder().Tables)
        {
            var n = db.Rows(t);
            for (long s = 0; s < n; s += 4096)
            {
                var c = db.ComputeChunk(t, s, (int)Math.Min(4096, n - s));
                rows += c.Count;
            }
        }
        sw.Stop();
        var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        var msg = $"cpu {cpu.TotalSeconds:F1} s; 10-table sampled database: {rows} rows in {sw.Elapsed.TotalSeconds:F2} s = {rows / sw.Elapsed.TotalSeconds:F0} rows/s";
        output.WriteLine(msg);
        Console.WriteLine(msg);
        Assert.True(rows > 5000);
    }

    /// <summary>Multiply-adds per second of the engine's 32-wide matrix kernel on one core (a 32-row tile × 32 × 32,
    /// as the forward pass calls it, repeated): with the frozen-MLP multiply-adds that <c>plurel corpus</c> prints, a floor for any faithful run.
    /// PLUREL_BENCH=1 dotnet test -c Release --filter Matrix_kernel --logger "console;verbosity=detailed".</summary>
    [BenchFact]
    public void Matrix_kernel_throughput()
    {
        const int rows = 32, calls = 6400;
        var rng = new Random(1);
        var x = Enumerable.Range(0, rows * 32).Select(_ => (float)rng.NextDouble()).ToArray();
        var w = Enumerable.Range(0, 32 * 32).Select(_ => (float)rng.NextDouble()).ToArray();
        var y = new float[rows * 32];
        for (var i = 0; i < calls; i++) Mlp.MatMul(x, rows, 32, w, 32, y); // warm up
        var best = double.MaxValue;
        for (var round = 0; round < 5; round++)
        {
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < calls; i++) Mlp.MatMul(x, rows, 32, w, 32, y);
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }
        var rate = (double)calls * rows * 32 * 32 / best;
        var msg = $"matrix kernel: {rate / 1e9:F1} G multiply-adds/s on one core (best of 5)";
        output.WriteLine(msg);
        Console.WriteLine(msg);
        Assert.True(rate > 1e8);
    }
}

/// <summary>A fact that runs only when PLUREL_BENCH=1 (timings are meaningless in Debug builds and on busy machines).</summary>
public sealed class BenchFactAttribute : FactAttribute
{
    public BenchFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("PLUREL_BENCH") != "1") Skip = "benchmark: set PLUREL_BENCH=1 and use -c Release";
    }
}

/// <summary>What one activation costs next to the 32 × 32 matrix product it follows (both per row of a 32-row tile).
/// PLUREL_BENCH=1 dotnet test -c Release --filter Activation_costs --logger "console;verbosity=detailed".</summary>
public sealed class ActivationCostBench(Xunit.Abstractions.ITestOutputHelper output)
{
    [BenchFact]
    public void Activation_costs()
    {
        const int rows = 32, calls = 4000;
        var rng = new Random(1);
        var x = Enumerable.Range(0, rows * 32).Select(_ => (float)(rng.NextDouble() * 8 - 4)).ToArray();
        var w = Enumerable.Range(0, 32 * 32).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var y = new float[rows * 32];
        double Time(Action a)
        {
            for (var i = 0; i < calls / 4; i++) a();
            var best = double.MaxValue;
            for (var round = 0; round < 5; round++)
            {
                var sw = System.Diagnostics.Stopwatch.StartNew();
                for (var i = 0; i < calls; i++) a();
                best = Math.Min(best, sw.Elapsed.TotalSeconds);
            }
            return best / calls;
        }
        var matmul = Time(() => Mlp.MatMul(x, rows, 32, w, 32, y));
        var lines = new List<string> { $"32×32 matrix product of a 32-row tile: {matmul * 1e9:F0} ns" };
        var total = 0.0;
        foreach (var a in ActivationInfo.All)
        {
            var layer = new MlpLayer
            {
                In = 32, Out = 32, W = w, Act = a, Scale = 1.3f,
                SineA = [0.5f, -1f, 0.3f, 0.8f, -0.2f], SineF = [0.3f, 1f, 3f, 7f, 0.5f], SinePhase = [0.1f, 2f, 4f, 1f, 5f],
            };
            var t = Time(() => { x.CopyTo(y, 0); ActivationKernels.Apply(layer, y); });
            total += t;
            lines.Add($"{a,-15} {t * 1e9,6:F0} ns = {t / matmul:F2} × the matrix product");
        }
        lines.Add($"mean over the 29 activations: {total / ActivationInfo.All.Count / matmul:F2} × the matrix product");
        foreach (var l in lines)
        {
            output.WriteLine(l);
            Console.WriteLine(l);
        }
        Assert.True(matmul > 0);
    }
}
