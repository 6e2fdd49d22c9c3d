using System.Runtime.CompilerServices;

namespace PluRelSql.Schema;

// The model types are records so that converters and readers can derive changed copies with `with`; each keeps
// identity equality (Equals/GetHashCode below), as when it was a class: maps and sets keyed by model objects
// (LoadOrder, the generators) and ReferenceEquals checks rely on two alike objects staying distinct.

/// <summary>One model of a database, whatever the source (DDL file, live catalog, sampler) or target dialect.</summary>
public sealed record SchemaGraph
{
    public bool Equals(SchemaGraph? other) => ReferenceEquals(this, other);
    public override int GetHashCode() => RuntimeHelpers.GetHashCode(this);

    // Each collection is copied when set, so a reader's working list stays its own.

    public IReadOnlyList<TableDef> Tables { get; init => field = [.. value]; } = [];
    public IReadOnlyList<EnumType> Enums { get; init => field = [.. value]; } = [];
    public IReadOnlyList<DomainType> Domains { get; init => field = [.. value]; } = [];
    public IReadOnlyList<SequenceDef> Sequences { get; init => field = [.. value]; } = [];
    public IReadOnlyList<IndexDef> Indexes { get; init => field = [.. value]; } = [];
    /// <summary>Extensions the schema needs (CREATE EXTENSION), e.g. <c>vector</c>.</summary>
    public IReadOnlyList<string> Extensions { get; init => field = [.. value]; } = [];
    /// <summary>The dialect of the expression texts (defaults, CHECKs, index statements, computed columns). Readers
    /// set it; <see cref="Dialects.DialectConverter"/> rewrites a graph into the other dialect.</summary>
    public SqlDialect Dialect { get; init; } = SqlDialect.PostgreSql;

    public TableDef? FindTable(QualifiedName name) => Tables.FirstOrDefault(t => t.Name == name);

    public TableDef Table(QualifiedName name) =>
        FindTable(name) ?? throw new KeyNotFoundException($"no table {name}");

    public TableDef Table(string schema, string name) => Table(new QualifiedName(schema, name));

    public EnumType? FindEnum(QualifiedName name) => Enums.FirstOrDefault(e => e.Name == name);

    public DomainType? FindDomain(QualifiedName name) => Domains.FirstOrDefault(d => d.Name == name);

    public SequenceDef? FindSequence(QualifiedName name) => Sequences.FirstOrDefault(s => s.Name == name);

    /// <summary>The tables a loader writes: every table except partitions (rows go through the partitioned parent).</summary>
    public IEnumerable<TableDef> LoadableTables => Tables.Where(t => !t.IsPartition);

    /// <summary>The table whose rows a name stands for when loading or reading: a partition's rows live in (and are
    /// written through) its partitioned parent, so an FK to a partition targets the parent.</summary>
    public QualifiedName LoadedTableOf(QualifiedName name)
    {
        while (FindTable(name) is { PartitionOf: { } parent }) name = parent; // sub-partitions route to the top
        return name;
    }

    /// <summary>The foreign keys that rows written into <paramref name="table"/> must satisfy: its own, plus — for a
    /// partitioned table — those declared only on its partitions (pg_dump puts them there), one per distinct
    /// (columns, referenced table, referenced columns).</summary>
    public IReadOnlyList<ForeignKey> ForeignKeysOf(TableDef table)
    {
        if (table.Partitioning is null) return table.ForeignKeys;
        var all = new List<ForeignKey>(table.ForeignKeys);
        var seen = new HashSet<string>(all.Select(Signature), StringComparer.Ordinal);
        var pending = new Queue<TableDef>(Tables.Where(t => t.PartitionOf == table.Name));
        while (pending.TryDequeue(out var part))
        {
            foreach (var fk in part.ForeignKeys)
                if (seen.Add(Signature(fk))) all.Add(fk);
            foreach (var sub in Tables.Where(t => t.PartitionOf == part.Name)) pending.Enqueue(sub);
        }
        return all;

        static string Signature(ForeignKey fk) =>
            string.Join(",", fk.Columns) + "->" + fk.RefTable + "(" + string.Join(",", fk.RefColumns) + ")";
    }

    /// <summary>Load order: parents before children over the loadable tables. Self-references are ignored; a cycle is
    /// broken by deferring one nullable FK of the cycle (listed in <see cref="LoadOrder.DeferredForeignKeys"/>, its
    /// columns are loaded as NULL). A cycle made only of NOT NULL FKs is broken by loading one FK's child ahead of its
    /// parent (<see cref="LoadOrder.AheadForeignKeys"/>): its values are the parent's keys computed from parent row
    /// indexes, so they hold once the parent is loaded — which needs the FK to be added (or checked) after the data.</summary>
    public LoadOrder ComputeLoadOrder() => LoadOrder.Compute(this);
}

/// <summary>The topological order of tables and the FKs that were set aside to break cycles.</summary>
public sealed class LoadOrder
{
    public required IReadOnlyList<TableDef> Tables { get; init; }
    public required IReadOnlyList<(TableDef Table, ForeignKey Key)> DeferredForeignKeys { get; init; }
    /// <summary>NOT NULL FKs whose child table is loaded before the parent to break a cycle; their values are generated
    /// like any FK's. The FK must not be enforced while rows are copied (add it after the data, or make it deferred).</summary>
    public IReadOnlyList<(TableDef Table, ForeignKey Key)> AheadForeignKeys { get; init; } = [];

    public bool IsDeferred(ForeignKey fk) => DeferredForeignKeys.Any(d => ReferenceEquals(d.Key, fk));

    public bool IsAhead(ForeignKey fk) => AheadForeignKeys.Any(d => ReferenceEquals(d.Key, fk));

    internal static LoadOrder Compute(SchemaGraph graph)
    {
        var tables = graph.LoadableTables.ToList();
        var byName = tables.ToDictionary(t => t.Name);
        var deferred = new List<(TableDef, ForeignKey)>();
        var ahead = new List<(TableDef, ForeignKey)>();
        while (true)
        {
            var edges = new List<(TableDef Child, ForeignKey Fk, TableDef Parent)>();
            foreach (var t in tables)
                foreach (var fk in graph.ForeignKeysOf(t))
                {
                    if (deferred.Any(d => ReferenceEquals(d.Item2, fk)) || ahead.Any(d => ReferenceEquals(d.Item2, fk))) continue;
                    var target = graph.LoadedTableOf(fk.RefTable);
                    if (target == t.Name || !byName.TryGetValue(target, out var parent)) continue;
                    edges.Add((t, fk, parent));
                }

            var (order, cycle) = Kahn(tables, edges);
            if (cycle is null)
                return new LoadOrder { Tables = order, DeferredForeignKeys = deferred, AheadForeignKeys = ahead };

            // Break the cycle through a nullable FK (all its columns nullable), preferring the one whose table comes last by name.
            var candidate = edges
                .Where(e => cycle.Contains(e.Child) && cycle.Contains(e.Parent))
                .Where(e => e.Fk.Columns.All(c => e.Child.FindColumn(c)?.Nullable ?? false))
                .OrderBy(e => e.Child.Name.ToString(), StringComparer.Ordinal)
                .Select(e => ((TableDef, ForeignKey)?)(e.Child, e.Fk))
                .FirstOrDefault();
            if (candidate is not null)
            {
                deferred.Add(candidate.Value);
                continue;
            }
            // Only NOT NULL FKs close the cycle: load the child of one FK that lies on a cycle ahead of its parent.
            var onCycle = edges
                .Where(e => cycle.Contains(e.Child) && cycle.Contains(e.Parent) && Reaches(edges, e.Parent, e.Child))
                .OrderBy(e => e.Child.Name.ToString(), StringComparer.Ordinal)
                .Select(e => ((TableDef, ForeignKey)?)(e.Child, e.Fk))
                .FirstOrDefault();
            if (onCycle is null)
                throw new SchemaException(
                    "foreign-key cycle through NOT NULL columns cannot be loaded: " +
                    string.Join(" -> ", cycle.Select(t => t.Name.ToString())), cycle[0].Position);
            ahead.Add(onCycle.Value);
        }
    }

    /// <summary>True when <paramref name="from"/> depends, through FKs, on <paramref name="to"/>.</summary>
    private static bool Reaches(List<(TableDef Child, ForeignKey Fk, TableDef Parent)> edges, TableDef from, TableDef to)
    {
        var seen = new HashSet<TableDef> { from };
        var stack = new Stack<TableDef>([from]);
        while (stack.TryPop(out var t))
            foreach (var e in edges)
                if (e.Child == t)
                {
                    if (e.Parent == to) return true;
                    if (seen.Add(e.Parent)) stack.Push(e.Parent);
                }
        return false;
    }

    private static (List<TableDef> Order, List<TableDef>? Cycle) Kahn(
        List<TableDef> tables, List<(TableDef Child, ForeignKey Fk, TableDef Parent)> edges)
    {
        var indeg = tables.ToDictionary(t => t, _ => 0);
        var children = tables.ToDictionary(t => t, _ => new List<TableDef>());
        foreach (var (child, _, parent) in edges.DistinctBy(e => (e.Child, e.Parent)))
        {
            indeg[child]++;
            children[parent].Add(child);
        }
        // Stable: among ready tables take them in declaration order.
        var index = tables.Select((t, i) => (t, i)).ToDictionary(x => x.t, x => x.i);
        var ready = new SortedSet<int>(tables.Where(t => indeg[t] == 0).Select(t => index[t]));
        var order = new List<TableDef>();
        while (ready.Count > 0)
        {
            var i = ready.Min;
            ready.Remove(i);
            var t = tables[i];
            order.Add(t);
            foreach (var c in children[t])
                if (--indeg[c] == 0) ready.Add(index[c]);
        }
        if (order.Count == tables.Count) return (order, null);
        var remaining = tables.Where(t => indeg[t] > 0).ToList();
        return (order, remaining);
    }
}

/// <summary>A problem with a schema: bad DDL, a reference to a missing object, an unloadable cycle. Carries the
/// position when the problem comes from a file. The CLI maps it to exit code 2.</summary>
public sealed class SchemaException : Exception
{
    public SourcePosition? Position { get; }
    public string Reason { get; }

    public SchemaException(string reason, SourcePosition? position = null)
        : base(position is { } p ? $"{p}: {reason}" : reason)
    {
        Reason = reason;
        Position = position;
    }
}
