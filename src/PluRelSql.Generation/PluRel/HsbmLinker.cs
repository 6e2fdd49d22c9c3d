using PluRelSql.Core;

namespace PluRelSql.Generation.PluRel;

/// <summary>Stage 2 (docs/generator.md §3): foreign keys from a hierarchical stochastic block model. Both sides are cut into contiguous
/// row blocks indexed in the mixed radix of the per-level cluster counts; child row b picks parent row a with
/// P(a | b) ∝ Π_l Q_l[cluster_l(block a), cluster_l(block b)]. Within a block every parent is equally likely, so the
/// law is a distribution over parent blocks (precomputed per child block, O(blocks²)) followed by a uniform row in
/// the block. <see cref="ParentRow"/> is a pure function of the child row (two counter draws).</summary>
public sealed class HsbmLinker
{
    private const double Diagonal = 0.9;
    private readonly CounterRng _rng;
    private readonly double[]?[] _cdf; // per child block: cumulative weight over parent blocks, built on first use
    private readonly double[][,] _q;

    public long ChildRows { get; }
    public long ParentRows { get; }
    public IReadOnlyList<int> ParentClusters { get; }
    public IReadOnlyList<int> ChildClusters { get; }
    public int Levels => ParentClusters.Count;
    public int ParentBlocks { get; }
    public int ChildBlocks { get; }
    public long ParentBlockSize { get; }
    public long ChildBlockSize { get; }

    /// <summary>Draws L ~ cfg.HsbmLevels and per-level cluster counts on each side ~ cfg.HsbmClusters from <paramref name="seed"/>.</summary>
    public HsbmLinker(ulong seed, long childRows, long parentRows, ScmConfig cfg)
        : this(seed, childRows, parentRows, DrawLevels(seed, cfg, out var child), child)
    {
    }

    /// <summary>An HSBM with explicit cluster counts per level (parent side, child side; same length).</summary>
    public HsbmLinker(ulong seed, long childRows, long parentRows, IReadOnlyList<int> parentClusters, IReadOnlyList<int> childClusters)
    {
        if (parentRows <= 0) throw new ArgumentOutOfRangeException(nameof(parentRows), "a foreign key needs at least one parent row");
        if (parentClusters.Count != childClusters.Count || parentClusters.Count == 0)
            throw new ArgumentException("both sides need the same, positive number of levels");
        ChildRows = childRows;
        ParentRows = parentRows;
        ParentClusters = parentClusters.ToArray();
        ChildClusters = childClusters.ToArray();
        ParentBlocks = parentClusters.Aggregate(1, (a, b) => a * b);
        ChildBlocks = childClusters.Aggregate(1, (a, b) => a * b);
        ParentBlockSize = (parentRows + ParentBlocks - 1) / ParentBlocks;
        ChildBlockSize = Math.Max(1, (childRows + ChildBlocks - 1) / ChildBlocks);

        var d = Draws.For(seed, Purpose.Hsbm, 1);
        _q = new double[Levels][,];
        for (var l = 0; l < Levels; l++)
        {
            int a = ParentClusters[l], b = ChildClusters[l];
            var q = new double[a, b];
            for (var i = 0; i < a; i++)
                for (var j = 0; j < b; j++) q[i, j] = d.Real(0.001, 0.002);
            for (var i = 0; i < Math.Max(a, b); i++) q[i % a, i % b] = Diagonal;
            _q[l] = q;
        }

        _cdf = new double[ChildBlocks][];
        _rng = CounterRng.Stream(seed, Purpose.HsbmRow);
    }

    /// <summary>Cumulative weights over parent blocks for one child block, built on first use (O(parent blocks) each;
    /// concurrent builders produce identical arrays, so the race is benign).</summary>
    private double[] Cdf(int cb)
    {
        var existing = Volatile.Read(ref _cdf[cb]);
        if (existing is not null) return existing;
        // Work in log space relative to the best block, as the reference does, to keep tiny products exact enough.
        var logw = new double[ParentBlocks];
        var max = double.NegativeInfinity;
        for (var pb = 0; pb < ParentBlocks; pb++)
        {
            var size = ParentBlockRange(pb).Count;
            if (size == 0) { logw[pb] = double.NegativeInfinity; continue; }
            double lw = Math.Log(size);
            for (var l = 0; l < Levels; l++) lw += Math.Log(_q[l][Cluster(pb, l, ParentClusters), Cluster(cb, l, ChildClusters)]);
            logw[pb] = lw;
            max = Math.Max(max, lw);
        }
        var cdf = new double[ParentBlocks];
        double acc = 0;
        for (var pb = 0; pb < ParentBlocks; pb++)
        {
            acc += double.IsNegativeInfinity(logw[pb]) ? 0 : Math.Exp(logw[pb] - max);
            cdf[pb] = acc;
        }
        Volatile.Write(ref _cdf[cb], cdf);
        return cdf;
    }

    private static int[] DrawLevels(ulong seed, ScmConfig cfg, out int[] child)
    {
        var d = Draws.For(seed, Purpose.Hsbm, 0);
        var levels = d.Int(cfg.HsbmLevels);
        var parent = new int[levels];
        child = new int[levels];
        for (var l = 0; l < levels; l++)
        {
            parent[l] = d.Int(cfg.HsbmClusters);
            child[l] = d.Int(cfg.HsbmClusters);
        }
        return parent;
    }

    /// <summary>The affinity of parent cluster i and child cluster j at level l.</summary>
    public double Affinity(int level, int parentCluster, int childCluster) => _q[level][parentCluster, childCluster];

    /// <summary>cluster_l(c): digit l of c in the mixed radix (h_0, …, h_{L−1}), level 0 most significant.</summary>
    public static int Cluster(int block, int level, IReadOnlyList<int> radix)
    {
        var div = 1;
        for (var l = level + 1; l < radix.Count; l++) div *= radix[l];
        return block / div % radix[level];
    }

    public int ParentBlock(long parentRow) => (int)(parentRow / ParentBlockSize);
    public int ChildBlock(long childRow) => (int)(childRow / ChildBlockSize);

    public (long Start, long Count) ParentBlockRange(int block) => Range(block, ParentBlockSize, ParentRows);
    public (long Start, long Count) ChildBlockRange(int block) => Range(block, ChildBlockSize, ChildRows);

    private static (long, long) Range(int block, long size, long n)
    {
        var start = Math.Min(block * size, n);
        return (start, Math.Min(start + size, n) - start);
    }

    /// <summary>The parent row of child row <paramref name="childRow"/>: a pure function of (seed, childRow).</summary>
    public long ParentRow(long childRow)
    {
        var cdf = Cdf(ChildBlock(childRow));
        var u = _rng.Uniform(childRow, 0) * cdf[^1];
        // First parent block whose cumulative weight exceeds u (empty blocks add zero, so they are never chosen).
        int lo = 0, hi = cdf.Length - 1;
        while (lo < hi)
        {
            var mid = (lo + hi) >> 1;
            if (cdf[mid] > u) hi = mid; else lo = mid + 1;
        }
        var (start, count) = ParentBlockRange(lo);
        return start + _rng.Below(childRow, count, 1);
    }
}
