using PluRelSql.Core;
using PluRelSql.Schema;

namespace PluRelSql.Generation.Like;

/// <summary>One column's values laid out from its statistics, as a pure function of the row: NULLs at the null
/// fraction, each most common value on its share of the rows, and the other rows spread over the histogram's
/// equal-frequency bins on as many distinct values as n_distinct leaves. Values are laid out in ascending order on a
/// position k; a row's k is its own index shuffled within blocks whose size sets the physical-order correlation (one
/// block of all rows: none; blocks of one row: 1; reversed for a negative correlation).</summary>
internal sealed class LikeColumnModel
{
    /// <summary>What position k holds: NULL, MCV <see cref="Index"/>, or histogram row <see cref="Index"/> (of
    /// <see cref="HistogramRows"/>, in value order).</summary>
    public readonly record struct Cell(CellKind Kind, long Index);

    public enum CellKind { Null, Mcv, Slot }

    private readonly long _rows;
    private readonly long _nonNull;
    private readonly long _block;
    private readonly bool _reversed;
    private readonly CounterRng _rng;
    // Segments of the sorted layout over [0, _nonNull): starts ascending; each either an MCV run or a run of histogram
    // positions starting at HistStart.
    private readonly long[] _segStart;
    private readonly int[] _segMcv;       // MCV index, or -1 for a histogram run
    private readonly long[] _segHistStart;

    /// <summary>Rows of the histogram part and the distinct values they should take.</summary>
    public long HistogramRows { get; }
    public long Slots { get; }
    public long[] McvCounts { get; }

    /// <param name="mcvOrder">Where each MCV sits among the histogram's values, as a share of the histogram rows
    /// (0: before all, 1: after all).</param>
    public LikeColumnModel(long rows, ColumnStatistics s, bool nullable, IReadOnlyList<double> mcvOrder,
        bool hasHistogram, CounterRng rng)
    {
        _rows = rows;
        _rng = rng;
        var nulls = nullable ? Math.Min(rows, (long)Math.Round(rows * s.NullFraction)) : 0;
        _nonNull = rows - nulls;
        var freqs = s.MostCommonFrequencies ?? [];
        McvCounts = new long[freqs.Count];
        var left = _nonNull;
        for (var i = 0; i < freqs.Count; i++)
        {
            // At least one row for each MCV while rows last, so a small twin keeps the list.
            var c = Math.Min(left, Math.Max(1, (long)Math.Round(rows * freqs[i])));
            McvCounts[i] = c;
            left -= c;
        }
        if (!hasHistogram && left > 0 && McvCounts.Length > 0)
        {
            // Every source value was an MCV: the rounding remainder goes to the MCVs by share.
            for (var i = 0; left > 0; i = (i + 1) % McvCounts.Length, left--) McvCounts[i]++;
        }
        HistogramRows = left;
        // A positive n_distinct is a count that does not grow with the table (kept whatever the scale, as far as the
        // rows allow); a negative one is a share of the rows.
        var distinct = s.DistinctCount(rows) ?? HistogramRows + McvCounts.Length;
        Slots = HistogramRows == 0 ? 0 : Math.Clamp((long)Math.Round(distinct - McvCounts.Length), 1, HistogramRows);

        // The sorted layout: histogram positions with MCV runs inserted where their values fall.
        var order = Enumerable.Range(0, McvCounts.Length).OrderBy(i => mcvOrder[i]).ThenBy(i => i).ToList();
        var starts = new List<long>();
        var mcvs = new List<int>();
        var hist = new List<long>();
        long k = 0, h = 0;
        foreach (var i in order)
        {
            var at = Math.Clamp((long)Math.Round(mcvOrder[i] * HistogramRows), h, HistogramRows);
            if (at > h)
            {
                starts.Add(k); mcvs.Add(-1); hist.Add(h);
                k += at - h; h = at;
            }
            if (McvCounts[i] == 0) continue;
            starts.Add(k); mcvs.Add(i); hist.Add(h);
            k += McvCounts[i];
        }
        if (h < HistogramRows) { starts.Add(k); mcvs.Add(-1); hist.Add(h); }
        _segStart = [.. starts];
        _segMcv = [.. mcvs];
        _segHistStart = [.. hist];

        var corr = Math.Clamp(s.Correlation ?? 0, -1, 1);
        _reversed = corr < 0;
        // Shuffling within blocks of B of N rows leaves a rank correlation of about 1 - (B/N)².
        _block = Math.Clamp((long)Math.Round(rows * Math.Sqrt(1 - Math.Abs(corr))), 1, Math.Max(1, rows));
    }

    /// <summary>The sorted position a row takes.</summary>
    public long Position(long row)
    {
        var start = row / _block * _block;
        var size = Math.Min(_block, _rows - start);
        var k = size <= 1 ? row : start + new Permutation(size, _rng.Derive((ulong)start))[row - start];
        return _reversed ? _rows - 1 - k : k;
    }

    public Cell CellOf(long row)
    {
        var k = Position(row);
        if (k >= _nonNull) return new Cell(CellKind.Null, 0);
        var seg = Array.BinarySearch(_segStart, k);
        if (seg < 0) seg = ~seg - 1;
        // Empty MCV runs were skipped, so equal starts cannot hide a segment; a zero-length histogram run is never added.
        if (_segMcv[seg] >= 0) return new Cell(CellKind.Mcv, _segMcv[seg]);
        // The histogram row, ascending with the value (see BinLayout).
        return new Cell(CellKind.Slot, _segHistStart[seg] + (k - _segStart[seg]));
    }
}

/// <summary>Value <see cref="Index"/> of the <see cref="Count"/> distinct values of histogram bin <see cref="Bin"/>
/// (<see cref="Global"/> among all the histogram's values); <see cref="Last"/> for the last bin, whose last value is the
/// upper bound.</summary>
internal readonly record struct BinSlot(int Bin, long Index, long Count, bool Last, long Global);

/// <summary>The histogram part of a column: the distinct values shared out over the bins as evenly as each bin's
/// capacity allows (a bin of integers 4 ≤ x &lt; 6 holds two), and the rows over the values evenly, so bins of equal
/// capacity get equal rows (the bins are equal-frequency) and the total stays the distinct count asked for wherever
/// the bins can hold it.</summary>
internal sealed class BinLayout
{
    private readonly long _rows;
    private readonly int _bins;
    private readonly long[] _distinct;
    private readonly long[] _prefix;

    public BinLayout(long rows, long distinct, int bins, Func<int, long> capacity)
    {
        _rows = rows;
        _bins = Math.Max(1, bins);
        _distinct = new long[_bins];
        _prefix = new long[_bins + 1];
        var caps = Enumerable.Range(0, _bins).Select(b => Math.Max(1, capacity(b))).ToArray();
        // Max-min fair: the smallest capacities first, each bin an equal share of what is left (at least one value).
        var left = Math.Max(distinct, _bins);
        var order = Enumerable.Range(0, _bins).OrderBy(b => caps[b]).ToArray();
        for (var i = 0; i < order.Length; i++)
        {
            var b = order[i];
            var share = (left + (order.Length - i) - 1) / (order.Length - i);
            _distinct[b] = Math.Max(1, Math.Min(caps[b], share));
            left -= _distinct[b];
        }
        for (var b = 0; b < _bins; b++) _prefix[b + 1] = _prefix[b] + _distinct[b];
    }

    /// <summary>All distinct values of the histogram part.</summary>
    public long Distinct => _prefix[_bins];

    /// <summary>The first histogram row of value <paramref name="g"/> (of <see cref="Distinct"/>).</summary>
    private long RowOf(long g) => (long)((double)g * _rows / Distinct);

    /// <summary>The value of histogram row <paramref name="h"/>.</summary>
    public BinSlot At(long h)
    {
        // Rows are spread evenly over the values: value g holds rows [RowOf(g), RowOf(g + 1)).
        var g = Math.Min(Distinct - 1, (long)((h + 0.5) * Distinct / _rows));
        while (g > 0 && RowOf(g) > h) g--;
        while (g < Distinct - 1 && RowOf(g + 1) <= h) g++;
        var b = Array.BinarySearch(_prefix, g);
        b = b >= 0 ? Math.Min(b, _bins - 1) : ~b - 1;
        while (b < _bins - 1 && _prefix[b + 1] <= g) b++;
        return new BinSlot(b, g - _prefix[b], _distinct[b], b == _bins - 1, g);
    }
}
