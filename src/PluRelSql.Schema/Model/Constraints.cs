namespace PluRelSql.Schema;

/// <summary>PRIMARY KEY or UNIQUE over one or more columns, in declaration order.</summary>
public sealed class KeyConstraint
{
    public string? Name { get; set; }
    public required List<string> Columns { get; init; }
    public SourcePosition? Position { get; set; }
}

public enum ReferentialAction { NoAction, Restrict, Cascade, SetNull, SetDefault }

public sealed class ForeignKey
{
    public string? Name { get; set; }
    public required List<string> Columns { get; init; }
    public required QualifiedName RefTable { get; set; }
    /// <summary>The referenced columns; readers fill in the referenced table's primary key when the DDL omits them.</summary>
    public required List<string> RefColumns { get; set; }
    public ReferentialAction OnDelete { get; set; }
    public ReferentialAction OnUpdate { get; set; }
    public bool Deferrable { get; set; }
    public bool InitiallyDeferred { get; set; }
    public SourcePosition? Position { get; set; }

    public bool IsSelfReference(TableDef owner) => RefTable == owner.Name;
}

public sealed class CheckConstraint
{
    public string? Name { get; set; }
    /// <summary>The boolean expression as written (without the CHECK keyword and outer parentheses).</summary>
    public required string Expression { get; init; }
    /// <summary>The expression parsed into a form the generator can satisfy, or null when it is beyond the simple forms.</summary>
    public CheckPredicate? Predicate { get; set; }
    public SourcePosition? Position { get; set; }
}

/// <summary>How a table is partitioned (PARTITION BY …) and the bounds of its partitions.</summary>
public sealed class PartitionSpec
{
    /// <summary>RANGE, LIST or HASH.</summary>
    public required string Strategy { get; init; }
    public required List<string> Columns { get; init; }
    /// <summary>Child partitions attached to this table, with their bound clause text (e.g. <c>FOR VALUES FROM ('a') TO ('b')</c>).</summary>
    public List<PartitionBound> Partitions { get; } = [];
}

public sealed class PartitionBound
{
    public required QualifiedName Table { get; init; }
    /// <summary>The bound clause as written: <c>FOR VALUES FROM (…) TO (…)</c>, <c>FOR VALUES IN (…)</c>, <c>FOR VALUES WITH (…)</c> or <c>DEFAULT</c>.</summary>
    public required string Bound { get; init; }
    /// <summary>RANGE bounds as SQL literals (one per partition column), when the bound is a range.</summary>
    public List<string>? From { get; init; }
    public List<string>? To { get; init; }
    /// <summary>LIST values as SQL literals.</summary>
    public List<string>? In { get; init; }
}
