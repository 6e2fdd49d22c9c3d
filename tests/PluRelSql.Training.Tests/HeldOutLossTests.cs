namespace PluRelSql.Training.Tests;

/// <summary>The scaling study scores runs with <see cref="Evaluator.MeanLoss"/>: it must be the loss the trainer optimizes.</summary>
public sealed class HeldOutLossTests
{
    [Fact]
    public void Mean_loss_is_the_training_loss_weighted_by_masked_cells()
    {
        var source = new SyntheticRelationalTask(8, 48, ModelTests.Tiny.TextDim, seed: 33);
        var smaller = new SyntheticRelationalTask(5, 48, ModelTests.Tiny.TextDim, seed: 34);
        using var trainer = Trainer.Create(ModelTests.Tiny, new TrainerOptions { Seed = 5, Threads = 1, TotalSteps = 10 });
        var a = source.Next(0);
        var b = smaller.Next(1);
        var lossA = Evaluator.MeanLoss(trainer.Model, [a]);
        var lossB = Evaluator.MeanLoss(trainer.Model, [b]);
        var both = Evaluator.MeanLoss(trainer.Model, [a, b]);
        int cellsA = a.IsMasked.Count(m => m), cellsB = b.IsMasked.Count(m => m);
        Assert.NotEqual(cellsA, cellsB);   // otherwise weighting could not be told from a plain mean
        Assert.Equal((lossA * cellsA + lossB * cellsB) / (cellsA + cellsB), both, 12);

        // The step reports the loss of the weights before its update: the same number MeanLoss gave for them.
        var report = trainer.TrainStep(a);
        Assert.Equal(lossA, report.Loss, 6);
        Assert.NotEqual(lossA, Evaluator.MeanLoss(trainer.Model, [a]), 6);   // the update changed the model
    }
}
