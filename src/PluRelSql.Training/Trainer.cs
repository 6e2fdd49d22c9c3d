using System.Diagnostics;
using System.Text.Json;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace PluRelSql.Training;

/// <summary>Supplies training batches. Must be deterministic per step: <c>Next(s)</c> returns the same batch every time it is
/// asked for step s (so a resumed run sees exactly the batches the uninterrupted run would have seen).</summary>
public interface IBatchSource
{
    /// <summary>The batch for optimizer step <paramref name="step"/> (0-based).</summary>
    ContextBatch Next(int step);
}

/// <summary>Optimizer, schedule and runtime settings of a <see cref="Trainer"/>. Saved in config.json with every checkpoint.</summary>
public sealed record TrainerOptions
{
    /// <summary>Seed for the model initialisation (torch.manual_seed) and for anything random the trainer does.</summary>
    public long Seed { get; init; } = 1;
    /// <summary>"cpu" or "cuda" (fails clearly when no CUDA runtime is present).</summary>
    public string Device { get; init; } = "cpu";
    /// <summary>Peak learning rate (reached at the end of warm-up).</summary>
    public double PeakLearningRate { get; init; } = 1e-3;
    /// <summary>Linear warm-up steps from PeakLearningRate/WarmupSteps to PeakLearningRate.</summary>
    public int WarmupSteps { get; init; } = 20;
    /// <summary>Length of the schedule: cosine decay from the peak to MinLearningRate ends here (constant afterwards).</summary>
    public int TotalSteps { get; init; } = 600;
    /// <summary>Floor of the cosine decay.</summary>
    public double MinLearningRate { get; init; } = 1e-5;
    /// <summary>AdamW decoupled weight decay (applied to all parameters, as in the reference).</summary>
    public double WeightDecay { get; init; } = 0.1;
    /// <summary>AdamW β1.</summary>
    public double Beta1 { get; init; } = 0.9;
    /// <summary>AdamW β2.</summary>
    public double Beta2 { get; init; } = 0.999;
    /// <summary>AdamW ε.</summary>
    public double Epsilon { get; init; } = 1e-8;
    /// <summary>Global L2 gradient-norm clip (≤ 0 disables).</summary>
    public double ClipNorm { get; init; } = 1.0;
    /// <summary>torch intra-op threads (torch.set_num_threads, process-wide); 0 keeps torch's default (one per core). On a
    /// small shared machine 1 is much faster than 2: OpenMP threads spin-wait for each other when the cores are busy.
    /// Bit-exact resume needs the same thread count as the original run.</summary>
    public int Threads { get; init; }

    /// <summary>Learning rate used for optimizer step <paramref name="step"/> (0-based): linear warm-up, then cosine decay.</summary>
    public double LearningRateAt(int step)
    {
        if (step < WarmupSteps) return PeakLearningRate * (step + 1) / WarmupSteps;
        int decaySteps = Math.Max(1, TotalSteps - WarmupSteps);
        double progress = Math.Clamp((double)(step - WarmupSteps) / decaySteps, 0, 1);
        return MinLearningRate + (PeakLearningRate - MinLearningRate) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }

    /// <summary>Throws <see cref="ArgumentException"/> describing the first invalid setting.</summary>
    public void Validate()
    {
        if (Device is not ("cpu" or "cuda")) throw new ArgumentException($"trainer: device '{Device}' is not 'cpu' or 'cuda'");
        if (!(PeakLearningRate > 0) || MinLearningRate < 0 || MinLearningRate > PeakLearningRate)
            throw new ArgumentException($"trainer: need 0 <= MinLearningRate ({MinLearningRate}) <= PeakLearningRate ({PeakLearningRate}), peak > 0");
        if (WarmupSteps < 0 || TotalSteps < 1) throw new ArgumentException($"trainer: WarmupSteps ({WarmupSteps}) must be >= 0 and TotalSteps ({TotalSteps}) >= 1");
        if (Threads < 0) throw new ArgumentException($"trainer: Threads ({Threads}) must be >= 0 (0 = torch default)");
        if (WeightDecay < 0 || Beta1 is < 0 or >= 1 || Beta2 is < 0 or >= 1 || !(Epsilon > 0))
            throw new ArgumentException("trainer: need WeightDecay >= 0, 0 <= Beta1, Beta2 < 1, Epsilon > 0");
    }
}

/// <summary>What one optimizer step did. <see cref="Step"/> counts completed steps (1 after the first).</summary>
public sealed record StepReport(int Step, double Loss, double LearningRate, double GradNorm, int Tokens, int MaskedCells, double Seconds)
{
    /// <summary>Where the step's time went (wall clock; on CUDA the phases overlap asynchronously, only the total is exact).</summary>
    public StepPhases? Phases { get; init; }

    /// <summary>Non-padding tokens processed per second of this step (forward + backward + update).</summary>
    public double TokensPerSecond => Seconds > 0 ? Tokens / Seconds : double.PositiveInfinity;
}

/// <summary>Seconds of one training step per phase: turning the batch into tensors (masks included), forward pass with the
/// loss, backward pass, gradient clipping with the AdamW update.</summary>
public sealed record StepPhases(double Prepare, double Forward, double Backward, double Optimizer);

/// <summary>Contents of a checkpoint's config.json.</summary>
public sealed record CheckpointInfo
{
    /// <summary>Format version of the checkpoint folder.</summary>
    public int Format { get; init; } = 1;
    /// <summary>The model configuration.</summary>
    public required RtConfig Model { get; init; }
    /// <summary>Optimizer and schedule settings.</summary>
    public required TrainerOptions Trainer { get; init; }
    /// <summary>Completed optimizer steps (the next batch asked for is <c>Next(Step)</c>).</summary>
    public int Step { get; init; }
    /// <summary>torch's CPU generator state at save time (base64), restored on resume.</summary>
    public string? TorchRngState { get; init; }
    /// <summary>Loss of the last completed step (information only).</summary>
    public double? LastLoss { get; init; }
    /// <summary>For a fine-tuning run: the checkpoint it started from and that checkpoint's step ("DIR@STEP"); null for a run from scratch.</summary>
    public string? FineTunedFrom { get; init; }
}

/// <summary>
/// Trains a <see cref="RelationalTransformer"/> with AdamW, linear warm-up + cosine decay, global gradient clipping and one
/// dispose scope per step. Checkpoint folder: <c>config.json</c> (<see cref="CheckpointInfo"/>), <c>model.bin</c> (TorchSharp
/// state dict), <c>optimizer.bin</c> (AdamW moments and step counts). On CPU a resumed run reproduces the uninterrupted run's
/// losses bit for bit.
/// </summary>
public sealed class Trainer : IDisposable
{
    /// <summary>File names inside a checkpoint folder.</summary>
    public const string ConfigFile = "config.json", ModelFile = "model.bin", OptimizerFile = "optimizer.bin";

    private readonly AdamW _optimizer;
    private readonly Parameter[] _parameters;
    private double? _lastLoss;
    private string? _fineTunedFrom;

    private Trainer(RelationalTransformer model, TrainerOptions options, int step)
    {
        Model = model;
        Options = options;
        Step = step;
        _parameters = [.. model.parameters()];
        _optimizer = torch.optim.AdamW(_parameters, lr: options.LearningRateAt(step), beta1: options.Beta1, beta2: options.Beta2,
            eps: options.Epsilon, weight_decay: options.WeightDecay);
    }

    /// <summary>The model being trained.</summary>
    public RelationalTransformer Model { get; }
    /// <summary>Trainer settings.</summary>
    public TrainerOptions Options { get; }
    /// <summary>Completed optimizer steps.</summary>
    public int Step { get; private set; }
    /// <summary>The pretrained checkpoint a fine-tuning run started from ("DIR@STEP"), else null.</summary>
    public string? FineTunedFrom => _fineTunedFrom;

    /// <summary>Resolves "cpu" / "cuda"; asking for cuda without a CUDA-enabled TorchSharp runtime is an error that says so.</summary>
    public static Device ResolveDevice(string device) => device switch
    {
        "cpu" => torch.CPU,
        "cuda" when torch.cuda.is_available() => torch.CUDA,
        "cuda" => throw new DeviceUnavailableException(device,
            "no CUDA device is usable by this TorchSharp runtime (the project ships TorchSharp-cpu; " +
            "a CUDA build needs the TorchSharp-cuda-linux package and an NVIDIA driver)"),
        _ => throw new ArgumentException($"unknown device '{device}' (use cpu or cuda)"),
    };

    /// <summary>A fresh model (seeded init) and optimizer.</summary>
    public static Trainer Create(RtConfig config, TrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(options);
        config.Validate();
        options.Validate();
        var device = ResolveDevice(options.Device);
        if (options.Threads > 0) torch.set_num_threads(options.Threads);
        Seed(options.Seed);
        var model = new RelationalTransformer(config, options.Seed);
        model.to(device);
        return new Trainer(model, options, 0);
    }

    /// <summary>Fine-tuning: the model weights of checkpoint <paramref name="pretrained"/> with a fresh optimizer and a new
    /// schedule (<paramref name="options"/>, step 0). The pretrained model configuration is kept; its optimizer state and
    /// step are not. Saved checkpoints record where they came from (<see cref="CheckpointInfo.FineTunedFrom"/>) and resume
    /// with <see cref="Resume"/> like any other.</summary>
    public static Trainer FineTune(string pretrained, TrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var info = ReadCheckpointInfo(pretrained);
        options.Validate();
        var device = ResolveDevice(options.Device);
        if (options.Threads > 0) torch.set_num_threads(options.Threads);
        Seed(options.Seed);
        var model = new RelationalTransformer(info.Model, info.Trainer.Seed);
        model.load(Path.Combine(pretrained, ModelFile));
        model.to(device);
        return new Trainer(model, options, 0) { _fineTunedFrom = $"{Path.GetFullPath(pretrained)}@{info.Step}" };
    }

    /// <summary>Continues from a checkpoint folder written by <see cref="Save"/>. <paramref name="device"/> overrides the saved device.</summary>
    public static Trainer Resume(string directory, string? device = null)
    {
        var info = ReadCheckpointInfo(directory);
        var options = device is null ? info.Trainer : info.Trainer with { Device = device };
        options.Validate();
        var dev = ResolveDevice(options.Device);
        if (options.Threads > 0) torch.set_num_threads(options.Threads);
        Seed(options.Seed);
        var model = new RelationalTransformer(info.Model, options.Seed);
        model.load(Path.Combine(directory, ModelFile));
        model.to(dev);
        var trainer = new Trainer(model, options, info.Step) { _lastLoss = info.LastLoss, _fineTunedFrom = info.FineTunedFrom };
        trainer._optimizer.load_state_dict(Path.Combine(directory, OptimizerFile));
        trainer._optimizer.to(dev);
        if (info.TorchRngState is { } rng)
        {
            var bytes = Convert.FromBase64String(rng);
            using var state = torch.tensor(bytes, dtype: ScalarType.Byte);
            torch.set_rng_state(state);
        }
        return trainer;
    }

    /// <summary>Reads a checkpoint's config.json (model config + trainer state); errors name the folder.</summary>
    public static CheckpointInfo ReadCheckpointInfo(string directory)
    {
        var path = Path.Combine(directory, ConfigFile);
        if (!File.Exists(path)) throw new FileNotFoundException($"checkpoint {directory}: {ConfigFile} is missing", path);
        foreach (var f in new[] { ModelFile, OptimizerFile })
            if (!File.Exists(Path.Combine(directory, f))) throw new FileNotFoundException($"checkpoint {directory}: {f} is missing");
        return JsonSerializer.Deserialize<CheckpointInfo>(File.ReadAllText(path), RtConfig.Json)
               ?? throw new InvalidDataException($"checkpoint {directory}: {ConfigFile} is empty");
    }

    /// <summary>Loads only the model of a checkpoint (for evaluation), on <paramref name="device"/>.</summary>
    public static RelationalTransformer LoadModel(string directory, string device = "cpu")
    {
        var info = ReadCheckpointInfo(directory);
        var model = new RelationalTransformer(info.Model, info.Trainer.Seed);
        model.load(Path.Combine(directory, ModelFile));
        model.to(ResolveDevice(device));
        model.eval();
        return model;
    }

    /// <summary>Writes the checkpoint folder (created if missing; files replaced).</summary>
    public void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        Model.save(Path.Combine(directory, ModelFile));
        _optimizer.save_state_dict(Path.Combine(directory, OptimizerFile));
        string rng;
        using (var state = torch.get_rng_state()) rng = Convert.ToBase64String(state.data<byte>().ToArray());
        var info = new CheckpointInfo { Model = Model.Config, Trainer = Options, Step = Step, TorchRngState = rng, LastLoss = _lastLoss, FineTunedFrom = _fineTunedFrom };
        File.WriteAllText(Path.Combine(directory, ConfigFile), JsonSerializer.Serialize(info, RtConfig.Json));
    }

    /// <summary>One optimizer step on <paramref name="batch"/>.</summary>
    public StepReport TrainStep(ContextBatch batch)
    {
        var clock = Stopwatch.StartNew();
        using var scope = torch.NewDisposeScope();
        Model.train();
        double lr = Options.LearningRateAt(Step);
        foreach (var group in _optimizer.ParamGroups) group.LearningRate = lr;
        // Gradients to none, not zero: a parameter no cell of this batch reaches (e.g. the datetime head in a batch without a
        // datetime cell) is then skipped by AdamW, as it is after a resume, where such a parameter starts with no gradient.
        // With zeros the uninterrupted run would decay it and the resumed one would not (resume must be bit-exact).
        Model.zero_grad(set_to_none: true);
        var inputs = Model.Prepare(batch);
        double prepared = clock.Elapsed.TotalSeconds;
        var loss = Model.Loss(inputs);
        double forward = clock.Elapsed.TotalSeconds;
        loss.backward();
        double backward = clock.Elapsed.TotalSeconds;
        double gradNorm = Options.ClipNorm > 0
            ? torch.nn.utils.clip_grad_norm_(_parameters, Options.ClipNorm)
            : double.NaN;
        _optimizer.step();
        double value = loss.item<float>();
        if (!double.IsFinite(value)) throw new InvalidOperationException($"training step {Step}: loss is {value}");
        Step++;
        _lastLoss = value;
        double total = clock.Elapsed.TotalSeconds;
        var phases = new StepPhases(prepared, forward - prepared, backward - forward, total - backward);
        return new StepReport(Step, value, lr, gradNorm, inputs.RealTokens, inputs.MaskedCount, total) { Phases = phases };
    }

    /// <summary>Trains until <see cref="Step"/> == <paramref name="untilStep"/>, taking batch <c>source.Next(Step)</c> each step.
    /// Saves a checkpoint to <paramref name="checkpointDirectory"/> every <paramref name="checkpointEvery"/> steps and at the end
    /// (when a directory is given). A cancelled <paramref name="cancellationToken"/> ends training at the next step
    /// boundary, never inside a step, and the end-of-training checkpoint is still written: the caller tells a stop from a
    /// finish by <see cref="Step"/> or the token.</summary>
    public void Train(IBatchSource source, int untilStep, Action<StepReport>? onStep = null, string? checkpointDirectory = null, int checkpointEvery = 0,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        while (Step < untilStep && !cancellationToken.IsCancellationRequested)
        {
            var report = TrainStep(source.Next(Step));
            onStep?.Invoke(report);
            if (checkpointDirectory is not null && checkpointEvery > 0 && Step % checkpointEvery == 0) Save(checkpointDirectory);
        }
        if (checkpointDirectory is not null) Save(checkpointDirectory);
    }

    /// <summary>Mean loss over <paramref name="batches"/> without updating anything (no grad).</summary>
    public double EvaluateLoss(IEnumerable<ContextBatch> batches) => Evaluator.MeanLoss(Model, batches);

    /// <summary>Seeds torch's process-wide generators (CPU and, when present, CUDA). The model init does not depend on them
    /// (it has its own generator) and training draws no random numbers (no dropout); seeded for anything added later.</summary>
    public static void Seed(long seed)
    {
        torch.manual_seed(seed);
        if (torch.cuda.is_available()) torch.cuda.manual_seed_all(seed);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _optimizer.Dispose();
        Model.Dispose();
    }
}

/// <summary>The asked-for device exists by name but this runtime cannot use it. <see cref="Reason"/> says why; callers
/// name their own switch for the device (the CLI: --device).</summary>
public sealed class DeviceUnavailableException(string device, string reason)
    : InvalidOperationException($"device {device}: {reason}; use the cpu device")
{
    public string Device { get; } = device;
    public string Reason { get; } = reason;
}
