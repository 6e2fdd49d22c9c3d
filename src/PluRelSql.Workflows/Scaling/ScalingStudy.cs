using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using PluRelSql.Analysis;
using PluRelSql.Generation.PluRel;
using PluRelSql.Tokenization;
using PluRelSql.Training;

namespace PluRelSql.Workflows.Scaling;

/// <summary>What a finished run leaves in runs/ID/result.json (the run's training curve stays in train.csv).</summary>
public sealed record RunResult(string Id, int Databases, int Steps, long Tokens, double TrainLoss, double HeldOutLoss, double Seconds);

/// <summary>What the study did: every run of the plan, which of them this invocation skipped, and the fits.</summary>
public sealed record StudyOutcome(IReadOnlyList<ScalingRun> Runs, IReadOnlyList<string> Skipped, ScalingFits Fits);

/// <summary>
/// A scaling study: corpus (through <c>plurel corpus</c>'s code), one pretraining run per point (through the trainer and
/// checkpoints of <c>plurel train</c>), held-out loss, fits, report. Resumable at two levels: a run with result.json is
/// skipped; an unfinished run continues from its checkpoint, on CPU bit for bit as if never interrupted.
/// Layout of the output folder: study.json, runs/ID/{config.json, model.bin, optimizer.bin, train.csv, result.json},
/// runs.csv, fit.json, report.md, *.png.
/// </summary>
public sealed class ScalingStudy(ScalingSettings settings, string directory, TextWriter progress)
{
    private const string ResultFile = "result.json", CurveFile = "train.csv";
    private const int EvalBatchSize = 16;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Called after every training step with the run id (tests interrupt a run from here).</summary>
    public Action<string, StepReport>? StepObserver { get; init; }

    public string RunDirectory(string id) => Path.Combine(directory, "runs", id);

    public async Task<StudyOutcome> RunAsync(DatabaseEndpoint target, CancellationToken ct)
    {
        settings.Validate();
        settings.CheckOrRecord(directory);
        var plan = settings.Plan();
        var clock = Stopwatch.StartNew();
        progress.WriteLine(string.Create(Inv,
            $"scaling study → {directory}: {plan.Count} runs (N = {string.Join(",", settings.Databases.Distinct().Order())} at {settings.Steps} steps; " +
            $"{settings.Tokens.Select(settings.StepsFor).Distinct().Count()} token budgets at N = {settings.TokenAxisDatabases}); " +
            $"model d={settings.DModel} layers={settings.Layers} heads={settings.Heads}, {settings.BatchSize}×{settings.Context} cells per batch; {settings.Device}"));

        var sampler = new SamplerConfig { Tables = settings.Tables };
        progress.WriteLine($"corpus {target.Description}: {settings.CorpusSize} databases, {settings.EvalDatabases} held out");
        var corpus = await CorpusWorkflow.EnsureAsync(target, settings.CorpusSize, settings.CorpusSeed, sampler, settings.Scale,
            Environment.ProcessorCount, progress, ct).ConfigureAwait(false);
        progress.WriteLine(string.Create(Inv, $"corpus ready: {corpus.Skipped} reused, {settings.CorpusSize - corpus.Skipped} made ({corpus.NewRows:N0} rows) in {corpus.Seconds:F1} s"));

        var finished = plan.Where(r => File.Exists(Path.Combine(RunDirectory(r.Id), ResultFile))).Select(r => r.Id).ToHashSet();
        var pending = plan.Where(r => !finished.Contains(r.Id)).ToList();
        var stepsLeft = pending.Sum(r => r.Steps - CheckpointStep(r.Id));
        progress.WriteLine(string.Create(Inv,
            $"{finished.Count} of {plan.Count} runs already finished (skipped); {pending.Count} to train: {stepsLeft:N0} steps"));

        // Databases are read only when there is something to train.
        List<ContextSampler> training = [];
        List<ContextBatch> evalBatches = [];
        if (pending.Count > 0)
        {
            var readClock = Stopwatch.StartNew();
            var schemas = Enumerable.Range(0, settings.CorpusSize).Select(CorpusWorkflow.CorpusSchema).ToList();
            var snapshots = await Snapshots.LoadAsync(target, schemas, TextWriter.Null, ct).ConfigureAwait(false);
            var config = settings.Model;
            var heldOut = TrainerSetup.Samplers(snapshots.Take(settings.EvalDatabases), config);
            training = TrainerSetup.Samplers(snapshots.Skip(settings.EvalDatabases), config);
            // The held-out batches are made once: every run is scored on exactly the same masked cells.
            var evalSource = new SnapshotBatchSource(heldOut, EvalBatchSize, config.MaxTokens, config.TextDim, (ulong)settings.Seed ^ 0xE7A1_0000UL);
            evalBatches = [.. Enumerable.Range(0, (settings.EvalContexts + EvalBatchSize - 1) / EvalBatchSize)
                .Select(i => evalSource.Batch(i, EvalBatchSize, out _))];
            progress.WriteLine(string.Create(Inv,
                $"read {snapshots.Count} databases ({snapshots.Sum(s => (long)s.NodeCount):N0} rows, {snapshots.Sum(s => s.TotalCells):N0} cells) in {readClock.Elapsed.TotalSeconds:F1} s; " +
                $"held-out {evalBatches.Sum(b => b.BatchSize)} contexts from {heldOut.Count} databases"));
        }

        var meter = new StudyMeter(stepsLeft);
        var runs = new List<ScalingRun>();
        var skipped = new List<string>();
        for (var i = 0; i < plan.Count; i++)
        {
            var run = plan[i];
            var tag = $"[{i + 1}/{plan.Count}] {run.Id} N={run.Databases}";
            RunResult result;
            if (finished.Contains(run.Id))
            {
                result = ReadResult(run.Id);
                skipped.Add(run.Id);
                progress.WriteLine(string.Create(Inv, $"{tag}: finished before, skipped (held-out {result.HeldOutLoss:F4})"));
            }
            else
            {
                result = Train(run, tag, training.Take(run.Databases).ToList(), evalBatches, meter, ct);
            }
            runs.Add(new ScalingRun
            {
                Id = run.Id, Databases = run.Databases, Tokens = result.Tokens, Steps = run.Steps, TrainLoss = result.TrainLoss,
                HeldOutLoss = result.HeldOutLoss, Seconds = result.Seconds, InDatabaseSweep = run.InDatabaseSweep,
                InTokenSweep = run.InTokenSweep, Curve = ReadCurve(run.Id, run.Steps),
            });
        }

        var fits = ScalingReport.Write(directory, runs, settings.Describe(target.Description), settings.Bootstrap, (int)settings.Seed);
        progress.WriteLine(string.Create(Inv, $"study done in {Duration(clock.Elapsed)}; wrote {ScalingReport.RunsFile}, {ScalingReport.FitFile}, " +
                                              $"{ScalingReport.ReportFile}, {ScalingReport.DatabasesPlot}, {ScalingReport.TokensPlot}, {ScalingReport.CurvesPlot}"));
        return new StudyOutcome(runs, skipped, fits);
    }

    private RunResult Train(RunPlan run, string tag, List<ContextSampler> samplers, List<ContextBatch> evalBatches, StudyMeter meter, CancellationToken ct)
    {
        var dir = RunDirectory(run.Id);
        Directory.CreateDirectory(dir);
        var checkpointStep = CheckpointStep(run.Id);
        if (checkpointStep > 0 && CurveRows(run.Id).Count(r => r.Step <= checkpointStep) != checkpointStep)
        {
            // A checkpoint whose curve was lost cannot give a full training curve: that run starts over.
            progress.WriteLine($"{tag}: {CurveFile} does not cover the checkpoint's {checkpointStep} steps; starting the run over");
            foreach (var f in new[] { Trainer.ConfigFile, Trainer.ModelFile, Trainer.OptimizerFile, CurveFile }) File.Delete(Path.Combine(dir, f));
        }
        var (trainer, resumed) = TrainerSetup.Open(dir, settings.Device, () => (settings.Model, settings.TrainerFor(run.Steps)));
        using (trainer)
        {
            var curve = CurveRows(run.Id).Where(r => r.Step <= trainer.Step).ToList();
            // Rows after the checkpoint belong to steps that are about to be trained again.
            File.WriteAllLines(Path.Combine(dir, CurveFile), ["step,loss,lr,tokens,elapsed_s", .. curve.Select(FormatRow)]);
            var elapsedBefore = curve.Count > 0 ? curve[^1].Elapsed : 0;
            progress.WriteLine(resumed
                ? $"{tag}: resuming from its checkpoint at step {trainer.Step}/{run.Steps}"
                : $"{tag}: training {run.Steps} steps on {samplers.Count} database{(samplers.Count == 1 ? "" : "s")}");
            // As in plurel train: the next steps' contexts are sampled on other threads (same batches either way).
            var source = new PrefetchingBatchSource(
                new SnapshotBatchSource(samplers, settings.BatchSize, settings.Context, settings.Model.TextDim, (ulong)settings.Seed),
                prepare: b => b.PrepareAttention(trainer.Model.Config.AttentionKinds));
            var clock = Stopwatch.StartNew();
            var every = Math.Max(1, run.Steps / 10);
            // Flushed every step, so a killed process leaves at least the rows up to its last checkpoint.
            using (var log = new StreamWriter(Path.Combine(dir, CurveFile), append: true) { AutoFlush = true })
            {
                try
                {
                    trainer.Train(source, run.Steps, r =>
                    {
                        var row = new CurveRow(r.Step, r.Loss, r.LearningRate, r.Tokens, elapsedBefore + clock.Elapsed.TotalSeconds);
                        curve.Add(row);
                        log.WriteLine(FormatRow(row));
                        meter.Step();
                        if (r.Step % every == 0 || r.Step == run.Steps)
                            progress.WriteLine(string.Create(Inv,
                                $"{tag}: step {r.Step}/{run.Steps}  loss {curve.TakeLast(ScalingRun.FinalWindow).Average(c => c.Loss):F4} (avg{ScalingRun.FinalWindow})  " +
                                $"{r.TokensPerSecond:N0} tokens/s | {meter}"));
                        StepObserver?.Invoke(run.Id, r);
                        ct.ThrowIfCancellationRequested();
                    }, dir, settings.CheckpointEvery);
                }
                catch (OperationCanceledException)
                {
                    // Keep every finished step: the next invocation resumes exactly here.
                    trainer.Save(dir);
                    progress.WriteLine($"{tag}: interrupted; checkpoint saved at step {trainer.Step}; run the same command again to continue");
                    throw;
                }
            }
            var evalClock = Stopwatch.StartNew();
            var heldOut = trainer.EvaluateLoss(evalBatches);
            var result = new RunResult(run.Id, run.Databases, run.Steps, curve.Sum(c => (long)c.Tokens),
                curve.TakeLast(ScalingRun.FinalWindow).Average(c => c.Loss), heldOut,
                Math.Round(elapsedBefore + clock.Elapsed.TotalSeconds, 3));
            File.WriteAllText(Path.Combine(dir, ResultFile), JsonSerializer.Serialize(result, Json));
            progress.WriteLine(string.Create(Inv,
                $"{tag}: done — train {result.TrainLoss:F4}, held-out {heldOut:F4} (eval {evalClock.Elapsed.TotalSeconds:F1} s), {result.Tokens:N0} tokens in {result.Seconds:F1} s"));
            return result;
        }
    }

    /// <summary>Completed steps in a run's checkpoint (0 when it has none).</summary>
    private int CheckpointStep(string id) =>
        File.Exists(Path.Combine(RunDirectory(id), Trainer.ConfigFile)) ? Trainer.ReadCheckpointInfo(RunDirectory(id)).Step : 0;

    private RunResult ReadResult(string id) =>
        JsonSerializer.Deserialize<RunResult>(File.ReadAllText(Path.Combine(RunDirectory(id), ResultFile)))
        ?? throw new InvalidDataException($"{Path.Combine(RunDirectory(id), ResultFile)} is empty");

    private IReadOnlyList<CurvePoint> ReadCurve(string id, int steps) =>
        [.. CurveRows(id).Where(r => r.Step <= steps).Select(r => new CurvePoint(r.Step, r.Loss))];

    private readonly record struct CurveRow(int Step, double Loss, double LearningRate, int Tokens, double Elapsed);

    private List<CurveRow> CurveRows(string id)
    {
        var path = Path.Combine(RunDirectory(id), CurveFile);
        if (!File.Exists(path)) return [];
        return [.. File.ReadLines(path).Skip(1).Where(l => l.Length > 0).Select(l =>
        {
            var f = l.Split(',');
            if (f.Length != 5) throw new InvalidDataException($"{path}: bad row '{l}'");
            return new CurveRow(int.Parse(f[0], Inv), double.Parse(f[1], Inv), double.Parse(f[2], Inv), int.Parse(f[3], Inv), double.Parse(f[4], Inv));
        })];
    }

    private static string FormatRow(CurveRow r) => string.Create(Inv, $"{r.Step},{r.Loss:R},{r.LearningRate:R},{r.Tokens},{r.Elapsed:F3}");

    internal static string Duration(TimeSpan t) =>
        t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:D2}m" : t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes}m{t.Seconds:D2}s" : $"{t.TotalSeconds:F0}s";

    /// <summary>Study-wide progress: steps done of the steps this invocation has to train, and the time left at the
    /// step rate seen so far (evaluation included, since it runs between steps).</summary>
    private sealed class StudyMeter(int total)
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private int _done;

        public void Step() => _done++;

        public override string ToString()
        {
            var share = total > 0 ? (double)_done / total : 1;
            var left = _done > 0 ? TimeSpan.FromSeconds(_clock.Elapsed.TotalSeconds / _done * (total - _done)) : TimeSpan.Zero;
            return string.Create(Inv, $"study {share:P0}, {Duration(_clock.Elapsed)} elapsed, ~{Duration(left)} left");
        }
    }
}
