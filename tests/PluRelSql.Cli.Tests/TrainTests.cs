using System.Diagnostics;
using System.Text.Json;
using PluRelSql.TestSupport;
using PluRelSql.Training;
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

            var jsonPath = Path.Combine(dir, "eval.json");
            var eval = Cli.Plurel("eval", "--checkpoint", dir, "--db", pg.Url("train_t"), "--schemas", "plurel_00001",
                "--cells", "40", "--resamples", "50", "--train-rows", "500", "--json", jsonPath);
            Assert.True(eval.ExitCode == 0, eval.ToString());
            Assert.Contains("database plurel_00001", eval.StdOut);
            Assert.Contains("time columns:", eval.StdOut);
            Assert.Contains("pooled number", eval.StdOut);
            using var json = JsonDocument.Parse(File.ReadAllText(jsonPath));
            var columns = json.RootElement.GetProperty("databases")[0].GetProperty("columns").EnumerateArray().ToList();
            var scored = columns.Where(c => !c.TryGetProperty("note", out _)).ToList();
            Assert.NotEmpty(scored);
            Assert.All(scored, c =>
            {
                Assert.InRange(c.GetProperty("cells").GetInt32(), 1, 40);
                foreach (var name in new[] { "model", "baseline", "gbdtRow", "gbdtParents" }) Assert.True(c.TryGetProperty(name, out _), name);
            });
            var bad = Cli.Plurel("eval", "--checkpoint", dir, "--db", pg.Url("train_t"), "--held-out", "1.5");
            Assert.Equal(2, bad.ExitCode);
            Assert.Contains("--held-out", bad.StdErr);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Ctrl_c_stops_train_at_a_step_boundary_with_a_checkpoint_and_exit_130()
    {
        await pg.Execute("postgres", "DROP DATABASE IF EXISTS train_sigint WITH (FORCE)");
        var corpus = Cli.Plurel("corpus", "--db", pg.Url("postgres"), "--database", "train_sigint", "--count", "1", "--seed", "9",
            "--tables-range", "3-4", "--scale", "0.3");
        Assert.True(corpus.ExitCode == 0, corpus.ToString());
        var dir = Path.Combine(Path.GetTempPath(), $"plurel-train-sigint-{Environment.ProcessId}");
        try
        {
            var psi = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
                WorkingDirectory = Path.GetTempPath(),
            };
            foreach (var a in new[] { Repo.PlurelDll, "train", "--db", pg.Url("train_sigint"), "--schemas", "plurel_00000", "--steps", "100000",
                         "--out", dir, "--d-model", "16", "--layers", "1", "--heads", "2", "--tokens-per-batch", "256", "--context", "64" })
                psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            p.StandardInput.Close();
            var stderr = p.StandardError.ReadToEndAsync();
            var stdout = new System.Text.StringBuilder();
            // "step      1" is printed after the first step: interrupt there, as a person pressing Ctrl-C would.
            while (await p.StandardOutput.ReadLineAsync() is { } line)
            {
                stdout.AppendLine(line);
                if (!line.StartsWith("step      1 ", StringComparison.Ordinal)) continue;
                using var kill = Process.Start("kill", ["-INT", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                await kill.WaitForExitAsync();
                break;
            }
            stdout.Append(await p.StandardOutput.ReadToEndAsync());
            if (!p.WaitForExit(TimeSpan.FromMinutes(2))) p.Kill(entireProcessTree: true);
            var result = new ProcessResult(p.HasExited ? p.ExitCode : -1, stdout.ToString(), await stderr);
            Assert.True(result.ExitCode == 130, result.ToString());
            Assert.Contains("interrupted; checkpoint saved", result.StdErr);
            var info = Trainer.ReadCheckpointInfo(dir);
            Assert.InRange(info.Step, 1, 99_999);
            Assert.Contains($"at step {info.Step} of 100000", result.StdErr);
            using var model = Trainer.LoadModel(dir);
            Assert.Equal(16, model.Config.DModel);
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
