using PluRelSql.Core;

namespace PluRelSql.Tokenization;

public sealed record SamplerOptions
{
    /// <summary>Cells per context; a context always holds fewer (whole rows only).</summary>
    public int ContextCells { get; init; } = 256;
    /// <summary>Children kept per expanded row (uniform subset without replacement).</summary>
    public int MaxBfsWidth { get; init; } = 16;
    /// <summary>The held-out rows (docs/model.md §2.2); required unless <see cref="Targets"/> is <see cref="TargetFilter.All"/>.</summary>
    public HeldOutRule? HeldOut { get; init; }
    /// <summary>Which target cells are drawn: all, only held-out rows' (evaluation) or only the others' (training on a
    /// real target, where held-out rows' evaluated cells are also dropped from every context).</summary>
    public TargetFilter Targets { get; init; } = TargetFilter.All;
}

/// <summary>One token of a context.</summary>
public readonly record struct ContextCell(int Node, int Table, int Column, SemanticType Type, float Value, int Text, bool IsTarget);

/// <summary>A context: the seed row's target cell (value withheld) plus the relational neighbourhood around it.</summary>
public sealed class SampledContext
{
    public required int SeedNode { get; init; }
    public required int TargetColumn { get; init; }
    /// <summary>The withheld (z-scored) value of the target cell: the label. It is not in <see cref="Cells"/>.</summary>
    public required float TargetValue { get; init; }
    /// <summary>Cells sorted by column id; the target cell has IsTarget = true and Value = 0.</summary>
    public required IReadOnlyList<ContextCell> Cells { get; init; }
    /// <summary>The rows visited, in visit order (seed first).</summary>
    public required IReadOnlyList<int> Rows { get; init; }
}

/// <summary>Builds contexts by the RT-v2 traversal (docs/model.md §2): parents depth-first from a stack, children
/// breadth-first by depth with random subsets of at most <see cref="SamplerOptions.MaxBfsWidth"/>, whole rows until
/// the cell budget. Children are filtered by time as in RT-v2 (untimed, or stamped no later than the seed); parents
/// never are. Deterministic: the same (seed, item) gives the same context.</summary>
public sealed class ContextSampler
{
    private readonly RelationalSnapshot db;
    private readonly SamplerOptions _o;
    /// <summary>Per node: its evaluated cells are withheld from contexts (held-out rows under <see cref="TargetFilter.ExcludeHeldOut"/>); null when none is.</summary>
    private readonly bool[]? _withheld;

    public ContextSampler(RelationalSnapshot db, SamplerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(db);
        this.db = db;
        _o = options ?? new SamplerOptions();
        if (_o.Targets != TargetFilter.All && _o.HeldOut is null)
            throw new ArgumentException($"target filter {_o.Targets} needs a held-out rule", nameof(options));
        var heldOut = _o.HeldOut is { } rule && _o.Targets != TargetFilter.All ? HeldOutMask(db, rule) : null;
        if (_o.Targets == TargetFilter.ExcludeHeldOut) _withheld = heldOut;
        Targets = TargetIndex.Build(db, heldOut, _o.Targets);
    }

    /// <summary>Per node: whether the row is held out under <paramref name="rule"/>.</summary>
    public static bool[] HeldOutMask(RelationalSnapshot db, HeldOutRule rule)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(rule);
        var mask = new bool[db.NodeCount];
        for (var node = 0; node < db.NodeCount; node++) mask[node] = rule.IsHeldOut(db, node);
        return mask;
    }

    /// <summary>The cell types that are prediction targets (and so evaluated).</summary>
    public static bool IsTargetType(SemanticType type) => type is SemanticType.Number or SemanticType.Boolean or SemanticType.DateTime;

    public RelationalSnapshot Database => db;

    public SamplerOptions Options => _o;

    /// <summary>The target cells a context may be built for: every non-null number, boolean or datetime cell whose row
    /// is stamped in time or whose table has no time column (under the sampler's <see cref="TargetFilter"/>).</summary>
    public TargetIndex Targets { get; }

    public SampledContext Sample(long item, ulong seed)
    {
        var (node, cell) = Targets.Cell(item);
        return Build(node, cell, CounterRng.Stream(seed, (ulong)item, CounterRng.Label(db.Name)));
    }

    internal SampledContext Build(int seed, int targetCell, CounterRng rng)
    {
        var seedTime = db.NodeTime[seed];
        // RT-v2's temporal filter, for children only (the spec's §2.3): a child with no time, or one stamped no later
        // than a stamped seed. Parents are never time-filtered (§2.2 step 5).
        bool ChildVisible(int node) => db.NodeTime[node] == RelationalSnapshot.NoTime ||
                                       (seedTime != RelationalSnapshot.NoTime && db.NodeTime[node] <= seedTime);

        var stack = new Stack<(int Depth, int Node)>();
        var bags = new List<List<int>> { new() { seed } };
        var visitedAt = new Dictionary<int, int>();
        var visits = new List<int>();
        var budget = 0;
        long draw = 0;
        var scratch = new List<int>();
        while (true)
        {
            int depth, node;
            if (stack.Count > 0) (depth, node) = stack.Pop();
            else
            {
                depth = bags.FindIndex(b => b.Count > 0);
                if (depth < 0) break;
                var bag = bags[depth];
                var pick = (int)rng.Below(draw++, bag.Count);
                node = bag[pick];
                bag[pick] = bag[^1];
                bag.RemoveAt(bag.Count - 1);
            }
            if (visitedAt.TryGetValue(node, out var seen) && seen <= depth) continue;
            budget += VisibleCells(node);
            if (budget >= _o.ContextCells) break;
            visitedAt[node] = depth;
            visits.Add(node);
            foreach (var p in db.ParentsOf(node)) stack.Push((depth + 1, p));
            scratch.Clear();
            foreach (var c in db.ChildrenOf(node))
                if (ChildVisible(c)) scratch.Add(c);
            if (scratch.Count > _o.MaxBfsWidth)
            {
                // Partial Fisher–Yates: a uniform subset without replacement.
                for (var i = 0; i < _o.MaxBfsWidth; i++)
                {
                    var j = i + (int)rng.Below(draw++, scratch.Count - i);
                    (scratch[i], scratch[j]) = (scratch[j], scratch[i]);
                }
                scratch.RemoveRange(_o.MaxBfsWidth, scratch.Count - _o.MaxBfsWidth);
            }
            if (scratch.Count > 0)
            {
                while (bags.Count <= depth + 1) bags.Add([]);
                bags[depth + 1].AddRange(scratch);
            }
        }

        var cells = new List<ContextCell>();
        var emitted = new HashSet<int>();
        var target = 0f;
        foreach (var node in visits)
        {
            if (!emitted.Add(node)) continue;
            var withheld = _withheld?[node] == true;
            for (var c = db.CellStart[node]; c < db.CellStart[node + 1]; c++)
            {
                var col = db.Columns[db.CellColumn[c]];
                var isTarget = c == targetCell;
                if (withheld && !isTarget && IsTargetType(col.Type)) continue;
                if (isTarget) target = db.CellValue[c];
                cells.Add(new ContextCell(node, col.TableId, col.Id, col.Type, isTarget ? 0f : db.CellValue[c], db.CellText[c], isTarget));
            }
        }
        // The seed row always fits unless it alone exceeds the budget: then the context is just its target cell.
        if (!cells.Any(c => c.IsTarget))
        {
            var col = db.Columns[db.CellColumn[targetCell]];
            target = db.CellValue[targetCell];
            cells.Add(new ContextCell(seed, col.TableId, col.Id, col.Type, 0f, -1, true));
            if (visits.Count == 0) visits.Add(seed);
        }
        return new SampledContext
        {
            SeedNode = seed,
            TargetColumn = db.CellColumn[targetCell],
            TargetValue = target,
            Cells = StableByColumn(cells),
            Rows = visits,
        };
    }

    /// <summary>The cells of a row that enter a context: all, less the evaluated cells of a withheld row.</summary>
    private int VisibleCells(int node)
    {
        if (_withheld?[node] != true) return db.CellCount(node);
        var n = 0;
        for (var c = db.CellStart[node]; c < db.CellStart[node + 1]; c++)
            if (!IsTargetType(db.Columns[db.CellColumn[c]].Type)) n++;
        return n;
    }

    private static List<ContextCell> StableByColumn(List<ContextCell> cells) =>
        cells.Select((c, i) => (c, i)).OrderBy(x => x.c.Column).ThenBy(x => x.c.Node).ThenBy(x => x.i).Select(x => x.c).ToList();
}

/// <summary>All (row, cell) pairs that can be a prediction target, addressable by a dense item index.</summary>
public sealed class TargetIndex
{
    private readonly int[] _cells;
    private readonly int[] _nodes;

    private TargetIndex(int[] nodes, int[] cells)
    {
        _nodes = nodes;
        _cells = cells;
    }

    public long Count => _cells.Length;

    public (int Node, int Cell) Cell(long item) => (_nodes[item], _cells[item]);

    internal static TargetIndex Build(RelationalSnapshot db, bool[]? heldOut, TargetFilter filter)
    {
        var nodes = new List<int>();
        var cells = new List<int>();
        for (var node = 0; node < db.NodeCount; node++)
        {
            if (filter == TargetFilter.HeldOutOnly && !heldOut![node]) continue;
            if (filter == TargetFilter.ExcludeHeldOut && heldOut![node]) continue;
            var table = db.Tables[db.NodeTable[node]];
            if (table.TimeColumn is not null && db.NodeTime[node] == RelationalSnapshot.NoTime) continue;
            for (var c = db.CellStart[node]; c < db.CellStart[node + 1]; c++)
                if (ContextSampler.IsTargetType(db.Columns[db.CellColumn[c]].Type))
                {
                    nodes.Add(node);
                    cells.Add(c);
                }
        }
        return new TargetIndex([.. nodes], [.. cells]);
    }
}
