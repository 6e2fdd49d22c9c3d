using PluRelSql.Core;

namespace PluRelSql.Tokenization;

/// <summary>Which rows' cells are held out for evaluation: a pure keyed hash of (seed, database, table, row key), so the
/// same rows are held out in every run, whatever the load order or the other tables. The row key is
/// <see cref="RelationalSnapshot.NodeKey"/>: the hash of the primary key's text, or of the row's content when the
/// table has no primary key (docs/model.md §2.2).</summary>
public static class HeldOutRows
{
    /// <summary>True when the row is held out: its hash, as a uniform number in [0, 1), is below <paramref name="fraction"/>.</summary>
    public static bool IsHeldOut(string database, string table, ulong rowKey, double fraction, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(table);
        if (fraction <= 0) return false;
        if (fraction >= 1) return true;
        var rng = CounterRng.Stream(seed, CounterRng.Label(database), CounterRng.Label(table));
        return CounterRng.ToUnit(rng.Bits(rowKey)) < fraction;
    }

    /// <summary>The row key of a primary key's text (FNV-1a, stable across runs).</summary>
    public static ulong KeyOf(string keyText) => CounterRng.Mix(CounterRng.Label(keyText));
}

/// <summary>A held-out rule: the share of each table's rows whose cells are evaluated, and the seed of the hash.</summary>
public sealed record HeldOutRule(double Fraction, ulong Seed)
{
    /// <summary>The rule <c>plurel eval</c> and <c>finetune</c> use unless told otherwise: 20 % of the rows of each table.</summary>
    public static HeldOutRule Default { get; } = new(0.2, 0x4E1D_0007UL);

    public bool IsHeldOut(RelationalSnapshot db, int node)
    {
        ArgumentNullException.ThrowIfNull(db);
        return HeldOutRows.IsHeldOut(db.Name, db.Tables[db.NodeTable[node]].Name.Name, db.RowKey(node), Fraction, Seed);
    }
}

/// <summary>Which target cells a sampler draws, under its <see cref="SamplerOptions.HeldOut"/> rule.</summary>
public enum TargetFilter
{
    /// <summary>Every target cell (pretraining on synthetic databases; no rule needed).</summary>
    All,
    /// <summary>Only the target cells of held-out rows (evaluation).</summary>
    HeldOutOnly,
    /// <summary>Only the target cells of other rows (fine-tuning, training from scratch on a real target); the
    /// held-out rows' target cells are also dropped from every context, so they are never seen, as label or input.</summary>
    ExcludeHeldOut,
}
