using PluRelSql.TestSupport;
using PluRelSql.Training;

namespace PluRelSql.Cli.Tests;

/// <summary>plurel finetune: a pretrained checkpoint trained on a target's non-held-out cells with its own schedule,
/// resumable, recording its origin; train --exclude-held-out as its from-scratch counterpart.</summary>
[Collection(ClusterCollection.Name)]
public sealed class FineTuneTests(ClusterFixture pg)
{
    [Fact]
    public async Task Finetune_starts_from_the_pretrained_weights_with_a_new_schedule_and_resumes()
    {
        await pg.Execute("postgres", "DROP DATABASE IF EXISTS finetune_t WITH (FORCE)");
        var corpus = Cli.Plurel("corpus", "--db", pg.Url("postgres"), "--database", "finetune_t", "--count", "2", "--seed", "9",
            "--tables-range", "3-4", "--scale", "0.3");
        Assert.True(corpus.ExitCode == 0, corpus.ToString());
        var root = Path.Combine(Path.GetTempPath(), $"plurel-finetune-{Environment.ProcessId}");
        string pre = Path.Combine(root, "pre"), ft = Path.Combine(root, "ft"), scratch = Path.Combine(root, "scratch");
        string[] Small = ["--tokens-per-batch", "512"];
        try
        {
            var train = Cli.Plurel(["train", "--db", pg.Url("finetune_t"), "--schemas", "plurel_00000", "--steps", "4", "--out", pre,
                "--d-model", "16", "--layers", "1", "--heads", "2", "--context", "64", .. Small]);
            Assert.True(train.ExitCode == 0, train.ToString());

            string[] FineTune(int steps) => ["finetune", "--checkpoint", pre, "--db", pg.Url("finetune_t"), "--schemas", "plurel_00001",
                "--steps", steps.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", ft, "--lr", "5e-4", .. Small];
            var first = Cli.Plurel(FineTune(3));
            Assert.True(first.ExitCode == 0, first.ToString());
            Assert.Contains("held out:", first.StdErr);
            Assert.Contains("fine-tuning", first.StdErr);
            var info = Trainer.ReadCheckpointInfo(ft);
            Assert.Equal(3, info.Step);
            Assert.Equal(Trainer.ReadCheckpointInfo(pre).Model, info.Model);           // the pretrained size, whatever the defaults
            Assert.Equal(5e-4, info.Trainer.PeakLearningRate);
            Assert.Equal(3, info.Trainer.TotalSteps);                                    // its own schedule
            Assert.Equal(0, info.Trainer.WeightDecay);
            Assert.Equal($"{Path.GetFullPath(pre)}@4", info.FineTunedFrom);
            Assert.Equal(4, Trainer.ReadCheckpointInfo(pre).Step);                       // the pretrained checkpoint is left as it was

            // The first fine-tuning step starts from the pretrained weights: its loss is that model's loss on the batch.
            var firstLoss = double.Parse(first.StdOut.Split('\n').First(l => l.StartsWith("step      1 ", StringComparison.Ordinal))
                .Split("loss", StringSplitOptions.TrimEntries)[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(double.IsFinite(firstLoss));

            var resumed = Cli.Plurel(FineTune(5));
            Assert.True(resumed.ExitCode == 0, resumed.ToString());
            Assert.Contains("resuming", resumed.StdErr);
            Assert.Equal(5, Trainer.ReadCheckpointInfo(ft).Step);

            var same = Cli.Plurel(["finetune", "--checkpoint", pre, "--db", pg.Url("finetune_t"), "--steps", "2", "--out", pre]);
            Assert.NotEqual(0, same.ExitCode);
            Assert.Contains("--out must differ from --checkpoint", same.StdErr);

            var fromScratch = Cli.Plurel(["train", "--db", pg.Url("finetune_t"), "--schemas", "plurel_00001", "--steps", "2", "--out", scratch,
                "--exclude-held-out", "--d-model", "16", "--layers", "1", "--heads", "2", "--context", "64", .. Small]);
            Assert.True(fromScratch.ExitCode == 0, fromScratch.ToString());
            Assert.Contains("held out:", fromScratch.StdErr);
            Assert.Null(Trainer.ReadCheckpointInfo(scratch).FineTunedFrom);

            var wrongOrigin = Cli.Plurel(["finetune", "--checkpoint", pre, "--db", pg.Url("finetune_t"), "--steps", "2", "--out", scratch]);
            Assert.NotEqual(0, wrongOrigin.ExitCode);
            Assert.Contains("was not fine-tuned from", wrongOrigin.StdErr);
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }
}
