using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using PluRelSql.Core;

namespace PluRelSql.Generation.PluRel;

/// <summary>One table's SCM (docs/generator.md §4) plus its per-row post-processing parameters (docs/generator.md §5.5). Everything is drawn from
/// named streams of (seed, table): the structure stream for the graph and node parameters, one stream per MLP, one
/// per source, one per node's noise, so every value is a pure function of (seed, table, node, row).</summary>
internal sealed class TableModel
{
    private const float InputClamp = 1e4f;
    /// <summary>Hidden states and running products stay finite in float32 (docs/generator.md §5.3 asks for a guard; the reference
    /// only clamps inputs).</summary>
    private const float HiddenClamp = 1e38f;

    private readonly PluRelDatabase _db;
    private readonly TableState _t;
    private readonly ScmNode[] _nodes;
    private readonly int[] _topo;
    private readonly List<(LinkSpec Link, Encoder[] Exports)> _feeds = [];
    private readonly bool[] _aggUsed = new bool[4];
    private readonly Permutation?[] _missing;
    private readonly long _missingCount;
    private readonly int[]?[] _relabel;
    private readonly CounterRng _ties;
    /// <summary>The first feeding FK's parent embeddings, aggregated, per parent row (see <see cref="FirstFeedCache"/>);
    /// null when that parent is bigger than this table or the cache would exceed <see cref="FirstFeedCacheBytes"/>.</summary>
    private Lazy<float[]?[]>? _firstFeed;
    /// <summary>Per later feed (index ≥ 1): the export encoding of every parent column per parent row (see
    /// <see cref="FeedEncodings"/>), or null when that parent is bigger than this table or it would exceed
    /// <see cref="FeedCacheBytes"/>.</summary>
    private Lazy<float[][]>?[] _feedEncodings = [];

    /// <summary>The most memory one feed's cache may take.</summary>
    internal const long FeedCacheBytes = 64L << 20;

    public PropagationMode Mode { get; }
    public ScmFamily Family { get; }
    public Dag Graph { get; }
    public int[] ColumnNode { get; }
    public ColumnTransform[] Transforms { get; }
    public double NanRate { get; }
    /// <summary>Per feature: the K−1 rows whose values become thresholds (lazy categorical columns), else null.</summary>
    public long[]?[] ThresholdRows { get; }
    internal IReadOnlyList<ScmNode> Nodes => _nodes;

    private TableModel(PluRelDatabase db, TableState t, PropagationMode mode, ScmFamily family, Dag graph, ScmNode[] nodes,
        int[] columnNode, ColumnTransform[] transforms, double nanRate, long[]?[] thresholdRows, int[]?[] relabel)
    {
        _db = db;
        _t = t;
        Mode = mode;
        Family = family;
        Graph = graph;
        _nodes = nodes;
        _topo = graph.TopologicalOrder.ToArray();
        ColumnNode = columnNode;
        Transforms = transforms;
        NanRate = nanRate;
        ThresholdRows = thresholdRows;
        _relabel = relabel;
        _missingCount = (long)Math.Floor(nanRate * t.Rows);
        _ties = CounterRng.Stream(db.Seed, t.Key, Purpose.RankTies);
        _missing = new Permutation?[t.Features.Count];
        for (var j = 0; j < t.Features.Count; j++)
            if (t.Features[j].IsNumeric && t.Features[j].Column.Nullable && _missingCount > 0)
                _missing[j] = new Permutation(t.Rows, CounterRng.Stream(db.Seed, t.Key, Purpose.Missing, (ulong)j));
    }

    public static TableModel Build(PluRelDatabase db, TableState t)
    {
        var cfg = db.Config.Scm;
        var seed = db.Seed;
        var d = Draws.For(seed, t.Key, Purpose.ScmStructure);
        var mode = d.Pick(cfg.Modes);
        var family = d.Pick(cfg.Families);
        var c = t.Features.Count;
        var q = d.Real(cfg.ColumnNodeFraction);
        var v = c + (int)Math.Ceiling(c / q) + 3;
        var graph = GraphFamilies.Scm(family, v, ref d, db.Config.Graph);
        var columnNode = d.Distinct(v, c);
        var columnOf = Enumerable.Repeat(-1, v).ToArray();
        for (var j = 0; j < c; j++) columnOf[columnNode[j]] = j;

        var typeAware = mode == PropagationMode.TypeAware;
        var nodes = new ScmNode[v];
        for (var i = 0; i < v; i++)
        {
            var hiddenCategorical = d.Bernoulli(0.5);
            var hiddenK = d.Int(cfg.Categories);
            var k = columnOf[i] >= 0 ? t.Features[columnOf[i]].Categories : hiddenCategorical ? hiddenK : 0;
            double alpha, beta;
            if (cfg.FixedNoiseLaws is { Count: > 0 } laws)
            {
                var law = d.Pick(laws);
                (alpha, beta) = (law.Alpha, law.Beta);
            }
            else
            {
                alpha = d.Real(cfg.NoiseAlpha);
                beta = d.Real(cfg.NoiseBeta);
            }
            var agg = d.Pick(cfg.Aggregations);
            nodes[i] = new ScmNode { Id = i, Categories = k, Column = columnOf[i], Aggregation = agg };
            if (graph.InDegree(i) == 0)
            {
                var sd = Draws.For(seed, t.Key, Purpose.Sources, (ulong)i);
                nodes[i].Source = SourceGenerator.Draw(ref sd, CounterRng.Stream(seed, t.Key, Purpose.SourceRow, (ulong)i),
                    cfg, t.Rows, t.Role, typeAware ? k : 0);
            }
            else
            {
                nodes[i].Noise = new NodeNoise(alpha, beta, CounterRng.Stream(seed, t.Key, Purpose.Noise, (ulong)i));
                var dd = Draws.For(seed, t.Key, Purpose.Mlp, 0, (ulong)i);
                nodes[i].Decoder = Decoder.Random(typeAware ? k : 0, ref dd, cfg);
            }
        }
        for (var e = 0; e < graph.Edges.Count; e++)
        {
            var (from, to) = graph.Edges[e];
            var ed = Draws.For(seed, t.Key, Purpose.Mlp, 1, (ulong)from, (ulong)to);
            var enc = Encoder.Random(typeAware ? nodes[from].Categories : 0, ref ed, cfg);
            nodes[to].Inputs.Add(new ScmEdge(from, enc, graph.Weights[e]));
        }

        // Post-processing parameters (docs/generator.md §5.5).
        var pd = Draws.For(seed, t.Key, Purpose.Post);
        var nanRate = pd.Real(cfg.NanRate);
        var transforms = new ColumnTransform[c];
        var thresholdRows = new long[]?[c];
        var relabel = new int[]?[c];
        for (var j = 0; j < c; j++)
        {
            var f = t.Features[j];
            transforms[j] = f.IsNumeric ? pd.Pick(cfg.Transforms) : ColumnTransform.Identity;
            if (f.IsNumeric || typeAware) continue;
            var k = f.Categories;
            var rows = new long[k - 1];
            for (var i = 0; i < rows.Length; i++) rows[i] = pd.Below(t.Rows);
            thresholdRows[j] = rows;
            var labels = Enumerable.Range(0, k).ToArray();
            var pPerm = pd.Real(cfg.LazyPermutationProbability);
            if (pd.Bernoulli(pPerm)) labels = pd.Permutation(k);
            var pRev = pd.Real(cfg.LazyReversalProbability);
            if (pd.Bernoulli(pRev)) labels = labels.Select(l => k - 1 - l).ToArray();
            relabel[j] = labels;
        }

        var model = new TableModel(db, t, mode, family, graph, nodes, columnNode, transforms, nanRate, thresholdRows, relabel);
        foreach (var link in t.Links.Where(l => l.FeedsScm))
        {
            var parentModel = link.Parent.Model.Value!;
            var exports = new Encoder[link.Parent.Features.Count];
            for (var j = 0; j < exports.Length; j++)
            {
                var xd = Draws.For(seed, link.StreamKey, Purpose.Mlp, 2, (ulong)j);
                var pk = parentModel.Mode == PropagationMode.TypeAware ? link.Parent.Features[j].Categories : 0;
                exports[j] = Encoder.Random(pk, ref xd, cfg);
            }
            model._feeds.Add((link, exports));
        }
        foreach (var n in nodes)
            if (!n.IsSource) model._aggUsed[(int)n.Aggregation] = true;
        model.PlanFeedCaches();
        return model;
    }

    /// <summary>The multiply-adds of one row's forward pass through the frozen MLPs: edge encoders, decoders and the
    /// export encoders of every parent column. The cost model of docs/generator.md §8, counted exactly; everything else the engine
    /// does per row (activations, aggregation, noise) comes on top.</summary>
    public long MlpFmasPerRow =>
        _nodes.Sum(n => (n.Decoder?.FmasPerRow ?? 0) + n.Inputs.Sum(e => e.Encoder.FmasPerRow))
        + _feeds.Sum(f => f.Exports.Sum(e => e.FmasPerRow));

    /// <summary>The multiply-adds of the whole table: <see cref="MlpFmasPerRow"/> for every row, except that the export
    /// encoders of a feed cached per parent row (<see cref="CachesFeed"/>) run once per parent row.</summary>
    public double MlpFmas
    {
        get
        {
            var total = (double)_t.Rows * MlpFmasPerRow;
            for (var f = 0; f < _feeds.Count; f++)
                if (CachesFeed(f))
                    total -= ((double)_t.Rows - _feeds[f].Link.Parent.Rows) * _feeds[f].Exports.Sum(e => e.FmasPerRow);
            return total;
        }
    }

    /// <summary>The FKs whose parent values feed this SCM.</summary>
    public int FeedCount => _feeds.Count;

    /// <summary>Feed <paramref name="f"/>'s export encoders run once per parent row, not once per child row.</summary>
    public bool CachesFeed(int f) => f == 0 ? _firstFeed is not null : f < _feedEncodings.Length && _feedEncodings[f] is not null;

    /// <summary>Caches the first feed when its parent has at most as many rows as this table (so evaluating every parent
    /// row never costs more than evaluating one per child row) and the cache fits in <see cref="FirstFeedCacheBytes"/>.</summary>
    private void PlanFeedCaches()
    {
        if (_feeds.Count == 0 || !_aggUsed.Any(u => u) || !_db.Options.ParentFeedCache) return;
        var parentRows = _feeds[0].Link.Parent.Rows;
        var slots = _aggUsed.Count(u => u) + (_aggUsed[(int)Aggregation.LogSumExp] ? 1 : 0);
        if (parentRows <= _t.Rows && parentRows * slots * Mlp.D * (long)sizeof(float) <= FeedCacheBytes)
            _firstFeed = new Lazy<float[]?[]>(FirstFeedCache);
        _feedEncodings = new Lazy<float[][]>?[_feeds.Count];
        for (var f = 1; f < _feeds.Count; f++)
        {
            parentRows = _feeds[f].Link.Parent.Rows;
            var bytes = parentRows * _feeds[f].Exports.Length * Mlp.D * (long)sizeof(float);
            var feed = f;
            if (parentRows <= _t.Rows && bytes <= FeedCacheBytes) _feedEncodings[f] = new Lazy<float[][]>(() => FeedEncodings(feed));
        }
    }

    /// <summary>Every export encoding of feed <paramref name="f"/>'s parent rows: per parent column, 32 floats per row (an
    /// encoder is a per-row function, so these are the bits encoding each child's parent row gives).</summary>
    private float[][] FeedEncodings(int f)
    {
        const int d = Mlp.D;
        var parent = _feeds[f].Link.Parent;
        var exports = _feeds[f].Exports;
        var p = (int)parent.Rows;
        var all = new long[p];
        for (var i = 0; i < p; i++) all[i] = i;
        var values = _db.ExportValues(parent, all);
        var cache = new float[exports.Length][];
        for (var j = 0; j < exports.Length; j++) cache[j] = new float[p * d];
        const int rowsPerBlock = 1024;
        var blocks = (p + rowsPerBlock - 1) / rowsPerBlock;
        void Block(int b)
        {
            var s = new Scratch(Tile);
            for (var off = b * rowsPerBlock; off < Math.Min(p, (b + 1) * rowsPerBlock); off += Tile)
            {
                var t = Math.Min(Tile, p - off);
                for (var j = 0; j < exports.Length; j++)
                    exports[j].Encode(values[j].AsSpan(off, t), t, cache[j].AsSpan(off * d, t * d), s);
            }
        }
        if (_db.Options.Threads > 1 && blocks > 1)
            Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = _db.Options.Threads }, Block);
        else
            for (var b = 0; b < blocks; b++) Block(b);
        return cache;
    }

    /// <summary>Per parent row p of the first feed: the aggregates (one array per aggregation in use, 32 floats per row)
    /// and the running logsumexp sum after folding in that parent's export encodings — exactly the state
    /// <see cref="ParentAggregates"/> reaches after the first feed for any child row of p (the same per-row
    /// operations in the same order, so the same bits).</summary>
    private float[]?[] FirstFeedCache()
    {
        const int d = Mlp.D;
        var parent = _feeds[0].Link.Parent;
        var p = (int)parent.Rows;
        var all = new long[p];
        for (var i = 0; i < p; i++) all[i] = i;
        var values = new[] { _db.ExportValues(parent, all) };
        var lse = _aggUsed[(int)Aggregation.LogSumExp];
        var cache = new float[]?[5];
        for (var a = 0; a < 4; a++) if (_aggUsed[a]) cache[a] = new float[p * d];
        if (lse) cache[4] = new float[p * d];
        const int tilesPerBlock = 32;
        var tiles = (p + Tile - 1) / Tile;
        var blocks = (tiles + tilesPerBlock - 1) / tilesPerBlock;
        void Block(int b)
        {
            var s = new Scratch(Tile);
            var result = new float[4][];
            for (var a = 0; a < 4; a++) if (_aggUsed[a]) result[a] = new float[Tile * d];
            for (var tile = b * tilesPerBlock; tile < Math.Min(tiles, (b + 1) * tilesPerBlock); tile++)
            {
                var off = tile * Tile;
                var t = Math.Min(Tile, p - off);
                var len = t * d;
                FoldFeed(0, values, null, off, t, result, lse ? s.Lse : null, first: true, s);
                for (var a = 0; a < 4; a++) result[a]?.AsSpan(0, len).CopyTo(cache[a].AsSpan(off * d));
                if (lse) s.Lse.AsSpan(0, len).CopyTo(cache[4].AsSpan(off * d));
            }
        }
        if (_db.Options.Threads > 1 && blocks > 1)
            Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = _db.Options.Threads }, Block);
        else
            for (var b = 0; b < blocks; b++) Block(b);
        return cache;
    }

    /// <summary>The transform (docs/generator.md §5.5) of one numeric value (rank-uniform and standardise use the calibration statistics).</summary>
    public double Transform(int j, double x, long row, Calibration cal) => Transforms[j] switch
    {
        ColumnTransform.Log => Math.Sign(x) * Math.Log(1 + Math.Abs(x)),
        ColumnTransform.Sqrt => Math.Sign(x) * Math.Sqrt(Math.Abs(x)),
        ColumnTransform.Standardize => (x - cal.Mean[j]) / Math.Max(cal.Std[j], 1e-8),
        ColumnTransform.RankUniform => RankUniform(cal, j, x, row),
        _ => x,
    };

    /// <summary>The key that orders equal values for rank-uniform: a keyed hash of the row, then the row. The reference ranks
    /// with numpy's unstable argsort, whose order among equal values follows the sort's partitioning, not the rows; breaking
    /// ties by position instead turned every constant or near-constant column with this transform into a perfect time trend
    /// (issue 16: 19 % of activity tables had a float column with |Spearman(value, time)| &gt; 0.999, the reference 4 %).</summary>
    internal (ulong Hash, long Row) TieKey(long row) => (_ties.Bits((ulong)row), row);

    private double RankUniform(Calibration cal, int j, double x, long row)
    {
        var (values, rows) = cal.Sorted[j]!.Value;
        // Lexicographic lower bound of (x, tie key): with every row in the sample this is the exact rank with ties broken
        // by the keyed hash of the row; otherwise it estimates the rank from the sample.
        var key = TieKey(row);
        int lo = 0, hi = values.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >> 1;
            if (values[mid] < x || (values[mid] == x && TieKey(rows[mid]).CompareTo(key) < 0)) lo = mid + 1; else hi = mid;
        }
        return cal.Exact ? (lo + 1.0) / (_t.Rows + 1.0) : (lo + 1.0) / (values.Length + 1.0);
    }

    /// <summary>MCAR: exactly floor(π·n) rows of each nullable numeric column, chosen by a keyed permutation.</summary>
    public bool IsMissing(int j, long row) => _missing[j] is { } p && p[row] < _missingCount;

    /// <summary>The class code of a categorical column value (lazy: quantised by the thresholds, then relabelled).</summary>
    public int Code(int j, double raw, Calibration cal)
    {
        if (cal.Thresholds[j] is not { } th) return (int)raw;
        var code = 0;
        while (code < th.Length && th[code] < raw) code++;
        return _relabel[j]![code];
    }

    /// <summary>Rows per tile of the forward pass: the per-node buffers of a tile (32 × 32 floats each) stay in L1
    /// instead of streaming 1024 × 32 blocks through the caches for every layer of every MLP.</summary>
    private const int Tile = 32;

    /// <summary>The SCM forward pass (docs/generator.md §5.3) for a block of rows: returns one value array per node. Hidden vectors are
    /// float32, node values double holding float32 values (sources rounded, as the reference's are). Sources and parent values are computed for the whole block, then the non-source
    /// nodes tile by tile; every value is a per-row computation, so the tiling changes no bit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double[][] Forward(ReadOnlySpan<long> rows)
    {
        var m = rows.Length;
        const int d = Mlp.D;
        var x = new double[_nodes.Length][];
        foreach (var v in _topo)
        {
            x[v] = new double[m];
            if (_nodes[v].Source is not { } src) continue;
            src.Fill(rows, x[v]);
            // The reference tensorises source values as float32 (plurel/scm.py, tensorize_source, l. 267-270) and a column
            // bound to a source gets that tensor (generate_df, l. 632): its values are float32 like every decoder output.
            for (var i = 0; i < m; i++) x[v][i] = (float)x[v][i];
        }
        var parentValues = ParentValues(rows, out var cachedParents);
        var s = new Scratch(Tile);
        var acc = new float[Tile * d];
        var parentAgg = parentValues is null ? null : new float[4][];
        if (parentAgg is not null)
            for (var a = 0; a < 4; a++) if (_aggUsed[a]) parentAgg[a] = new float[Tile * d];
        for (var off = 0; off < m; off += Tile)
        {
            var t = Math.Min(Tile, m - off);
            var len = t * d;
            var tileRows = rows.Slice(off, t);
            if (parentAgg is not null) ParentAggregates(parentValues!, cachedParents!, off, t, parentAgg, s);
            foreach (var v in _topo)
            {
                var node = _nodes[v];
                if (node.IsSource) continue;
                var first = true;
                foreach (var edge in node.Inputs)
                {
                    edge.Encoder.Encode(x[edge.From].AsSpan(off, t), t, s.Enc, s);
                    Combine(node.Aggregation, acc.AsSpan(0, len), s.Enc.AsSpan(0, len), (float)edge.Weight, first, s.Lse);
                    first = false;
                }
                if (parentAgg is not null)
                    Combine(node.Aggregation, acc.AsSpan(0, len), parentAgg[(int)node.Aggregation].AsSpan(0, len), 1f, first, s.Lse,
                        clampInput: false);
                if (node.Aggregation == Aggregation.LogSumExp) FinishLogSumExp(acc.AsSpan(0, len), s.Lse);
                node.Noise!.Fill(tileRows, s.Noise);
                var h = s.Noise.AsSpan(0, len);
                AddClamped(h, acc);
                node.Decoder!.Decode(h, t, x[v].AsSpan(off, t), s);
            }
        }
        return x;
    }

    /// <summary>h += acc, NaN → 0, clamped to ±<see cref="HiddenClamp"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddClamped(Span<float> h, ReadOnlySpan<float> acc)
    {
        var hv = MemoryMarshal.Cast<float, Vector<float>>(h);
        var av = MemoryMarshal.Cast<float, Vector<float>>(acc[..h.Length]);
        var lo = new Vector<float>(-HiddenClamp);
        var hi = new Vector<float>(HiddenClamp);
        for (var i = 0; i < hv.Length; i++)
        {
            var sum = hv[i] + av[i];
            // NaN compares false with itself: those lanes become 0.
            sum = Vector.ConditionalSelect(Vector.Equals(sum, sum), sum, Vector<float>.Zero);
            hv[i] = FastMath.Clamp(sum, lo, hi);
        }
    }

    /// <summary>Folds one input list entry into the running aggregate (the first entry initialises it). Inputs are
    /// weighted and clamped to ±1e4 first (docs/generator.md §5.3); products are kept within ±1e38 so they never overflow. Logsumexp runs
    /// online: <paramref name="acc"/> holds the running maximum and <paramref name="lseSum"/> Σ exp(input − maximum), one
    /// exponential per input; <see cref="FinishLogSumExp"/> turns them into the aggregate.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Combine(Aggregation agg, Span<float> acc, ReadOnlySpan<float> input, float weight, bool first,
        Span<float> lseSum, bool clampInput = true)
    {
        var av = MemoryMarshal.Cast<float, Vector<float>>(acc);
        var iv = MemoryMarshal.Cast<float, Vector<float>>(input);
        var w = new Vector<float>(weight);
        var lo = new Vector<float>(-InputClamp);
        var hi = new Vector<float>(InputClamp);
        var plo = new Vector<float>(-HiddenClamp);
        var phi = new Vector<float>(HiddenClamp);
        var lse = agg == Aggregation.LogSumExp;
        var sv = lse ? MemoryMarshal.Cast<float, Vector<float>>(lseSum[..acc.Length]) : default;
        if (first)
        {
            for (var i = 0; i < av.Length; i++) av[i] = clampInput ? FastMath.Clamp(iv[i] * w, lo, hi) : iv[i];
            if (lse) sv.Fill(Vector<float>.One);
            return;
        }
        switch (agg)
        {
            case Aggregation.Sum:
                for (var i = 0; i < av.Length; i++) av[i] += clampInput ? FastMath.Clamp(iv[i] * w, lo, hi) : iv[i];
                break;
            case Aggregation.Max:
                for (var i = 0; i < av.Length; i++) av[i] = FastMath.Max(av[i], clampInput ? FastMath.Clamp(iv[i] * w, lo, hi) : iv[i]);
                break;
            case Aggregation.Product:
                for (var i = 0; i < av.Length; i++)
                    av[i] = FastMath.Clamp(av[i] * (clampInput ? FastMath.Clamp(iv[i] * w, lo, hi) : iv[i]), plo, phi);
                break;
            default:
                for (var i = 0; i < av.Length; i++)
                {
                    var e = clampInput ? FastMath.Clamp(iv[i] * w, lo, hi) : iv[i];
                    var d = e - av[i];
                    var ex = FastMath.Exp(-Vector.Abs(d));
                    var above = Vector.GreaterThan(d, Vector<float>.Zero);
                    // A new maximum rescales the old sum: s·e^(m−x) + 1; otherwise s + e^(x−m).
                    sv[i] = Vector.ConditionalSelect(above, Vector.FusedMultiplyAdd(sv[i], ex, Vector<float>.One), sv[i] + ex);
                    av[i] = Vector.ConditionalSelect(above, e, av[i]);
                }
                break;
        }
    }

    /// <summary>acc = maximum + ln Σ exp(input − maximum), the logsumexp of every input folded in.</summary>
    internal static void FinishLogSumExp(Span<float> acc, ReadOnlySpan<float> lseSum)
    {
        var av = MemoryMarshal.Cast<float, Vector<float>>(acc);
        var sv = MemoryMarshal.Cast<float, Vector<float>>(lseSum[..acc.Length]);
        for (var i = 0; i < av.Length; i++) av[i] += FastMath.Log(sv[i]);
    }

    /// <summary>docs/generator.md §5.4: the values each feeding FK's parent row exports, for every row of the block (one array per
    /// parent column, per feed). A feed cached per parent row gets an empty entry, and its parent row for every row of the
    /// block in <paramref name="cachedParents"/> (null for the others).</summary>
    private double[][][]? ParentValues(ReadOnlySpan<long> rows, out long[]?[]? cachedParents)
    {
        cachedParents = null;
        if (_feeds.Count == 0) return null;
        var m = rows.Length;
        var result = new double[_feeds.Count][][];
        cachedParents = new long[]?[_feeds.Count];
        for (var f = 0; f < _feeds.Count; f++)
        {
            var link = _feeds[f].Link;
            var parentRows = new long[m];
            for (var i = 0; i < m; i++) parentRows[i] = link.Hsbm.ParentRow(rows[i]);
            if (CachesFeed(f)) cachedParents[f] = parentRows;
            result[f] = CachesFeed(f) ? [] : _db.ExportValues(link.Parent, parentRows);
        }
        return result;
    }

    /// <summary>The parent embeddings of rows [off, off + t) of the block, pre-aggregated once per aggregation in use
    /// (they are the same for every non-source node): sum uses weight 1/(columns of the parent), the others weight 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ParentAggregates(double[][][] values, long[]?[] cachedParents, int off, int t, float[][] result, Scratch s)
    {
        const int d = Mlp.D;
        var len = t * d;
        var first = true;
        var lseSum = _aggUsed[(int)Aggregation.LogSumExp] ? s.Lse : null;
        var f0 = 0;
        if (cachedParents[0] is { } firstParents)
        {
            // The first feed's state per parent row, gathered (the same bits as folding it in here).
            var cache = _firstFeed!.Value;
            for (var i = 0; i < t; i++)
            {
                var at = (int)firstParents[off + i] * d;
                for (var a = 0; a < 4; a++)
                    if (cache[a] is { } ca) ca.AsSpan(at, d).CopyTo(result[a].AsSpan(i * d));
                if (lseSum is not null) cache[4].AsSpan(at, d).CopyTo(lseSum.AsSpan(i * d));
            }
            first = false;
            f0 = 1;
        }
        for (var f = f0; f < _feeds.Count; f++) first = FoldFeed(f, values, cachedParents[f], off, t, result, lseSum, first, s);
        if (lseSum is not null && !first) FinishLogSumExp(result[(int)Aggregation.LogSumExp].AsSpan(0, len), lseSum);
    }

    /// <summary>Folds feed <paramref name="f"/>'s export encodings of rows [off, off + t) into the aggregates in use (from
    /// the feed's cache when <paramref name="parents"/> gives the rows' parent rows); returns the new value of
    /// <paramref name="first"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool FoldFeed(int f, double[][][] values, long[]? parents, int off, int t, float[][] result, float[]? lseSum, bool first,
        Scratch s)
    {
        const int d = Mlp.D;
        var len = t * d;
        var exports = _feeds[f].Exports;
        var cache = parents is null ? null : _feedEncodings[f]!.Value;
        var c = 1f / exports.Length;
        for (var j = 0; j < exports.Length; j++)
        {
            if (cache is null) exports[j].Encode(values[f][j].AsSpan(off, t), t, s.Enc, s);
            else
                for (var i = 0; i < t; i++) cache[j].AsSpan((int)parents![off + i] * d, d).CopyTo(s.Enc.AsSpan(i * d));
            var enc = s.Enc.AsSpan(0, len);
            for (var a = 0; a < 4; a++)
            {
                if (!_aggUsed[a]) continue;
                Combine((Aggregation)a, result[a].AsSpan(0, len), enc, a == (int)Aggregation.Sum ? c : 1f, first, lseSum);
            }
            first = false;
        }
        return first;
    }
}
