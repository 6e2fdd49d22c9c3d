using System.Diagnostics;
using PluRelSql.Core;
using PluRelSql.Generation.PluRel;

namespace PluRelSql.Generation.Tests.PluRel;

/// <summary>The engine alone (no database) on make bench's corpus, one generator thread: rows per second of process
/// CPU time in both encoder modes, alternated in one process, and the exact engine's share of its compute ceiling (its
/// frozen-MLP multiply-adds at the matrix kernel's rate, measured in the same process). CPU time, not wall time,
/// because the machines these run on are shared. PLUREL_BENCH=1 dotnet test -c Release --filter EngineSpeedBench
/// --logger "console;verbosity=detailed".</summary>
public sealed class EngineSpeedBench
{
    private static (long Rows, double Cpu, double Fmas) Run(EncoderMode mode, int count = 16)
    {
        var cfg = new SamplerConfig { Tables = new(10, 10) };
        long rows = 0;
        double fmas = 0;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        for (var i = 0; i < count; i++)
        {
            var schema = SchemaSampler.Sample(CounterRng.Stream(1, (ulong)i).Key, cfg);
            var db = PluRelDatabase.FromSampled(schema, PluRelConfig.WithEncoders(mode), new PluRelRuntimeOptions { Threads = 1 });
            foreach (var t in db.Graph.Tables)
            {
                var n = db.Rows(t);
                for (long s = 0; s < n; s += 8192) rows += db.ComputeChunk(t, s, (int)Math.Min(8192, n - s)).Count;
            }
            fmas += db.MlpFmas();
        }
        return (rows, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds, fmas);
    }

    private static double KernelRate()
    {
        const int rows = 32, calls = 6400;
        var rng = new Random(1);
        var x = Enumerable.Range(0, rows * 32).Select(_ => (float)rng.NextDouble()).ToArray();
        var w = Enumerable.Range(0, 32 * 32).Select(_ => (float)rng.NextDouble()).ToArray();
        var y = new float[rows * 32];
        var best = double.MaxValue;
        for (var round = 0; round < 5; round++)
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            for (var i = 0; i < calls; i++) Mlp.MatMul(x, rows, 32, w, 32, y);
            best = Math.Min(best, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
        }
        return (double)calls * rows * 32 * 32 / best;
    }

    [BenchFact]
    public void Engine_rows_per_cpu_second()
    {
        // JIT warm-up on two databases, then one pass of each mode.
        Run(EncoderMode.Exact, 2);
        Run(EncoderMode.Tabulated, 2);
        var e = Run(EncoderMode.Exact);
        var t = Run(EncoderMode.Tabulated);
        var (exact, tab, rows, fmas) = (e.Rows / e.Cpu, t.Rows / t.Cpu, e.Rows, e.Fmas);
        var kernel = KernelRate();
        var ceiling = rows / (fmas / kernel);
        var msg = $"engine only, 16 ten-table databases, {rows:N0} rows, {fmas / rows:N0} multiply-adds per row: exact {exact:N0} rows per " +
                  $"CPU second, tabulated {tab:N0} ({tab / exact:F2}x exact); kernel {kernel / 1e9:F1} G multiply-adds per CPU second: " +
                  $"ceiling {ceiling:N0} rows per CPU second, exact at {exact / ceiling * 100:F0} %";
        Console.WriteLine(msg);
        Assert.True(exact > 0 && tab > 0);
    }
}
