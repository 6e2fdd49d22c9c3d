using PluRelSql.Core;

namespace PluRelSql.Generation.PluRel;

/// <summary>A directed acyclic graph on nodes 0..N−1 with one weight per edge (edges point parent → child).</summary>
public sealed class Dag
{
    private readonly List<(int From, int To)> _edges;
    private readonly List<double> _weights;

    internal Dag(int n, List<(int From, int To)> edges, List<double> weights)
    {
        N = n;
        _edges = edges;
        _weights = weights;
        var parents = new List<int>[n];
        var children = new List<int>[n];
        for (var i = 0; i < n; i++) { parents[i] = []; children[i] = []; }
        foreach (var (f, t) in edges) { parents[t].Add(f); children[f].Add(t); }
        Parents = parents;
        Children = children;
        TopologicalOrder = Topo(n, parents, children);
    }

    public int N { get; }
    public IReadOnlyList<(int From, int To)> Edges => _edges;
    public IReadOnlyList<double> Weights => _weights;
    /// <summary>Parents of each node, in edge order.</summary>
    public IReadOnlyList<List<int>> Parents { get; }
    public IReadOnlyList<List<int>> Children { get; }
    /// <summary>Nodes in a topological order (Kahn, smallest ready id first); shorter than N only if cyclic.</summary>
    public IReadOnlyList<int> TopologicalOrder { get; }

    public int InDegree(int v) => Parents[v].Count;
    public int OutDegree(int v) => Children[v].Count;
    public bool IsAcyclic => TopologicalOrder.Count == N;

    public bool IsWeaklyConnected
    {
        get
        {
            if (N <= 1) return true;
            return Components(N, _edges).Count == 1;
        }
    }

    public double Weight(int from, int to)
    {
        for (var i = 0; i < _edges.Count; i++)
            if (_edges[i] == (from, to)) return _weights[i];
        throw new KeyNotFoundException($"no edge {from} -> {to}");
    }

    private static List<int> Topo(int n, List<int>[] parents, List<int>[] children)
    {
        var indeg = new int[n];
        for (var i = 0; i < n; i++) indeg[i] = parents[i].Count;
        var ready = new SortedSet<int>(Enumerable.Range(0, n).Where(i => indeg[i] == 0));
        var order = new List<int>(n);
        while (ready.Count > 0)
        {
            var v = ready.Min;
            ready.Remove(v);
            order.Add(v);
            foreach (var c in children[v])
                if (--indeg[c] == 0) ready.Add(c);
        }
        return order;
    }

    /// <summary>Connected components of the undirected graph, in discovery order (nodes scanned by id, BFS).</summary>
    internal static List<List<int>> Components(int n, IEnumerable<(int, int)> edges)
    {
        var adj = new List<int>[n];
        for (var i = 0; i < n; i++) adj[i] = [];
        foreach (var (a, b) in edges) { adj[a].Add(b); adj[b].Add(a); }
        var seen = new bool[n];
        var result = new List<List<int>>();
        for (var s = 0; s < n; s++)
        {
            if (seen[s]) continue;
            var comp = new List<int> { s };
            seen[s] = true;
            for (var i = 0; i < comp.Count; i++)
                foreach (var w in adj[comp[i]])
                    if (!seen[w]) { seen[w] = true; comp.Add(w); }
            result.Add(comp);
        }
        return result;
    }
}

/// <summary>The random graph families of docs/generator.md §2.1 and §4.1. All produce a weakly connected DAG on n nodes.</summary>
internal static class GraphFamilies
{
    /// <summary>Undirected simple graph as a set of (min, max) pairs, kept in insertion order.</summary>
    private sealed class UGraph(int n)
    {
        public readonly int N = n;
        public readonly List<(int, int)> Edges = [];
        private readonly HashSet<(int, int)> _set = [];

        public bool Has(int a, int b) => _set.Contains(Key(a, b));
        public bool Add(int a, int b)
        {
            if (a == b || !_set.Add(Key(a, b))) return false;
            Edges.Add(Key(a, b));
            return true;
        }
        public void Remove(int a, int b)
        {
            if (_set.Remove(Key(a, b))) Edges.Remove(Key(a, b));
        }
        public int Degree(int v) => Edges.Count(e => e.Item1 == v || e.Item2 == v);
        private static (int, int) Key(int a, int b) => a < b ? (a, b) : (b, a);
    }

    /// <summary>docs/generator.md §2.1: bridge consecutive components, orient low → high, draw one weight law and the weights.</summary>
    private static Dag Finish(UGraph g, ref Draws d, GraphConfig cfg)
    {
        Connect(g, ref d);
        var edges = g.Edges.Select(e => (Math.Min(e.Item1, e.Item2), Math.Max(e.Item1, e.Item2))).ToList();
        return WithWeights(g.N, edges, ref d, cfg);
    }

    private static void Connect(UGraph g, ref Draws d)
    {
        if (g.N < 2) return;
        var comps = Dag.Components(g.N, g.Edges);
        for (var i = 0; i + 1 < comps.Count; i++)
            g.Add(comps[i][d.Below(comps[i].Count)], comps[i + 1][d.Below(comps[i + 1].Count)]);
    }

    private static Dag WithWeights(int n, List<(int, int)> edges, ref Draws d, GraphConfig cfg)
    {
        var law = d.Pick(cfg.EdgeWeightLaws);
        var w = new List<double>(edges.Count);
        for (var i = 0; i < edges.Count; i++) w.Add(d.EdgeWeight(law));
        return new Dag(n, edges, w);
    }

    public static Dag Empty(int n) => new(n, [], []);

    /// <summary>docs/generator.md §2.1: preferential attachment, orient old → new, relabel, sink-edge dropout.</summary>
    public static Dag BarabasiAlbert(int n, ref Draws d, GraphConfig cfg)
    {
        if (n < 2) return Empty(n);
        var m = Math.Min(cfg.BaAttachments, n - 1);
        var g = new UGraph(n);
        var degree = new int[n];
        for (var i = 1; i <= m; i++) { g.Add(0, i); degree[0]++; degree[i]++; }
        for (var t = m + 1; t < n; t++)
        {
            var targets = new List<int>(m);
            var total = 0;
            for (var i = 0; i < t; i++) total += degree[i];
            while (targets.Count < m)
            {
                var u = d.Below(total);
                var pick = 0;
                for (; pick < t; pick++)
                {
                    u -= degree[pick];
                    if (u < 0) break;
                }
                if (!targets.Contains(pick)) targets.Add(pick);
            }
            foreach (var s in targets) { g.Add(s, t); degree[s]++; degree[t]++; }
        }
        Connect(g, ref d);
        var oriented = g.Edges.Select(e => (Math.Min(e.Item1, e.Item2), Math.Max(e.Item1, e.Item2))).ToList();
        var law = d.Pick(cfg.EdgeWeightLaws);
        var weights = oriented.Select(_ => 0.0).ToList();
        for (var i = 0; i < weights.Count; i++) weights[i] = d.EdgeWeight(law);
        var perm = d.Permutation(n);
        var edges = oriented.Select(e => (perm[e.Item1], perm[e.Item2])).ToList();
        // Sink-edge dropout: a sink with several parents loses one with probability 0.4.
        var outDeg = new int[n];
        foreach (var (f, _) in edges) outDeg[f]++;
        for (var v = 0; v < n; v++)
        {
            if (outDeg[v] != 0) continue;
            var incoming = Enumerable.Range(0, edges.Count).Where(i => edges[i].Item2 == v).ToList();
            if (incoming.Count <= 1) continue;
            if (!d.Bernoulli(cfg.BaSinkEdgeDropout)) continue;
            var drop = incoming[d.Below(incoming.Count)];
            edges.RemoveAt(drop);
            weights.RemoveAt(drop);
        }
        return new Dag(n, edges, weights);
    }

    /// <summary>A uniform labelled tree from a uniform Prüfer sequence.</summary>
    private static List<(int, int)> PruferTree(int n, ref Draws d)
    {
        var edges = new List<(int, int)>();
        if (n < 2) return edges;
        if (n == 2) { edges.Add((0, 1)); return edges; }
        var seq = new int[n - 2];
        for (var i = 0; i < seq.Length; i++) seq[i] = d.Below(n);
        var degree = Enumerable.Repeat(1, n).ToArray();
        foreach (var s in seq) degree[s]++;
        var leaves = new SortedSet<int>(Enumerable.Range(0, n).Where(i => degree[i] == 1));
        foreach (var s in seq)
        {
            var leaf = leaves.Min;
            leaves.Remove(leaf);
            edges.Add((leaf, s));
            if (--degree[s] == 1) leaves.Add(s);
        }
        var a = leaves.Min;
        leaves.Remove(a);
        edges.Add((a, leaves.Min));
        return edges;
    }

    /// <summary>docs/generator.md §2.1 / §4.1: a uniform tree with a uniform root; towards=true orients every edge toward the root.</summary>
    public static Dag Tree(int n, bool towardRoot, ref Draws d, GraphConfig cfg)
    {
        if (n < 2) return Empty(n);
        var tree = PruferTree(n, ref d);
        var root = d.Below(n);
        var adj = new List<int>[n];
        for (var i = 0; i < n; i++) adj[i] = [];
        foreach (var (a, b) in tree) { adj[a].Add(b); adj[b].Add(a); }
        var dist = Enumerable.Repeat(-1, n).ToArray();
        var queue = new Queue<int>();
        dist[root] = 0;
        queue.Enqueue(root);
        while (queue.Count > 0)
        {
            var v = queue.Dequeue();
            foreach (var w in adj[v])
                if (dist[w] < 0) { dist[w] = dist[v] + 1; queue.Enqueue(w); }
        }
        var edges = tree.Select(e =>
        {
            var (far, near) = dist[e.Item1] > dist[e.Item2] ? (e.Item1, e.Item2) : (e.Item2, e.Item1);
            return towardRoot ? (far, near) : (near, far);
        }).ToList();
        return WithWeights(n, edges, ref d, cfg);
    }

    /// <summary>docs/generator.md §2.1: ring lattice with k/2 neighbours per side, each lattice edge rewired with probability p.</summary>
    public static Dag WattsStrogatz(int n, ref Draws d, GraphConfig cfg)
    {
        if (n < 2) return Empty(n);
        var k = d.Pick(cfg.WsNeighbourhood);
        var p = d.Real(cfg.WsRewiring);
        if (k > n) k = n % 2 == 1 ? n - 1 : n;
        k = Math.Max(k, 2);
        var g = new UGraph(n);
        if (k >= n)
        {
            for (var a = 0; a < n; a++)
                for (var b = a + 1; b < n; b++) g.Add(a, b);
            return Finish(g, ref d, cfg);
        }
        for (var j = 1; j <= k / 2; j++)
            for (var u = 0; u < n; u++) g.Add(u, (u + j) % n);
        for (var j = 1; j <= k / 2; j++)
            for (var u = 0; u < n; u++)
            {
                var v = (u + j) % n;
                if (!d.Bernoulli(p)) continue;
                if (g.Degree(u) >= n - 1) continue;
                int w;
                do w = d.Below(n); while (w == u || g.Has(u, w));
                g.Remove(u, v);
                g.Add(u, w);
            }
        return Finish(g, ref d, cfg);
    }

    /// <summary>docs/generator.md §4.1, Erdős–Rényi: directed G(n, p) with directions forgotten (v1.0.0: low→high pairs only).</summary>
    public static Dag ErdosRenyi(int n, ref Draws d, GraphConfig cfg)
    {
        if (n < 2) return Empty(n);
        var p = d.Real(cfg.ErEdgeProbability);
        var g = new UGraph(n);
        for (var a = 0; a < n; a++)
            for (var b = 0; b < n; b++)
            {
                if (a == b) continue;
                if (cfg.ErSingleDirection && a > b) continue;
                if (d.Bernoulli(p)) g.Add(a, b);
            }
        return Finish(g, ref d, cfg);
    }

    /// <summary>docs/generator.md §4.1, layered: nodes spread over d layers, edges only between adjacent layers.</summary>
    public static Dag Layered(int n, ref Draws d, GraphConfig cfg)
    {
        if (n < 2) return Empty(n);
        var depth = Math.Min(d.Int(cfg.LayeredDepth), n);
        var sizes = Enumerable.Repeat(1, depth).ToArray();
        for (var i = depth; i < n; i++) sizes[d.Below(depth)]++;
        var layers = new List<int[]>();
        var next = 0;
        foreach (var s in sizes) { layers.Add(Enumerable.Range(next, s).ToArray()); next += s; }
        var g = new UGraph(n);
        for (var l = 0; l + 1 < depth; l++)
            foreach (var a in layers[l])
                foreach (var b in layers[l + 1])
                    if (!d.Bernoulli(cfg.LayeredEdgeDropout)) g.Add(a, b);
        for (var l = 0; l + 1 < depth; l++)
        {
            foreach (var b in layers[l + 1])
                if (!layers[l].Any(a => g.Has(a, b))) g.Add(layers[l][d.Below(layers[l].Length)], b);
            foreach (var a in layers[l])
                if (!layers[l + 1].Any(b => g.Has(a, b))) g.Add(a, layers[l + 1][d.Below(layers[l + 1].Length)]);
        }
        return Finish(g, ref d, cfg);
    }

    /// <summary>docs/generator.md §4.1, random-Cauchy: edge i → j with probability σ(A + B_i + C_j).</summary>
    public static Dag RandomCauchy(int n, ref Draws d, GraphConfig cfg)
    {
        if (n < 2) return Empty(n);
        var a = d.Cauchy();
        var b = new double[n];
        var c = new double[n];
        for (var i = 0; i < n; i++) b[i] = d.Cauchy();
        for (var i = 0; i < n; i++) c[i] = d.Cauchy();
        var g = new UGraph(n);
        for (var i = 0; i < n; i++)
            for (var j = i + 1; j < n; j++)
            {
                var z = Math.Clamp(a + b[i] + c[j], -500, 500);
                if (d.Bernoulli(1.0 / (1.0 + Math.Exp(-z)))) g.Add(i, j);
            }
        return Finish(g, ref d, cfg);
    }

    public static Dag Schema(SchemaFamily family, int n, ref Draws d, GraphConfig cfg) => family switch
    {
        SchemaFamily.BarabasiAlbert => BarabasiAlbert(n, ref d, cfg),
        SchemaFamily.ReverseRandomTree => Tree(n, towardRoot: true, ref d, cfg),
        _ => WattsStrogatz(n, ref d, cfg),
    };

    public static Dag Scm(ScmFamily family, int n, ref Draws d, GraphConfig cfg) => family switch
    {
        ScmFamily.ErdosRenyi => ErdosRenyi(n, ref d, cfg),
        ScmFamily.BarabasiAlbert => BarabasiAlbert(n, ref d, cfg),
        ScmFamily.RandomTree => Tree(n, towardRoot: false, ref d, cfg),
        ScmFamily.ReverseRandomTree => Tree(n, towardRoot: true, ref d, cfg),
        ScmFamily.Layered => Layered(n, ref d, cfg),
        ScmFamily.WattsStrogatz => WattsStrogatz(n, ref d, cfg),
        _ => RandomCauchy(n, ref d, cfg),
    };
}
