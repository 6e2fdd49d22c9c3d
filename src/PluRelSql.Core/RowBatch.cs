using PluRelSql.Schema;

namespace PluRelSql.Core;

/// <summary>A columnar slice of one table: rows [FirstRow, FirstRow + Count). Columns are the table's loaded
/// columns (<see cref="ColumnDef.IsLoaded"/>) in declaration order.</summary>
/// <remarks>Value representation per <see cref="TypeKind"/> (the contract between generators and sinks):
/// SmallInt→short, Integer→int, BigInt→long, Numeric/Money→decimal, Real→float, Double→double, Boolean→bool,
/// Date→DateOnly, Timestamp→DateTime (Unspecified), TimestampTz→DateTime (Utc), Time→TimeOnly,
/// TimeTz→DateTimeOffset, Interval→TimeSpan, Uuid→Guid, Bytea→byte[]; every other kind (text, char, varchar,
/// enum, json, jsonb, xml, inet, cidr, macaddr, bit, varbit, tsvector, other) → string in PostgreSQL text form.
/// Arrays hold <c>TElement[]</c> per row (one dimension).</remarks>
public sealed class RowBatch
{
    public required TableDef Table { get; init; }
    public required long FirstRow { get; init; }
    public required int Count { get; init; }
    public required IReadOnlyList<ColumnVector> Columns { get; init; }

    public ColumnVector this[string column] =>
        Columns.FirstOrDefault(c => c.Column.Name == column)
        ?? throw new KeyNotFoundException($"{Table.Name}: no generated column \"{column}\"");
}

/// <summary>One column of a batch. <see cref="Nulls"/> is null when the column has no NULL in this batch.</summary>
public abstract class ColumnVector
{
    protected ColumnVector(ColumnDef column, int count)
    {
        Column = column;
        Count = count;
    }

    public ColumnDef Column { get; }
    public int Count { get; }
    public bool[]? Nulls { get; set; }

    public bool IsNull(int row) => Nulls is { } n && n[row];

    public void SetNull(int row)
    {
        Nulls ??= new bool[Count];
        Nulls[row] = true;
    }

    /// <summary>The value boxed, or null for NULL. For tests and slow paths only: sinks use the typed arrays.</summary>
    public abstract object? GetValue(int row);

    public abstract Type ValueType { get; }
}

public sealed class ColumnVector<T> : ColumnVector
{
    public ColumnVector(ColumnDef column, int count) : base(column, count) => Values = new T[count];

    public T[] Values { get; }

    public override object? GetValue(int row) => IsNull(row) ? null : Values[row];

    public override Type ValueType => typeof(T);
}
