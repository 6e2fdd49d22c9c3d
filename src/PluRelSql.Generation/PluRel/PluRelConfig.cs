namespace PluRelSql.Generation.PluRel;

/// <summary>Uniform integer in [Min, Max] inclusive.</summary>
public readonly record struct IntRange(int Min, int Max)
{
    public override string ToString() => $"[{Min}, {Max}]";
}

/// <summary>Continuous uniform in [Min, Max).</summary>
public readonly record struct RealRange(double Min, double Max)
{
    public override string ToString() => $"[{Min}, {Max})";
}

public enum SchemaFamily { BarabasiAlbert, ReverseRandomTree, WattsStrogatz }

public enum ScmFamily { ErdosRenyi, BarabasiAlbert, RandomTree, ReverseRandomTree, Layered, WattsStrogatz, RandomCauchy }

public enum EdgeWeightLaw { Gaussian, LogNormal, Cauchy, Uniform }

public enum Aggregation { Sum, Max, Product, LogSumExp }

public enum SourceKind { Temporal, Uniform, Gaussian, Beta, Mixed }

public enum PropagationMode { TypeAware, Lazy }

public enum ColumnTransform { Identity, RankUniform, Log, Sqrt, Standardize }

/// <summary>Fixed node-noise laws (v1.0.0 draws one of these; main draws α, β from ranges).</summary>
public readonly record struct BetaLaw(double Alpha, double Beta);

/// <summary>Parameters shared by schema graphs and SCM graphs (docs/generator.md §8).</summary>
public sealed record GraphConfig
{
    public int BaAttachments { get; init; } = 2;
    public double BaSinkEdgeDropout { get; init; } = 0.4;
    public RealRange ErEdgeProbability { get; init; } = new(0.3, 0.8);
    public IReadOnlyList<int> WsNeighbourhood { get; init; } = [2, 4];
    public RealRange WsRewiring { get; init; } = new(0.1, 0.3);
    public IntRange LayeredDepth { get; init; } = new(2, 8);
    public double LayeredEdgeDropout { get; init; } = 0.1;
    public IReadOnlyList<EdgeWeightLaw> EdgeWeightLaws { get; init; } =
        [EdgeWeightLaw.Gaussian, EdgeWeightLaw.LogNormal, EdgeWeightLaw.Cauchy, EdgeWeightLaw.Uniform];
    /// <summary>v1.0.0 ER: keep only low→high pairs with probability p (no merging of both directions).</summary>
    public bool ErSingleDirection { get; init; }
}

/// <summary>Database-level parameters (docs/generator.md §8): schema families, table/row/column counts, time window, NaN rate.</summary>
public sealed record SamplerConfig
{
    public IReadOnlyList<SchemaFamily> Families { get; init; } =
        [SchemaFamily.BarabasiAlbert, SchemaFamily.ReverseRandomTree, SchemaFamily.WattsStrogatz];
    public IntRange Tables { get; init; } = new(3, 20);
    public IntRange EntityRows { get; init; } = new(500, 1000);
    public IntRange ActivityRows { get; init; } = new(2000, 5000);
    /// <summary>Feature columns per table, drawn with P(k) ∝ 1/k.</summary>
    public IntRange FeatureColumns { get; init; } = new(3, 40);
    public IntRange Categories { get; init; } = new(2, 10);
    public DateTime TimeStart { get; init; } = new(1990, 1, 1);
    public DateTime TimeEnd { get; init; } = new(2025, 1, 1);
    public double ValidationSplit { get; init; } = 0.8;
    public double TestSplit { get; init; } = 0.9;
    /// <summary>Forces the schema family (null: drawn from <see cref="Families"/>).</summary>
    public SchemaFamily? ForceFamily { get; init; }
    /// <summary>Forces the table count (null: drawn from <see cref="Tables"/>).</summary>
    public int? ForceTables { get; init; }
    public KeyNaming KeyNaming { get; init; } = KeyNaming.TableId;
    public CategoricalOutput CategoricalOutput { get; init; } = CategoricalOutput.Boolean;
}

/// <summary>How keys are named in the emitted SQL schema.</summary>
public enum KeyNaming
{
    /// <summary>PK <c>table_3_id</c>; FK to table_1 named <c>table_1_id</c>.</summary>
    TableId,
    /// <summary>The reference names: PK <c>row_idx</c>, FKs <c>foreign_row_j</c> (docs/generator.md §2.3).</summary>
    Reference,
}

/// <summary>How a sampled categorical column is emitted.</summary>
public enum CategoricalOutput
{
    /// <summary>The reference's random mode: boolean <c>code &gt; 0</c> (docs/generator.md §5.5).</summary>
    Boolean,
    /// <summary>A PostgreSQL enum with labels <c>c0..c{K-1}</c>.</summary>
    Enum,
}

/// <summary>Per-table SCM parameters (docs/generator.md §8).</summary>
public sealed record ScmConfig
{
    public IReadOnlyList<ScmFamily> Families { get; init; } =
    [
        ScmFamily.ErdosRenyi, ScmFamily.BarabasiAlbert, ScmFamily.RandomTree, ScmFamily.ReverseRandomTree,
        ScmFamily.Layered, ScmFamily.WattsStrogatz, ScmFamily.RandomCauchy,
    ];
    public RealRange ColumnNodeFraction { get; init; } = new(0.3, 0.9);
    public IntRange Categories { get; init; } = new(2, 10);
    public RealRange NoiseAlpha { get; init; } = new(0.5, 5.0);
    public RealRange NoiseBeta { get; init; } = new(0.5, 5.0);
    /// <summary>When set, node noise is one of these laws instead of Beta(α, β) from the ranges (v1.0.0).</summary>
    public IReadOnlyList<BetaLaw>? FixedNoiseLaws { get; init; }
    public IntRange HsbmLevels { get; init; } = new(1, 5);
    public IntRange HsbmClusters { get; init; } = new(1, 3);
    public RealRange TrendExponent { get; init; } = new(0.0, 2.0);
    public IReadOnlyList<double> CycleFraction { get; init; } = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0];
    public double ActivitySigma { get; init; } = 0.05;
    public double EntitySigma { get; init; } = 1.0;
    public RealRange ArCoefficient { get; init; } = new(0.0, 0.9);
    /// <summary>When false the fluctuation is i.i.d. (v1.0.0), otherwise AR(1).</summary>
    public bool ArFluctuation { get; init; } = true;
    public IReadOnlyList<double> ValueScales { get; init; } = [0.01, 0.1, 1, 10, 100];
    public IReadOnlyList<Aggregation> Aggregations { get; init; } =
        [Aggregation.Sum, Aggregation.Max, Aggregation.Product, Aggregation.LogSumExp];
    public IntRange MlpLayers { get; init; } = new(2, 4);
    public RealRange MlpDensity { get; init; } = new(0.3, 1.0);
    /// <summary>False: no density mask (v1.0.0).</summary>
    public bool UseDensityMask { get; init; } = true;
    /// <summary>How many of the 29 activations (docs/generator.md §4.3) may be drawn: all, or the 6 of v1.0.0.</summary>
    public IReadOnlyList<Activation> Activations { get; init; } = ActivationInfo.All;
    /// <summary>False: no per-layer scale e^U(−1,1) (v1.0.0).</summary>
    public bool ActivationScale { get; init; } = true;
    public IReadOnlyList<SourceKind> SourceKinds { get; init; } =
        [SourceKind.Temporal, SourceKind.Uniform, SourceKind.Gaussian, SourceKind.Beta, SourceKind.Mixed];
    /// <summary>False: ts range is a sorted pair of U(0,1) without a scale (v1.0.0).</summary>
    public bool ScaleTemporalRange { get; init; } = true;
    public RealRange BetaSourceShape { get; init; } = new(0.5, 5.0);
    public IReadOnlyList<PropagationMode> Modes { get; init; } = [PropagationMode.TypeAware, PropagationMode.Lazy];
    public RealRange LazyPermutationProbability { get; init; } = new(0.3, 1.0);
    public RealRange LazyReversalProbability { get; init; } = new(0.2, 0.8);
    public IReadOnlyList<ColumnTransform> Transforms { get; init; } =
        [ColumnTransform.Identity, ColumnTransform.RankUniform, ColumnTransform.Log, ColumnTransform.Sqrt, ColumnTransform.Standardize];
    public RealRange NanRate { get; init; } = new(0.01, 0.1);
    /// <summary>Rows used to estimate whole-column statistics (rank-uniform, standardise) of a table bigger than this;
    /// tables with at most this many rows use every row (exact).</summary>
    public int StatisticsSampleRows { get; init; } = 8192;
    /// <summary>How numeric encoders are evaluated (docs/generator.md §4.6): exactly, or tabulated over their input.</summary>
    public EncoderMode Encoders { get; init; } = EncoderMode.Exact;
}

/// <summary>The whole PluRel configuration. <see cref="Main"/> is the repository's main-branch default (docs/generator.md §8).</summary>
public sealed record PluRelConfig
{
    public SamplerConfig Sampler { get; init; } = new();
    public ScmConfig Scm { get; init; } = new();
    public GraphConfig Graph { get; init; } = new();

    public static PluRelConfig Main { get; } = new();

    /// <summary><see cref="Main"/> with numeric encoders evaluated as <paramref name="mode"/> says.</summary>
    public static PluRelConfig WithEncoders(EncoderMode mode) =>
        mode == EncoderMode.Exact ? Main : Main with { Scm = Main.Scm with { Encoders = mode } };

    /// <summary>The paper-era v1.0.0 preset (docs/generator.md §8) as far as this engine models it. Differences kept from main: the
    /// activation is drawn once per layer (v1.0.0 re-drew it per row), and disconnected ER graphs are bridged
    /// (v1.0.0 resampled them with a fresh p).</summary>
    public static PluRelConfig V1 { get; } = new()
    {
        Scm = new ScmConfig
        {
            Families = [ScmFamily.ErdosRenyi, ScmFamily.BarabasiAlbert, ScmFamily.RandomTree, ScmFamily.ReverseRandomTree, ScmFamily.Layered],
            Activations = ActivationInfo.V1,
            ActivationScale = false,
            MlpLayers = new(2, 2),
            UseDensityMask = false,
            FixedNoiseLaws = [new(0.5, 0.5), new(2, 2), new(2, 3), new(2, 4), new(4, 1)],
            SourceKinds = [SourceKind.Temporal],
            ScaleTemporalRange = false,
            ArFluctuation = false,
            Aggregations = [Aggregation.Sum],
            Modes = [PropagationMode.TypeAware],
            Transforms = [ColumnTransform.Identity],
        },
        Graph = new GraphConfig { EdgeWeightLaws = [EdgeWeightLaw.Gaussian], ErSingleDirection = true },
    };
}
