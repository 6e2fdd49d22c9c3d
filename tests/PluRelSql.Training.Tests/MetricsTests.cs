namespace PluRelSql.Training.Tests;

public sealed class MetricsTests
{
    [Fact]
    public void R_squared_matches_hand_computation()
    {
        double[] y = [1, 2, 3, 4];
        Assert.Equal(1.0, Metrics.RSquared(y, y), 12);
        Assert.Equal(0.0, Metrics.RSquared(y, [2.5, 2.5, 2.5, 2.5]), 12);
        // SS_res = 0.25·4 = 1, SS_tot = 5 → 0.8
        Assert.Equal(0.8, Metrics.RSquared(y, [1.5, 1.5, 3.5, 3.5]), 12);
        Assert.True(Metrics.RSquared(y, [4, 3, 2, 1]) < 0);
        Assert.True(double.IsNaN(Metrics.RSquared([1, 1], [1, 2])));
    }

    [Fact]
    public void Mae_rmse_and_accuracy_match_hand_computation()
    {
        Assert.Equal(1.0, Metrics.MeanAbsoluteError([0, 0, 0], [1, -1, 1]), 12);
        Assert.Equal(Math.Sqrt(3), Metrics.RootMeanSquaredError([0, 0], [1, Math.Sqrt(5)]), 12);
        Assert.Equal(0.75, Metrics.Accuracy([1, 0, 2, 2], [1, 0, 2, 0]), 12);
        Assert.Throws<ArgumentException>(() => Metrics.Accuracy([1], [1, 2]));
    }

    [Fact]
    public void Auroc_counts_pairs_and_half_credits_ties()
    {
        Assert.Equal(1.0, Metrics.Auroc([false, false, true, true], [0.1, 0.2, 0.8, 0.9]), 12);
        Assert.Equal(0.0, Metrics.Auroc([true, true, false, false], [0.1, 0.2, 0.8, 0.9]), 12);
        // positives {0.4, 0.8}, negatives {0.1, 0.4, 0.9}: pairs won 1 + 0.5 + 0 + 1 + 1 + 0 = 3.5 of 6
        Assert.Equal(3.5 / 6, Metrics.Auroc([true, false, true, false, false], [0.4, 0.1, 0.8, 0.4, 0.9]), 12);
        Assert.Equal(0.5, Metrics.Auroc([true, false, true, false], [0.3, 0.3, 0.3, 0.3]), 12);
        Assert.True(double.IsNaN(Metrics.Auroc([true, true], [0.1, 0.2])));
    }

    [Fact]
    public void Log_loss_of_certain_and_uniform_predictions()
    {
        Assert.Equal(Math.Log(2), Metrics.LogLoss([true, false], [0.5, 0.5]), 12);
        Assert.True(Metrics.LogLoss([true], [1.0]) < 1e-9);
    }
}
