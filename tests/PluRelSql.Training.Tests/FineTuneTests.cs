namespace PluRelSql.Training.Tests;

public sealed class FineTuneTests
{
    [Fact]
    public void Fine_tuning_keeps_the_pretrained_weights_and_starts_a_fresh_schedule()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"plurel-ft-unit-{Guid.NewGuid():N}");
        try
        {
            var config = ModelTests.Tiny;
            var source = new SyntheticRelationalTask(4, 48, config.TextDim, seed: 5);
            var batch = source.Next(100);
            double pretrainedLoss;
            using (var trainer = Trainer.Create(config, new TrainerOptions { Seed = 2, Threads = 1, TotalSteps = 6, WarmupSteps = 1 }))
            {
                trainer.Train(source, 6, checkpointDirectory: dir);
                pretrainedLoss = trainer.EvaluateLoss([batch]);
            }
            using var ft = Trainer.FineTune(dir, new TrainerOptions { Seed = 9, Threads = 1, TotalSteps = 10, WarmupSteps = 2, PeakLearningRate = 1e-4 });
            Assert.Equal(0, ft.Step);
            Assert.Equal(pretrainedLoss, ft.EvaluateLoss([batch]));
            Assert.Equal(1e-4 / 2, ft.Options.LearningRateAt(0));
            Assert.EndsWith("@6", ft.FineTunedFrom);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
