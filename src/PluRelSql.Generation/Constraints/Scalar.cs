using System.Globalization;
using System.Text.RegularExpressions;
using PluRelSql.Schema;

namespace PluRelSql.Generation.Constraints;

/// <summary>A value as CHECK evaluation sees it. Numbers, dates, times and intervals are "ordinals" (doubles on one
/// axis per family: temporal values in seconds since the Unix epoch, so a date compares with a timestamp); enum
/// labels are their position (PostgreSQL orders enums by declaration).</summary>
internal readonly struct Scalar
{
    public const byte NullKind = 0, NumKind = 1, StrKind = 2, BoolKind = 3;

    public readonly byte Kind;
    public readonly double Num;
    public readonly string? Str;

    private Scalar(byte kind, double num, string? str)
    {
        Kind = kind;
        Num = num;
        Str = str;
    }

    public static readonly Scalar Null = default;
    public static Scalar Number(double v) => new(NumKind, v, null);
    public static Scalar String(string s) => new(StrKind, 0, s);
    public static Scalar Bool(bool b) => new(BoolKind, b ? 1 : 0, null);

    public bool IsNull => Kind == NullKind;

    /// <summary>Three-way comparison, or null when the two are not comparable (or either is NULL).</summary>
    public static int? Compare(in Scalar a, in Scalar b)
    {
        if (a.Kind == NullKind || b.Kind == NullKind || a.Kind != b.Kind) return null;
        return a.Kind switch
        {
            StrKind => Math.Sign(string.CompareOrdinal(a.Str, b.Str)),
            _ => a.Num.CompareTo(b.Num),
        };
    }

    public override string ToString() => Kind switch
    {
        NullKind => "NULL",
        NumKind => Num.ToString(CultureInfo.InvariantCulture),
        StrKind => "'" + Str + "'",
        _ => Num != 0 ? "true" : "false",
    };
}

/// <summary>Conversions between SQL literals, typed values and ordinals.</summary>
internal static class Literals
{
    public static readonly long EpochTicks = DateTime.UnixEpoch.Ticks;
    public const double SecondsPerDay = 86400;

    public static bool IsTemporal(TypeKind k) => TypeTable.Of(k).IsTemporal;

    public static bool IsNumeric(TypeKind k) => TypeTable.Of(k).IsNumeric;

    /// <summary>True for kinds whose values sit on a numeric axis (numbers and temporal kinds).</summary>
    public static bool IsOrdinal(TypeKind k) => TypeTable.Of(k).IsOrdinal;

    public static double Seconds(DateTime t) => (t.Ticks - EpochTicks) / 1e7;

    public static DateTime FromSeconds(double s, DateTimeKind kind)
    {
        var ticks = EpochTicks + (long)Math.Round(s * 1e7);
        ticks = Math.Clamp(ticks, DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks);
        return new DateTime(ticks, kind);
    }

    public static double Seconds(DateOnly d) => (d.DayNumber - DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber) * SecondsPerDay;

    public static DateOnly DateFromSeconds(double s)
    {
        var day = (long)Math.Floor(s / SecondsPerDay) + DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;
        return DateOnly.FromDayNumber((int)Math.Clamp(day, DateOnly.MinValue.DayNumber, DateOnly.MaxValue.DayNumber));
    }

    /// <summary>A SQL literal as written in a partition bound: strips casts and quotes. Null for MINVALUE/MAXVALUE/NULL.</summary>
    public static string? Unquote(string literal, out bool minValue, out bool maxValue)
    {
        var s = literal.Trim();
        minValue = s.Equals("MINVALUE", StringComparison.OrdinalIgnoreCase);
        maxValue = s.Equals("MAXVALUE", StringComparison.OrdinalIgnoreCase);
        if (minValue || maxValue || s.Equals("NULL", StringComparison.OrdinalIgnoreCase)) return null;
        // Strip a trailing ::type cast outside quotes.
        var cast = s.LastIndexOf("::", StringComparison.Ordinal);
        if (cast > 0 && s.LastIndexOf('\'') < cast) s = s[..cast].Trim();
        if (s.StartsWith('(') && s.EndsWith(')')) s = s[1..^1].Trim();
        if (s.Length >= 2 && (s[0] == 'E' || s[0] == 'e') && s[1] == '\'') s = s[1..];
        if (s.Length >= 2 && s[0] == '\'' && s[^1] == '\'') s = s[1..^1].Replace("''", "'", StringComparison.Ordinal);
        return s;
    }

    private static readonly Regex ShortOffset = new(@"(?<=\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)([+-]\d{2})$", RegexOptions.Compiled | RegexOptions.CultureInvariant);

    /// <summary>Parses text as a value of an ordinal kind into its ordinal; false when it is not one.</summary>
    public static bool TryOrdinal(TypeKind kind, string text, out double ordinal)
    {
        ordinal = 0;
        var inv = CultureInfo.InvariantCulture;
        text = text.Trim();
        switch (kind)
        {
            case TypeKind.Date:
                if (DateOnly.TryParse(text, inv, DateTimeStyles.None, out var d)) { ordinal = Seconds(d); return true; }
                if (TryTimestamp(text, out ordinal)) { ordinal = Math.Floor(ordinal / SecondsPerDay) * SecondsPerDay; return true; }
                return false;
            case TypeKind.Timestamp:
            case TypeKind.TimestampTz:
                return TryTimestamp(text, out ordinal);
            case TypeKind.Time:
            case TypeKind.TimeTz:
                var t = ShortOffset.Replace(text, "");
                var plus = t.IndexOfAny(['+', '-']);
                if (plus > 0) t = t[..plus];
                if (TimeOnly.TryParse(t, inv, DateTimeStyles.None, out var tm)) { ordinal = tm.Ticks / 1e7; return true; }
                return false;
            case TypeKind.Interval:
                if (TimeSpan.TryParse(text, inv, out var ts)) { ordinal = ts.TotalSeconds; return true; }
                return TryInterval(text, out ordinal);
            default:
                if (text.Equals("infinity", StringComparison.OrdinalIgnoreCase)) { ordinal = double.PositiveInfinity; return true; }
                return double.TryParse(text, NumberStyles.Float, inv, out ordinal);
        }
    }

    private static bool TryTimestamp(string text, out double seconds)
    {
        seconds = 0;
        var s = ShortOffset.Replace(text, "$1:00");
        var inv = CultureInfo.InvariantCulture;
        if (DateTimeOffset.TryParse(s, inv, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var dto))
        {
            seconds = Seconds(dto.UtcDateTime);
            return true;
        }
        return false;
    }

    private static readonly Regex IntervalPart = new(@"(-?\d+(?:\.\d+)?)\s*(year|mon|week|day|hour|min|sec)\w*",
        RegexOptions.Compiled | RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    private static bool TryInterval(string text, out double seconds)
    {
        seconds = 0;
        var any = false;
        foreach (Match m in IntervalPart.Matches(text))
        {
            any = true;
            var v = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            seconds += v * (m.Groups[2].Value.ToLowerInvariant() switch
            {
                "year" => 365.25 * 86400,
                "mon" => 30 * 86400,
                "week" => 7 * 86400,
                "day" => 86400,
                "hour" => 3600,
                "min" => 60,
                _ => 1,
            });
        }
        return any;
    }
}
