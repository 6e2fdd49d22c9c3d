using PluRelSql.Core;
using PluRelSql.Generation.Constraints;

namespace PluRelSql.Generation.Values;

/// <summary>What shapes an event column's draw (see <see cref="EventTimes"/>): growing with the row (a log with a
/// sequence key) and/or after the event column of each parent row its foreign keys point at.</summary>
internal sealed record EventTime(bool Trend, EventParent[] Parents);

/// <summary>One parent's event column as seen through a foreign key: the link picks the parent row, the FK's own
/// NULL gate says when the child has no parent.</summary>
internal sealed record EventParent(FkLink Link, ColumnSlot Parent, NullGate? FkNulls);

/// <summary>An event column: lo + (hi − lo)·g with g = (row + u)/rows for a log (so moments grow with the key) or u
/// otherwise, where lo is the latest of the range start and the parents' moments. A child's moment is therefore never
/// before its parents' (a preference: when a parent's moment lies past the range end, the range start is used, and
/// CHECKs that compare the column still redraw it).</summary>
internal sealed class EventTimeGen<T>(Codec<T> codec, CounterRng rng, UnitRange range, long rows, EventTime ev) : ValueGen<T>
{
    public override T Get(long row, int attempt)
    {
        var u = rng.Uniform(row, Sub(attempt, 9));
        var g = ev.Trend && rows > 0 ? Math.Min((row + u) / rows, 1.0) : u;
        var lo = range.Lo;
        foreach (var p in ev.Parents)
        {
            // The parent the FK column holds in the first draw (a CHECK retry that moves the FK is not followed).
            if (p.FkNulls is { } gate && gate.IsNull(row, 0)) continue;
            var v = p.Parent.ScalarAt(p.Link.ParentRow(row, 0), 0);
            if (v.Kind != Scalar.NumKind) continue;
            var units = (long)Math.Clamp(Math.Ceiling(v.Num / codec.Step - 1e-9), -4e18, 4e18);
            if (units > lo) lo = units;
        }
        if (lo > range.Hi) lo = range.Lo;
        var span = range.Hi - lo + 1;
        return codec.FromUnits(Math.Min(range.Hi, lo + (long)(span * g)));
    }
}
