using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using PluRelSql.Generation.PluRel;
using PluRelSql.Training;

namespace PluRelSql.Workflows.Scaling;

/// <summary>One pretraining run of the plan: its folder name, N, steps and the axes it belongs to.</summary>
public sealed record RunPlan(string Id, int Databases, int Steps, bool InDatabaseSweep, bool InTokenSweep);

/// <summary>Everything a scaling study fixes. The database axis trains N = each of <see cref="Databases"/> for
/// <see cref="Steps"/> steps; the token axis trains the largest N for each budget of <see cref="Tokens"/>. Corpus schemas
/// plurel_00000 … plurel_{E−1} are held out for evaluation, training uses the next max(N), so adding points never moves them.</summary>
public sealed record ScalingSettings
{
    public required IReadOnlyList<int> Databases { get; init; }
    /// <summary>Token budgets of the token axis; each becomes round(budget / tokens per batch) steps.</summary>
    public required IReadOnlyList<long> Tokens { get; init; }
    public required int EvalDatabases { get; init; }
    public required int Steps { get; init; }
    public required int DModel { get; init; }
    public required int Layers { get; init; }
    public required int Heads { get; init; }
    public required int Context { get; init; }
    public required int TokensPerBatch { get; init; }
    public required double LearningRate { get; init; }
    public required long Seed { get; init; }
    public required ulong CorpusSeed { get; init; }
    public required IntRange Tables { get; init; }
    public required double Scale { get; init; }
    /// <summary>Held-out contexts evaluated (one masked cell each), the same for every run.</summary>
    public required int EvalContexts { get; init; }
    public required int CheckpointEvery { get; init; }
    public required int Bootstrap { get; init; }
    public required string Database { get; init; }
    public string Device { get; init; } = "cpu";
    public int Threads { get; init; } = 1;

    /// <summary>Sized for 2 CPU cores: a small model, 5 database points and 4 token points (8 runs, one shared).</summary>
    public static ScalingSettings Quick { get; } = new()
    {
        Databases = [1, 2, 4, 8, 16], Tokens = [.. new[] { 100, 200, 400, 800 }.Select(s => s * 2048L)], EvalDatabases = 4, Steps = 400,
        DModel = 32, Layers = 2, Heads = 2, Context = 128, TokensPerBatch = 2048, LearningRate = 1e-3, Seed = 1, CorpusSeed = 1,
        Tables = new IntRange(3, 6), Scale = 0.25, EvalContexts = 2048, CheckpointEvery = 50, Bootstrap = 1000,
        Database = "plurel_scaling_quick",
    };

    /// <summary>The issue's grid with the spec's minimal model; hours on a CPU, meant for a CUDA device.</summary>
    public static ScalingSettings Full { get; } = new()
    {
        Databases = [2, 4, 8, 16, 32, 64], Tokens = [.. new[] { 500, 1000, 2000, 4000, 8000 }.Select(s => s * 4096L)], EvalDatabases = 8,
        Steps = 2000, DModel = 64, Layers = 2, Heads = 4, Context = 256, TokensPerBatch = 4096, LearningRate = 1e-3, Seed = 1,
        CorpusSeed = 1, Tables = new IntRange(3, 20), Scale = 1, EvalContexts = 4096, CheckpointEvery = 100, Bootstrap = 1000,
        Database = "plurel_scaling",
    };

    public int BatchSize => Math.Max(1, TokensPerBatch / Context);
    public int TokenAxisDatabases => Databases.Max();
    public int CorpusSize => EvalDatabases + Databases.Max();

    public int StepsFor(long tokens) => (int)Math.Max(1, Math.Round(tokens / (double)(BatchSize * Context)));

    public RtConfig Model => new() { DModel = DModel, Layers = Layers, Heads = Heads, MaxTokens = Context };

    public TrainerOptions TrainerFor(int steps) => new()
    {
        Seed = Seed, Device = Device, TotalSteps = steps, WarmupSteps = Math.Max(1, steps / 10), PeakLearningRate = LearningRate,
        Threads = Threads,
    };

    /// <summary>Bad values and axes with fewer points than the fit has parameters: <see cref="UsageException"/> (exit 2),
    /// before anything is generated or trained.</summary>
    public void Validate()
    {
        if (Databases.Count == 0 || Databases.Any(n => n < 1)) throw UsageException.About($"{Setting.Databases}: every N must be at least 1");
        if (Tokens.Any(t => t < 1)) throw UsageException.About($"{Setting.Tokens}: every budget must be at least 1");
        var distinctN = Databases.Distinct().Count();
        if (distinctN < Analysis.PowerLawFitter.ParameterCount)
            throw UsageException.About($"{Setting.Databases}: {distinctN} distinct N; fitting L = a·N^-b + c needs at least {Analysis.PowerLawFitter.ParameterCount} points (one per parameter)");
        if (Tokens.Any(t => t / (double)(BatchSize * Context) > int.MaxValue / 2.0)) throw UsageException.About($"{Setting.Tokens}: a budget is too large");
        var distinctSteps = Tokens.Select(StepsFor).Distinct().Count();
        if (distinctSteps < Analysis.PowerLawFitter.ParameterCount)
            throw UsageException.About($"{Setting.Tokens}: {distinctSteps} distinct step counts at {BatchSize * Context} tokens per batch; fitting L = a·S^-b + c needs at least {Analysis.PowerLawFitter.ParameterCount} points (one per parameter)");
        if (EvalDatabases < 1) throw UsageException.About($"{Setting.EvalDatabases} must be at least 1");
        if (Steps < 1) throw UsageException.About($"{Setting.Steps} must be at least 1");
        if (Context < 8 || TokensPerBatch < Context) throw UsageException.About($"{Setting.Context} must be at least 8 and {Setting.TokensPerBatch} at least {Setting.Context}");
        if (EvalContexts < 1) throw UsageException.About($"{Setting.EvalContexts} must be at least 1");
        if (CheckpointEvery < 1) throw UsageException.About($"{Setting.CheckpointEvery} must be at least 1");
        if (Bootstrap < 0) throw UsageException.About($"{Setting.Bootstrap} must be >= 0");
        if (!(Scale > 0)) throw UsageException.About($"{Setting.Scale} must be positive");
        if (!(LearningRate > 0)) throw UsageException.About($"{Setting.LearningRate} must be positive");
        try { Model.Validate(); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
    }

    /// <summary>The runs, database axis first (by N), then the token axis (by steps); a point on both axes is one run.</summary>
    public IReadOnlyList<RunPlan> Plan()
    {
        var runs = new List<RunPlan>();
        foreach (var n in Databases.Distinct().Order()) runs.Add(new RunPlan(RunId(n, Steps), n, Steps, true, false));
        var top = TokenAxisDatabases;
        foreach (var steps in Tokens.Select(StepsFor).Distinct().Order())
        {
            var i = runs.FindIndex(r => r.Databases == top && r.Steps == steps);
            if (i >= 0) runs[i] = runs[i] with { InTokenSweep = true };
            else runs.Add(new RunPlan(RunId(top, steps), top, steps, false, true));
        }
        return runs;
    }

    public static string RunId(int databases, int steps) => string.Create(CultureInfo.InvariantCulture, $"n{databases:D4}-s{steps:D6}");

    /// <summary>What every run of one study must share (held-out set, corpus, model, optimizer): stored as study.json and
    /// compared on every re-run. The points, device and threads may change between runs of the command.</summary>
    public JsonObject Fixed() => new()
    {
        ["corpusSeed"] = CorpusSeed, ["tables"] = $"{Tables.Min}-{Tables.Max}", ["scale"] = Scale,
        ["evalDatabases"] = EvalDatabases, ["evalContexts"] = EvalContexts,
        ["dModel"] = DModel, ["layers"] = Layers, ["heads"] = Heads, ["context"] = Context, ["tokensPerBatch"] = TokensPerBatch,
        ["lr"] = LearningRate, ["seed"] = Seed,
    };

    /// <summary>Writes study.json in a new study folder, or names every fixed setting that differs from the folder's.</summary>
    public void CheckOrRecord(string directory)
    {
        var path = Path.Combine(directory, "study.json");
        var mine = Fixed();
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(path, mine.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
            return;
        }
        var theirs = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                     ?? throw new UsageException($"{path} is not a JSON object");
        var diffs = mine.Where(kv => !JsonNode.DeepEquals(kv.Value, theirs[kv.Key]))
            .Select(kv => $"{kv.Key} {theirs[kv.Key]?.ToJsonString() ?? "(missing)"} → {kv.Value?.ToJsonString()}").ToList();
        if (diffs.Count > 0)
            throw UsageException.About($"{directory} holds a study with other fixed settings ({string.Join(", ", diffs)}); use another {Setting.Out}, or the same settings to extend or resume it");
    }

    /// <summary>Setting → value lines for report.md.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Describe(string server) =>
    [
        new("N (database axis)", string.Join(", ", Databases.Distinct().Order())),
        new("steps per database-axis run", Steps.ToString(CultureInfo.InvariantCulture)),
        new("token budgets (token axis, N = " + TokenAxisDatabases + ")",
            string.Join(", ", Tokens.Select(t => $"{Analysis.ScalingPlots.FormatCount(t)} ({StepsFor(t)} steps)"))),
        new("held-out databases", $"{EvalDatabases} (schemas {CorpusWorkflow.CorpusSchema(0)} … {CorpusWorkflow.CorpusSchema(EvalDatabases - 1)}), {EvalContexts} contexts, one masked cell each"),
        new("corpus", string.Create(CultureInfo.InvariantCulture, $"{server}, seed {CorpusSeed}, {Tables.Min}-{Tables.Max} tables, row scale {Scale}")),
        new("model", $"d_model {DModel}, {Layers} layers, {Heads} heads, context {Context} cells, {Model.ParameterCount():N0} parameters"),
        new("batch", $"{BatchSize} contexts × {Context} cells"),
        new("optimizer", string.Create(CultureInfo.InvariantCulture, $"AdamW, peak lr {LearningRate:G3}, warm-up 10 % then cosine to the run's last step, seed {Seed}")),
        new("device", $"{Device}, {Threads} torch thread(s)"),
        new("bootstrap", $"{Bootstrap} residual resamples, 95 % percentile intervals"),
    ];
}
