using System.Globalization;

namespace PluRelSql.Generation;

/// <summary>The calendar span generated dates and timestamps fall in, both ends included (To's whole day). A fixed
/// default rather than "the last five years from today": the same seed must give the same rows on any day.</summary>
public sealed record TimeRange
{
    public TimeRange(DateOnly from, DateOnly to)
    {
        if (to < from) throw new ArgumentException($"time range {from:yyyy-MM-dd}..{to:yyyy-MM-dd} ends before it starts", nameof(to));
        From = from;
        To = to;
    }

    public DateOnly From { get; }
    public DateOnly To { get; }

    /// <summary>2021-01-01..2025-12-31: five recent whole years.</summary>
    public static TimeRange Default { get; } = new(new DateOnly(2021, 1, 1), new DateOnly(2025, 12, 31));

    /// <summary>FROM..TO with ISO dates (yyyy-MM-dd); a <see cref="FormatException"/> says what is wrong.</summary>
    public static TimeRange Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var dots = text.IndexOf("..", StringComparison.Ordinal);
        if (dots < 0) throw new FormatException($"'{text}': expected FROM..TO with ISO dates, e.g. 2021-01-01..2025-12-31");
        var from = Date(text[..dots].Trim(), text);
        var to = Date(text[(dots + 2)..].Trim(), text);
        if (to < from) throw new FormatException($"'{text}': the range ends ({to:yyyy-MM-dd}) before it starts ({from:yyyy-MM-dd})");
        return new TimeRange(from, to);
    }

    private static DateOnly Date(string part, string text) =>
        DateOnly.TryParseExact(part, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d
            : throw new FormatException($"'{text}': '{part}' is not an ISO date (yyyy-MM-dd)");

    public override string ToString() => $"{From:yyyy-MM-dd}..{To:yyyy-MM-dd}";
}
