using System.CommandLine;
using System.Globalization;
using PluRelSql.Tokenization;
using PluRelSql.Training;

namespace PluRelSql.Cli.Commands;

/// <summary><c>plurel train</c> and <c>plurel eval</c>: a Relational Transformer pretrained straight from live databases.</summary>
public static class ModelCommands
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static Command Train()
    {
        var db = new Option<string>("--db") { Description = "Database to read, PostgreSQL or SQL Server (default: the embedded cluster)." };
        var provider = PopulateCommand.ProviderOption();
        var database = new Option<string>("--database") { Description = "Database name on that server." };
        var schemas = new Option<string>("--schemas") { Description = "Shell-style glob over schema names; each schema is one database (e.g. 'plurel_0000[0-3]').", DefaultValueFactory = _ => "*" };
        var steps = new Option<int>("--steps") { Description = "Train until this step.", Required = true };
        var output = new Option<string>("--out") { Description = "Checkpoint folder (resumed when it holds one).", Required = true };
        var device = DeviceOption();
        var preset = new Option<string>("--preset") { Description = "Model size preset: minimal (d 64, 2 layers) or cpu (the size chosen for ~30 min on 2 cores, docs/model.md §4.5); --d-model/--layers/--heads/--context override it." };
        preset.AcceptOnlyFromAmong("minimal", "cpu");
        var dModel = new Option<int?>("--d-model") { Description = "Residual width (default 64)." };
        var layers = new Option<int?>("--layers") { Description = "Blocks (default 2)." };
        var heads = new Option<int?>("--heads") { Description = "Attention heads (default 4)." };
        var tokens = TokensOption();
        var context = new Option<int?>("--context") { Description = "Cells per context (default 256)." };
        var seed = new Option<long>("--seed") { DefaultValueFactory = _ => 1 };
        var lr = new Option<double>("--lr") { Description = "Peak learning rate.", DefaultValueFactory = _ => 1e-3 };
        var threads = ThreadsOption();
        var excludeHeldOut = new Option<bool>("--exclude-held-out")
        {
            Description = "Train only on the cells plurel eval does not score (the held-out rule of docs/model.md §2.2): a from-scratch run comparable with finetune on the same target.",
        };
        var cmd = new Command("train", "Pretrain a Relational Transformer on the rows of live databases (masked-cell prediction).")
        {
            db, provider, database, schemas, steps, output, device, preset, dModel, layers, heads, tokens, context, seed, lr, threads, excludeHeldOut,
        };
        cmd.SetAction((pr, ct) => ExitCodes.Run(async () =>
        {
            OutputFile.CheckDirectory("--out", pr.GetValue(output)!);
            var outDir = pr.GetValue(output)!;
            var stepsTotal = pr.GetValue(steps);
            if (stepsTotal < 1) throw new UsageException("--steps must be at least 1");
            var size = pr.GetValue(preset) == "cpu" ? RtConfig.CpuPreset : RtConfig.Minimal;
            var config = size with
            {
                DModel = pr.GetValue(dModel) ?? size.DModel,
                Layers = pr.GetValue(layers) ?? size.Layers,
                Heads = pr.GetValue(heads) ?? size.Heads,
                MaxTokens = pr.GetValue(context) ?? size.MaxTokens,
            };
            var target = await Target.Resolve(pr.GetValue(db), pr.GetValue(database), ct, pr.GetValue(provider));
            var filter = pr.GetValue(excludeHeldOut) ? TargetFilter.ExcludeHeldOut : TargetFilter.All;
            Console.Error.WriteLine($"reading {target.Describe()} schemas '{pr.GetValue(schemas)}'");
            var snaps = await Snapshots.LoadAsync(target.Endpoint, pr.GetValue(schemas)!, Console.Error, ct);
            var (trainer, resumed) = TrainerSetup.Open(outDir, pr.GetValue(device)!, () => (config,
                new TrainerOptions
                {
                    Seed = pr.GetValue(seed), Device = pr.GetValue(device)!, TotalSteps = stepsTotal,
                    WarmupSteps = Math.Max(1, stepsTotal / 10), PeakLearningRate = pr.GetValue(lr), Threads = pr.GetValue(threads),
                }));
            if (resumed) Console.Error.WriteLine($"resuming {outDir} at step {trainer.Step}");
            using (trainer)
                return RunTraining(trainer, snaps, filter, pr.GetValue(tokens), stepsTotal, outDir, ct);
        }));
        return cmd;
    }

    /// <summary><c>plurel finetune</c>: a pretrained checkpoint trained further on a target database's non-held-out cells.</summary>
    public static Command FineTune()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "Pretrained checkpoint folder (written by plurel train).", Required = true };
        var db = new Option<string>("--db") { Description = "Target database, PostgreSQL or SQL Server (default: the embedded cluster)." };
        var provider = PopulateCommand.ProviderOption();
        var database = new Option<string>("--database") { Description = "Database name on that server." };
        var schemas = new Option<string>("--schemas") { Description = "Shell-style glob over schema names; each schema is one database.", DefaultValueFactory = _ => "*" };
        var steps = new Option<int>("--steps") { Description = "Fine-tuning steps (the new schedule's length).", Required = true };
        var output = new Option<string>("--out") { Description = "Checkpoint folder of the fine-tuned model (resumed when it holds one).", Required = true };
        var device = DeviceOption();
        var tokens = TokensOption();
        var seed = new Option<long>("--seed") { DefaultValueFactory = _ => 1 };
        var lr = new Option<double>("--lr") { Description = "Peak learning rate (warm-up over the first tenth of --steps, then cosine decay).", DefaultValueFactory = _ => 1e-4 };
        var weightDecay = new Option<double>("--weight-decay") { Description = "AdamW weight decay (the reference fine-tunes with none).", DefaultValueFactory = _ => 0.0 };
        var threads = ThreadsOption();
        var cmd = new Command("finetune", "Continue training a pretrained checkpoint on a target database's cells outside the held-out rows plurel eval scores.")
        {
            checkpoint, db, provider, database, schemas, steps, output, device, tokens, seed, lr, weightDecay, threads,
        };
        cmd.SetAction((pr, ct) => ExitCodes.Run(async () =>
        {
            var from = pr.GetValue(checkpoint)!;
            if (!File.Exists(Path.Combine(from, Trainer.ConfigFile))) throw new UsageException($"--checkpoint {from}: no checkpoint ({Trainer.ConfigFile} missing)");
            var outDir = pr.GetValue(output)!;
            OutputFile.CheckDirectory("--out", outDir);
            if (Path.GetFullPath(outDir).TrimEnd('/') == Path.GetFullPath(from).TrimEnd('/'))
                throw new UsageException("--out must differ from --checkpoint (the pretrained checkpoint stays as it is)");
            var stepsTotal = pr.GetValue(steps);
            if (stepsTotal < 1) throw new UsageException("--steps must be at least 1");
            var target = await Target.Resolve(pr.GetValue(db), pr.GetValue(database), ct, pr.GetValue(provider));
            Console.Error.WriteLine($"reading {target.Describe()} schemas '{pr.GetValue(schemas)}'");
            var snaps = await Snapshots.LoadAsync(target.Endpoint, pr.GetValue(schemas)!, Console.Error, ct);
            var (trainer, resumed) = TrainerSetup.OpenFineTune(outDir, from, pr.GetValue(device)!, new TrainerOptions
            {
                Seed = pr.GetValue(seed), Device = pr.GetValue(device)!, TotalSteps = stepsTotal, WarmupSteps = Math.Max(1, stepsTotal / 10),
                PeakLearningRate = pr.GetValue(lr), MinLearningRate = Math.Min(1e-6, pr.GetValue(lr)), WeightDecay = pr.GetValue(weightDecay),
                Threads = pr.GetValue(threads),
            });
            Console.Error.WriteLine(resumed ? $"resuming {outDir} at step {trainer.Step} (fine-tuned from {trainer.FineTunedFrom})" : $"fine-tuning {trainer.FineTunedFrom}");
            using (trainer)
                return RunTraining(trainer, snaps, TargetFilter.ExcludeHeldOut, pr.GetValue(tokens), stepsTotal, outDir, ct);
        }));
        return cmd;
    }

    private static Option<string> DeviceOption()
    {
        var device = new Option<string>("--device") { Description = "cpu or cuda.", DefaultValueFactory = _ => "cpu" };
        device.AcceptOnlyFromAmong("cpu", "cuda");
        return device;
    }

    private static Option<int> TokensOption() =>
        new("--tokens-per-batch") { Description = "Cells per batch (sequences × context length).", DefaultValueFactory = _ => 4096 };

    private static Option<int> ThreadsOption() =>
        new("--threads") { Description = "Torch CPU threads (1 is fastest on shared 2-core machines).", DefaultValueFactory = _ => 1 };

    /// <summary>The training loop of train and finetune: prefetched batches from <paramref name="snaps"/> under
    /// <paramref name="filter"/>, progress every 10 steps, checkpoints every 50 and at the end.</summary>
    private static int RunTraining(Trainer trainer, List<RelationalSnapshot> snaps, TargetFilter filter, int tokensPerBatch, int stepsTotal,
        string outDir, CancellationToken ct)
    {
        var cfg = trainer.Model.Config;
        var batch = Math.Max(1, tokensPerBatch / cfg.MaxTokens);
        var heldOut = HeldOutRule.Default;
        if (filter == TargetFilter.ExcludeHeldOut)
            Console.Error.WriteLine(string.Create(Inv, $"held out: the rows of each table whose keyed hash falls in the first {heldOut.Fraction:P0} " +
                $"(seed {heldOut.Seed:X}, the rows plurel eval scores); their target cells are never trained on and never enter a context"));
        var samplers = TrainerSetup.Samplers(snaps, cfg, filter, heldOut);
        // Contexts of the next steps are sampled on other threads while this one trains (batches are pure per step).
        var snapshotSource = new SnapshotBatchSource(samplers, batch, cfg.MaxTokens, cfg.TextDim, (ulong)trainer.Options.Seed);
        var source = new PrefetchingBatchSource(snapshotSource, prepare: b => b.PrepareAttention(cfg.AttentionKinds));
        Console.Error.WriteLine($"model: d={cfg.DModel} layers={cfg.Layers} heads={cfg.Heads}, {trainer.Model.ParameterCount():N0} parameters; " +
                                $"{batch} contexts × {cfg.MaxTokens} cells per batch; {snapshotSource.TargetCells:N0} target cells in {snaps.Count} databases");
        var first = double.NaN;
        var window = new Queue<double>();
        trainer.Train(source, stepsTotal, r =>
        {
            if (double.IsNaN(first)) first = r.Loss;
            window.Enqueue(r.Loss);
            if (window.Count > 20) window.Dequeue();
            if (r.Step % 10 == 0 || r.Step == stepsTotal || r.Step == 1)
                Console.WriteLine(string.Create(Inv, $"step {r.Step,6}  loss {r.Loss,8:F4}  avg20 {window.Average(),8:F4}  lr {r.LearningRate:E2}  {r.TokensPerSecond,8:N0} tokens/s"));
        }, outDir, checkpointEvery: 50, cancellationToken: ct);
        if (ct.IsCancellationRequested && trainer.Step < stepsTotal)
        {
            Console.Error.WriteLine($"plurel: interrupted; checkpoint saved in {outDir} at step {trainer.Step} of {stepsTotal}; run the same command again to continue");
            return ExitCodes.Interrupted;
        }
        Console.WriteLine(window.Count == 0
            ? $"{outDir} already at step {trainer.Step}; nothing to train"
            : string.Create(Inv, $"saved {outDir} at step {trainer.Step}; loss {first:F4} → {window.Average():F4} (mean of the last {window.Count} steps)"));
        return ExitCodes.Ok;
    }

    /// <summary>The trainer's unusable-device message in the CLI's words (its --device option).</summary>
    internal static string DeviceMessage(DeviceUnavailableException e) => $"--device {e.Device}: {e.Reason}. Use --device cpu.";

    /// <summary><c>plurel bench-train</c>: training-step throughput and its share of plain matmul FLOP/s (make bench).</summary>
    public static Command BenchTrain()
    {
        var dModel = new Option<int>("--d-model") { DefaultValueFactory = _ => 64 };
        var layers = new Option<int>("--layers") { DefaultValueFactory = _ => 2 };
        var heads = new Option<int>("--heads") { DefaultValueFactory = _ => 4 };
        var context = new Option<int>("--context") { DefaultValueFactory = _ => 256 };
        var batch = new Option<int>("--batch") { DefaultValueFactory = _ => 16 };
        var threads = new Option<int>("--threads") { DefaultValueFactory = _ => 1 };
        var device = DeviceOption();
        var cmd = new Command("bench-train", "Measure trainer tokens/s and the share of TorchSharp's matmul FLOP/s a training step reaches.")
        {
            dModel, layers, heads, context, batch, threads, device,
        };
        cmd.SetAction((pr, _) => ExitCodes.Run(() =>
        {
            var config = new RtConfig { DModel = pr.GetValue(dModel), Layers = pr.GetValue(layers), Heads = pr.GetValue(heads), MaxTokens = pr.GetValue(context) };
            TrainingBenchResult r;
            try
            {
                r = TrainingBench.Run(config, pr.GetValue(batch), pr.GetValue(context), warmupSteps: 2, measuredSteps: 6,
                    device: pr.GetValue(device)!, threads: pr.GetValue(threads));
            }
            catch (DeviceUnavailableException e) { throw new InvalidOperationException(DeviceMessage(e), e); }
            Console.WriteLine(string.Create(Inv, $"trainer: {r.TokensPerSecond:N0} tokens/s, {r.TrainingFlopsPerSecond / 1e9:F2} GFLOP/s = {r.MatmulShare:P0} of matmul ({r.MatmulFlopsPerSecondBest / 1e9:F1} GFLOP/s); per CPU-second {r.MatmulShareCpu:P0} (goal >= 50%)"));
            Console.WriteLine(r.ToString());
            return Task.FromResult(ExitCodes.Ok);
        }));
        return cmd;
    }

    public static Command Eval()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "Folder written by plurel train.", Required = true };
        var db = new Option<string>("--db") { Description = "Database to read, PostgreSQL or SQL Server (default: the embedded cluster)." };
        var provider = PopulateCommand.ProviderOption();
        var database = new Option<string>("--database") { Description = "Database name on that server." };
        var schemas = new Option<string>("--schemas") { Description = "Shell-style glob over schema names.", DefaultValueFactory = _ => "*" };
        var cells = new Option<int>("--cells") { Description = "At most this many held-out cells per column.", DefaultValueFactory = _ => 200 };
        var heldOut = new Option<double>("--held-out") { Description = "Share of each table's rows held out (the evaluated rows; finetune never trains on them).", DefaultValueFactory = _ => HeldOutRule.Default.Fraction };
        var heldOutSeed = new Option<long>("--held-out-seed") { Description = "Seed of the held-out-row hash.", DefaultValueFactory = _ => (long)HeldOutRule.Default.Seed };
        var trainRows = new Option<int>("--train-rows") { Description = "At most this many training rows per column for the GBDT reference.", DefaultValueFactory = _ => 5000 };
        var noGbdt = new Option<bool>("--no-gbdt") { Description = "Skip the gradient-boosted reference." };
        var resamples = new Option<int>("--resamples") { Description = "Bootstrap resamples per interval.", DefaultValueFactory = _ => 1000 };
        var seed = new Option<long>("--seed") { DefaultValueFactory = _ => 12345 };
        var json = new Option<string>("--json") { Description = "Also write the report as JSON to this file." };
        var cmd = new Command("eval", "Score the model on held-out rows of the given databases, per table and column, against the column mean / majority class and a gradient-boosted reference, with bootstrap intervals.")
        {
            checkpoint, db, provider, database, schemas, cells, heldOut, heldOutSeed, trainRows, noGbdt, resamples, seed, json,
        };
        cmd.SetAction((pr, ct) => ExitCodes.Run(async () =>
        {
            var dir = pr.GetValue(checkpoint)!;
            if (!File.Exists(Path.Combine(dir, Trainer.ConfigFile))) throw new UsageException($"{dir}: no checkpoint ({Trainer.ConfigFile} missing)");
            var fraction = pr.GetValue(heldOut);
            if (fraction is <= 0 or > 1) throw new UsageException($"--held-out {fraction.ToString(Inv)}: must be in (0, 1]");
            if (pr.GetValue(cells) < 1) throw new UsageException("--cells must be at least 1");
            if (pr.GetValue(resamples) < 2) throw new UsageException("--resamples must be at least 2");
            var jsonFile = pr.GetValue(json) is { } jsonPath ? OutputFile.Prepare("--json", "the report", jsonPath, []) : null;
            var target = await Target.Resolve(pr.GetValue(db), pr.GetValue(database), ct, pr.GetValue(provider));
            var snaps = await Snapshots.LoadAsync(target.Endpoint, pr.GetValue(schemas)!, Console.Error, ct);
            using var model = Trainer.LoadModel(dir);
            var report = ColumnEvaluation.Run(model, snaps, new ColumnEvaluationOptions
            {
                HeldOut = new HeldOutRule(fraction, (ulong)pr.GetValue(heldOutSeed)),
                CellsPerColumn = pr.GetValue(cells),
                TrainRows = pr.GetValue(trainRows),
                Supervised = !pr.GetValue(noGbdt),
                Resamples = pr.GetValue(resamples),
                Seed = (ulong)pr.GetValue(seed),
            }, Console.Error);
            Console.Write(report.ToText());
            jsonFile?.Write(report.ToJson(), Console.Error);
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}
