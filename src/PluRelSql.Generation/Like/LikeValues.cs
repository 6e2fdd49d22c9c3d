using System.Globalization;
using PluRelSql.Core;
using PluRelSql.Schema;

namespace PluRelSql.Generation.Like;

/// <summary>A column's statistics turned into typed values: its MCVs, and the value of each histogram slot (between the
/// bounds of its bin: numbers and times interpolated on the type's grain, text the bin's lower bound or a variant of
/// it that sorts after it).</summary>
internal abstract class LikeValues
{
    /// <summary>Where each MCV sits among the histogram's values (0 … 1), for the sorted layout.</summary>
    public abstract IReadOnlyList<double> McvOrder { get; }

    public abstract bool HasHistogram { get; }

    /// <summary>The histogram's bins with their distinct values, for one column model (<see cref="Prepare"/>).</summary>
    protected BinLayout? Layout { get; private set; }

    /// <summary>Bins of the histogram (bounds - 1).</summary>
    protected abstract int Bins { get; }

    /// <summary>How many distinct values bin b can hold (long.MaxValue where the type is dense).</summary>
    protected virtual long Capacity(int bin) => long.MaxValue;

    /// <summary>Shares <paramref name="model"/>'s distinct histogram values out over the bins.</summary>
    public void Prepare(LikeColumnModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (HasHistogram && model.HistogramRows > 0) Layout = new BinLayout(model.HistogramRows, model.Slots, Bins, Capacity);
    }

    /// <summary>The index among the histogram's distinct values of a histogram cell (0 for others).</summary>
    public long ValueIndex(LikeColumnModel.Cell cell) =>
        cell.Kind == LikeColumnModel.CellKind.Slot && Layout is { } l ? l.At(cell.Index).Global : 0;

    /// <summary>All distinct histogram values.</summary>
    public long HistogramValues => Layout?.Distinct ?? 0;

    public abstract void Write(ColumnVector vector, int index, LikeColumnModel.Cell cell, LikeColumnModel model);

    /// <summary>The value of a non-null cell as invariant text (an FK's value, mapped to its parent row).</summary>
    public abstract string? Text(LikeColumnModel.Cell cell, LikeColumnModel model);

    /// <summary>The typed values of <paramref name="column"/>'s statistics, or null with the reason they cannot be used
    /// (a value that does not parse as the column's type, or is too long for it).</summary>
    public static LikeValues? For(ColumnDef column, ColumnStatistics s, IReadOnlyList<string>? enumLabels,
        Func<long, string?>? personal, out string? why)
    {
        why = null;
        var mcv = s.MostCommonValues ?? [];
        var bounds = s.HistogramBounds ?? [];
        var t = column.Type;
        try
        {
            switch (t.Kind)
            {
                case TypeKind.SmallInt: return Ordinal(mcv, bounds, 1, Long, v => (short)Math.Round(v));
                case TypeKind.Integer: return Ordinal(mcv, bounds, 1, Long, v => (int)Math.Round(v));
                case TypeKind.BigInt: return Ordinal(mcv, bounds, 1, Long, v => (long)Math.Round(v));
                case TypeKind.Real: return Ordinal(mcv, bounds, 0, Dbl, v => (float)v);
                case TypeKind.Double: return Ordinal(mcv, bounds, 0, Dbl, v => v);
                case TypeKind.Numeric:
                {
                    var scale = t.Scale ?? mcv.Concat(bounds).Select(Decimals).DefaultIfEmpty(0).Max();
                    return Ordinal(mcv, bounds, Math.Pow(10, -scale), Dbl, v => Math.Round((decimal)v, scale));
                }
                case TypeKind.Date:
                    return Ordinal(mcv, bounds, 1, x => DateOnly.Parse(x, CultureInfo.InvariantCulture).DayNumber, v => DateOnly.FromDayNumber((int)Math.Round(v)));
                case TypeKind.Timestamp or TypeKind.TimestampTz:
                {
                    var utc = t.Kind == TypeKind.TimestampTz;
                    double Ticks(string x) => utc
                        ? DateTimeOffset.Parse(x, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).UtcTicks
                        : DateTime.Parse(x, CultureInfo.InvariantCulture).Ticks;
                    // Whole seconds when the source's values are (most are); microseconds otherwise.
                    var unit = mcv.Concat(bounds).All(x => Ticks(x) % TimeSpan.TicksPerSecond == 0) ? TimeSpan.TicksPerSecond : 10;
                    return Ordinal(mcv, bounds, unit, Ticks, v => new DateTime((long)Math.Round(v / 10) * 10, utc ? DateTimeKind.Utc : DateTimeKind.Unspecified));
                }
                case TypeKind.Boolean:
                    if (bounds.Count > 0) { why = "a boolean histogram"; return null; }
                    return new Texts<bool>(mcv.Select(v => v is "t" or "true").ToArray(), [], [], null, null);
                case TypeKind.Bytea:
                    // Hex text form (\x…); values are the MCVs and bounds themselves (no variants between them).
                    return new Texts<byte[]>(mcv.Select(Hex).ToArray(), bounds.Select(Hex).ToArray(), [], null, null);
                case TypeKind.Enum:
                    if (enumLabels is null || mcv.Concat(bounds).FirstOrDefault(v => !enumLabels.Contains(v)) is { } bad)
                    {
                        why = "an MCV or bound that is not a label of the enum";
                        return null;
                    }
                    return new Texts<string>(mcv.ToArray(), bounds.ToArray(), [], null, null);
                case TypeKind.Text or TypeKind.Varchar or TypeKind.Char:
                {
                    var max = t.Kind == TypeKind.Text ? int.MaxValue : t.Length ?? (t.Kind == TypeKind.Char ? 1 : int.MaxValue);
                    if (personal is null && mcv.Concat(bounds).FirstOrDefault(v => v.Length > max) is { } longer)
                    {
                        why = $"a value longer than {t}";
                        return null;
                    }
                    return new Texts<string>(mcv.ToArray(), bounds.ToArray(), mcv.Select(v => Order(v, bounds)).ToArray(), personal, max);
                }
                default:
                    why = $"type {t} is not drawn from statistics";
                    return null;
            }
        }
        catch (FormatException)
        {
            why = "a value that does not read as " + t;
            return null;
        }
        catch (OverflowException)
        {
            why = "a value out of the range of " + t;
            return null;
        }
    }

    private static byte[] Hex(string x) =>
        x.StartsWith("\\x", StringComparison.Ordinal) ? Convert.FromHexString(x.AsSpan(2)) : throw new FormatException("bytea value not in hex form");

    private static double Long(string x) => long.Parse(x, NumberStyles.Integer, CultureInfo.InvariantCulture);

    private static double Dbl(string x) => double.Parse(x, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static int Decimals(string x) => x.IndexOf('.', StringComparison.Ordinal) is var dot and >= 0 ? x.Length - dot - 1 : 0;

    /// <summary>A text value's place among the bounds (ordinal comparison): the middle of the bin it falls in.</summary>
    private static double Order(string v, IReadOnlyList<string> bounds)
    {
        if (bounds.Count < 2) return 0.5;
        var b = 0;
        while (b < bounds.Count - 1 && string.CompareOrdinal(bounds[b + 1], v) <= 0) b++;
        if (string.CompareOrdinal(v, bounds[0]) < 0) return 0;
        return Math.Min(1, (b + 0.5) / (bounds.Count - 1));
    }

    private static LikeValues Ordinal<T>(IReadOnlyList<string> mcv, IReadOnlyList<string> bounds, double unit, Func<string, double> parse, Func<double, T> make)
    {
        var m = mcv.Select(parse).ToArray();
        var b = bounds.Select(parse).ToArray();
        var order = m.Select(v =>
        {
            if (b.Length < 2) return 0.5;
            if (v <= b[0]) return 0.0;
            if (v >= b[^1]) return 1.0;
            var i = 0;
            while (b[i + 1] <= v) i++;
            return (i + (v - b[i]) / (b[i + 1] - b[i])) / (b.Length - 1);
        }).ToArray();
        return new Ordinals<T>(m.Select(make).ToArray(), m.Order().ToArray(), b, order, unit, make);
    }

    private sealed class Ordinals<T>(T[] mcv, double[] mcvGrid, double[] bounds, double[] order, double unit, Func<double, T> make) : LikeValues
    {
        // Per bin, the grid offsets (from its lower bound) that MCVs hold, ascending.
        private readonly long[][] _taken = unit > 0 && bounds.Length > 1
            ? [.. Enumerable.Range(0, bounds.Length - 1).Select(b => mcvGrid
                .Where(m => m >= bounds[b] && (m < bounds[b + 1] || b == bounds.Length - 2 && m <= bounds[b + 1]))
                .Select(m => (long)Math.Round((m - bounds[b]) / unit)).Distinct().Order().ToArray())]
            : [];

        public override IReadOnlyList<double> McvOrder => order;
        public override bool HasHistogram => bounds.Length > 0;
        protected override int Bins => Math.Max(1, bounds.Length - 1);

        protected override long Capacity(int bin)
        {
            if (unit <= 0 || bounds.Length < 2) return long.MaxValue;
            var points = Math.Floor((bounds[bin + 1] - bounds[bin]) / unit + 1e-9) + (bin == bounds.Length - 2 ? 1 : 0);
            return points >= long.MaxValue / 2 ? long.MaxValue : Math.Max(1, (long)points - _taken[bin].Length);
        }

        public override void Write(ColumnVector vector, int index, LikeColumnModel.Cell cell, LikeColumnModel model) =>
            ((ColumnVector<T>)vector).Values[index] = ValueOf(cell, model);

        public override string? Text(LikeColumnModel.Cell cell, LikeColumnModel model) =>
            Convert.ToString(ValueOf(cell, model), CultureInfo.InvariantCulture);

        private T ValueOf(LikeColumnModel.Cell cell, LikeColumnModel model)
        {
            if (cell.Kind == LikeColumnModel.CellKind.Mcv) return mcv[cell.Index];
            if (bounds.Length == 1 || Layout is null) return make(bounds[0]);
            var slot = Layout.At(cell.Index);
            double lo = bounds[slot.Bin], hi = bounds[slot.Bin + 1];
            if (unit > 0)
            {
                // The bin's grid points (its upper bound only in the last bin), less the MCVs among them: a dense domain
                // (keys 1..N with some as MCVs) keeps its distinct count.
                var points = (long)Math.Floor((hi - lo) / unit + 1e-9) + (slot.Last ? 1 : 0);
                var taken = _taken[slot.Bin];
                var free = points - taken.Length;
                if (free > 0)
                {
                    var g = slot.Last && slot.Count > 1 && free > 1
                        ? (long)Math.Round((double)slot.Index * (free - 1) / (slot.Count - 1))
                        : (long)Math.Floor((double)slot.Index * free / slot.Count);
                    foreach (var m in taken) if (m <= g) g++;
                    return make(lo + g * unit);
                }
            }
            var t = slot.Last ? (slot.Count > 1 ? (double)slot.Index / (slot.Count - 1) : 0) : (double)slot.Index / slot.Count;
            var v = lo + t * (hi - lo);
            return make(v);
        }
    }

    /// <param name="personal">Generated values instead of the source's (personal data): index i of the slots, then the
    /// MCVs after them.</param>
    private sealed class Texts<T>(T[] mcv, T[] bounds, double[] order, Func<long, string?>? personal, int? maxLength) : LikeValues
    {
        public override IReadOnlyList<double> McvOrder => order.Length == mcv.Length ? order : [.. mcv.Select(_ => 0.5)];
        public override bool HasHistogram => bounds.Length > 0;
        protected override int Bins => Math.Max(1, bounds.Length - 1);

        // Without variants (enums, short char(n)) a bin holds its lower bound only (the last also its upper one).
        protected override long Capacity(int bin) => maxLength is { } m && m > 2 ? long.MaxValue : bin == Bins - 1 ? 2 : 1;

        public override void Write(ColumnVector vector, int index, LikeColumnModel.Cell cell, LikeColumnModel model) =>
            ((ColumnVector<T>)vector).Values[index] = ValueOf(cell, model);

        public override string? Text(LikeColumnModel.Cell cell, LikeColumnModel model) =>
            Convert.ToString(ValueOf(cell, model), CultureInfo.InvariantCulture);

        private T ValueOf(LikeColumnModel.Cell cell, LikeColumnModel model)
        {
            if (personal is not null)
            {
                var i = cell.Kind == LikeColumnModel.CellKind.Mcv ? HistogramValues + cell.Index : ValueIndex(cell);
                if (personal(i) is { } p && p is T pt) return pt;
            }
            if (cell.Kind == LikeColumnModel.CellKind.Mcv) return mcv[cell.Index];
            if (bounds.Length == 1 || Layout is null) return bounds[0];
            var slot = Layout.At(cell.Index);
            if (slot.Index == 0) return bounds[slot.Bin];
            if (slot.Last && slot.Index == slot.Count - 1) return bounds[slot.Bin + 1];
            return bounds[slot.Bin] is string lo && maxLength is { } max && Variant(lo, slot.Index, max) is T v ? v : bounds[slot.Bin];
        }

        /// <summary>The bin's lower bound followed by a number: sorts after it, distinct for each index.</summary>
        private static string Variant(string lo, long index, int max)
        {
            var suffix = " " + index.ToString(CultureInfo.InvariantCulture);
            if (suffix.Length >= max) return lo;
            return (lo.Length + suffix.Length <= max ? lo : lo[..(max - suffix.Length)]) + suffix;
        }
    }
}
