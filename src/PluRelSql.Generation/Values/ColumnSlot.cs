using PluRelSql.Core;
using PluRelSql.Generation.Constraints;
using PluRelSql.Schema;

namespace PluRelSql.Generation.Values;

/// <summary>Decides NULLs for a column (or for all columns of one FK, so they are NULL together).</summary>
internal abstract class NullGate
{
    public abstract bool IsNull(long row, int attempt);
}

internal sealed class RateNullGate(CounterRng rng, double rate) : NullGate
{
    public override bool IsNull(long row, int attempt) => rng.Uniform(row, (ulong)attempt * 16 + 15) < rate;
}

internal sealed class AlwaysNullGate : NullGate
{
    public static readonly AlwaysNullGate Instance = new();
    public override bool IsNull(long row, int attempt) => true;
}

/// <summary>One loaded column of a compiled table: its value function, NULL gate and CHECK codec.</summary>
internal abstract class ColumnSlot
{
    protected ColumnSlot(ColumnDef column, int position)
    {
        Column = column;
        Position = position;
    }

    public ColumnDef Column { get; }
    /// <summary>Index among the table's loaded columns (= index in the batch).</summary>
    public int Position { get; }
    public NullGate? Nulls { get; set; }
    /// <summary>Whether CHECK retries may redraw this column (false for keys, FK columns and referenced columns).</summary>
    public bool Retryable { get; set; }
    /// <summary>Whether the CHECK fallback may set this column's value directly (own ordinal columns only, never FKs).</summary>
    public bool Adjustable { get; set; }

    public abstract ColumnVector NewVector(int count);
    public abstract void Fill(ColumnVector vector, long firstRow, int count);
    /// <summary>Writes (row, attempt)'s value or NULL at <paramref name="index"/>.</summary>
    public abstract void Write(ColumnVector vector, int index, long row, int attempt);
    public abstract Scalar Read(ColumnVector vector, int index);
    public abstract Scalar ScalarAt(long row, int attempt);
    /// <summary>Sets the value at <paramref name="index"/> from an ordinal (CHECK adjustment); false for non-ordinal kinds.</summary>
    public abstract bool WriteOrdinal(ColumnVector vector, int index, double ordinal);
    public abstract double Step { get; }
    /// <summary>The scalar of the value <paramref name="units"/> steps from zero (ordinal kinds only).</summary>
    public abstract Scalar UnitsScalar(long units);
    /// <summary>Sets the value at <paramref name="index"/> to <paramref name="units"/> steps (ordinal kinds only).</summary>
    public abstract void WriteUnits(ColumnVector vector, int index, long units);
    /// <summary>Attempt-0 value, boxed, or null for NULL (slow path: FK conversions between types, tests).</summary>
    public abstract object? Boxed(long row);
    public abstract Type ValueType { get; }
}

internal sealed class ColumnSlot<T> : ColumnSlot
{
    public ColumnSlot(ColumnDef column, int position, ValueGen<T> gen, Codec<T> codec) : base(column, position)
    {
        Gen = gen;
        Codec = codec;
    }

    public ValueGen<T> Gen { get; }
    public Codec<T> Codec { get; }

    public override ColumnVector NewVector(int count) => new ColumnVector<T>(Column, count);

    public override void Fill(ColumnVector vector, long firstRow, int count)
    {
        var values = ((ColumnVector<T>)vector).Values;
        var gen = Gen;
        var gate = Nulls;
        if (gate is null)
        {
            for (var i = 0; i < values.Length; i++) values[i] = gen.Get(firstRow + i, 0);
            return;
        }
        if (gate is AlwaysNullGate)
        {
            vector.Nulls = new bool[count];
            Array.Fill(vector.Nulls, true);
            return;
        }
        for (var i = 0; i < values.Length; i++)
        {
            var row = firstRow + i;
            if (gate.IsNull(row, 0)) vector.SetNull(i);
            else values[i] = gen.Get(row, 0);
        }
    }

    public override void Write(ColumnVector vector, int index, long row, int attempt)
    {
        var v = (ColumnVector<T>)vector;
        if (Nulls is { } g && g.IsNull(row, attempt))
        {
            v.SetNull(index);
            v.Values[index] = default!;
            return;
        }
        if (v.Nulls is { } n) n[index] = false;
        v.Values[index] = Gen.Get(row, attempt);
    }

    public override Scalar Read(ColumnVector vector, int index)
    {
        var v = (ColumnVector<T>)vector;
        return v.IsNull(index) ? Scalar.Null : Codec.ToScalar(v.Values[index]);
    }

    public override Scalar ScalarAt(long row, int attempt) =>
        Nulls is { } g && g.IsNull(row, attempt) ? Scalar.Null : Codec.ToScalar(Gen.Get(row, attempt));

    public override bool WriteOrdinal(ColumnVector vector, int index, double ordinal)
    {
        if (!Codec.TryFromOrdinal(ordinal, out var value)) return false;
        var v = (ColumnVector<T>)vector;
        if (v.Nulls is { } n) n[index] = false;
        v.Values[index] = value;
        return true;
    }

    public override double Step => Codec.Step;

    public override Scalar UnitsScalar(long units) => Codec.ToScalar(Codec.FromUnits(units));

    public override void WriteUnits(ColumnVector vector, int index, long units)
    {
        var v = (ColumnVector<T>)vector;
        if (v.Nulls is { } n) n[index] = false;
        v.Values[index] = Codec.FromUnits(units);
    }

    public override object? Boxed(long row) => Nulls is { } g && g.IsNull(row, 0) ? null : Gen.Get(row, 0);

    public override Type ValueType => typeof(T);
}
