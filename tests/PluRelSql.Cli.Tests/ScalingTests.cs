using System.Diagnostics;
using System.Text.Json;
using PluRelSql.Cli.Commands;
using PluRelSql.Generation.PluRel;
using PluRelSql.TestSupport;
using PluRelSql.Workflows.Scaling;

namespace PluRelSql.Cli.Tests;

/// <summary>`plurel scaling` end to end on a tiny study (5 databases of 3 tables, a 1-layer model, a few steps per run).</summary>
[Collection(ClusterCollection.Name)]
public sealed class ScalingTests(ClusterFixture pg) : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"plurel-scaling-{Environment.ProcessId}-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    /// <summary>N = 1, 2, 3 at 8 steps; token axis at N = 3 with 8, 16 and 31 steps (2k, 4k, 8k tokens at 256 per batch).</summary>
    private static readonly string[] TinyArgs =
    [
        "--dbs", "1,2,3", "--tokens", "2k,4k,8k", "--steps", "8", "--eval-dbs", "2", "--tables-range", "3-3", "--scale", "0.1",
        "--d-model", "16", "--layers", "1", "--heads", "2", "--context", "32", "--tokens-per-batch", "256", "--eval-contexts", "64",
        "--checkpoint-every", "4", "--bootstrap", "100",
    ];

    private static ScalingSettings Tiny(string database) => ScalingSettings.Quick with
    {
        Databases = [1, 2, 3],
        Tokens = [2048, 4096, 8192],
        Steps = 8,
        EvalDatabases = 2,
        Tables = new IntRange(3, 3),
        Scale = 0.1,
        DModel = 16,
        Layers = 1,
        Heads = 2,
        Context = 32,
        TokensPerBatch = 256,
        EvalContexts = 64,
        CheckpointEvery = 4,
        Bootstrap = 100,
        Database = database,
    };

    [Fact]
    public void Study_writes_every_output_and_a_rerun_skips_its_finished_runs()
    {
        var dir = Path.Combine(_root, "cli");
        string[] args = ["scaling", "--out", dir, "--db", pg.Url("postgres"), "--database", "scaling_cli", .. TinyArgs];
        var clock = Stopwatch.StartNew();
        var first = Cli.Plurel(args);
        var firstSeconds = clock.Elapsed.TotalSeconds;
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("0 of 5 runs already finished", first.StdErr);
        Assert.Contains("[5/5] n0003-s000031 N=3: done", first.StdErr);
        Assert.Contains("runs: 5 (0 skipped as finished)", first.StdOut);
        foreach (var f in new[] { "runs.csv", "fit.json", "report.md", "loss_vs_dbs.png", "loss_vs_tokens.png", "training_curves.png", "study.json" })
            Assert.True(File.Exists(Path.Combine(dir, f)), $"{f} missing\n{first}");

        var csv = File.ReadAllLines(Path.Combine(dir, "runs.csv"));
        Assert.Equal("run,dbs,tokens,steps,train_loss,heldout_loss,seconds,sweep", csv[0]);
        Assert.Equal(["n0001-s000008", "n0002-s000008", "n0003-s000008", "n0003-s000016", "n0003-s000031"], csv.Skip(1).Select(l => l.Split(',')[0]));
        Assert.Equal("dbs+tokens", csv[3].Split(',')[7]);
        foreach (var row in csv.Skip(1))
        {
            var f = row.Split(',');
            Assert.True(long.Parse(f[2]) > 0 && double.Parse(f[4]) > 0 && double.Parse(f[5]) > 0, row);
            // One train.csv row per step.
            Assert.Equal(int.Parse(f[3]) + 1, File.ReadAllLines(Path.Combine(dir, "runs", f[0], "train.csv")).Length);
        }
        using (var fit = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "fit.json"))))
            foreach (var axis in new[] { "dbs", "tokens" })
            {
                Assert.Equal(3, fit.RootElement.GetProperty(axis).GetProperty("points").GetInt32());
                Assert.Equal(JsonValueKind.Number, fit.RootElement.GetProperty(axis).GetProperty("b").ValueKind);
            }
        var model = File.ReadAllBytes(Path.Combine(dir, "runs", "n0002-s000008", "model.bin"));

        clock.Restart();
        var again = Cli.Plurel(args);
        var againSeconds = clock.Elapsed.TotalSeconds;
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("5 of 5 runs already finished (skipped); 0 to train", again.StdErr);
        Assert.Contains("[2/5] n0002-s000008 N=2: finished before, skipped", again.StdErr);
        Assert.DoesNotContain(": training ", again.StdErr);
        Assert.Contains("runs: 5 (5 skipped as finished)", again.StdOut);
        Assert.Equal(model, File.ReadAllBytes(Path.Combine(dir, "runs", "n0002-s000008", "model.bin")));
        Assert.Equal(csv, File.ReadAllLines(Path.Combine(dir, "runs.csv")));
        Assert.True(againSeconds < firstSeconds, $"re-run took {againSeconds:F1} s, the first run {firstSeconds:F1} s");

        // The same folder with another model is refused, not mixed in.
        var other = Cli.Plurel([.. args.Select((a, i) => i > 0 && args[i - 1] == "--d-model" ? "24" : a)]);
        Assert.Equal(2, other.ExitCode);
        Assert.Contains("dModel 16 → 24", other.StdErr);
    }

    [Fact]
    public async Task An_interrupted_run_continues_from_its_checkpoint_as_if_never_stopped()
    {
        var target = (await Target.Resolve(pg.Url("postgres"), "scaling_resume", CancellationToken.None)).Endpoint;
        var settings = Tiny("scaling_resume");
        var whole = Path.Combine(_root, "whole");
        var cut = Path.Combine(_root, "cut");
        await new ScalingStudy(settings, whole, TextWriter.Null).RunAsync(target, CancellationToken.None);

        using (var cts = new CancellationTokenSource())
        {
            var interrupted = new ScalingStudy(settings, cut, TextWriter.Null)
            {
                StepObserver = (id, r) => { if (id == "n0003-s000016" && r.Step == 6) cts.Cancel(); },
            };
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => interrupted.RunAsync(target, cts.Token));
        }
        var runDir = Path.Combine(cut, "runs", "n0003-s000016");
        Assert.False(File.Exists(Path.Combine(runDir, "result.json")));
        Assert.Contains("\"Step\": 6", File.ReadAllText(Path.Combine(runDir, "config.json")));

        var log = new StringWriter();
        var resumed = await new ScalingStudy(settings, cut, log).RunAsync(target, CancellationToken.None);
        var text = log.ToString();
        // 16 − 6 steps left of the interrupted run, 32 of the last (8192 tokens at 256 per batch).
        Assert.True(text.Contains("3 of 5 runs already finished (skipped); 2 to train: 42 steps", StringComparison.Ordinal), text);
        Assert.Contains("n0003-s000016 N=3: resuming from its checkpoint at step 6/16", text);
        Assert.Equal(["n0001-s000008", "n0002-s000008", "n0003-s000008"], resumed.Skipped);

        // On CPU the resumed study is the uninterrupted one, bit for bit: same step losses, same held-out losses.
        foreach (var run in resumed.Runs)
        {
            Assert.Equal(Losses(whole, run.Id), Losses(cut, run.Id));
            Assert.Equal(File.ReadAllText(Path.Combine(whole, "runs", run.Id, "result.json")).Split("\"Seconds\"")[0],
                File.ReadAllText(Path.Combine(cut, "runs", run.Id, "result.json")).Split("\"Seconds\"")[0]);
        }
        Assert.Equal(File.ReadAllText(Path.Combine(whole, "fit.json")), File.ReadAllText(Path.Combine(cut, "fit.json")));
    }

    private static string[] Losses(string dir, string id) =>
        [.. File.ReadAllLines(Path.Combine(dir, "runs", id, "train.csv")).Skip(1).Select(l => string.Join(',', l.Split(',')[..4]))];

    [Theory]
    [InlineData("--dbs", "2,4", "2 distinct N")]
    [InlineData("--dbs", "4,4,4,8", "2 distinct N")]
    [InlineData("--tokens", "1k,1k,300k", "2 distinct step counts")]
    [InlineData("--dbs", "1,x,3", "'x' is not a number")]
    [InlineData("--dbs", "0,1,2", "every N must be at least 1")]
    public void Fewer_points_than_parameters_and_bad_lists_are_bad_input(string option, string value, string message)
    {
        var r = Cli.Plurel("scaling", "--quick", "--out", Path.Combine(_root, "bad"), option, value);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(message, r.StdErr);
        if (message.Contains("distinct", StringComparison.Ordinal)) Assert.Contains("needs at least 3 points (one per parameter)", r.StdErr);
        Assert.False(Directory.Exists(Path.Combine(_root, "bad")), "nothing may be written for bad input");
    }

    [Fact]
    public void Quick_plan_shares_the_point_on_both_axes()
    {
        var plan = ScalingSettings.Quick.Plan();
        Assert.Equal(["n0001-s000400", "n0002-s000400", "n0004-s000400", "n0008-s000400", "n0016-s000400",
            "n0016-s000100", "n0016-s000200", "n0016-s000800"], plan.Select(p => p.Id));
        Assert.Equal((true, true), (plan[4].InDatabaseSweep, plan[4].InTokenSweep));
        Assert.Equal(20, ScalingSettings.Quick.CorpusSize);
    }

    [Theory]
    [InlineData("819200", 819_200)]
    [InlineData("800k", 800_000)]
    [InlineData("1.6M", 1_600_000)]
    [InlineData("2G", 2_000_000_000)]
    public void Token_counts_take_suffixes(string text, long expected) => Assert.Equal(expected, ScalingCommand.ParseCount(text));
}
