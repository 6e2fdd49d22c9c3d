using System.CommandLine;
using System.Globalization;
using PluRelSql.Analysis;
using PluRelSql.Workflows.Scaling;

namespace PluRelSql.Cli.Commands;

/// <summary><c>plurel scaling</c>: corpus → one pretraining run per point → held-out loss → power-law fits → plots.</summary>
public static class ScalingCommand
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Study folder (runs, checkpoints, runs.csv, fit.json, report.md, plots); re-running resumes it.", Required = true };
        var quick = new Option<bool>("--quick") { Description = "CPU-sized defaults: small model, N = 1,2,4,8,16 and 4 token budgets (under 15 minutes on 2 idle cores)." };
        var dbs = new Option<string>("--dbs") { Description = "Training-database counts N of the database axis (default 2,4,8,16,32,64; --quick 1,2,4,8,16)." };
        var tokens = new Option<string>("--tokens") { Description = "Token budgets of the token axis, trained at the largest N; k/M/G suffixes (default 500..8000 batches; --quick 100..800)." };
        var evalDbs = new Option<int?>("--eval-dbs") { Description = "Held-out databases (the first schemas of the corpus; never trained on) (default 8; --quick 4)." };
        var steps = new Option<int?>("--steps") { Description = "Steps of every database-axis run (default 2000; --quick 400)." };
        var device = new Option<string>("--device") { Description = "cpu or cuda.", DefaultValueFactory = _ => "cpu" };
        device.AcceptOnlyFromAmong("cpu", "cuda");
        var db = new Option<string>("--db") { Description = "Server holding the corpus (default: the embedded cluster)." };
        var database = new Option<string>("--database") { Description = "Corpus database (default plurel_scaling; --quick plurel_scaling_quick)." };
        var dModel = new Option<int?>("--d-model");
        var layers = new Option<int?>("--layers");
        var heads = new Option<int?>("--heads");
        var context = new Option<int?>("--context") { Description = "Cells per context." };
        var tokensPerBatch = new Option<int?>("--tokens-per-batch") { Description = "Cells per batch (contexts × context length)." };
        var lr = new Option<double?>("--lr") { Description = "Peak learning rate." };
        var seed = new Option<long?>("--seed") { Description = "Model, batch and bootstrap seed." };
        var corpusSeed = new Option<ulong?>("--corpus-seed");
        var range = new Option<string>("--tables-range") { Description = "Tables per sampled database, a-b (default 3-20; --quick 3-6)." };
        var scale = new Option<double?>("--scale") { Description = "Row-count multiplier of the corpus (default 1; --quick 0.25)." };
        var evalContexts = new Option<int?>("--eval-contexts") { Description = "Held-out contexts scored per run, one masked cell each (default 4096; --quick 2048)." };
        var checkpointEvery = new Option<int?>("--checkpoint-every") { Description = "Steps between checkpoints of a run." };
        var bootstrap = new Option<int?>("--bootstrap") { Description = "Bootstrap resamples for the confidence intervals (default 1000)." };
        var threads = new Option<int>("--threads") { Description = "Torch CPU threads for training (1 is fastest on shared 2-core machines); the corpus generator uses every core.", DefaultValueFactory = _ => 1 };
        var cmd = new Command("scaling", "Scaling-law study: pretrain one model per point over N databases and over tokens, score held-out loss, fit L = a·x^-b + c, plot.")
        {
            output, quick, dbs, tokens, evalDbs, steps, device, db, database, dModel, layers, heads, context, tokensPerBatch, lr, seed,
            corpusSeed, range, scale, evalContexts, checkpointEvery, bootstrap, threads,
        };
        cmd.SetAction((pr, ct) => ExitCodes.Run(async () =>
        {
            var d = pr.GetValue(quick) ? ScalingSettings.Quick : ScalingSettings.Full;
            var ctxLen = pr.GetValue(context) ?? d.Context;
            var perBatch = pr.GetValue(tokensPerBatch) ?? d.TokensPerBatch;
            var settings = d with
            {
                Databases = pr.GetValue(dbs) is { } n ? ParseList("--dbs", n, s => int.Parse(s, Inv)) : d.Databases,
                // Default budgets are in batches of the default size; keep them in batches when the batch changes.
                Tokens = pr.GetValue(tokens) is { } t ? ParseList("--tokens", t, ParseCount)
                    : [.. d.Tokens.Select(b => b / d.TokensPerBatch * (Math.Max(1, perBatch / ctxLen) * ctxLen))],
                EvalDatabases = pr.GetValue(evalDbs) ?? d.EvalDatabases,
                Steps = pr.GetValue(steps) ?? d.Steps,
                DModel = pr.GetValue(dModel) ?? d.DModel,
                Layers = pr.GetValue(layers) ?? d.Layers,
                Heads = pr.GetValue(heads) ?? d.Heads,
                Context = ctxLen,
                TokensPerBatch = perBatch,
                LearningRate = pr.GetValue(lr) ?? d.LearningRate,
                Seed = pr.GetValue(seed) ?? d.Seed,
                CorpusSeed = pr.GetValue(corpusSeed) ?? d.CorpusSeed,
                Tables = pr.GetValue(range) is { } r ? SampleCommands.ParseTablesRange(r) : d.Tables,
                Scale = pr.GetValue(scale) ?? d.Scale,
                EvalContexts = pr.GetValue(evalContexts) ?? d.EvalContexts,
                CheckpointEvery = pr.GetValue(checkpointEvery) ?? d.CheckpointEvery,
                Bootstrap = pr.GetValue(bootstrap) ?? d.Bootstrap,
                Database = pr.GetValue(database) ?? d.Database,
                Device = pr.GetValue(device)!,
                Threads = pr.GetValue(threads),
            };
            // Bad points fail here, before a database is touched.
            settings.Validate();
            OutputFile.CheckDirectory("--out", pr.GetValue(output)!);
            var outDir = Path.GetFullPath(pr.GetValue(output)!);
            var target = await Target.Resolve(pr.GetValue(db), settings.Database, ct);
            target.RequirePostgres("scaling");
            var outcome = await new ScalingStudy(settings, outDir, Console.Error).RunAsync(target.Endpoint, ct);
            Console.WriteLine($"runs: {outcome.Runs.Count} ({outcome.Skipped.Count} skipped as finished)");
            Console.WriteLine(Line("N", outcome.Fits.Databases));
            Console.WriteLine(Line("tokens", outcome.Fits.Tokens));
            Console.WriteLine($"wrote {outDir}");
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    private static string Line(string axis, PowerLawFit f) => string.Create(Inv,
        $"L({axis}) = {f.A:G4}·x^-{f.B:G4} + {f.C:G4}   R² {f.RSquared:F4}   b 95% CI {(f.BCi is { } ci ? $"[{ci.Low:G3}, {ci.High:G3}]" : "none (3 points)")}   ({f.Points} points)");

    internal static List<T> ParseList<T>(string option, string text, Func<string, T> parse)
    {
        var result = new List<T>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            try { result.Add(parse(part)); }
            catch (FormatException) { throw new UsageException($"{option}: '{part}' is not a number"); }
            catch (OverflowException) { throw new UsageException($"{option}: '{part}' is out of range"); }
        }
        if (result.Count == 0) throw new UsageException($"{option}: expected a comma-separated list");
        return result;
    }

    /// <summary>819200, 800k, 1.6M, 2G.</summary>
    internal static long ParseCount(string s)
    {
        var multiplier = char.ToUpperInvariant(s[^1]) switch { 'K' => 1e3, 'M' => 1e6, 'G' => 1e9, _ => 1 };
        var number = multiplier == 1 ? s : s[..^1];
        return checked((long)Math.Round(double.Parse(number, NumberStyles.Float, Inv) * multiplier));
    }
}
