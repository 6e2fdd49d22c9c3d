using TorchSharp;
using static TorchSharp.torch;

namespace PluRelSql.Training;

/// <summary>
/// The model's prediction for one masked cell, with its truth.
/// Number/Datetime: <see cref="Value"/> = predicted z-score, <see cref="TargetValue"/> = true z-score.
/// Boolean: <see cref="Probability"/> = P(true), <see cref="PredictedClass"/> = 1 iff P ≥ 0.5, <see cref="TargetClass"/> = 0/1.
/// Categorical: <see cref="ClassProbabilities"/> (softmax over MaxClasses), <see cref="PredictedClass"/> = argmax, <see cref="TargetClass"/>.
/// Unused fields are NaN / −1 / null.
/// </summary>
public sealed record CellPrediction(
    int Sequence, int Position, TokenType Type, int Table, int Column,
    double Value, double Probability, int PredictedClass, float[]? ClassProbabilities,
    double TargetValue, int TargetClass);

/// <summary>Inference helpers: predictions per masked cell and mean loss, without gradients.</summary>
public static class Evaluator
{
    /// <summary>Predictions for every masked cell of <paramref name="batch"/>, ordered by (sequence, position).</summary>
    public static IReadOnlyList<CellPrediction> Predict(RelationalTransformer model, ContextBatch batch)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        bool wasTraining = model.training;
        model.eval();
        try
        {
            var x = model.Prepare(batch);
            var heads = model.Heads(x, model.Encode(x));
            var result = new List<CellPrediction>(x.MaskedCount);
            for (int t = 0; t < heads.Outputs.Length; t++)
            {
                if (heads.Outputs[t] is not { } output) continue;
                var slots = heads.Slots[t];
                var type = (TokenType)t;
                if (type == TokenType.Categorical)
                {
                    long classes = output.shape[1];
                    var probs = output.softmax(-1).cpu().data<float>().ToArray();
                    for (int j = 0; j < slots.Length; j++)
                    {
                        var p = probs.AsSpan(j * (int)classes, (int)classes).ToArray();
                        int best = 0;
                        for (int c = 1; c < p.Length; c++) if (p[c] > p[best]) best = c;
                        result.Add(Make(batch, slots[j], type, double.NaN, double.NaN, best, p));
                    }
                }
                else
                {
                    var values = output.cpu().data<float>().ToArray();
                    for (int j = 0; j < slots.Length; j++)
                    {
                        if (type == TokenType.Boolean)
                        {
                            double prob = 1 / (1 + Math.Exp(-values[j]));
                            result.Add(Make(batch, slots[j], type, double.NaN, prob, prob >= 0.5 ? 1 : 0, null));
                        }
                        else
                        {
                            result.Add(Make(batch, slots[j], type, values[j], double.NaN, -1, null));
                        }
                    }
                }
            }
            result.Sort((a, b) => a.Sequence != b.Sequence ? a.Sequence.CompareTo(b.Sequence) : a.Position.CompareTo(b.Position));
            return result;
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    /// <summary>Mean (per masked cell) training loss over the batches, without gradients.</summary>
    public static double MeanLoss(RelationalTransformer model, IEnumerable<ContextBatch> batches)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batches);
        using var noGrad = no_grad();
        double sum = 0;
        long cells = 0;
        foreach (var batch in batches)
        {
            using var scope = NewDisposeScope();
            var x = model.Prepare(batch);
            sum += model.Loss(x).item<float>() * (double)x.MaskedCount;
            cells += x.MaskedCount;
        }
        return cells == 0 ? double.NaN : sum / cells;
    }

    private static CellPrediction Make(ContextBatch batch, int slot, TokenType type, double value, double prob, int predictedClass, float[]? probs)
    {
        bool numeric = type is TokenType.Number or TokenType.Datetime;
        return new CellPrediction(slot / batch.SequenceLength, slot % batch.SequenceLength, type, batch.Tables[slot], batch.Columns[slot],
            value, prob, predictedClass, probs, numeric ? batch.Values[slot] : double.NaN, numeric ? -1 : batch.ClassIds[slot]);
    }
}

/// <summary>Metrics of the masked cells of one (table, column): R²/MAE for number and datetime, AUROC/accuracy for boolean,
/// accuracy for categorical; NaN where a metric does not apply.</summary>
public sealed record ColumnMetrics(int Table, int Column, TokenType Type, int Count, double RSquared, double MeanAbsoluteError, double Auroc, double Accuracy);

/// <summary>Evaluation metrics (pure C#).</summary>
public static class Metrics
{
    /// <summary>Groups predictions by (table, column, type) and computes the metrics of each group, ordered by table then column.</summary>
    public static IReadOnlyList<ColumnMetrics> ByColumn(IEnumerable<CellPrediction> predictions)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        var result = new List<ColumnMetrics>();
        foreach (var g in predictions.GroupBy(p => (p.Table, p.Column, p.Type)).OrderBy(g => g.Key.Table).ThenBy(g => g.Key.Column))
        {
            var list = g.ToList();
            double r2 = double.NaN, mae = double.NaN, auroc = double.NaN, accuracy = double.NaN;
            switch (g.Key.Type)
            {
                case TokenType.Number or TokenType.Datetime:
                    var truth = list.Select(p => p.TargetValue).ToArray();
                    var predicted = list.Select(p => p.Value).ToArray();
                    r2 = RSquared(truth, predicted);
                    mae = MeanAbsoluteError(truth, predicted);
                    break;
                case TokenType.Boolean:
                    auroc = Auroc(list.Select(p => p.TargetClass == 1).ToArray(), list.Select(p => p.Probability).ToArray());
                    accuracy = Accuracy(list.Select(p => p.TargetClass).ToArray(), list.Select(p => p.PredictedClass).ToArray());
                    break;
                case TokenType.Categorical:
                    accuracy = Accuracy(list.Select(p => p.TargetClass).ToArray(), list.Select(p => p.PredictedClass).ToArray());
                    break;
            }
            result.Add(new ColumnMetrics(g.Key.Table, g.Key.Column, g.Key.Type, list.Count, r2, mae, auroc, accuracy));
        }
        return result;
    }

    /// <summary>Coefficient of determination 1 − SS_res/SS_tot. NaN for fewer than 2 points or constant truth.</summary>
    public static double RSquared(ReadOnlySpan<double> truth, ReadOnlySpan<double> predicted)
    {
        CheckLengths(truth.Length, predicted.Length);
        if (truth.Length < 2) return double.NaN;
        double mean = 0;
        foreach (double y in truth) mean += y;
        mean /= truth.Length;
        double ssRes = 0, ssTot = 0;
        for (int i = 0; i < truth.Length; i++)
        {
            ssRes += (truth[i] - predicted[i]) * (truth[i] - predicted[i]);
            ssTot += (truth[i] - mean) * (truth[i] - mean);
        }
        return ssTot == 0 ? double.NaN : 1 - ssRes / ssTot;
    }

    /// <summary>Mean absolute error. NaN when empty.</summary>
    public static double MeanAbsoluteError(ReadOnlySpan<double> truth, ReadOnlySpan<double> predicted)
    {
        CheckLengths(truth.Length, predicted.Length);
        if (truth.Length == 0) return double.NaN;
        double sum = 0;
        for (int i = 0; i < truth.Length; i++) sum += Math.Abs(truth[i] - predicted[i]);
        return sum / truth.Length;
    }

    /// <summary>Root mean squared error. NaN when empty.</summary>
    public static double RootMeanSquaredError(ReadOnlySpan<double> truth, ReadOnlySpan<double> predicted)
    {
        CheckLengths(truth.Length, predicted.Length);
        if (truth.Length == 0) return double.NaN;
        double sum = 0;
        for (int i = 0; i < truth.Length; i++) sum += (truth[i] - predicted[i]) * (truth[i] - predicted[i]);
        return Math.Sqrt(sum / truth.Length);
    }

    /// <summary>Share of equal labels. NaN when empty.</summary>
    public static double Accuracy(ReadOnlySpan<int> truth, ReadOnlySpan<int> predicted)
    {
        CheckLengths(truth.Length, predicted.Length);
        if (truth.Length == 0) return double.NaN;
        int hits = 0;
        for (int i = 0; i < truth.Length; i++) if (truth[i] == predicted[i]) hits++;
        return (double)hits / truth.Length;
    }

    /// <summary>Area under the ROC curve of <paramref name="scores"/> for <paramref name="labels"/> (Mann–Whitney U with
    /// average ranks, so tied scores count one half). NaN when either class is absent.</summary>
    public static double Auroc(ReadOnlySpan<bool> labels, ReadOnlySpan<double> scores)
    {
        CheckLengths(labels.Length, scores.Length);
        int n = labels.Length;
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        var s = scores.ToArray();
        Array.Sort(order, (a, b) => s[a].CompareTo(s[b]));
        double positiveRankSum = 0;
        long positives = 0;
        for (int i = 0; i < n;)
        {
            int j = i;
            while (j + 1 < n && s[order[j + 1]] == s[order[i]]) j++;
            double averageRank = (i + j) / 2.0 + 1;   // 1-based ranks i+1 .. j+1
            for (int k = i; k <= j; k++)
                if (labels[order[k]]) { positiveRankSum += averageRank; positives++; }
            i = j + 1;
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) return double.NaN;
        return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }

    /// <summary>Mean binary log-loss of probabilities (clamped to [1e-12, 1 − 1e-12]). NaN when empty.</summary>
    public static double LogLoss(ReadOnlySpan<bool> labels, ReadOnlySpan<double> probabilities)
    {
        CheckLengths(labels.Length, probabilities.Length);
        if (labels.Length == 0) return double.NaN;
        double sum = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            double p = Math.Clamp(probabilities[i], 1e-12, 1 - 1e-12);
            sum -= labels[i] ? Math.Log(p) : Math.Log(1 - p);
        }
        return sum / labels.Length;
    }

    private static void CheckLengths(int a, int b)
    {
        if (a != b) throw new ArgumentException($"metric inputs differ in length: {a} truths vs {b} predictions");
    }
}
