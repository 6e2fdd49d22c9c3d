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
        var device = new Option<string>("--device") { Description = "cpu or cuda.", DefaultValueFactory = _ => "cpu" };
        device.AcceptOnlyFromAmong("cpu", "cuda");
        var dModel = new Option<int>("--d-model") { DefaultValueFactory = _ => 64 };
        var layers = new Option<int>("--layers") { DefaultValueFactory = _ => 2 };
        var heads = new Option<int>("--heads") { DefaultValueFactory = _ => 4 };
        var tokens = new Option<int>("--tokens-per-batch") { Description = "Cells per batch (sequences × context length).", DefaultValueFactory = _ => 4096 };
        var context = new Option<int>("--context") { Description = "Cells per context.", DefaultValueFactory = _ => 256 };
        var seed = new Option<long>("--seed") { DefaultValueFactory = _ => 1 };
        var lr = new Option<double>("--lr") { Description = "Peak learning rate.", DefaultValueFactory = _ => 1e-3 };
        var threads = new Option<int>("--threads") { Description = "Torch CPU threads (1 is fastest on shared 2-core machines).", DefaultValueFactory = _ => 1 };
        var cmd = new Command("train", "Pretrain a Relational Transformer on the rows of live databases (masked-cell prediction).")
        {
            db, provider, database, schemas, steps, output, device, dModel, layers, heads, tokens, context, seed, lr, threads,
        };
        cmd.SetAction((pr, ct) => ExitCodes.Run(async () =>
        {
            OutputFile.CheckDirectory("--out", pr.GetValue(output)!);
            var target = await Target.Resolve(pr.GetValue(db), pr.GetValue(database), ct, pr.GetValue(provider));
            var ctxLen = pr.GetValue(context);
            var batch = Math.Max(1, pr.GetValue(tokens) / ctxLen);
            var outDir = pr.GetValue(output)!;
            var stepsTotal = pr.GetValue(steps);
            if (stepsTotal < 1) throw new UsageException("--steps must be at least 1");
            Console.Error.WriteLine($"reading {target.Describe()} schemas '{pr.GetValue(schemas)}'");
            var snaps = await Snapshots.LoadAsync(target.Endpoint, pr.GetValue(schemas)!, Console.Error, ct);

            var (trainer, resumed) = TrainerSetup.Open(outDir, pr.GetValue(device)!, () => (
                new RtConfig { DModel = pr.GetValue(dModel), Layers = pr.GetValue(layers), Heads = pr.GetValue(heads), MaxTokens = ctxLen },
                new TrainerOptions
                {
                    Seed = pr.GetValue(seed), Device = pr.GetValue(device)!, TotalSteps = stepsTotal,
                    WarmupSteps = Math.Max(1, stepsTotal / 10), PeakLearningRate = pr.GetValue(lr), Threads = pr.GetValue(threads),
                }));
            if (resumed) Console.Error.WriteLine($"resuming {outDir} at step {trainer.Step}");
            using (trainer)
            {
                var cfg = trainer.Model.Config;
                var samplers = TrainerSetup.Samplers(snaps, cfg);
                // Contexts of the next steps are sampled on other threads while this one trains (batches are pure per step).
                var snapshotSource = new SnapshotBatchSource(samplers, batch, cfg.MaxTokens, cfg.TextDim, (ulong)trainer.Options.Seed);
                var source = new PrefetchingBatchSource(snapshotSource);
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
                Console.WriteLine(string.Create(Inv, $"saved {outDir} at step {trainer.Step}; loss {first:F4} → {window.Average():F4} (mean of the last {window.Count} steps)"));
            }
            return ExitCodes.Ok;
        }));
        return cmd;
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
        var device = new Option<string>("--device") { DefaultValueFactory = _ => "cpu" };
        device.AcceptOnlyFromAmong("cpu", "cuda");
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
