using System.Diagnostics;
using System.Text.Json;

namespace PluRelSql.Training.Tests;

public sealed class TrainerTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "plurel-train-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static readonly TrainerOptions Options = new() { Seed = 3, Threads = 1, PeakLearningRate = 3e-3, WarmupSteps = 5, TotalSteps = 40 };

    [Fact]
    public void Resume_continues_bit_for_bit()
    {
        var source = new SyntheticRelationalTask(8, 48, ModelTests.Tiny.TextDim, seed: 21);
        var straight = new List<double>();
        using (var trainer = Trainer.Create(ModelTests.Tiny, Options))
            trainer.Train(source, 20, r => straight.Add(r.Loss));

        var split = new List<double>();
        using (var trainer = Trainer.Create(ModelTests.Tiny, Options))
        {
            trainer.Train(source, 10, r => split.Add(r.Loss));
            trainer.Save(_dir);
        }
        // make sure the resumed trainer cannot lean on any state of this process' torch generator
        Trainer.Seed(999);
        using (var resumed = Trainer.Resume(_dir))
        {
            Assert.Equal(10, resumed.Step);
            resumed.Train(source, 20, r => split.Add(r.Loss));
        }
        Assert.Equal(20, straight.Count);
        Assert.Equal(straight, split);   // exact
        Assert.NotEqual(straight[0], straight[19]);
    }

    [Fact]
    public void Checkpoint_folder_holds_config_model_and_optimizer()
    {
        var source = new SyntheticRelationalTask(4, 48, ModelTests.Tiny.TextDim, seed: 1);
        using (var trainer = Trainer.Create(ModelTests.Tiny, Options))
            trainer.Train(source, 3, checkpointDirectory: _dir);
        Assert.True(File.Exists(Path.Combine(_dir, Trainer.ModelFile)));
        Assert.True(File.Exists(Path.Combine(_dir, Trainer.OptimizerFile)));
        var info = Trainer.ReadCheckpointInfo(_dir);
        Assert.Equal(ModelTests.Tiny, info.Model);
        Assert.Equal(Options, info.Trainer);
        Assert.Equal(3, info.Step);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, Trainer.ConfigFile)));
        Assert.Equal(32, doc.RootElement.GetProperty("Model").GetProperty("DModel").GetInt32());

        using var loaded = Trainer.LoadModel(_dir);
        Assert.Equal(ModelTests.Tiny, loaded.Config);
        File.Delete(Path.Combine(_dir, Trainer.OptimizerFile));
        var ex = Assert.Throws<FileNotFoundException>(() => Trainer.Resume(_dir));
        Assert.Contains(Trainer.OptimizerFile, ex.Message);
    }

    [Fact]
    public void Schedule_warms_up_linearly_then_decays_by_cosine()
    {
        var o = new TrainerOptions { PeakLearningRate = 1e-3, MinLearningRate = 1e-5, WarmupSteps = 10, TotalSteps = 110 };
        Assert.Equal(1e-4, o.LearningRateAt(0), 12);
        Assert.Equal(5e-4, o.LearningRateAt(4), 12);
        Assert.Equal(1e-3, o.LearningRateAt(10), 12);
        Assert.Equal(1e-5 + (1e-3 - 1e-5) * 0.5, o.LearningRateAt(60), 12);
        Assert.Equal(1e-5, o.LearningRateAt(110), 12);
        Assert.Equal(1e-5, o.LearningRateAt(500), 12);
        for (int s = 11; s < 110; s++) Assert.True(o.LearningRateAt(s) < o.LearningRateAt(s - 1));
    }

    [Fact]
    public void Asking_for_cuda_without_a_cuda_runtime_fails_clearly()
    {
        if (TorchSharp.torch.cuda.is_available()) return;   // only meaningful where CUDA is absent (the TorchSharp-cpu package)
        var ex = Assert.Throws<DeviceUnavailableException>(() => Trainer.Create(ModelTests.Tiny, Options with { Device = "cuda" }));
        Assert.Contains("device cuda: no CUDA device is usable", ex.Message);
        Assert.Equal("cuda", ex.Device);
        Assert.Throws<ArgumentException>(() => Trainer.Create(ModelTests.Tiny, Options with { Device = "tpu" }));
    }

    [Fact]
    public void Model_learns_the_planted_relational_task()
    {
        // 8 sequences x 48 slots per batch; every target depends only on parent rows (Feature attention over F->P links)
        var config = new RtConfig { DModel = 32, Layers = 2, Heads = 4, FfnMult = 2, TextDim = 16, MaxTokens = 48, MaxClasses = 4 };
        var source = new SyntheticRelationalTask(8, 48, config.TextDim, seed: 5);
        const int steps = 150;
        var options = new TrainerOptions { Seed = 1, Threads = 1, PeakLearningRate = 3e-3, WarmupSteps = 20, TotalSteps = steps, WeightDecay = 0.01 };
        var losses = new List<double>();
        var clock = Stopwatch.StartNew();
        using var trainer = Trainer.Create(config, options);
        var heldOut = Enumerable.Range(100_000, 12).Select(source.Next).ToList();
        double before = Evaluator.MeanLoss(trainer.Model, heldOut);
        trainer.Train(source, steps, r => losses.Add(r.Loss));
        double first = losses.Take(20).Average(), lastTrain = losses.TakeLast(20).Average();
        double after = Evaluator.MeanLoss(trainer.Model, heldOut);
        Assert.True(lastTrain <= 0.5 * first, $"training loss fell only from {first:F3} to {lastTrain:F3}");
        Assert.True(after <= 0.5 * before, $"held-out loss fell only from {before:F3} to {after:F3}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");

        var predictions = heldOut.SelectMany(b => Evaluator.Predict(trainer.Model, b)).ToList();
        var numbers = predictions.Where(p => p.Type == TokenType.Number).ToList();
        var booleans = predictions.Where(p => p.Type == TokenType.Boolean).ToList();
        var categories = predictions.Where(p => p.Type == TokenType.Categorical).ToList();
        double r2 = Metrics.RSquared(numbers.Select(p => p.TargetValue).ToArray(), numbers.Select(p => p.Value).ToArray());
        double auroc = Metrics.Auroc(booleans.Select(p => p.TargetClass == 1).ToArray(), booleans.Select(p => p.Probability).ToArray());
        double accuracy = Metrics.Accuracy(categories.Select(p => p.TargetClass).ToArray(), categories.Select(p => p.PredictedClass).ToArray());
        Assert.True(r2 > 0.5, $"R² {r2:F3}");
        Assert.True(auroc > 0.9, $"AUROC {auroc:F3}");
        Assert.True(accuracy > 0.6, $"accuracy {accuracy:F3}");

        var byColumn = Metrics.ByColumn(predictions);
        Assert.Equal([SyntheticRelationalTask.AmountColumn, SyntheticRelationalTask.FlaggedColumn, SyntheticRelationalTask.ChannelColumn],
            byColumn.Select(m => m.Column).ToArray());
        Assert.Equal(r2, byColumn[0].RSquared, 12);
        Assert.Equal(auroc, byColumn[1].Auroc, 12);
        Assert.Equal(accuracy, byColumn[2].Accuracy, 12);
        Assert.Equal(predictions.Count, byColumn.Sum(m => m.Count));
    }

    [Fact]
    public void Bench_reports_throughput_and_matmul_share()
    {
        var config = new RtConfig { DModel = 32, Layers = 1, Heads = 2, FfnMult = 2, TextDim = 8, MaxTokens = 64, MaxClasses = 4 };
        var result = TrainingBench.Run(config, batchSize: 4, sequenceLength: 64, warmupSteps: 1, measuredSteps: 2, matmulSize: 256, threads: 1);
        Assert.True(result.TokensPerSecond > 0);
        Assert.True(result.RealTokensPerStep > 0 && result.RealTokensPerStep <= 4 * 64);
        Assert.True(result.MatmulFlopsPerSecondBest >= result.MatmulFlopsPerSecondMedian);
        Assert.True(result.MatmulShare is > 0 and < 10);
        // analytic step FLOP: 3 x (input 2·8·32·3 + 1 block x (3 sublayers x (8·32² + 4·64·32) + 6·32·64)) per slot
        double perSlot = 3 * (2.0 * 8 * 32 * 3 + 3 * (8.0 * 32 * 32 + 4.0 * 64 * 32) + 6.0 * 32 * 64);
        Assert.Equal(perSlot * 4 * 64, result.StepFlops, 6);
    }
}
