using System.Collections.Concurrent;
using PluRelSql.Core;
using PluRelSql.Schema;

namespace PluRelSql.Generation;

/// <summary>Chooses which parent row a child row references through a (non-unique) foreign key. Must be a pure
/// function of its arguments (and the linker's own construction parameters), returning a value in [0, parentRows).</summary>
public interface IForeignKeyLinker
{
    long ParentRow(TableDef child, ForeignKey fk, long childRow, long parentRows);
}

/// <summary>Uniform over the parent rows, from a counter-based hash of (seed, child table, FK, child row).</summary>
public sealed class UniformLinker : IForeignKeyLinker
{
    private readonly ulong _seed;
    private readonly ConcurrentDictionary<ForeignKey, CounterRng> _streams = new(ReferenceEqualityComparer.Instance);

    public UniformLinker(ulong seed) => _seed = seed;

    public long ParentRow(TableDef child, ForeignKey fk, long childRow, long parentRows)
    {
        if (parentRows <= 0) throw new ArgumentOutOfRangeException(nameof(parentRows), $"{child.Name}: FK into an empty table");
        return StreamFor(child, fk).Below(childRow, parentRows);
    }

    /// <summary>The stream behind one FK (the generator fetches it once instead of once per row).</summary>
    internal CounterRng StreamFor(TableDef child, ForeignKey fk)
    {
        if (!_streams.TryGetValue(fk, out var rng))
            rng = _streams.GetOrAdd(fk, f => CounterRng.Stream(_seed, CounterRng.Label(child.Name.ToString()),
                CounterRng.Label("fk:" + (f.Name ?? string.Join(",", f.Columns)))));
        return rng;
    }
}
