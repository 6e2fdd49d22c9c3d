using PluRelSql.Core;
using PluRelSql.Schema;

namespace PluRelSql.Generation.PluRel;

/// <summary>The PluRel prior over a whole database (docs/generator.md §3–§5): per-table SCMs, HSBM foreign keys, temporal sources and
/// per-row post-processing, all pure functions of (seed, table, node, row). Works for sampled schemas and for real
/// schemas: numeric, boolean, enum (and text IN-list) and timestamp columns are driven by the prior, FKs by HSBM;
/// other columns are left to the caller.</summary>
public sealed partial class PluRelDatabase
{
    /// <summary>Bumped whenever the engine draws other values for the same seed (2: float32 MLPs and pairwise normals; 3: float32 exp/log/sin/cos of FastMath;
    /// 4: rank-uniform breaks ties by a keyed hash of the row, constant boolean columns of sampled schemas dropped,
    /// mish in one exponential; 5: source values rounded to float32 as the reference's),
    /// so stored corpora made by another version are regenerated rather than mixed in.</summary>
    public const int EngineVersion = 5;

    internal const int BlockRows = 1024;
    private readonly Dictionary<QualifiedName, TableState> _tables = [];
    private readonly List<TableState> _order = [];

    public SchemaGraph Graph { get; }
    public ulong Seed { get; }
    public PluRelConfig Config { get; }
    public PluRelRuntimeOptions Options { get; }
    public TimeWindow Window { get; }

    /// <summary>A prior over a real schema: row counts per table (tables missing from the map get 0 rows).</summary>
    public PluRelDatabase(SchemaGraph graph, IReadOnlyDictionary<QualifiedName, long> rowCounts, ulong seed,
        PluRelConfig? config = null, PluRelRuntimeOptions? options = null)
        : this(graph, seed, config ?? PluRelConfig.Main, options, TimeWindow.Draw(seed, (config ?? PluRelConfig.Main).Sampler))
    {
        var order = graph.ComputeLoadOrder();
        var referenced = new HashSet<QualifiedName>();
        foreach (var t in order.Tables)
            foreach (var fk in t.ForeignKeys)
                if (fk.RefTable != t.Name && !order.IsDeferred(fk)) referenced.Add(fk.RefTable);
        foreach (var t in order.Tables)
        {
            var keyCols = new HashSet<string>(t.PrimaryKey?.Columns ?? []);
            foreach (var fk in t.ForeignKeys) keyCols.UnionWith(fk.Columns);
            var features = new List<FeatureSpec>();
            var times = new List<ColumnDef>();
            foreach (var c in t.Columns)
            {
                if (!c.IsLoaded || keyCols.Contains(c.Name) || c.Type.IsArray) continue;
                if (FeatureOf(graph, t, c) is { } f) features.Add(f);
                else if (c.Type.Kind is TypeKind.Timestamp or TypeKind.TimestampTz or TypeKind.Date) times.Add(c);
            }
            var state = new TableState
            {
                Def = t, Rows = rowCounts.TryGetValue(t.Name, out var n) ? n : 0,
                Role = referenced.Contains(t.Name) ? TableRole.Entity : TableRole.Activity,
                Key = CounterRng.Label(t.Name.ToString()), Features = features, TimeColumns = times,
            };
            Add(state);
        }
        Link(order);
        PrepareModels();
    }

    private PluRelDatabase(SchemaGraph graph, ulong seed, PluRelConfig config, PluRelRuntimeOptions? options, TimeWindow window)
    {
        Graph = graph;
        Seed = seed;
        Config = config;
        Options = options ?? new PluRelRuntimeOptions();
        Window = window;
    }

    /// <summary>The prior over a sampled schema (Stage 1 output), with the schema's own roles, K and window.</summary>
    public static PluRelDatabase FromSampled(SampledSchema schema, PluRelConfig? config = null, PluRelRuntimeOptions? options = null)
    {
        config ??= PluRelConfig.Main;
        var graph = schema.ToSchemaGraph();
        var db = new PluRelDatabase(graph, schema.Seed, config, options, schema.Window);
        foreach (var st in schema.Tables)
        {
            var def = graph.Table(schema.Schema, st.Name);
            var features = st.Features.Select(f => new FeatureSpec
            {
                Column = def.Column(f.Name),
                Categories = f.Kind == FeatureKind.Numeric ? 0 : f.Categories,
                Output = f.Kind == FeatureKind.Numeric ? FeatureValueKind.Double
                    : schema.Config.CategoricalOutput == CategoricalOutput.Boolean ? FeatureValueKind.Boolean : FeatureValueKind.Category,
                Labels = f.Kind == FeatureKind.Categorical ? Enumerable.Range(0, f.Categories).Select(k => $"c{k}").ToList() : null,
            }).ToList();
            db.Add(new TableState
            {
                Def = def, Rows = st.Rows, Role = st.Role, Key = CounterRng.Label(def.Name.ToString()), Features = features,
                TimeColumns = st.Role == TableRole.Activity ? [def.Column(SampledSchema.TimeColumn)] : [],
            });
        }
        db.Link(graph.ComputeLoadOrder());
        db.PrepareModels();
        return db;
    }

    /// <summary>With several threads, builds every table's SCM at once (thousands of small frozen MLPs and noise
    /// tables; a child waits on its parents' lazies). With one thread they are built on first use.</summary>
    private void PrepareModels()
    {
        if (Options.Threads <= 1) return;
        Parallel.ForEach(_order, new ParallelOptions { MaxDegreeOfParallelism = Options.Threads }, t => _ = t.Model.Value);
    }

    private static FeatureSpec? FeatureOf(SchemaGraph graph, TableDef t, ColumnDef c)
    {
        switch (c.Type.Kind)
        {
            case TypeKind.SmallInt or TypeKind.Integer or TypeKind.BigInt or TypeKind.Numeric or TypeKind.Real
                or TypeKind.Double or TypeKind.Money:
                return new FeatureSpec { Column = c, Categories = 0, Output = FeatureValueKind.Double };
            case TypeKind.Boolean:
                return new FeatureSpec { Column = c, Categories = 2, Output = FeatureValueKind.Boolean };
            case TypeKind.Enum when c.Type.UserType is { } u && graph.FindEnum(u) is { Labels.Count: > 0 } e:
                return new FeatureSpec { Column = c, Categories = e.Labels.Count, Output = FeatureValueKind.Category, Labels = e.Labels };
            case TypeKind.Text or TypeKind.Varchar or TypeKind.Char:
                // docs/generator.md §9: a CHECK (col IN ('a', 'b', …)) makes a text column categorical with those labels.
                foreach (var check in t.Checks)
                    if (check.Predicate is InPredicate { Negated: false, Operand: ColumnOperand op } inp && op.Column == c.Name
                        && inp.Values.Count > 0 && inp.Values.All(v => v is StringValue))
                    {
                        var labels = inp.Values.Cast<StringValue>().Select(v => v.Value).Distinct().ToList();
                        return new FeatureSpec { Column = c, Categories = labels.Count, Output = FeatureValueKind.Category, Labels = labels };
                    }
                return null;
            default:
                return null;
        }
    }

    private void Add(TableState t)
    {
        _tables.Add(t.Def.Name, t);
        _order.Add(t);
        t.Model = new Lazy<TableModel?>(() => t.Features.Count == 0 || t.Rows == 0 ? null : TableModel.Build(this, t));
        t.Calibration = new Lazy<Calibration?>(() => Calibrate(t));
        t.FullRaw = new Lazy<double[][]?>(() => BuildFullRaw(t));
    }

    private void Link(LoadOrder order)
    {
        LinkKeys(order);
        if (Options.ParentCacheRows <= 0) return;
        var budget = Options.ParentCacheBytes;
        foreach (var t in _order)
        {
            if (!t.FeedsChildren || t.Rows <= Options.ParentCacheRows) continue;
            var bytes = t.Rows * (long)t.Features.Count * sizeof(double);
            if (bytes > budget) continue;
            t.CachedAsParent = true;
            budget -= bytes;
        }
    }

    private void LinkKeys(LoadOrder order)
    {
        foreach (var t in _order)
            foreach (var fk in t.Def.ForeignKeys)
            {
                if (!_tables.TryGetValue(fk.RefTable, out var parent) || parent.Rows == 0) continue;
                // Keyed by (child, parent, ordinal among the FKs to that parent): column names never change the draws.
                var ordinal = t.Def.ForeignKeys.TakeWhile(f => !ReferenceEquals(f, fk)).Count(f => f.RefTable == fk.RefTable);
                var key = CounterRng.Label($"{t.Def.Name}|{parent.Def.Name}|{ordinal}");
                // A parent loaded after its child (a NOT NULL cycle) has no features yet when the child is computed.
                var feeds = !ReferenceEquals(parent, t) && !order.IsDeferred(fk) && !order.IsAhead(fk) && parent.Features.Count > 0;
                if (feeds) parent.FeedsChildren = true;
                t.Links.Add(new LinkSpec
                {
                    Key = fk, Parent = parent, StreamKey = key, FeedsScm = feeds,
                    Hsbm = new HsbmLinker(CounterRng.Stream(Seed, Purpose.Hsbm, key).Key, t.Rows, parent.Rows, Config.Scm),
                });
            }
    }

    private TableState State(TableDef table) =>
        _tables.TryGetValue(table.Name, out var s) ? s : throw new KeyNotFoundException($"PluRel: no table {table.Name}");

    public long Rows(TableDef table) => State(table).Rows;

    public TableRole Role(TableDef table) => State(table).Role;

    /// <summary>The default view (docs/generator.md §5.6): activity tables keep only the rows dated up to the test cutoff (a prefix, since dates
    /// grow with the row index); entity tables keep every row, so FKs stay valid.</summary>
    public long RowsUpToTestCutoff(TableDef table)
    {
        var t = State(table);
        if (t.Role != TableRole.Activity || t.TimeColumns.Count == 0) return t.Rows;
        long lo = 0, hi = t.Rows;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (Window.At(mid, t.Rows) <= Window.TestCutoff) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    /// <summary>The columns of <paramref name="table"/> that the prior fills (features and timestamps).</summary>
    public IReadOnlyList<ColumnDef> DrivenColumns(TableDef table)
    {
        var s = State(table);
        return s.Features.Select(f => f.Column).Concat(s.TimeColumns).ToList();
    }

    /// <summary>The HSBM linker of one foreign key of <paramref name="child"/>.</summary>
    public HsbmLinker Linker(TableDef child, ForeignKey fk) => FindLink(State(child), fk).Hsbm;

    /// <summary>The parent row (0-based index into the parent table) that child row <paramref name="childRow"/> references.</summary>
    public long ParentRow(TableDef child, ForeignKey fk, long childRow) => FindLink(State(child), fk).Hsbm.ParentRow(childRow);

    /// <summary>Like <see cref="ParentRow"/>, false when the engine has no linker for this key (e.g. an FK declared
    /// only on a partition, or one set aside to break a cycle).</summary>
    public bool TryParentRow(TableDef child, ForeignKey fk, long childRow, out long parentRow)
    {
        parentRow = -1;
        if (!_tables.TryGetValue(child.Name, out var t)) return false;
        var link = t.Links.Find(l => ReferenceEquals(l.Key, fk));
        if (link is null) return false;
        parentRow = link.Hsbm.ParentRow(childRow);
        return true;
    }

    private static LinkSpec FindLink(TableState t, ForeignKey fk) =>
        t.Links.Find(l => ReferenceEquals(l.Key, fk))
        ?? throw new KeyNotFoundException($"{t.Def.Name}: foreign key {fk.Name ?? string.Join(",", fk.Columns)} has no PluRel linker");

    /// <summary>Describes the SCM of a table (for tests and reports); null when the table has no driven features.</summary>
    internal TableModel? Model(TableDef table) => State(table).Model.Value;

    internal TableState StateOf(TableDef table) => State(table);
}
