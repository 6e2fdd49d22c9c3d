using System.Globalization;
using System.Text;
using System.Text.Json;

namespace PluRelSql.Workflows.LikeReport;

/// <summary>One node of a plan shape: what the planner chose at that step, without costs or row estimates. The label
/// is the node as text EXPLAIN names it (<c>Hash Anti Join</c>, <c>HashAggregate</c>, <c>Parallel Seq Scan</c>), with
/// the relation a scan reads (<c>on lineitem</c>) and the index it uses; the children keep the planner's order, so
/// the tree carries the join order (outer before inner).</summary>
public sealed record PlanNode(string Label, IReadOnlyList<PlanNode> Children)
{
    /// <summary>The relations the scans below this node read, left to right: the join order.</summary>
    public IEnumerable<string> Relations()
    {
        var own = RelationOf(Label);
        if (own is not null) yield return own;
        foreach (var child in Children)
            foreach (var r in child.Relations())
                yield return r;
    }

    private static string? RelationOf(string label)
    {
        var at = label.IndexOf(" on ", StringComparison.Ordinal);
        if (at < 0) return null;
        var rest = label[(at + 4)..];
        var using_ = rest.IndexOf(" using ", StringComparison.Ordinal);
        return using_ < 0 ? rest : rest[..using_];
    }

    /// <summary>One line: <c>Limit(Sort(Hash Join(Seq Scan on a, Hash(Seq Scan on b))))</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        Write(sb);
        return sb.ToString();
    }

    private void Write(StringBuilder sb)
    {
        sb.Append(Label);
        if (Children.Count == 0) return;
        sb.Append('(');
        for (var i = 0; i < Children.Count; i++)
        {
            if (i > 0) sb.Append(", ");
            Children[i].Write(sb);
        }
        sb.Append(')');
    }

    public bool Equals(PlanNode? other) =>
        other is not null && Label == other.Label && Children.SequenceEqual(other.Children);

    public override int GetHashCode() => HashCode.Combine(Label, Children.Count);
}

/// <summary>Plan shapes from <c>EXPLAIN (FORMAT JSON)</c> output and where two of them differ.</summary>
public static class PlanShape
{
    /// <summary>The shape of the first plan in an <c>EXPLAIN (FORMAT JSON)</c> result (an array of one object with a
    /// "Plan" member).</summary>
    /// <exception cref="FormatException">The text is not such a result.</exception>
    public static PlanNode Parse(string explainJson)
    {
        try
        {
            using var doc = JsonDocument.Parse(explainJson);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Array && root.GetArrayLength() > 0) root = root[0];
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("Plan", out var plan))
                throw new FormatException("EXPLAIN JSON without a \"Plan\" member");
            return Node(plan);
        }
        catch (JsonException e)
        {
            throw new FormatException($"not EXPLAIN (FORMAT JSON) output: {e.Message}", e);
        }
    }

    private static PlanNode Node(JsonElement plan)
    {
        var children = new List<PlanNode>();
        if (plan.TryGetProperty("Plans", out var plans) && plans.ValueKind == JsonValueKind.Array)
            foreach (var p in plans.EnumerateArray())
                children.Add(Node(p));
        return new PlanNode(Label(plan), children);
    }

    /// <summary>The node's name as text EXPLAIN prints it (the JSON form splits it into Node Type, Strategy, Join Type,
    /// Parallel Aware, Scan Direction), plus the relation and index of a scan. Aliases, costs, rows, widths, filters
    /// and worker counts are left out: they are not the planner's choice of shape.</summary>
    internal static string Label(JsonElement plan)
    {
        var type = Text(plan, "Node Type") ?? "?";
        var name = type switch
        {
            "Aggregate" => Text(plan, "Strategy") switch
            {
                "Hashed" => "HashAggregate",
                "Sorted" => "GroupAggregate",
                "Mixed" => "MixedAggregate",
                _ => "Aggregate",
            },
            "SetOp" => Text(plan, "Strategy") == "Hashed" ? "HashSetOp" : "SetOp",
            "Hash Join" or "Merge Join" or "Nested Loop" when Text(plan, "Join Type") is { } join && join != "Inner" =>
                type == "Nested Loop" ? $"Nested Loop {join} Join" : $"{type[..^5]} {join} Join",
            _ => type,
        };
        if (plan.TryGetProperty("Parallel Aware", out var parallel) && parallel.ValueKind == JsonValueKind.True)
            name = "Parallel " + name;
        if (Text(plan, "Scan Direction") == "Backward") name += " Backward";
        var sb = new StringBuilder(name);
        if (Text(plan, "Relation Name") is { } relation)
        {
            sb.Append(" on ");
            if (Text(plan, "Schema") is { } schema && schema != "public") sb.Append(schema).Append('.');
            sb.Append(relation);
        }
        else if (Text(plan, "CTE Name") is { } cte) sb.Append(" on ").Append(cte);
        if (Text(plan, "Index Name") is { } index) sb.Append(" using ").Append(index);
        return sb.ToString();
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>Where <paramref name="target"/> departs from <paramref name="source"/>: one line per highest node that
    /// differs (its path from the root, both labels) or whose children differ in number; empty when equal.</summary>
    public static IReadOnlyList<string> Differences(PlanNode source, PlanNode target)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        var list = new List<string>();
        Walk(source, target, "", list);
        return list;
    }

    private static void Walk(PlanNode s, PlanNode t, string path, List<string> list)
    {
        var here = path.Length == 0 ? "root" : path;
        if (s.Label != t.Label)
        {
            list.Add($"{here}: {s.Label} -> {t.Label}");
            return;
        }
        if (s.Children.Count != t.Children.Count)
        {
            list.Add(string.Create(CultureInfo.InvariantCulture,
                $"{here} ({s.Label}): {s.Children.Count} inputs -> {t.Children.Count}: [{string.Join(", ", s.Children.Select(c => c.Label))}] -> [{string.Join(", ", t.Children.Select(c => c.Label))}]"));
            return;
        }
        for (var i = 0; i < s.Children.Count; i++)
            Walk(s.Children[i], t.Children[i], path.Length == 0 ? $"{s.Label}[{i}]" : $"{path} > {s.Label}[{i}]", list);
    }
}
