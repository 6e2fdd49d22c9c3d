using System.Globalization;
using PluRelSql.Schema;

namespace PluRelSql.Workflows.LikeReport;

/// <summary>The thresholds a twin's column passes against its source (issue 18's acceptance).</summary>
/// <param name="NullFraction">Largest allowed difference of null fractions.</param>
/// <param name="NDistinct">Largest allowed relative difference of distinct counts.</param>
/// <param name="McvOverlap">Smallest MCV overlap, for columns whose source keeps MCVs.</param>
/// <param name="SampleLimit">Rows ANALYZE samples (300 × the statistics target): distinct counts at or above it on both
/// sides are estimates from a sample of that size and pass whatever their difference.</param>
/// <param name="RowCount">Largest allowed relative difference of table row counts (reported per table; not a column
/// verdict).</param>
public sealed record LikeThresholds(double NullFraction, double NDistinct, double McvOverlap, double SampleLimit, double RowCount)
{
    /// <summary>The issue's: null within 0.02, n_distinct within 10 %, MCV overlap ≥ 80 %, tables within 1 %; the
    /// sample limit of the default statistics target (100).</summary>
    public static LikeThresholds Default { get; } = new(0.02, 0.10, 0.80, 30_000, 0.01);
}

/// <summary>Compares a twin's planner statistics with its source's, column by column: pure arithmetic over
/// <see cref="DatabaseStatistics"/>, no I/O.</summary>
public static class StatisticsComparer
{
    /// <summary>Every table of <paramref name="source"/>: its row-count ratio, and each column that has statistics on
    /// the source compared with the same column on the target.</summary>
    public static (IReadOnlyList<TableComparison> Tables, IReadOnlyList<ColumnComparison> Columns) Compare(
        DatabaseStatistics source, DatabaseStatistics target, LikeThresholds thresholds)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(thresholds);
        var tables = new List<TableComparison>();
        var columns = new List<ColumnComparison>();
        foreach (var s in source.Tables.Values.OrderBy(t => t.Table.Schema, StringComparer.Ordinal).ThenBy(t => t.Table.Name, StringComparer.Ordinal))
        {
            var t = target.Table(s.Table);
            var ratio = s.RowEstimate is > 0 && t?.RowEstimate is { } tr ? tr / s.RowEstimate.Value
                : s.RowEstimate == 0 && t?.RowEstimate == 0 ? 1.0 : (double?)null;
            tables.Add(new TableComparison(s.Table, s.RowEstimate, t?.RowEstimate, ratio,
                ratio is { } r && Math.Abs(r - 1) <= thresholds.RowCount + 1e-12, t is null));
            foreach (var sc in s.Columns.Values.OrderBy(c => c.Column, StringComparer.Ordinal))
                columns.Add(CompareColumn(s, sc, t, t?.Column(sc.Column), thresholds));
        }
        return (tables, columns);
    }

    /// <summary>One column: its four measures and the verdict against <paramref name="thresholds"/>.</summary>
    public static ColumnComparison CompareColumn(TableStatistics sourceTable, ColumnStatistics source,
        TableStatistics? targetTable, ColumnStatistics? target, LikeThresholds thresholds)
    {
        ArgumentNullException.ThrowIfNull(sourceTable);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(thresholds);
        var sourceDistinct = DistinctCount(source, sourceTable.RowEstimate);
        if (target is null)
        {
            return new ColumnComparison(sourceTable.Table, source.Column, source.NullFraction, null, sourceDistinct, null,
                null, null, null, null, false,
                targetTable is null ? "table missing from the target" : "no statistics on the target (column missing, or the table is empty)");
        }
        var targetDistinct = DistinctCount(target, targetTable?.RowEstimate);
        var nullDiff = Math.Abs(target.NullFraction - source.NullFraction);
        var distinctDiff = RelativeDifference(sourceDistinct, targetDistinct);
        var overlap = McvOverlap(source, target);
        var histogram = HistogramDistance(source.HistogramBounds, target.HistogramBounds);

        var reasons = new List<string>();
        if (nullDiff > thresholds.NullFraction + 1e-9)
            reasons.Add(string.Create(CultureInfo.InvariantCulture, $"null fraction {source.NullFraction:0.###} -> {target.NullFraction:0.###}"));
        var bothSampled = sourceDistinct >= thresholds.SampleLimit && targetDistinct >= thresholds.SampleLimit;
        if (!bothSampled && (distinctDiff is null ? sourceDistinct != targetDistinct : distinctDiff > thresholds.NDistinct + 1e-9))
            reasons.Add($"n_distinct {Count(sourceDistinct)} -> {Count(targetDistinct)}");
        if (overlap is { } o && o < thresholds.McvOverlap - 1e-9)
            reasons.Add(string.Create(CultureInfo.InvariantCulture, $"MCV overlap {o * 100:0.#} %"));
        return new ColumnComparison(sourceTable.Table, source.Column, source.NullFraction, target.NullFraction,
            sourceDistinct, targetDistinct, nullDiff, distinctDiff, overlap, histogram, reasons.Count == 0, string.Join("; ", reasons));
    }

    private static string Count(double? d) => d is { } v ? v.ToString("0.#", CultureInfo.InvariantCulture) : "unknown";

    /// <summary>Distinct non-null values: a positive n_distinct is the count, a negative one a share of the table's rows
    /// (<c>reltuples</c>); 0 is "unknown" unless every row is NULL (then none). Null when it cannot be resolved (a
    /// share with no row count, or unknown).</summary>
    public static double? DistinctCount(ColumnStatistics column, double? rows)
    {
        ArgumentNullException.ThrowIfNull(column);
        if (column.NDistinct > 0) return column.NDistinct;
        if (column.NDistinct < 0) return rows is { } r ? -column.NDistinct * r : null;
        return column.NullFraction >= 1 ? 0 : null;
    }

    /// <summary>|target − source| / source; 0 when both are 0; null when either is unknown or only the source is 0.</summary>
    public static double? RelativeDifference(double? source, double? target)
    {
        if (source is not { } s || target is not { } t) return null;
        if (s == 0) return t == 0 ? 0 : null;
        return Math.Abs(t - s) / s;
    }

    /// <summary>The share of the source's MCV frequency mass held by values that are MCVs of the target too (values
    /// compared by their text form); null when the source keeps no MCVs. 1 means every common source value is common in
    /// the twin; it does not look at the twin's frequencies.</summary>
    public static double? McvOverlap(ColumnStatistics source, ColumnStatistics target)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        if (source.MostCommonValues is not { Count: > 0 } values || source.MostCommonFrequencies is not { } freqs) return null;
        var mass = freqs.Sum();
        if (mass <= 0) return null;
        var theirs = new HashSet<string>(target.MostCommonValues ?? [], StringComparer.Ordinal);
        var shared = 0.0;
        for (var i = 0; i < values.Count && i < freqs.Count; i++)
            if (theirs.Contains(values[i])) shared += freqs[i];
        return shared / mass;
    }

    /// <summary>The largest gap between the two histograms' cumulative distributions, 0 to 1. Each histogram is
    /// equal-frequency: bound i of k+1 sits at cumulative share i/k, linear in between, 0 below the first and 1 above
    /// the last. Both are evaluated at the union of their bounds. Values are read as numbers when every bound parses
    /// as one, else as dates/timestamps, else as text placed by ordinal (code point) order of the union. Null when
    /// either side has no histogram (fewer than two bounds).</summary>
    public static double? HistogramDistance(IReadOnlyList<string>? source, IReadOnlyList<string>? target)
    {
        if (source is not { Count: >= 2 } || target is not { Count: >= 2 }) return null;
        var (xs, xt) = Positions(source, target);
        var points = xs.Concat(xt).Distinct().Order().ToArray();
        var max = 0.0;
        foreach (var x in points) max = Math.Max(max, Math.Abs(Cdf(xs, x) - Cdf(xt, x)));
        return max;
    }

    /// <summary>The bounds of both sides as positions on one axis.</summary>
    private static (double[] Source, double[] Target) Positions(IReadOnlyList<string> source, IReadOnlyList<string> target)
    {
        if (TryAll(source, target, ParseNumber) is { } numbers) return numbers;
        if (TryAll(source, target, ParseTime) is { } times) return times;
        // Text: the rank of each bound among the union in ordinal order. The server sorted each side by the column's
        // collation, which may differ from ordinal order; sorting each side's positions keeps its CDF monotone.
        var union = source.Concat(target).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var rank = union.Select((v, i) => (v, i)).ToDictionary(p => p.v, p => (double)p.i, StringComparer.Ordinal);
        return ([.. source.Select(v => rank[v]).Order()], [.. target.Select(v => rank[v]).Order()]);
    }

    private static (double[], double[])? TryAll(IReadOnlyList<string> a, IReadOnlyList<string> b, Func<string, double?> parse)
    {
        var xa = new double[a.Count];
        var xb = new double[b.Count];
        for (var i = 0; i < a.Count; i++)
            if (parse(a[i]) is { } v) xa[i] = v;
            else return null;
        for (var i = 0; i < b.Count; i++)
            if (parse(b[i]) is { } v) xb[i] = v;
            else return null;
        Array.Sort(xa);
        Array.Sort(xb);
        return (xa, xb);
    }

    private static double? ParseNumber(string s) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : null;

    private static readonly string[] TimeFormats =
    [
        "yyyy-MM-dd", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm:sszzz", "yyyy-MM-dd HH:mm:ss.FFFFFFFzzz",
        "yyyy-MM-dd HH:mm:ssz", "yyyy-MM-dd HH:mm:ss.FFFFFFFz", "HH:mm:ss", "HH:mm:ss.FFFFFFF",
    ];

    private static double? ParseTime(string s) =>
        DateTimeOffset.TryParseExact(s, TimeFormats, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var v) ? v.UtcTicks : null;

    /// <summary>The cumulative share at <paramref name="x"/> of the equal-frequency histogram with sorted bounds
    /// <paramref name="b"/>.</summary>
    internal static double Cdf(double[] b, double x)
    {
        var k = b.Length - 1;
        if (x < b[0]) return 0;
        if (x >= b[k]) return 1;
        // The last bound ≤ x (equal bounds: a value held by several bins counts all of them).
        var i = Array.BinarySearch(b, x);
        if (i >= 0)
        {
            while (i < k && b[i + 1] == x) i++;
            return (double)i / k;
        }
        i = ~i - 1;
        var width = b[i + 1] - b[i];
        var within = width > 0 ? (x - b[i]) / width : 0;
        return (i + within) / k;
    }
}
