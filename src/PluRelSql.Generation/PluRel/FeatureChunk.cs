using PluRelSql.Schema;

namespace PluRelSql.Generation.PluRel;

public enum FeatureValueKind
{
    /// <summary>A real (numeric SQL types); NULL where <see cref="FeatureColumn.Nulls"/> is set.</summary>
    Double,
    /// <summary>A categorical column emitted as <c>code &gt; 0</c> (docs/generator.md §5.5); <see cref="FeatureColumn.Codes"/> holds the codes.</summary>
    Boolean,
    /// <summary>A categorical column emitted as a label: <see cref="FeatureColumn.Labels"/>[code].</summary>
    Category,
    /// <summary>The activity timestamp (docs/generator.md §5.6) (evenly spaced over the database window).</summary>
    Timestamp,
}

/// <summary>One column of a <see cref="FeatureChunk"/>: exactly one of the typed arrays is set for the kind
/// (categorical kinds set <see cref="Codes"/> too).</summary>
public sealed class FeatureColumn
{
    public required ColumnDef Column { get; init; }
    public required FeatureValueKind Kind { get; init; }
    public double[]? Doubles { get; init; }
    public bool[]? Booleans { get; init; }
    public int[]? Codes { get; init; }
    public DateTime[]? Timestamps { get; init; }
    /// <summary>Null when the column has no NULL in this chunk.</summary>
    public bool[]? Nulls { get; set; }
    public IReadOnlyList<string>? Labels { get; init; }

    public bool IsNull(int i) => Nulls is { } n && n[i];
}

/// <summary>Parent row indices of one foreign key for the rows of a chunk.</summary>
public sealed record ForeignKeyRows(ForeignKey Key, TableDef Parent, long[] ParentRows);

/// <summary>Rows [FirstRow, FirstRow + Count) of one table: the PluRel-driven columns and the FK parent rows.</summary>
public sealed class FeatureChunk
{
    public required TableDef Table { get; init; }
    public required long FirstRow { get; init; }
    public required int Count { get; init; }
    public required IReadOnlyList<FeatureColumn> Columns { get; init; }
    public required IReadOnlyList<ForeignKeyRows> ForeignKeys { get; init; }

    public FeatureColumn this[string column] =>
        Columns.FirstOrDefault(c => c.Column.Name == column)
        ?? throw new KeyNotFoundException($"{Table.Name}: no PluRel column \"{column}\"");
}
