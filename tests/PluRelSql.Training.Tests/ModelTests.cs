using TorchSharp;
using static TorchSharp.torch;

namespace PluRelSql.Training.Tests;

public sealed class ModelTests
{
    internal static readonly RtConfig Tiny = new() { DModel = 32, Layers = 2, Heads = 2, FfnMult = 2, TextDim = 8, MaxTokens = 64, MaxClasses = 4 };

    private static RelationalTransformer NewModel(RtConfig config, long seed = 5) => new(config, seed);

    [Fact]
    public void Initialisation_depends_only_on_the_seed()
    {
        using var a = NewModel(Tiny, 17);
        Trainer.Seed(1);
        using var noise = TorchSharp.torch.randn(1000);   // other users of torch's global generator must not matter
        using var b = NewModel(Tiny, 17);
        using var c = NewModel(Tiny, 18);
        var pa = a.parameters().ToList();
        var pb = b.parameters().ToList();
        var pc = c.parameters().ToList();
        for (int i = 0; i < pa.Count; i++) Assert.True(pa[i].equal(pb[i]).all().item<bool>(), $"parameter {i} differs for the same seed");
        Assert.Contains(Enumerable.Range(0, pa.Count), i => !pa[i].equal(pc[i]).all().item<bool>());
        // framework-default bounds: a Linear weight stays within ±1/sqrt(fan_in)
        foreach (var (name, p) in a.named_parameters().Where(np => np.name.EndsWith("wq.weight", StringComparison.Ordinal)))
            Assert.True(p.abs().max().item<float>() <= 1 / Math.Sqrt(Tiny.DModel) + 1e-6, name);
    }

    internal static double[] Flatten(IReadOnlyList<CellPrediction> predictions) =>
        [.. predictions.SelectMany(p => new[] { p.Value, p.Probability }.Concat(p.ClassProbabilities?.Select(v => (double)v) ?? []))];

    [Fact]
    public void Parameter_count_matches_the_spec_formulas()
    {
        // docs/model.md §4.4 (sizes from the published RT design): minimal RT-v2 = 211,011; RT-v1 style (Full attention, no QK-norm) = 243,715; reference RT-v2 = 19,189,635
        var v2 = RtConfig.Minimal with { MaxClasses = 0 };
        Assert.Equal(211_011, v2.ParameterCount());
        Assert.Equal(243_715, (v2 with { UseFullAttention = true, UseQkNorm = false }).ParameterCount());
        Assert.Equal(19_189_635, new RtConfig { DModel = 256, Layers = 12, Heads = 8, TextDim = 384, MaxClasses = 0 }.ParameterCount());
        using var model = NewModel(v2);
        Assert.Equal(211_011, model.ParameterCount());
        using var withCategorical = NewModel(RtConfig.Minimal with { UseFullAttention = true });
        Assert.Equal(withCategorical.Config.ParameterCount(), withCategorical.ParameterCount());
    }

    [Fact]
    public void Masked_value_never_reaches_the_model()
    {
        using var model = NewModel(Tiny);
        var batch = new SyntheticRelationalTask(6, 64, Tiny.TextDim, seed: 2).Next(0);
        var before = Evaluator.Predict(model, batch);
        Assert.Equal(6, before.Count);
        Assert.Contains(before, p => p.Type == TokenType.Number);
        Assert.Contains(before, p => p.Type == TokenType.Boolean);
        Assert.Contains(before, p => p.Type == TokenType.Categorical);

        int changed = 0;
        for (int i = 0; i < batch.TokenCount; i++)
        {
            if (!batch.IsMasked[i]) continue;
            batch.Values[i] = batch.Values[i] * -1000f + 12345f;
            batch.ClassIds[i] = batch.Types[i] == TokenType.Categorical ? (batch.ClassIds[i] + 1) % 3 : 1 - batch.ClassIds[i];
            batch.ValueText[i] = batch.Types[i] == TokenType.Categorical ? (batch.ValueText[i] == 5 ? 6 : 5) : -1;
            changed++;
        }
        Assert.Equal(6, changed);
        var after = Evaluator.Predict(model, batch);
        Assert.Equal(Flatten(before), Flatten(after));   // exact: the targets are not inputs

        // control: changing a visible parent value does change predictions, so the comparison above can fail
        int parent = Enumerable.Range(0, 64).First(s => batch.Tables[s] == SyntheticRelationalTask.AccountTable);
        batch.Values[parent] += 3f;
        Assert.NotEqual(Flatten(after), Flatten(Evaluator.Predict(model, batch)));
    }

    [Fact]
    public void Permuting_tokens_permutes_nothing_in_the_predictions()
    {
        using var model = NewModel(Tiny);
        var batch = new SyntheticRelationalTask(2, 64, Tiny.TextDim, seed: 4).Next(1);
        var shuffled = Permute(batch, new Random(9));
        var a = Flatten(Evaluator.Predict(model, batch));
        var b = Flatten(Evaluator.Predict(model, shuffled));
        Assert.Equal(a.Length, b.Length);
        for (int i = 0; i < a.Length; i++) Assert.Equal(a[i], b[i], 4);
    }

    [Fact]
    public void A_sequence_is_unaffected_by_the_other_sequences()
    {
        using var model = NewModel(Tiny);
        var source = new SyntheticRelationalTask(3, 64, Tiny.TextDim, seed: 8);
        var first = source.Next(0);
        var second = source.Next(1);
        // replace sequences 1 and 2 of `first` by those of `second`; sequence 0 stays the same
        for (int i = 64; i < first.TokenCount; i++)
        {
            first.Values[i] = second.Values[i]; first.ClassIds[i] = second.ClassIds[i]; first.Types[i] = second.Types[i];
            first.ColumnText[i] = second.ColumnText[i]; first.ValueText[i] = second.ValueText[i]; first.Rows[i] = second.Rows[i];
            first.Tables[i] = second.Tables[i]; first.Columns[i] = second.Columns[i]; first.IsMasked[i] = second.IsMasked[i];
            first.IsPadding[i] = second.IsPadding[i];
        }
        for (int b = 1; b < 3; b++) { first.Links[b].Clear(); first.Links[b].AddRange(second.Links[b]); }
        var original = source.Next(0);
        var p0 = Evaluator.Predict(model, original).Where(p => p.Sequence == 0).ToList();
        var p1 = Evaluator.Predict(model, first).Where(p => p.Sequence == 0).ToList();
        var a = Flatten(p0);
        var b2 = Flatten(p1);
        for (int i = 0; i < a.Length; i++) Assert.Equal(a[i], b2[i], 5);
    }

    [Fact]
    public void Manual_attention_and_sdpa_agree()
    {
        var batch = new SyntheticRelationalTask(4, 64, Tiny.TextDim, seed: 6).Next(3);
        using var sdpa = NewModel(Tiny with { UseFullAttention = true });
        using var manual = NewModel(Tiny with { UseFullAttention = true, ManualAttention = true });
        var a = Flatten(Evaluator.Predict(sdpa, batch));
        var b = Flatten(Evaluator.Predict(manual, batch));
        for (int i = 0; i < a.Length; i++) Assert.Equal(a[i], b[i], 4);
    }

    [Fact]
    public void Queries_without_keys_give_finite_gradients_everywhere()
    {
        // every tx cell has an empty Neighbor row and padding rows are empty in all masks
        using var model = NewModel(Tiny);
        var batch = new SyntheticRelationalTask(4, 64, Tiny.TextDim, seed: 1).Next(0);
        using var scope = NewDisposeScope();
        var x = model.Prepare(batch);
        var loss = model.Loss(x);
        loss.backward();
        Assert.True(double.IsFinite(loss.item<float>()));
        // the text head is never trained and the batch has no datetime cell: only those two heads get no gradient
        var withoutGrad = model.named_parameters().Where(np => np.parameter.grad is null).Select(np => np.name).ToList();
        Assert.Equal(["datetime_head.bias", "datetime_head.weight", "text_head.bias", "text_head.weight"], withoutGrad.Order(StringComparer.Ordinal).ToArray());
        foreach (var (name, p) in model.named_parameters().Where(np => np.parameter.grad is not null))
        {
            var g = p.grad;
            Assert.True(g!.isfinite().all().item<bool>(), $"gradient of {name} is not finite");
        }
        // every attention sublayer learns from a batch with child rows — except the last block's Neighbor sublayer: only
        // parent cells (account, merchant) have children, and after the last block nothing carries their state to the
        // masked tx cells, so its gradient must be exactly zero (a check that the masks route information as specified)
        int last = Tiny.Layers - 1;
        foreach (var (name, p) in model.named_parameters().Where(np => np.name.Contains("attns")))
        {
            double magnitude = p.grad!.abs().sum().item<float>();
            if (name.StartsWith($"blocks.{last}.attns.{(int)AttentionKind.Neighbor}.", StringComparison.Ordinal))
                Assert.True(magnitude == 0, $"{name} got gradient {magnitude} although no target can see its output");
            else
                Assert.True(magnitude > 0, $"attention weight {name} got no gradient");
        }
    }

    [Fact]
    public void Batch_errors_name_the_token()
    {
        using var model = NewModel(Tiny);
        var batch = MaskTests.ThreeTableContext();
        var inputsOk = new ContextBatchBuilder(1, 8, Tiny.TextDim);
        Assert.Throws<ArgumentException>(() => { using var s = NewDisposeScope(); model.Prepare(batch); });   // text dim 4 != 8
        var b = new ContextBatchBuilder(1, 8, Tiny.TextDim);
        int t = b.AddText(new float[Tiny.TextDim]);
        b.StartSequence();
        int r = b.AddRow(0);
        b.AddCell(r, 0, t, TokenType.Text, valueText: t, masked: true);
        var ex = Assert.Throws<ArgumentException>(() => { using var s = NewDisposeScope(); model.Prepare(b.Build()); });
        Assert.Contains("masked text", ex.Message);
        Assert.Contains("sequence 0", ex.Message);
        _ = inputsOk;
    }

    internal static ContextBatch Permute(ContextBatch batch, Random rng)
    {
        var copy = new ContextBatch(batch.BatchSize, batch.SequenceLength, batch.TextDim, batch.TextTable);
        int S = batch.SequenceLength;
        for (int b = 0; b < batch.BatchSize; b++)
        {
            var order = Enumerable.Range(0, S).OrderBy(_ => rng.Next()).ToArray();
            for (int s = 0; s < S; s++)
            {
                int to = b * S + s, from = b * S + order[s];
                copy.Values[to] = batch.Values[from]; copy.ClassIds[to] = batch.ClassIds[from]; copy.Types[to] = batch.Types[from];
                copy.ColumnText[to] = batch.ColumnText[from]; copy.ValueText[to] = batch.ValueText[from]; copy.Rows[to] = batch.Rows[from];
                copy.Tables[to] = batch.Tables[from]; copy.Columns[to] = batch.Columns[from]; copy.IsMasked[to] = batch.IsMasked[from];
                copy.IsPadding[to] = batch.IsPadding[from];
            }
            copy.Links[b].AddRange(batch.Links[b]);
        }
        return copy;
    }
}
