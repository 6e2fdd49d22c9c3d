using System.Text.Json;
using PluRelSql.TestSupport;
using PluRelSql.Workflows;

namespace PluRelSql.Cli.Tests;

/// <summary>Pretraining straight from a live database: train writes a resumable checkpoint, eval reports the
/// documented JSON against the baselines.</summary>
[Collection(ClusterCollection.Name)]
public sealed class TrainTests(ClusterFixture pg)
{
    [Fact]
    public async Task Train_resumes_from_its_checkpoint_and_eval_reports_model_and_baselines()
    {
        await pg.Execute("postgres", "DROP DATABASE IF EXISTS train_t WITH (FORCE)");
        var corpus = Cli.Plurel("corpus", "--db", pg.Url("postgres"), "--database", "train_t", "--count", "2", "--seed", "9",
            "--tables-range", "3-4", "--scale", "0.3");
        Assert.True(corpus.ExitCode == 0, corpus.ToString());
        var dir = Path.Combine(Path.GetTempPath(), $"plurel-train-{Environment.ProcessId}");
        try
        {
            string[] Train(int steps) => ["train", "--db", pg.Url("train_t"), "--schemas", "plurel_00000", "--steps", steps.ToString(),
                "--out", dir, "--tokens-per-batch", "1024", "--context", "128"];
            var first = Cli.Plurel(Train(6));
            Assert.True(first.ExitCode == 0, first.ToString());
            Assert.Contains("step      6", first.StdOut);
            Assert.True(File.Exists(Path.Combine(dir, "model.bin")));
            var resumed = Cli.Plurel(Train(10));
            Assert.True(resumed.ExitCode == 0, resumed.ToString());
            Assert.Contains("resuming", resumed.StdErr);
            Assert.Contains("at step 10", resumed.StdOut);
            Assert.DoesNotContain("step      1 ", resumed.StdOut);

            var eval = Cli.Plurel("eval", "--checkpoint", dir, "--db", pg.Url("train_t"), "--schemas", "plurel_00001",
                "--cells", "200", "--format", "json");
            Assert.True(eval.ExitCode == 0, eval.ToString());
            using var json = JsonDocument.Parse(eval.StdOut);
            var numeric = json.RootElement.GetProperty("numeric");
            var boolean = json.RootElement.GetProperty("boolean");
            Assert.Equal(200, numeric.GetProperty("cells").GetInt32() + boolean.GetProperty("cells").GetInt32());
            foreach (var name in new[] { "r2", "baselineR2", "mae", "baselineMae" }) Assert.True(numeric.TryGetProperty(name, out _), name);
            foreach (var name in new[] { "accuracy", "baselineAccuracy", "auroc" }) Assert.True(boolean.TryGetProperty(name, out _), name);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Schema_globs_work_like_the_shell() =>
        Assert.Equal(["plurel_00002", "plurel_00003"],
            new[] { "plurel_00001", "plurel_00002", "plurel_00003", "plurel_00013", "public" }
                .Where(s => System.Text.RegularExpressions.Regex.IsMatch(s, "^" + Snapshots.GlobToRegex("plurel_0000[2-3]") + "$")));
}
