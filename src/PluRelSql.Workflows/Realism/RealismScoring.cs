using System.Text;

namespace PluRelSql.Workflows.Realism;

/// <summary>The pure rules of the realism measure (issue 15, "How it is measured"), kept apart from SQL so that each
/// can be tested on hand-made inputs.</summary>
public static class RealismScoring
{
    /// <summary>Numeric and date columns: this share of generated values must fall inside the real window.</summary>
    public const double RangeGoal = 0.90;

    /// <summary>Low-cardinality columns: this share of generated values must be real values.</summary>
    public const double ValuesGoal = 0.90;

    /// <summary>Text columns: this share of generated values must have one of the real column's common shapes.</summary>
    public const double ShapeGoal = 0.50;

    /// <summary>How many of the real column's most common shapes count.</summary>
    public const int TopShapes = 20;

    /// <summary>A column with at most this many distinct real values (and at most half as many as rows) is low-cardinality.</summary>
    public const int LowCardinalityLimit = 30;

    /// <summary>Real text longer than this on average is "long text": its mean length is compared as well.</summary>
    public const double LongTextMean = 40;

    /// <summary>The character-class shape of a value: letters become <c>a</c>, digits <c>9</c>, any other character
    /// stays; runs of letters and runs of digits collapse to one (<c>"(171) 555-7788"</c> → <c>"(9) 9-9"</c>).</summary>
    public static string Shape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var sb = new StringBuilder(value.Length);
        var last = '\0';
        foreach (var ch in value)
        {
            var c = char.IsLetter(ch) ? 'a' : char.IsDigit(ch) ? '9' : ch;
            // Only letter and digit runs collapse; other characters ("  ", "--") stay as they are.
            if (c is 'a' or '9' && c == last) continue;
            sb.Append(c);
            last = c;
        }
        return sb.ToString();
    }

    /// <summary>The real window of a numeric or date column: [p1, p99] widened by 10 % of its span on each side.</summary>
    public static (double Low, double High) Window(double p1, double p99)
    {
        if (p99 < p1) (p1, p99) = (p99, p1);
        var pad = 0.10 * (p99 - p1);
        return (p1 - pad, p99 + pad);
    }

    /// <summary>Whether a real column is low-cardinality: at most 30 distinct values and at most half its (non-null) rows.</summary>
    public static bool IsLowCardinality(long distinct, long rows) =>
        distinct <= LowCardinalityLimit && distinct * 2 <= rows;

    /// <summary>Long text: the real mean length is over 40 characters.</summary>
    public static bool IsLongText(double realMeanLength) => realMeanLength > LongTextMean;

    /// <summary>For long text: the generated mean length within ×2 of the real one (both ways).</summary>
    public static bool LengthFits(double realMean, double generatedMean) =>
        realMean > 0 && generatedMean >= realMean / 2 && generatedMean <= realMean * 2;

    /// <summary>The <paramref name="count"/> most common shapes of <paramref name="values"/>, most common first (ties
    /// by ordinal order, so the choice is stable).</summary>
    public static IReadOnlyList<(string Shape, long Count)> CommonShapes(IEnumerable<string> values, int count = TopShapes) =>
        [.. values.GroupBy(Shape, StringComparer.Ordinal)
            .Select(g => (Shape: g.Key, Count: (long)g.Count()))
            .OrderByDescending(s => s.Count).ThenBy(s => s.Shape, StringComparer.Ordinal)
            .Take(count)];

    /// <summary>Share of <paramref name="values"/> whose shape is in <paramref name="shapes"/>; 0 when there are none.</summary>
    public static double ShapeShare(IReadOnlyCollection<string> values, IReadOnlySet<string> shapes) =>
        values.Count == 0 ? 0 : (double)values.Count(v => shapes.Contains(Shape(v))) / values.Count;

    /// <summary>Ranks 1..n with ties given the average of the ranks they span.</summary>
    public static double[] AverageRanks(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Count];
        for (var i = 0; i < order.Length;)
        {
            var j = i;
            while (j + 1 < order.Length && values[order[j + 1]] == values[order[i]]) j++;
            var rank = (i + j) / 2.0 + 1;
            for (var k = i; k <= j; k++) ranks[order[k]] = rank;
            i = j + 1;
        }
        return ranks;
    }

    /// <summary>Spearman's rank correlation: Pearson's correlation of the average ranks (right with ties). Null with
    /// fewer than 3 pairs (n/a). When one side is constant (every generated table the same size) there is no ranking
    /// to agree with: 0; when both are, they agree: 1.</summary>
    public static double? Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count) throw new ArgumentException("Spearman needs pairs: the two lists differ in length", nameof(y));
        if (x.Count < 3) return null;
        var rx = AverageRanks(x);
        var ry = AverageRanks(y);
        double mx = rx.Average(), my = ry.Average(), sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < rx.Length; i++)
        {
            sxy += (rx[i] - mx) * (ry[i] - my);
            sxx += (rx[i] - mx) * (rx[i] - mx);
            syy += (ry[i] - my) * (ry[i] - my);
        }
        if (sxx == 0 && syy == 0) return 1;
        return sxx == 0 || syy == 0 ? 0 : sxy / Math.Sqrt(sxx * syy);
    }
}
