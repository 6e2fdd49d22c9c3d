using System.Runtime.CompilerServices;
using PluRelSql.Core;
using PluRelSql.Generation.Constraints;

namespace PluRelSql.Generation.Values;

/// <summary>A pure value function of (row, attempt). Attempt 0 is the first draw; CHECK retries use 1, 2, ….</summary>
internal abstract class ValueGen<T>
{
    public abstract T Get(long row, int attempt);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected static ulong Sub(int attempt, ulong purpose) => (ulong)attempt * 16 + purpose;
}

/// <summary>The k-th value of an injective sequence (k below <see cref="Domain"/>): how unique columns get values.</summary>
internal abstract class IndexedGen<T>
{
    public abstract long Domain { get; }
    public abstract T At(long k);
}

/// <summary>Ordinal values drawn uniformly from a range of units; with several ranges (partitions) row % ranges picks one.</summary>
internal sealed class RangeGen<T>(Codec<T> codec, CounterRng rng, UnitRange[] ranges) : ValueGen<T>
{
    public override T Get(long row, int attempt)
    {
        var r = ranges.Length == 1 ? ranges[0] : ranges[row % ranges.Length];
        return codec.FromUnits(r.Lo + rng.Below(row, r.Count, Sub(attempt, 1)));
    }
}

internal readonly record struct UnitRange(long Lo, long Count)
{
    public long Hi => Lo + Count - 1;
}

/// <summary>One of a fixed set of values (an IN list, enum labels, a text pool); per partition a set each.</summary>
internal sealed class PickGen<T>(CounterRng rng, T[][] sets) : ValueGen<T>
{
    public PickGen(CounterRng rng, T[] set) : this(rng, [set]) { }

    public override T Get(long row, int attempt)
    {
        var set = sets.Length == 1 ? sets[0] : sets[row % sets.Length];
        return set[rng.Below(row, set.Length, Sub(attempt, 2))];
    }
}

/// <summary>A pool of values built lazily from a factory (so unused columns cost nothing), then picked from.</summary>
internal sealed class PoolGen<T>(CounterRng rng, int size, Func<int, T> make) : ValueGen<T>
{
    private T[]? _pool;

    private T[] Pool => _pool ?? Build();

    private T[] Build()
    {
        var p = new T[size];
        for (var i = 0; i < size; i++) p[i] = make(i);
        Interlocked.CompareExchange(ref _pool, p, null);
        return _pool!;
    }

    public override T Get(long row, int attempt)
    {
        var pool = Pool;
        return pool[rng.Below(row, pool.Length, Sub(attempt, 3))];
    }
}

internal sealed class BoolGen(CounterRng rng) : ValueGen<bool>
{
    public override bool Get(long row, int attempt) => (rng.Bits(row, Sub(attempt, 4)) & 1) != 0;
}

internal sealed class GuidGen(CounterRng rng) : ValueGen<Guid>
{
    public override Guid Get(long row, int attempt) =>
        Guids.Make(rng.Bits(row, Sub(attempt, 5)), rng.Bits(row, Sub(attempt, 6)));
}

/// <summary>A value built from independent draws of its row: r(j) is the j-th 64-bit draw of (row, attempt).</summary>
internal sealed class DrawGen<T>(CounterRng rng, Func<Func<int, ulong>, T> make) : ValueGen<T>
{
    public override T Get(long row, int attempt)
    {
        var h = rng.Bits(row, Sub(attempt, 8));
        return make(j => CounterRng.SubBits(h, (ulong)j));
    }
}

/// <summary>A version-7 UUID (for a column whose default is uuidv7() or uuid_generate_v7()): the 48-bit Unix
/// millisecond timestamp grows with the row, so values are time-ordered as the server's own would be.</summary>
internal sealed class GuidV7Gen(CounterRng rng) : ValueGen<Guid>
{
    public override Guid Get(long row, int attempt) =>
        Uuids.V7(Uuids.V7Epoch + row * 1000 + rng.Below(row, 1000, Sub(attempt, 5)), rng.Bits(row, Sub(attempt, 6)));
}

internal sealed class GuidV7Indexed(CounterRng rng) : IndexedGen<Guid>
{
    // The timestamp alone (one millisecond per k) is injective.
    public override long Domain => 1L << 40;
    public override Guid At(long k) => Uuids.V7(Uuids.V7Epoch + k, rng.Bits((ulong)k));
}

internal static class Uuids
{
    /// <summary>2024-01-01T00:00:00Z in Unix milliseconds: where generated v7 timestamps start.</summary>
    public const long V7Epoch = 1_704_067_200_000;

    /// <summary>True when the column's default makes v7 UUIDs: uuidv7() (PostgreSQL 18), uuid_generate_v7() (pg_uuidv7)
    /// or any function whose name ends in _v7 / v7. gen_random_uuid(), uuid_generate_v4() and no default give v4.</summary>
    public static bool IsV7Default(string? defaultExpr)
    {
        if (defaultExpr is null) return false;
        var open = defaultExpr.IndexOf('(', StringComparison.Ordinal);
        if (open <= 0) return false;
        var fn = defaultExpr[..open].Trim().Trim('"');
        var dot = fn.LastIndexOf('.');
        if (dot >= 0) fn = fn[(dot + 1)..].Trim('"');
        return fn.EndsWith("v7", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>RFC 9562 layout: 48-bit big-endian milliseconds, version 7, 12 random bits, variant 10, 62 random bits.</summary>
    public static Guid V7(long unixMs, ulong random)
    {
        Span<byte> b = stackalloc byte[16];
        for (var i = 0; i < 6; i++) b[i] = (byte)(unixMs >> (40 - 8 * i));
        b[6] = (byte)(0x70 | (int)(random & 0x0F));
        b[7] = (byte)(random >> 4);
        b[8] = (byte)(0x80 | (int)((random >> 12) & 0x3F));
        for (var i = 9; i < 16; i++) b[i] = (byte)(random >> (18 + 6 * (i - 9)));
        return new Guid(b, bigEndian: true);
    }
}

internal static class Guids
{
    /// <summary>A version-4 UUID holding all 64 bits of <paramref name="x"/> (so an injective x gives unique UUIDs).</summary>
    public static Guid Make(ulong x, ulong y)
    {
        var a = (int)(uint)x;
        var b = (short)(ushort)(x >> 32);
        var c = (short)(0x4000 | (int)((x >> 48) & 0x0FFF));
        var d = (byte)(0x80 | (int)((x >> 60) & 0x0F) | (int)((y & 0x3) << 4));
        return new Guid(a, b, c, d, (byte)(y >> 8), (byte)(y >> 16), (byte)(y >> 24), (byte)(y >> 32), (byte)(y >> 40),
            (byte)(y >> 48), (byte)(y >> 56));
    }
}

/// <summary>start + row·increment: serial / identity columns and integer primary keys.</summary>
internal sealed class SequenceGen<T>(Codec<T> codec, long start, long increment) : ValueGen<T>
{
    public override T Get(long row, int attempt) => codec.FromUnits(start + row * increment);
}

/// <summary>One value per key digit: the digit comes from the key layout (a bijection of the row index).</summary>
internal sealed class KeyedGen<T>(IndexedGen<T> map, KeyLayout layout, int digit) : ValueGen<T>
{
    public override T Get(long row, int attempt) => map.At(layout.DigitOf(row, digit));
}

/// <summary>An FK column: the referenced column of the linked parent row, recomputed by the parent's own generator.</summary>
internal sealed class ForeignGen<T>(FkLink link, ValueGen<T> parent) : ValueGen<T>
{
    public override T Get(long row, int attempt) => parent.Get(link.ParentRow(row, attempt), 0);
}

/// <summary>An FK column whose type differs from the referenced column's (e.g. integer → bigint): converted.</summary>
internal sealed class ConvertingForeignGen<T>(FkLink link, ColumnSlot parent, Func<object, T> convert) : ValueGen<T>
{
    public override T Get(long row, int attempt) => convert(parent.Boxed(link.ParentRow(row, attempt))!);
}

internal sealed class ArrayGen<TE>(CounterRng rng, ValueGen<TE> element) : ValueGen<TE[]>
{
    public override TE[] Get(long row, int attempt)
    {
        var n = 1 + (int)rng.Below(row, 3, Sub(attempt, 7));
        var a = new TE[n];
        // Elements are rows of a virtual table 3·row + i of the element generator.
        for (var i = 0; i < n; i++) a[i] = element.Get(row * 3 + i, attempt);
        return a;
    }
}

// ---- indexed (unique) maps ----

internal sealed class UnitsIndexed<T>(Codec<T> codec, long lo, long stride, long domain) : IndexedGen<T>
{
    public override long Domain => domain;
    public override T At(long k) => codec.FromUnits(lo + k * stride);
}

internal sealed class SetIndexed<T>(T[] values) : IndexedGen<T>
{
    public override long Domain => values.Length;
    public override T At(long k) => values[k];
}

internal sealed class GuidIndexed(CounterRng rng) : IndexedGen<Guid>
{
    public override long Domain => long.MaxValue;
    public override Guid At(long k) => Guids.Make(CounterRng.Mix((ulong)k ^ rng.Key), rng.Bits((ulong)k));
}

internal sealed class BytesIndexed(CounterRng rng) : IndexedGen<byte[]>
{
    public override long Domain => long.MaxValue;

    public override byte[] At(long k)
    {
        var b = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(b, CounterRng.Mix((ulong)k ^ rng.Key));
        return b;
    }
}

/// <summary>Unique strings: [decoration chosen by k] + fixed-width code of k + [fixed suffix]. The fixed-width
/// code alone determines k, so the map is injective whatever the decoration.</summary>
internal sealed class TextIndexed(long domain, Func<long, string> make) : IndexedGen<string>
{
    public override long Domain => domain;
    public override string At(long k) => make(k);
}
