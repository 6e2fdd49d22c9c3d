using System.Runtime.CompilerServices;

namespace PluRelSql.Schema;

// The model types are immutable records (collections are copied when set) so that converters and readers derive
// changed copies with `with`; each keeps identity equality (Equals/GetHashCode below), as when it was a class: maps
// and sets keyed by model objects (LoadOrder, the generators) and ReferenceEquals checks rely on two alike objects
// staying distinct.

/// <summary>PRIMARY KEY or UNIQUE over one or more columns, in declaration order.</summary>
public sealed record KeyConstraint
{
    public bool Equals(KeyConstraint? other) => ReferenceEquals(this, other);
    public override int GetHashCode() => RuntimeHelpers.GetHashCode(this);

    public string? Name { get; init; }
    public required IReadOnlyList<string> Columns { get; init => field = [.. value]; }
    /// <summary>UNIQUE NULLS NOT DISTINCT: NULLs count as equal, so at most one row may have a NULL key.</summary>
    public bool NullsNotDistinct { get; init; }
    /// <summary>INCLUDE (…): non-key columns stored in the constraint's index.</summary>
    public IReadOnlyList<string> Include { get; init => field = [.. value]; } = [];
    public bool Deferrable { get; init; }
    public bool InitiallyDeferred { get; init; }
    public SourcePosition? Position { get; init; }
}

/// <summary>EXCLUDE [USING method] (element WITH operator, …) [INCLUDE (…)] [WHERE (…)]: no two rows may have
/// every operator true between them.</summary>
public sealed record ExclusionConstraint
{
    public bool Equals(ExclusionConstraint? other) => ReferenceEquals(this, other);
    public override int GetHashCode() => RuntimeHelpers.GetHashCode(this);

    public string? Name { get; init; }
    /// <summary>The index access method (gist, btree, …); null when the DDL names none (btree).</summary>
    public string? Method { get; init; }
    public required IReadOnlyList<ExclusionElement> Elements { get; init => field = [.. value]; }
    public IReadOnlyList<string> Include { get; init => field = [.. value]; } = [];
    /// <summary>The WHERE predicate as written (without parentheses), for a partial exclusion.</summary>
    public string? Where { get; init; }
    public bool Deferrable { get; init; }
    public bool InitiallyDeferred { get; init; }
    public SourcePosition? Position { get; init; }

    /// <summary>The element columns compared with <c>=</c>, when every element is a plain column compared with
    /// <c>=</c> (then the exclusion is a UNIQUE key); null otherwise.</summary>
    public IReadOnlyList<string>? EqualityColumns() =>
        Elements.All(e => e.Column is not null && e.Operator == "=") ? [.. Elements.Select(e => e.Column!)] : null;
}

/// <summary>One element of an EXCLUDE: a column or an expression (with its opclass / ordering as written) and the
/// operator that must not hold between two rows.</summary>
public sealed record ExclusionElement
{
    public bool Equals(ExclusionElement? other) => ReferenceEquals(this, other);
    public override int GetHashCode() => RuntimeHelpers.GetHashCode(this);

    /// <summary>The element as written before WITH, e.g. <c>room</c>, <c>lower(name)</c>, <c>"During" range_ops</c>.</summary>
    public required string Text { get; init; }
    /// <summary>The column when the element is a plain column (opclass and ordering aside); null for an expression.</summary>
    public string? Column { get; init; }
    /// <summary>The operator as written: <c>=</c>, <c>&amp;&amp;</c>, <c>OPERATOR(pg_catalog.=)</c>, ….</summary>
    public required string Operator { get; init; }
}

public enum ForeignKeyMatch { Simple, Full, Partial }

public enum ReferentialAction { NoAction, Restrict, Cascade, SetNull, SetDefault }

public sealed record ForeignKey
{
    public bool Equals(ForeignKey? other) => ReferenceEquals(this, other);
    public override int GetHashCode() => RuntimeHelpers.GetHashCode(this);

    public string? Name { get; init; }
    public required IReadOnlyList<string> Columns { get; init => field = [.. value]; }
    public required QualifiedName RefTable { get; init; }
    /// <summary>The referenced columns; readers fill in the referenced table's primary key when the DDL omits them.</summary>
    public required IReadOnlyList<string> RefColumns { get; init => field = [.. value]; }
    public ReferentialAction OnDelete { get; init; }
    public ReferentialAction OnUpdate { get; init; }
    /// <summary>MATCH FULL: all the key's columns are NULL or none is.</summary>
    public ForeignKeyMatch Match { get; init; }
    public bool Deferrable { get; init; }
    public bool InitiallyDeferred { get; init; }
    public SourcePosition? Position { get; init; }

    public bool IsSelfReference(TableDef owner) => RefTable == owner.Name;
}

public sealed record CheckConstraint
{
    public bool Equals(CheckConstraint? other) => ReferenceEquals(this, other);
    public override int GetHashCode() => RuntimeHelpers.GetHashCode(this);

    public string? Name { get; init; }
    /// <summary>The boolean expression as written (without the CHECK keyword and outer parentheses).</summary>
    public required string Expression { get; init; }
    /// <summary>The expression parsed into a form the generator can satisfy, or null when it is beyond the simple forms.</summary>
    public CheckPredicate? Predicate { get; init; }
    /// <summary>CHECK … NO INHERIT: not inherited by child tables.</summary>
    public bool NoInherit { get; init; }
    public SourcePosition? Position { get; init; }
}

/// <summary>How a table is partitioned (PARTITION BY …) and the bounds of its partitions.</summary>
public sealed record PartitionSpec
{
    public bool Equals(PartitionSpec? other) => ReferenceEquals(this, other);
    public override int GetHashCode() => RuntimeHelpers.GetHashCode(this);

    /// <summary>RANGE, LIST or HASH.</summary>
    public required string Strategy { get; init; }
    public required IReadOnlyList<string> Columns { get; init => field = [.. value]; }
    /// <summary>Child partitions attached to this table, with their bound clause text (e.g. <c>FOR VALUES FROM ('a') TO ('b')</c>).</summary>
    public IReadOnlyList<PartitionBound> Partitions { get; init => field = [.. value]; } = [];
}

public sealed record PartitionBound
{
    public bool Equals(PartitionBound? other) => ReferenceEquals(this, other);
    public override int GetHashCode() => RuntimeHelpers.GetHashCode(this);

    public required QualifiedName Table { get; init; }
    /// <summary>The bound clause as written: <c>FOR VALUES FROM (…) TO (…)</c>, <c>FOR VALUES IN (…)</c>, <c>FOR VALUES WITH (…)</c> or <c>DEFAULT</c>.</summary>
    public required string Bound { get; init; }
    /// <summary>RANGE bounds as SQL literals (one per partition column), when the bound is a range.</summary>
    public IReadOnlyList<string>? From { get; init => field = value is null ? null : [.. value]; }
    public IReadOnlyList<string>? To { get; init => field = value is null ? null : [.. value]; }
    /// <summary>LIST values as SQL literals.</summary>
    public IReadOnlyList<string>? In { get; init => field = value is null ? null : [.. value]; }
}
