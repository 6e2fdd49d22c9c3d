// The Relational Transformer (RT) in one file, nanoGPT style. Design notes: docs/model.md §3–§4.
//
//   h0  = RMSNorm_col(Linear_col(colPhraseEmb))                       column name of every cell (also masked ones)
//       + RMSNorm_t(Linear_t(value))        if type t and not masked  value encoder per type
//       + maskEmb_t                         if type t and masked      learned mask vector per type
//   for each block:  for a in (Column, Feature, Neighbor[, Full]):  h += Attn_a(RMSNorm_a(h), mask_a)
//                    h += W2(SiLU(W1 x) ⊙ W3 x),  x = RMSNorm_ffn(h)
//   h = RMSNorm_out(h);  heads: number/datetime d→1 (Huber), boolean d→1 (BCE logit), categorical d→C (CE), text d→E (unused)
//
// No positions (permutation-equivariant), no dropout, biases only in input encoders and heads.
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace PluRelSql.Training;

/// <summary>x / sqrt(mean(x²) + eps) · gain over the last dimension (TorchSharp 0.107 has no RMSNorm module).</summary>
internal sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    // One Scalar held by the module for its lifetime: an implicit double → Scalar per call is a temporary that the GC may
    // finalize while the native add still reads it ("Unknown scalar type" after hundreds of steps of a long run).
    private readonly Scalar _eps;

    public RmsNorm(long dim, double eps) : base(nameof(RmsNorm))
    {
        weight = nn.Parameter(ones(dim));
        _eps = eps.ToScalar();
        RegisterComponents();
    }

    // x·x rather than square(): square is pow(x, 2), whose backward runs pow kernels; this makes a norm's forward +
    // backward several times faster on CPU (same value up to float rounding). mean, not sum / d: dividing by the
    // implicit long → Scalar failed with "Unknown scalar type" in a d = 128 run.
    public override Tensor forward(Tensor x)
    {
        var y = x * rsqrt((x * x).mean([-1L], keepdim: true) + _eps) * weight;
        GC.KeepAlive(_eps);
        return y;
    }
}

/// <summary>One masked multi-head attention sublayer (no biases; optional QK-norm).</summary>
internal sealed class RelationalAttention : nn.Module
{
    private readonly Linear wq, wk, wv, wo;
    private readonly RmsNorm? qnorm, knorm;
    private readonly int _heads, _headDim;
    private readonly bool _manual;

    public RelationalAttention(RtConfig c) : base(nameof(RelationalAttention))
    {
        wq = nn.Linear(c.DModel, c.DModel, hasBias: false);
        wk = nn.Linear(c.DModel, c.DModel, hasBias: false);
        wv = nn.Linear(c.DModel, c.DModel, hasBias: false);
        wo = nn.Linear(c.DModel, c.DModel, hasBias: false);
        if (c.UseQkNorm)
        {
            qnorm = new RmsNorm(c.HeadDim, c.NormEps);
            knorm = new RmsNorm(c.HeadDim, c.NormEps);
        }
        _heads = c.Heads;
        _headDim = c.HeadDim;
        _manual = c.ManualAttention;
        RegisterComponents();
    }

    /// <param name="x">[B, S, d] normalized input.</param>
    /// <param name="m">The mask of this sublayer's attention type.</param>
    public Tensor Forward(Tensor x, MaskTensors m)
    {
        long B = x.shape[0], S = x.shape[1], d = x.shape[2];
        // One [3d, d] matmul instead of three d×d ones (same parameters, so checkpoints and the init stay as they were).
        var qkv = F.linear(x, cat([wq.weight!, wk.weight!, wv.weight!], 0)).view(B, S, 3, _heads, _headDim).permute(2, 0, 3, 1, 4);
        var q = qkv[0];   // [B, H, S, Dh]
        var k = qkv[1];
        var v = qkv[2];
        if (qnorm is not null) { q = qnorm.call(q); k = knorm!.call(k); }
        Tensor y;
        if (_manual)
        {
            var scores = q.matmul(k.transpose(-2, -1)) / Math.Sqrt(_headDim);
            y = (scores + m.Bias).softmax(-1).matmul(v);
        }
        else
        {
            y = F.scaled_dot_product_attention(q, k, v, attn_mask: m.Bias);
        }
        // Queries without any admissible key attended only to themselves (see MaskTensors); their output is exactly zero.
        y = y * m.HasKey;
        return wo.call(y.transpose(1, 2).reshape(B, S, d));
    }
}

/// <summary>Pre-norm block: the relational attention sublayers in order, then the SwiGLU FFN.</summary>
internal sealed class RtBlock : nn.Module
{
    private readonly ModuleList<RmsNorm> norms;
    private readonly ModuleList<RelationalAttention> attns;
    private readonly RmsNorm ffn_norm;
    private readonly Linear w1, w2, w3;
    private readonly AttentionKind[] _kinds;

    public RtBlock(RtConfig c) : base(nameof(RtBlock))
    {
        _kinds = [.. c.AttentionKinds];
        norms = new ModuleList<RmsNorm>([.. _kinds.Select(_ => new RmsNorm(c.DModel, c.NormEps))]);
        attns = new ModuleList<RelationalAttention>([.. _kinds.Select(_ => new RelationalAttention(c))]);
        ffn_norm = new RmsNorm(c.DModel, c.NormEps);
        w1 = nn.Linear(c.DModel, c.FfnDim, hasBias: false);
        w3 = nn.Linear(c.DModel, c.FfnDim, hasBias: false);
        w2 = nn.Linear(c.FfnDim, c.DModel, hasBias: false);
        RegisterComponents();
    }

    public Tensor Forward(Tensor h, IReadOnlyDictionary<AttentionKind, MaskTensors> masks)
    {
        for (int i = 0; i < _kinds.Length; i++)
            h = h + attns[i].Forward(norms[i].call(h), masks[_kinds[i]]);
        var x = ffn_norm.call(h);
        return h + w2.call(F.silu(w1.call(x)) * w3.call(x));
    }
}

/// <summary>
/// One attention mask as tensors, built once per batch and shared by every block. <see cref="Bias"/> [B,1,S,S] float is 0
/// where the relational mask allows the pair and −∞ elsewhere (added to the attention scores; a float mask spares
/// scaled_dot_product_attention a bool→float conversion per call); queries with no admissible key get a self-edge (so
/// softmax never sees an all-masked row: no NaN in forward or backward). <see cref="HasKey"/> [B,1,S,1] float is 1 for real
/// queries with at least one key, 0 for the others, whose output is zeroed.
/// </summary>
internal sealed record MaskTensors(Tensor Bias, Tensor HasKey);

/// <summary>A <see cref="ContextBatch"/> turned into tensors on one device (inputs, masks, loss targets). Lives in the caller's dispose scope.</summary>
public sealed class RtInputs
{
    internal long B { get; init; }
    internal long S { get; init; }
    internal Tensor Values { get; init; } = null!;          // [N,1] float, 0 for masked/padding slots (targets never enter)
    internal Tensor ColumnText { get; init; } = null!;      // [N] long, 0 for padding
    internal Tensor ValueText { get; init; } = null!;       // [N] long, 0 where unused
    internal Tensor TextTable { get; init; } = null!;       // [V,E]
    internal Tensor Real { get; init; } = null!;            // [N,1] bool: not padding
    internal Tensor[] ValueOfType { get; init; } = null!;   // per type: [N,1] bool, real unmasked token of that type
    internal Tensor[] MaskOfType { get; init; } = null!;    // per type: [N,1] bool, masked token of that type
    internal IReadOnlyDictionary<AttentionKind, MaskTensors> Masks { get; init; } = null!;
    internal Tensor?[] TargetIndex { get; init; } = null!;  // per type: [M_t] long flat indices of masked tokens, null if none
    internal Tensor?[] TargetValue { get; init; } = null!;  // per type: number/datetime [M_t] float, boolean [M_t] float 0/1, categorical [M_t] long
    internal int[][] TargetSlots { get; init; } = null!;    // per type: the same flat indices as C# ints
    /// <summary>Number of masked cells (loss terms).</summary>
    public required int MaskedCount { get; init; }
    /// <summary>Number of non-padding tokens.</summary>
    public required int RealTokens { get; init; }
}

/// <summary>Raw outputs of the heads for the masked cells of a batch, per type (flat token index → output).</summary>
public sealed class RtHeadOutputs
{
    internal int[][] Slots { get; init; } = null!;
    internal Tensor?[] Outputs { get; init; } = null!;   // number/datetime [M] value, boolean [M] logit, categorical [M,C] logits
}

/// <summary>The Relational Transformer model (docs/model.md §4). The initialisation draws from a private generator seeded with the
/// constructor's seed, so it is reproducible whatever else uses torch's process-wide generator (e.g. parallel tests).</summary>
public sealed class RelationalTransformer : nn.Module
{
    private const int TypeNumber = (int)TokenType.Number, TypeText = (int)TokenType.Text, TypeDatetime = (int)TokenType.Datetime,
        TypeBoolean = (int)TokenType.Boolean, TypeCategorical = (int)TokenType.Categorical;

    private readonly Linear col_proj;
    private readonly RmsNorm col_norm;
    private readonly ModuleList<Linear> value_proj;      // per type: scalar 1→d (number, datetime, boolean), text E→d (text, categorical)
    private readonly ModuleList<RmsNorm> value_norm;
    private readonly Parameter mask_emb;                 // [types, d], N(0,1)
    private readonly ModuleList<RtBlock> blocks;
    private readonly RmsNorm out_norm;
    private readonly Linear number_head, datetime_head, boolean_head, text_head;
    private readonly Linear? categorical_head;

    /// <summary>Builds a freshly initialised model: every Linear weight and bias ~ U(±1/√fan_in) (the framework default),
    /// RMSNorm gains 1, mask vectors N(0, 1), all drawn from a generator seeded with <paramref name="seed"/>.</summary>
    public RelationalTransformer(RtConfig config, long seed) : base(nameof(RelationalTransformer))
    {
        config.Validate();
        Config = config;
        int d = config.DModel, e = config.TextDim;
        col_proj = nn.Linear(e, d);
        col_norm = new RmsNorm(d, config.NormEps);
        var projections = new List<Linear>();
        for (int t = 0; t < config.TypeCount; t++)
            projections.Add(t is TypeText or TypeCategorical ? nn.Linear(e, d) : nn.Linear(1, d));
        value_proj = new ModuleList<Linear>([.. projections]);
        value_norm = new ModuleList<RmsNorm>([.. Enumerable.Range(0, config.TypeCount).Select(_ => new RmsNorm(d, config.NormEps))]);
        mask_emb = nn.Parameter(randn(config.TypeCount, d));
        blocks = new ModuleList<RtBlock>([.. Enumerable.Range(0, config.Layers).Select(_ => new RtBlock(config))]);
        out_norm = new RmsNorm(d, config.NormEps);
        number_head = nn.Linear(d, 1);
        datetime_head = nn.Linear(d, 1);
        boolean_head = nn.Linear(d, 1);
        text_head = nn.Linear(d, e);
        if (config.MaxClasses > 0) categorical_head = nn.Linear(d, config.MaxClasses);
        RegisterComponents();
        Initialize(seed);
    }

    private void Initialize(long seed)
    {
        using var generator = new Generator(unchecked((ulong)seed));
        using var noGrad = no_grad();
        foreach (var (_, module) in named_modules())
        {
            if (module is not Linear linear) continue;
            double bound = 1 / Math.Sqrt(linear.weight!.shape[1]);
            linear.weight.uniform_(-bound, bound, generator);
            linear.bias?.uniform_(-bound, bound, generator);
        }
        mask_emb.normal_(0, 1, generator);
    }

    /// <summary>The configuration the model was built with.</summary>
    public RtConfig Config { get; }

    /// <summary>Number of trainable parameters.</summary>
    public long ParameterCount() => parameters().Sum(p => p.numel());

    /// <summary>Device of the parameters.</summary>
    public Device Device => mask_emb.device;

    /// <summary>Validates <paramref name="batch"/> and converts it to tensors on the model's device (in the caller's dispose scope).</summary>
    public RtInputs Prepare(ContextBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.TextDim != Config.TextDim) throw new ArgumentException($"batch text dimension {batch.TextDim} != model TextDim {Config.TextDim}");
        if (batch.SequenceLength > Config.MaxTokens) throw new ArgumentException($"batch sequence length {batch.SequenceLength} exceeds the model's MaxTokens {Config.MaxTokens}");
        batch.Validate(Config.MaxClasses);
        int n = batch.TokenCount, types = Config.TypeCount;
        for (int i = 0; i < n; i++)
            if (!batch.IsPadding[i] && (int)batch.Types[i] >= types)
                throw new ArgumentException($"context batch: token {i % batch.SequenceLength} of sequence {i / batch.SequenceLength} is categorical but the model has MaxClasses = 0");

        var dev = Device;
        var values = new float[n];
        var colText = new long[n];
        var valueText = new long[n];
        var real = new bool[n];
        var valueOf = new bool[types][];
        var maskOf = new bool[types][];
        var slots = new List<int>[types];
        for (int t = 0; t < types; t++) { valueOf[t] = new bool[n]; maskOf[t] = new bool[n]; slots[t] = []; }
        int realTokens = 0;
        for (int i = 0; i < n; i++)
        {
            if (batch.IsPadding[i]) continue;
            realTokens++;
            real[i] = true;
            int t = (int)batch.Types[i];
            colText[i] = batch.ColumnText[i];
            if (batch.IsMasked[i])
            {
                // The masked cell's value and value text stay out of every input tensor: only its column phrase and mask vector go in.
                maskOf[t][i] = true;
                slots[t].Add(i);
            }
            else
            {
                valueOf[t][i] = true;
                values[i] = t is TypeText or TypeCategorical ? 0f : batch.Values[i];
                valueText[i] = Math.Max(0, batch.ValueText[i]);
            }
        }

        long B = batch.BatchSize, S = batch.SequenceLength;
        var masks = new Dictionary<AttentionKind, MaskTensors>();
        foreach (var kind in Config.AttentionKinds)
        {
            var bias = batch.AttentionOf(kind);
            masks[kind] = new MaskTensors(tensor(bias.Bias, [B, 1L, S, S], device: dev), tensor(bias.HasKey, [B, 1L, S, 1L], device: dev));
        }

        var targetIndex = new Tensor?[types];
        var targetValue = new Tensor?[types];
        var targetSlots = new int[types][];
        for (int t = 0; t < types; t++)
        {
            targetSlots[t] = [.. slots[t]];
            if (slots[t].Count == 0) continue;
            targetIndex[t] = tensor(slots[t].Select(i => (long)i).ToArray(), device: dev);
            targetValue[t] = t switch
            {
                TypeNumber or TypeDatetime => tensor(slots[t].Select(i => batch.Values[i]).ToArray(), device: dev),
                TypeBoolean => tensor(slots[t].Select(i => (float)batch.ClassIds[i]).ToArray(), device: dev),
                TypeCategorical => tensor(slots[t].Select(i => (long)batch.ClassIds[i]).ToArray(), device: dev),
                _ => throw new InvalidOperationException("text cells are never targets"),
            };
        }

        return new RtInputs
        {
            B = B,
            S = S,
            Values = tensor(values, [n, 1L], device: dev),
            ColumnText = tensor(colText, device: dev),
            ValueText = tensor(valueText, device: dev),
            TextTable = tensor(batch.TextTable, [(long)batch.TextCount, batch.TextDim], device: dev),
            Real = tensor(real, [n, 1L], device: dev),
            ValueOfType = [.. valueOf.Select(a => tensor(a, [n, 1L], device: dev))],
            MaskOfType = [.. maskOf.Select(a => tensor(a, [n, 1L], device: dev))],
            Masks = masks,
            TargetIndex = targetIndex,
            TargetValue = targetValue,
            TargetSlots = targetSlots,
            MaskedCount = slots.Sum(s => s.Count),
            RealTokens = realTokens,
        };
    }

    /// <summary>Final normalized hidden states [B, S, d] (zero-input for padding).</summary>
    public Tensor Encode(RtInputs x)
    {
        long n = x.B * x.S;
        var colEmb = col_norm.call(col_proj.call(x.TextTable.index_select(0, x.ColumnText)));
        var valueText = x.TextTable.index_select(0, x.ValueText);
        var acc = zeros(n, Config.DModel, device: colEmb.device);
        for (int t = 0; t < Config.TypeCount; t++)
        {
            var input = t is TypeText or TypeCategorical ? valueText : x.Values;
            var enc = value_norm[t].call(value_proj[t].call(input));
            acc = where(x.ValueOfType[t], enc, acc);                                  // select, never multiply: no NaN can leak
            acc = where(x.MaskOfType[t], mask_emb[t].unsqueeze(0).expand(n, -1), acc);
        }
        var h = where(x.Real, colEmb + acc, zeros_like(acc)).view(x.B, x.S, Config.DModel);
        foreach (var block in blocks) h = block.Forward(h, x.Masks);
        return out_norm.call(h);
    }

    /// <summary>Head outputs at the masked cells.</summary>
    public RtHeadOutputs Heads(RtInputs x, Tensor hidden)
    {
        var flat = hidden.reshape(x.B * x.S, Config.DModel);
        var outputs = new Tensor?[Config.TypeCount];
        for (int t = 0; t < Config.TypeCount; t++)
        {
            if (x.TargetIndex[t] is not { } idx) continue;
            var h = flat.index_select(0, idx);
            outputs[t] = t switch
            {
                TypeNumber => number_head.call(h).squeeze(-1),
                TypeDatetime => datetime_head.call(h).squeeze(-1),
                TypeBoolean => boolean_head.call(h).squeeze(-1),
                TypeCategorical => categorical_head!.call(h),
                _ => text_head.call(h),
            };
        }
        return new RtHeadOutputs { Slots = x.TargetSlots, Outputs = outputs };
    }

    /// <summary>Mean loss over all masked cells of the batch: Huber (δ = 1) for number/datetime, BCE-with-logits for boolean,
    /// cross-entropy for categorical. A scalar tensor; a batch with no masked cell is an error.</summary>
    public Tensor Loss(RtInputs x)
    {
        if (x.MaskedCount == 0) throw new ArgumentException("context batch has no masked cell: nothing to learn from");
        var heads = Heads(x, Encode(x));
        Tensor? sum = null;
        for (int t = 0; t < Config.TypeCount; t++)
        {
            if (heads.Outputs[t] is not { } o) continue;
            var y = x.TargetValue[t]!;
            Tensor term = t switch
            {
                TypeNumber or TypeDatetime => Huber(o - y),
                TypeBoolean => o.clamp_min(0) - o * y + (-o.abs()).exp().log1p(),
                TypeCategorical => -o.log_softmax(-1).gather(1, y.unsqueeze(1)).squeeze(1),
                _ => throw new InvalidOperationException("text cells are never targets"),
            };
            sum = sum is null ? term.sum() : sum + term.sum();
        }
        return sum! / x.MaskedCount;
    }

    private static Tensor Huber(Tensor e)
    {
        var a = e.abs();
        return where(a < 1.0, 0.5 * e.square(), a - 0.5);
    }
}
