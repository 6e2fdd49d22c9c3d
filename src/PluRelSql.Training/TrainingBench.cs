using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace PluRelSql.Training;

/// <summary>
/// Result of <see cref="TrainingBench.Run"/>. FLOP counts treat a multiply-add as 2 FLOP. Wall-clock figures suffer when
/// other processes share the cores; the CPU-time figures (process CPU seconds, meaningful with one torch thread) do not.
/// </summary>
public sealed record TrainingBenchResult(
    string Device, int Threads, RtConfig Config, long Parameters, int BatchSize, int SequenceLength,
    int RealTokensPerStep, double StepSecondsMedian, double StepSecondsBest, double StepCpuSecondsMedian,
    double TokensPerSecond, double StepFlops, double TrainingFlopsPerSecond,
    int MatmulSize, double MatmulFlopsPerSecondBest, double MatmulFlopsPerSecondMedian, double MatmulFlopsPerCpuSecond)
{
    /// <summary>Median seconds per phase of the measured steps (each phase's own median).</summary>
    public StepPhases? PhasesMedian { get; init; }
    /// <summary>Median seconds to build one batch (context sampling; outside the timed step, prefetched in training).</summary>
    public double BatchSecondsMedian { get; init; }

    /// <summary>Training FLOP/s (median step) as a share of the best plain-matmul FLOP/s on the same device.</summary>
    public double MatmulShare => TrainingFlopsPerSecond / MatmulFlopsPerSecondBest;
    /// <summary>Real tokens per CPU-second of a training step.</summary>
    public double TokensPerCpuSecond => RealTokensPerStep / StepCpuSecondsMedian;
    /// <summary>Training FLOP per CPU-second as a share of matmul FLOP per CPU-second (robust to other load on the machine).</summary>
    public double MatmulShareCpu => StepFlops / StepCpuSecondsMedian / MatmulFlopsPerCpuSecond;

    /// <summary>One-line human summary.</summary>
    public override string ToString() =>
        $"{Device} threads={Threads} d={Config.DModel} L={Config.Layers} H={Config.Heads} params={Parameters:N0} batch={BatchSize}x{SequenceLength} " +
        $"step median {StepSecondsMedian * 1000:F0} ms (best {StepSecondsBest * 1000:F0}) {TokensPerSecond:N0} tokens/s " +
        $"{TrainingFlopsPerSecond / 1e9:F2} GFLOP/s training vs matmul {MatmulSize}² {MatmulFlopsPerSecondBest / 1e9:F1} GFLOP/s best " +
        $"({MatmulFlopsPerSecondMedian / 1e9:F1} median) = {MatmulShare:P0}; per CPU-second: {TokensPerCpuSecond:N0} tokens/s, " +
        $"{StepFlops / StepCpuSecondsMedian / 1e9:F2} GFLOP/s vs matmul {MatmulFlopsPerCpuSecond / 1e9:F1} = {MatmulShareCpu:P0}" +
        (PhasesMedian is { } p ? $"; phases median ms: prepare {p.Prepare * 1000:F0}, forward {p.Forward * 1000:F0}, backward {p.Backward * 1000:F0}, optimizer {p.Optimizer * 1000:F0}; batch build {BatchSecondsMedian * 1000:F0}" : "");
}

/// <summary>Measures training-step throughput of the RT and the plain matmul FLOP/s of the same device, for <c>make bench</c>.</summary>
public static class TrainingBench
{
    /// <summary>
    /// Runs <paramref name="warmupSteps"/> + <paramref name="measuredSteps"/> training steps of <paramref name="config"/> on
    /// <see cref="SyntheticRelationalTask"/> batches of <paramref name="batchSize"/> × <paramref name="sequenceLength"/>, then an
    /// n×n matmul benchmark. <paramref name="threads"/> &gt; 0 sets torch's thread count for both (0 = torch default).
    /// </summary>
    public static TrainingBenchResult Run(RtConfig config, int batchSize, int sequenceLength, int warmupSteps = 2, int measuredSteps = 5,
        string device = "cpu", int matmulSize = 1024, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentOutOfRangeException.ThrowIfLessThan(measuredSteps, 1);
        var cfg = config with { MaxTokens = Math.Max(config.MaxTokens, sequenceLength) };
        var source = new SyntheticRelationalTask(batchSize, sequenceLength, cfg.TextDim, seed: 11);
        var options = new TrainerOptions { Device = device, Threads = threads, WarmupSteps = 1, TotalSteps = warmupSteps + measuredSteps };
        var times = new List<double>();
        var cpuTimes = new List<double>();
        var phases = new List<StepPhases>();
        var batchTimes = new List<double>();
        int realTokens = 0;
        long parameters;
        using (var trainer = Trainer.Create(cfg, options))
        {
            parameters = trainer.Model.ParameterCount();
            for (int i = 0; i < warmupSteps + measuredSteps; i++)
            {
                var built = Stopwatch.StartNew();
                var batch = source.Next(i);
                batch.PrepareAttention(cfg.AttentionKinds);   // as training's prefetching source does, on its worker thread
                double batchSeconds = built.Elapsed.TotalSeconds;
                var cpu0 = ProcessCpuSeconds();
                var report = trainer.TrainStep(batch);   // batch generation stays outside the timed step
                if (i >= warmupSteps)
                {
                    times.Add(report.Seconds);
                    cpuTimes.Add(ProcessCpuSeconds() - cpu0);
                    realTokens = report.Tokens;
                    phases.Add(report.Phases!);
                    batchTimes.Add(batchSeconds);
                }
            }
        }
        times.Sort();
        cpuTimes.Sort();
        double median = times[times.Count / 2], best = times[0], cpuMedian = cpuTimes[cpuTimes.Count / 2];
        double flops = StepFlops(cfg, batchSize, sequenceLength);
        var (mmBest, mmMedian, mmCpu) = Matmul(matmulSize, 10, device);
        return new TrainingBenchResult(device, torch.get_num_threads(), cfg, parameters, batchSize, sequenceLength, realTokens,
            median, best, cpuMedian, realTokens / median, flops, flops / median, matmulSize, mmBest, mmMedian, mmCpu)
        {
            PhasesMedian = new StepPhases(Median(phases.Select(p => p.Prepare)), Median(phases.Select(p => p.Forward)),
                Median(phases.Select(p => p.Backward)), Median(phases.Select(p => p.Optimizer))),
            BatchSecondsMedian = Median(batchTimes),
        };
    }

    /// <summary>Best and median FLOP/s of an n×n float32 matmul (2n³ FLOP) over <paramref name="repetitions"/> runs after one warm-up.</summary>
    public static (double Best, double Median) MatmulFlopsPerSecond(int n = 1024, int repetitions = 10, string device = "cpu")
    {
        var (best, median, _) = Matmul(n, repetitions, device);
        return (best, median);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    private static double ProcessCpuSeconds()
    {
        using var p = Process.GetCurrentProcess();
        return p.TotalProcessorTime.TotalSeconds;
    }

    private static (double Best, double Median, double PerCpuSecond) Matmul(int n, int repetitions, string device)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(repetitions, 1);
        var dev = Trainer.ResolveDevice(device);
        using var scope = NewDisposeScope();
        var a = randn(n, n, device: dev);
        var b = randn(n, n, device: dev);
        a.mm(b).Dispose();
        var seconds = new List<double>();
        double cpu0 = ProcessCpuSeconds();
        for (int i = 0; i < repetitions; i++)
        {
            var clock = Stopwatch.StartNew();
            using (var c = a.mm(b))
            {
                if (dev.type == DeviceType.CUDA) torch.cuda.synchronize();
            }
            seconds.Add(clock.Elapsed.TotalSeconds);
        }
        double cpu = ProcessCpuSeconds() - cpu0;
        seconds.Sort();
        double flop = 2.0 * n * n * n;
        return (flop / seconds[0], flop / seconds[seconds.Count / 2], flop * repetitions / cpu);
    }

    /// <summary>
    /// Analytic FLOP of one training step (forward + backward ≈ 3 × forward) over all B × S slots, counting the dense matmuls:
    /// input projections (column phrase and both text-valued encoders run on every slot), per attention sublayer the four d×d
    /// projections plus QKᵀ and AV over S keys, the SwiGLU FFN. Norms, softmax and elementwise work are left out.
    /// </summary>
    public static double StepFlops(RtConfig config, int batchSize, int sequenceLength)
    {
        ArgumentNullException.ThrowIfNull(config);
        double d = config.DModel, e = config.TextDim, s = sequenceLength, ff = config.FfnDim;
        int textEncoders = config.MaxClasses > 0 ? 2 : 1;
        double input = 2 * e * d * (1 + textEncoders);
        double attention = config.AttentionKinds.Count * (2 * 4 * d * d + 2 * 2 * s * d);
        double ffn = 2 * 3 * d * ff;
        double forwardPerToken = input + config.Layers * (attention + ffn);
        return 3 * forwardPerToken * batchSize * sequenceLength;
    }
}
