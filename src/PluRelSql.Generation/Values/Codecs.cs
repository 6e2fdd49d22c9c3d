using System.Numerics;
using PluRelSql.Generation.Constraints;

namespace PluRelSql.Generation.Values;

/// <summary>How a column's representation type maps to CHECK scalars and, for ordinal kinds, to integer "units"
/// (multiples of <see cref="Step"/> on the ordinal axis), which is how ranges are drawn.</summary>
internal abstract class Codec<T>
{
    public abstract Scalar ToScalar(T value);

    /// <summary>Ordinal size of one unit; 0 for kinds without an ordinal axis.</summary>
    public virtual double Step => 0;

    public bool IsOrdinal => Step > 0;

    public virtual T FromUnits(long units) => throw new NotSupportedException();

    public bool TryFromOrdinal(double ordinal, out T value)
    {
        value = default!;
        if (!IsOrdinal || double.IsNaN(ordinal) || double.IsInfinity(ordinal)) return false;
        var u = Math.Round(ordinal / Step);
        if (Math.Abs(u) > 4e18) return false;
        value = FromUnits((long)u);
        return true;
    }
}

internal sealed class IntCodec<T> : Codec<T> where T : IBinaryInteger<T>
{
    public override Scalar ToScalar(T value) => Scalar.Number(long.CreateTruncating(value));
    public override double Step => 1;
    public override T FromUnits(long units) => T.CreateSaturating(units);
}

internal sealed class DecimalCodec(int scale) : Codec<decimal>
{
    public int Scale { get; } = Math.Clamp(scale, 0, 18);
    public override Scalar ToScalar(decimal value) => Scalar.Number((double)value);
    public override double Step => Math.Pow(10, -Scale);

    public override decimal FromUnits(long units)
    {
        var abs = units < 0 ? (ulong)(-units) : (ulong)units;
        return new decimal((int)(uint)abs, (int)(uint)(abs >> 32), 0, units < 0, (byte)Scale);
    }
}

internal sealed class DoubleCodec : Codec<double>
{
    public override Scalar ToScalar(double value) => Scalar.Number(value);
    public override double Step => 0.01;
    public override double FromUnits(long units) => units / 100.0;
}

internal sealed class FloatCodec : Codec<float>
{
    public override Scalar ToScalar(float value) => Scalar.Number(value);
    public override double Step => 0.01;
    public override float FromUnits(long units) => (float)(units / 100.0);
}

internal sealed class DateCodec : Codec<DateOnly>
{
    private static readonly int EpochDay = DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;
    public override Scalar ToScalar(DateOnly value) => Scalar.Number((value.DayNumber - EpochDay) * Literals.SecondsPerDay);
    public override double Step => Literals.SecondsPerDay;

    public override DateOnly FromUnits(long units) =>
        DateOnly.FromDayNumber((int)Math.Clamp(EpochDay + units, DateOnly.MinValue.DayNumber, DateOnly.MaxValue.DayNumber));
}

internal sealed class TimestampCodec(DateTimeKind kind) : Codec<DateTime>
{
    private static readonly long MinSec = (DateTime.MinValue.Ticks - Literals.EpochTicks) / TimeSpan.TicksPerSecond;
    private static readonly long MaxSec = (DateTime.MaxValue.Ticks - Literals.EpochTicks) / TimeSpan.TicksPerSecond;
    public override Scalar ToScalar(DateTime value) => Scalar.Number(Literals.Seconds(value));
    public override double Step => 1;

    public override DateTime FromUnits(long units) =>
        new(Literals.EpochTicks + Math.Clamp(units, MinSec, MaxSec) * TimeSpan.TicksPerSecond, kind);
}

internal sealed class TimeCodec : Codec<TimeOnly>
{
    public override Scalar ToScalar(TimeOnly value) => Scalar.Number(value.Ticks / 1e7);
    public override double Step => 1;
    public override TimeOnly FromUnits(long units) => new(Math.Clamp(units, 0, 86399) * TimeSpan.TicksPerSecond);
}

internal sealed class TimeTzCodec : Codec<DateTimeOffset>
{
    private static readonly DateTime Day = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Unspecified);
    public override Scalar ToScalar(DateTimeOffset value) => Scalar.Number(value.TimeOfDay.Ticks / 1e7);
    public override double Step => 1;

    public override DateTimeOffset FromUnits(long units) =>
        new(Day.AddTicks(Math.Clamp(units, 0, 86399) * TimeSpan.TicksPerSecond), TimeSpan.Zero);
}

internal sealed class IntervalCodec : Codec<TimeSpan>
{
    public override Scalar ToScalar(TimeSpan value) => Scalar.Number(value.Ticks / 1e7);
    public override double Step => 1;

    public override TimeSpan FromUnits(long units) =>
        new(Math.Clamp(units, -100L * 365 * 86400, 100L * 365 * 86400) * TimeSpan.TicksPerSecond);
}

internal sealed class BoolCodec : Codec<bool>
{
    public override Scalar ToScalar(bool value) => Scalar.Bool(value);
}

internal sealed class StringCodec : Codec<string>
{
    public override Scalar ToScalar(string value) => Scalar.String(value);
}

internal sealed class EnumCodec(IReadOnlyList<string> labels) : Codec<string>
{
    private readonly Dictionary<string, int> _index = labels.Select((l, i) => (l, i)).ToDictionary(x => x.l, x => x.i, StringComparer.Ordinal);
    public override Scalar ToScalar(string value) => Scalar.Number(_index.TryGetValue(value, out var i) ? i : -1);
}

internal sealed class GuidCodec : Codec<Guid>
{
    public override Scalar ToScalar(Guid value) => Scalar.String(value.ToString());
}

/// <summary>Values CHECKs cannot compare here (bytea, arrays): they read as NULL, which a CHECK lets pass.</summary>
internal sealed class OpaqueCodec<T> : Codec<T>
{
    public override Scalar ToScalar(T value) => Scalar.Null;
}
