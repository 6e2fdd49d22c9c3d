using System.Text.Json;
using System.Text.Json.Serialization;

namespace PluRelSql.Training;

/// <summary>
/// Hyper-parameters of a <see cref="RelationalTransformer"/> (docs/model.md §4.5). Saved with every checkpoint (config.json).
/// Defaults = the "minimal" CPU size of docs/model.md §4.5, in RT-v2 style (column/feature/neighbour attention, QK-norm).
/// </summary>
public sealed record RtConfig
{
    /// <summary>Residual width d_model.</summary>
    public int DModel { get; init; } = 64;
    /// <summary>Number of blocks L.</summary>
    public int Layers { get; init; } = 2;
    /// <summary>Attention heads (DModel must be a multiple).</summary>
    public int Heads { get; init; } = 4;
    /// <summary>SwiGLU hidden width = FfnMult × DModel.</summary>
    public int FfnMult { get; init; } = 4;
    /// <summary>Dimension E of the frozen text embeddings (column phrases, text/categorical values).</summary>
    public int TextDim { get; init; } = 64;
    /// <summary>Largest sequence length (token slots) the model accepts.</summary>
    public int MaxTokens { get; init; } = 256;
    /// <summary>Logits of the categorical head (class ids 0..MaxClasses-1). 0 disables the categorical type (the reference's exact parameter count).</summary>
    public int MaxClasses { get; init; } = 32;
    /// <summary>Dropout probability; the reference uses none and only 0 is supported (keeps training bit-deterministic).</summary>
    public double Dropout { get; init; }
    /// <summary>Add the RT-v1 Full attention sublayer after Neighbor.</summary>
    public bool UseFullAttention { get; init; }
    /// <summary>RT-v2 QK-norm (RMSNorm over the head dimension of q and k).</summary>
    public bool UseQkNorm { get; init; } = true;
    /// <summary>RMSNorm epsilon.</summary>
    public double NormEps { get; init; } = 1e-6;
    /// <summary>Use an explicit masked softmax instead of scaled_dot_product_attention (same math; slower; for cross-checks).</summary>
    public bool ManualAttention { get; init; }

    /// <summary>Per-head width.</summary>
    [JsonIgnore] public int HeadDim => DModel / Heads;
    /// <summary>SwiGLU hidden width.</summary>
    [JsonIgnore] public int FfnDim => FfnMult * DModel;
    /// <summary>Attention sublayers of every block, in order.</summary>
    [JsonIgnore]
    public IReadOnlyList<AttentionKind> AttentionKinds => UseFullAttention
        ? [AttentionKind.Column, AttentionKind.Feature, AttentionKind.Neighbor, AttentionKind.Full]
        : [AttentionKind.Column, AttentionKind.Feature, AttentionKind.Neighbor];
    /// <summary>Token types the model encodes: the four reference types, plus Categorical when MaxClasses &gt; 0.</summary>
    [JsonIgnore] public int TypeCount => MaxClasses > 0 ? 5 : 4;

    /// <summary>docs/model.md §4.5, "minimal": 2 blocks, d 64, 4 heads, d_ff 256, E 64, 256 tokens.</summary>
    public static RtConfig Minimal => new();
    /// <summary>docs/model.md §4.5, "small": 4 blocks, d 128, 4 heads, d_ff 512, E 64, 256 tokens.</summary>
    public static RtConfig Small => new() { DModel = 128, Layers = 4 };

    /// <summary>The size chosen by the CPU sweep of docs/model.md §4.5 for ~30 minutes of training on 2 shared cores.</summary>
    public static RtConfig CpuPreset => new() { DModel = 64, Layers = 2, MaxTokens = 128 };

    /// <summary>Throws <see cref="ArgumentException"/> describing the first invalid setting.</summary>
    public void Validate()
    {
        if (DModel < 1 || Layers < 1 || Heads < 1 || FfnMult < 1 || TextDim < 1 || MaxTokens < 1)
            throw new ArgumentException($"RtConfig: DModel, Layers, Heads, FfnMult, TextDim and MaxTokens must be positive ({this})");
        if (DModel % Heads != 0) throw new ArgumentException($"RtConfig: DModel {DModel} is not a multiple of Heads {Heads}");
        if (MaxClasses < 0) throw new ArgumentException($"RtConfig: MaxClasses {MaxClasses} is negative");
        if (Dropout != 0) throw new ArgumentException($"RtConfig: Dropout {Dropout} is not supported (the model uses none; only 0 is allowed)");
        if (!(NormEps > 0)) throw new ArgumentException($"RtConfig: NormEps {NormEps} must be positive");
    }

    /// <summary>Exact number of trainable parameters of a model with this configuration (docs/model.md §4.4: the reference's formulas, extended by the categorical type).</summary>
    public long ParameterCount()
    {
        long d = DModel, e = TextDim, ff = FfnDim, hd = HeadDim, a = AttentionKinds.Count;
        long perBlock = a * (4 * d * d + (UseQkNorm ? 2 * hd : 0) + d) + 3 * d * ff + d;
        long encoders = (e * d + d) /*column phrase*/ + 3 * (d + d) /*number, datetime, boolean*/ + (e * d + d) /*text*/;
        long heads = 3 * (d + 1) + (d * e + e) /*text head: exists, never trained*/;
        long norms = 5 * d /*column + 4 types*/ + d /*output*/;
        long masks = 4 * d;
        if (MaxClasses > 0)
        {
            encoders += e * d + d;
            heads += d * MaxClasses + MaxClasses;
            norms += d;
            masks += d;
        }
        return Layers * perBlock + encoders + heads + norms + masks;
    }

    internal static readonly JsonSerializerOptions Json = new() { WriteIndented = true };
}
