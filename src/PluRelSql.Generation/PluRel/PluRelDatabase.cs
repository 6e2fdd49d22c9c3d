using PluRelSql.Schema;

namespace PluRelSql.Generation.PluRel;

/// <summary>Options that change cost, never values.</summary>
public sealed record PluRelRuntimeOptions
{
    /// <summary>Tables with at most this many rows are evaluated once and their raw feature values kept (children and
    /// chunks read them); bigger tables are recomputed for the rows a child or a chunk needs. Values are identical
    /// either way (0 turns the cache off).</summary>
    public long ParentCacheRows { get; init; } = 1 << 16;

    /// <summary>Bigger tables whose values feed a child's SCM are cached too, in load order, while the raw values of all
    /// of them together take at most this many bytes, so children rarely recompute their ancestors (0 turns only this
    /// rule off). Bounds the memory of large databases.</summary>
    public long ParentCacheBytes { get; init; } = 384L << 20;

    /// <summary>Threads that evaluate blocks of rows of one table at once (whole-table caches and calibration
    /// samples). Blocks are independent pure functions of their rows, so the bits never depend on this.</summary>
    public int Threads { get; init; } = 1;
}

internal sealed class FeatureSpec
{
    public required ColumnDef Column { get; init; }
    /// <summary>K for categorical, 0 for numeric.</summary>
    public required int Categories { get; init; }
    public required FeatureValueKind Output { get; init; }
    public IReadOnlyList<string>? Labels { get; init; }
    public bool IsNumeric => Categories == 0;
}

internal sealed class LinkSpec
{
    public required ForeignKey Key { get; init; }
    public required TableState Parent { get; init; }
    public required HsbmLinker Hsbm { get; init; }
    public required ulong StreamKey { get; init; }
    /// <summary>False for self references, FKs set aside to break cycles, and parents without features.</summary>
    public required bool FeedsScm { get; init; }
}

internal sealed class TableState
{
    public required TableDef Def { get; init; }
    public required long Rows { get; init; }
    public required TableRole Role { get; init; }
    public required ulong Key { get; init; }
    public required List<FeatureSpec> Features { get; init; }
    public required List<ColumnDef> TimeColumns { get; init; }
    public List<LinkSpec> Links { get; } = [];
    /// <summary>Some other table's SCM reads this table's values through an FK.</summary>
    public bool FeedsChildren { get; set; }
    /// <summary>A table above the small-table threshold that got a share of the parent cache budget.</summary>
    public bool CachedAsParent { get; set; }
    public Lazy<TableModel?> Model { get; set; } = null!;
    public Lazy<Calibration?> Calibration { get; set; } = null!;
    /// <summary>Raw values (before quantisation/transforms) of every feature for every row, for small tables only.</summary>
    public Lazy<double[][]?> FullRaw { get; set; } = null!;
}

/// <summary>Whole-column quantities that per-row post-processing needs: lazy-mode thresholds and transform statistics.</summary>
internal sealed class Calibration
{
    /// <summary>Per feature: sorted thresholds (lazy categorical columns only).</summary>
    public required double[]?[] Thresholds { get; init; }
    /// <summary>Per feature: sorted sample values and their rows (rank-uniform columns only).</summary>
    public required (double[] Values, long[] Rows)?[] Sorted { get; init; }
    public required double[] Mean { get; init; }
    public required double[] Std { get; init; }
    /// <summary>True when the statistics use every row (rank-uniform is then exact).</summary>
    public required bool Exact { get; init; }
}

/// <summary>The PluRel prior over a whole database (§3–§5): per-table SCMs, HSBM foreign keys, temporal sources and
/// per-row post-processing, all pure functions of (seed, table, node, row). Works for sampled schemas and for real
/// schemas: numeric, boolean, enum (and text IN-list) and timestamp columns are driven by the prior, FKs by HSBM;
/// other columns are left to the caller.</summary>
public sealed class PluRelDatabase
{
    /// <summary>Bumped whenever the engine draws other values for the same seed (2: float32 MLPs and pairwise normals; 3: float32 exp/log/sin/cos of FastMath),
    /// so stored corpora made by another version are regenerated rather than mixed in.</summary>
    public const int EngineVersion = 3;

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
                // §10: a CHECK (col IN ('a', 'b', …)) makes a text column categorical with those labels.
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

    /// <summary>§6's default view: activity tables keep only the rows dated up to the test cutoff (a prefix, since dates
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

    /// <summary>Rows [firstRow, firstRow + count) of <paramref name="table"/>: every driven column and every FK's parent rows.
    /// A pure function of (seed, table, row): any chunking gives identical bits.</summary>
    public FeatureChunk ComputeChunk(TableDef table, long firstRow, int count)
    {
        var t = State(table);
        if (firstRow < 0 || count < 0 || firstRow + count > t.Rows)
            throw new ArgumentOutOfRangeException(nameof(firstRow), $"{table.Name}: rows [{firstRow}, {firstRow + count}) outside [0, {t.Rows})");
        var model = t.Model.Value;
        var cal = t.Calibration.Value;
        var columns = new List<FeatureColumn>();
        foreach (var f in t.Features)
            columns.Add(f.Output switch
            {
                FeatureValueKind.Double => new FeatureColumn { Column = f.Column, Kind = f.Output, Doubles = new double[count] },
                FeatureValueKind.Boolean => new FeatureColumn { Column = f.Column, Kind = f.Output, Booleans = new bool[count], Codes = new int[count] },
                _ => new FeatureColumn { Column = f.Column, Kind = f.Output, Codes = new int[count], Labels = f.Labels },
            });
        foreach (var c in t.TimeColumns)
        {
            var ts = new DateTime[count];
            for (var i = 0; i < count; i++) ts[i] = Window.At(firstRow + i, t.Rows);
            columns.Add(new FeatureColumn { Column = c, Kind = FeatureValueKind.Timestamp, Timestamps = ts });
        }
        var fks = new List<ForeignKeyRows>();
        foreach (var l in t.Links)
        {
            var pr = new long[count];
            for (var i = 0; i < count; i++) pr[i] = l.Hsbm.ParentRow(firstRow + i);
            fks.Add(new ForeignKeyRows(l.Key, l.Parent.Def, pr));
        }
        if (model is not null)
        {
            var rows = new long[Math.Min(count, BlockRows)];
            for (var off = 0; off < count; off += BlockRows)
            {
                var m = Math.Min(BlockRows, count - off);
                for (var i = 0; i < m; i++) rows[i] = firstRow + off + i;
                var raws = RawFeatures(t, model, rows.AsSpan(0, m));
                for (var j = 0; j < t.Features.Count; j++)
                {
                    var f = t.Features[j];
                    var raw = raws[j];
                    var col = columns[j];
                    if (f.IsNumeric)
                    {
                        for (var i = 0; i < m; i++)
                        {
                            var r = rows[i];
                            col.Doubles![off + i] = model.Transform(j, raw[i], r, cal!);
                            if (f.Column.Nullable && model.IsMissing(j, r))
                            {
                                col.Nulls ??= new bool[count];
                                col.Nulls[off + i] = true;
                                col.Doubles[off + i] = double.NaN;
                            }
                        }
                    }
                    else
                    {
                        for (var i = 0; i < m; i++)
                        {
                            var code = model.Code(j, raw[i], cal!);
                            col.Codes![off + i] = code;
                            if (col.Booleans is { } b) b[off + i] = code > 0;
                        }
                    }
                }
            }
        }
        return new FeatureChunk { Table = table, FirstRow = firstRow, Count = count, Columns = columns, ForeignKeys = fks };
    }

    /// <summary>The values a child reads from table <paramref name="t"/> (§5.6): raw reals for numeric columns and
    /// class codes (quantised and relabelled if lazy) for categorical ones, never transformed or missing.</summary>
    internal double[][] ExportValues(TableState t, ReadOnlySpan<long> rows)
    {
        var model = t.Model.Value!;
        var cal = t.Calibration.Value!;
        var cols = t.Features.Count;
        var result = new double[cols][];
        for (var j = 0; j < cols; j++) result[j] = new double[rows.Length];
        if (t.FullRaw.Value is { } full)
        {
            for (var j = 0; j < cols; j++)
            {
                var src = full[j];
                var dst = result[j];
                var numeric = t.Features[j].IsNumeric;
                for (var i = 0; i < rows.Length; i++) dst[i] = numeric ? src[rows[i]] : model.Code(j, src[rows[i]], cal);
            }
            return result;
        }
        // Recompute only the distinct rows, in sorted order (cheapest for the temporal AR blocks).
        var distinct = rows.ToArray().Distinct().Order().ToArray();
        var raw = ForwardFeatures(t, model, distinct);
        var index = new Dictionary<long, int>(distinct.Length);
        for (var i = 0; i < distinct.Length; i++) index[distinct[i]] = i;
        for (var i = 0; i < rows.Length; i++)
        {
            var k = index[rows[i]];
            for (var j = 0; j < cols; j++)
                result[j][i] = t.Features[j].IsNumeric ? raw[j][k] : model.Code(j, raw[j][k], cal);
        }
        return result;
    }

    /// <summary>Raw feature values for a block of rows: from the full-table cache when the table has one.</summary>
    private double[][] RawFeatures(TableState t, TableModel model, ReadOnlySpan<long> rows)
    {
        var cols = t.Features.Count;
        var result = new double[cols][];
        if (t.FullRaw.Value is { } full)
        {
            for (var j = 0; j < cols; j++)
            {
                result[j] = new double[rows.Length];
                for (var i = 0; i < rows.Length; i++) result[j][i] = full[j][rows[i]];
            }
            return result;
        }
        var x = model.Forward(rows);
        for (var j = 0; j < cols; j++) result[j] = x[model.ColumnNode[j]];
        return result;
    }

    /// <summary>The SCM forward pass over any list of rows, in blocks (in parallel with <see cref="PluRelRuntimeOptions.Threads"/>);
    /// one raw array per feature.</summary>
    private double[][] ForwardFeatures(TableState t, TableModel model, long[] rows)
    {
        var cols = t.Features.Count;
        var result = new double[cols][];
        for (var j = 0; j < cols; j++) result[j] = new double[rows.Length];
        var blocks = (rows.Length + BlockRows - 1) / BlockRows;
        void Block(int b)
        {
            var off = b * BlockRows;
            var m = Math.Min(BlockRows, rows.Length - off);
            var x = model.Forward(rows.AsSpan(off, m));
            for (var j = 0; j < cols; j++) x[model.ColumnNode[j]].AsSpan(0, m).CopyTo(result[j].AsSpan(off));
        }
        if (Options.Threads > 1 && blocks > 1)
            Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = Options.Threads }, Block);
        else
            for (var b = 0; b < blocks; b++) Block(b);
        return result;
    }

    private double[][]? BuildFullRaw(TableState t)
    {
        if (t.Model.Value is not { } model) return null;
        if (t.Rows > Options.ParentCacheRows && !t.CachedAsParent) return null;
        var rows = new long[t.Rows];
        for (var i = 0; i < rows.Length; i++) rows[i] = i;
        return ForwardFeatures(t, model, rows);
    }

    private Calibration? Calibrate(TableState t)
    {
        var model = t.Model.Value;
        if (model is null) return null;
        var cols = t.Features.Count;
        var exact = t.Rows <= Config.Scm.StatisticsSampleRows;
        long[] sample;
        if (exact)
        {
            sample = new long[t.Rows];
            for (var i = 0; i < sample.Length; i++) sample[i] = i;
        }
        else
        {
            var rng = CounterRng.Stream(Seed, t.Key, Purpose.Statistics);
            sample = new long[Config.Scm.StatisticsSampleRows];
            for (var i = 0; i < sample.Length; i++) sample[i] = rng.Below(i, t.Rows);
            Array.Sort(sample);
        }
        var thresholdRows = model.ThresholdRows;
        var needStats = model.Transforms.Any(x => x is ColumnTransform.RankUniform or ColumnTransform.Standardize);
        if (!needStats) sample = [];
        var all = sample.Concat(thresholdRows.SelectMany(r => r ?? [])).Distinct().Order().ToArray();
        var where = new Dictionary<long, int>(all.Length);
        for (var i = 0; i < all.Length; i++) where[all[i]] = i;
        double[][] raw;
        if (t.FullRaw.Value is { } full)
        {
            raw = full;
            where.Clear();
            foreach (var r in all) where[r] = (int)r;
        }
        else raw = ForwardFeatures(t, model, all);
        var thresholds = new double[]?[cols];
        var sorted = new (double[], long[])?[cols];
        var mean = new double[cols];
        var std = new double[cols];
        for (var j = 0; j < cols; j++)
        {
            if (thresholdRows[j] is { } tr)
            {
                thresholds[j] = tr.Select(r => raw[j][where[r]]).Order().ToArray();
                continue;
            }
            if (!t.Features[j].IsNumeric || sample.Length == 0) continue;
            var values = sample.Select(r => raw[j][where[r]]).ToArray();
            double s = 0;
            foreach (var v in values) s += v;
            mean[j] = s / values.Length;
            double ss = 0;
            foreach (var v in values) ss += (v - mean[j]) * (v - mean[j]);
            std[j] = Math.Sqrt(ss / values.Length);
            if (model.Transforms[j] == ColumnTransform.RankUniform)
            {
                var rowsCopy = (long[])sample.Clone();
                Array.Sort(values, rowsCopy); // not stable: re-sort ties by row below
                var pairs = values.Zip(rowsCopy).OrderBy(p => p.First).ThenBy(p => p.Second).ToArray();
                sorted[j] = (pairs.Select(p => p.First).ToArray(), pairs.Select(p => p.Second).ToArray());
            }
        }
        return new Calibration { Thresholds = thresholds, Sorted = sorted, Mean = mean, Std = std, Exact = exact };
    }

    internal TableState StateOf(TableDef table) => State(table);

    /// <summary>The categorical columns whose boolean form (<c>code &gt; 0</c>) is constant over the whole table: the
    /// reference drops them (§5.11). Evaluates every row of the table once; callers that want the reference's
    /// output remove these columns before creating tables.</summary>
    public IReadOnlyList<ColumnDef> ConstantBooleanColumns(TableDef table)
    {
        var t = State(table);
        var cats = Enumerable.Range(0, t.Features.Count).Where(j => t.Features[j].Output == FeatureValueKind.Boolean).ToList();
        if (cats.Count == 0 || t.Rows == 0) return [];
        var seenTrue = new bool[t.Features.Count];
        var seenFalse = new bool[t.Features.Count];
        for (long s = 0; s < t.Rows; s += 4 * BlockRows)
        {
            var c = ComputeChunk(table, s, (int)Math.Min(4 * BlockRows, t.Rows - s));
            foreach (var j in cats)
                foreach (var b in c.Columns[j].Booleans!)
                    if (b) seenTrue[j] = true; else seenFalse[j] = true;
        }
        return cats.Where(j => !(seenTrue[j] && seenFalse[j])).Select(j => t.Features[j].Column).ToList();
    }

    /// <summary>A one-line description of a table's SCM (family, mode, nodes, edges, sources).</summary>
    /// <summary>Multiply-adds per row in the table's frozen MLPs (0 without an SCM); see <see cref="TableModel.MlpFmasPerRow"/>.</summary>
    public long MlpFmasPerRow(TableDef table) => State(table).Model.Value?.MlpFmasPerRow ?? 0;

    /// <summary>Σ over tables of rows × <see cref="MlpFmasPerRow"/>: the database's frozen-MLP work.</summary>
    public double MlpFmas() => _order.Sum(t => (double)t.Rows * (t.Model.Value?.MlpFmasPerRow ?? 0));

    public string DescribeScm(TableDef table)
    {
        var m = State(table).Model.Value;
        if (m is null) return "no SCM";
        return $"{m.Family} {m.Mode} nodes={m.Graph.N} edges={m.Graph.Edges.Count} sources={m.Nodes.Count(n => n.IsSource)}";
    }
}
