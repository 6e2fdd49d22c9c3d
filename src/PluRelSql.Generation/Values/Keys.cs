using PluRelSql.Core;
using PluRelSql.Schema;

namespace PluRelSql.Generation.Values;

/// <summary>How one PRIMARY KEY / UNIQUE constraint gets unique tuples. Each "digit" is either one own column or
/// one whole FK (whose value is a parent row). Either one digit is injective in the row index (the others are
/// drawn freely), or — when no single digit has enough distinct values — the row index goes through a bijection
/// into the product of the digits' domains and is split by divmod, so combinations never repeat.</summary>
internal sealed class KeyLayout
{
    private readonly long[] _domains;
    private readonly int _injective;
    private readonly bool _identity;
    private readonly Permutation _perm;

    private KeyLayout(long[] domains, int injective, bool identity, Permutation perm)
    {
        _domains = domains;
        _injective = injective;
        _identity = identity;
        _perm = perm;
    }

    public bool IsProduct => _injective < 0;
    public int InjectiveDigit => _injective;
    public int DigitCount => _domains.Length;

    /// <summary>One digit maps rows injectively: identity (row itself) or a permutation of [0, permSize).</summary>
    public static KeyLayout Injective(int digitCount, int digit, bool identity, long permSize, CounterRng rng)
    {
        var domains = new long[digitCount];
        return new KeyLayout(domains, digit, identity, identity ? default : new Permutation(Math.Max(permSize, 1), rng));
    }

    public static KeyLayout Product(long[] domains, long rows, CounterRng rng)
    {
        var m = SaturatingProduct(domains);
        if (rows > m) throw new InvalidOperationException($"product space {m} is smaller than {rows} rows");
        return new KeyLayout(domains, -1, false, new Permutation(Math.Max(m, 1), rng));
    }

    public const long MaxSpace = 1L << 62;

    public static long SaturatingProduct(IEnumerable<long> domains)
    {
        long m = 1;
        foreach (var d in domains)
        {
            if (d <= 0) return 0;
            m = m > MaxSpace / d ? MaxSpace : m * d;
        }
        return m;
    }

    /// <summary>The digit's value (an index into the digit's domain) for a row.</summary>
    public long DigitOf(long row, int digit)
    {
        if (_injective >= 0) return _identity ? row : _perm[row];
        var idx = _perm[row];
        for (var j = 0; j < digit; j++) idx /= _domains[j];
        return digit == _domains.Length - 1 ? idx : idx % _domains[digit];
    }
}

/// <summary>Where the rows an FK may point at live: the parent's rows, or only those routed to one partition
/// (row % partitionCount == partitionIndex).</summary>
internal readonly record struct FkTarget(long ParentRows, int PartitionIndex, int PartitionCount)
{
    public long Domain => PartitionCount <= 1 ? ParentRows
        : ParentRows > PartitionIndex ? (ParentRows - PartitionIndex + PartitionCount - 1) / PartitionCount : 0;

    public long Map(long k) => PartitionCount <= 1 ? k : PartitionIndex + k * PartitionCount;
}

/// <summary>Chooses the parent row of each child row for one FK.</summary>
internal sealed class FkLink
{
    /// <summary>Children per parent follow x = ((u + Head)^Skew − Head^Skew) / ((1 + Head)^Skew − Head^Skew), parent
    /// floor(P·x) through a keyed bijection (so heavy parents are spread over the key space): the busiest tenth of the
    /// parents holds about 35 % of the children, with five children per parent on average about 3 % of the parents have
    /// none, and Head keeps the busiest parent near 17 times the mean (u^Skew alone gives parent 0 a share P^−0.4 of
    /// all children: a thousand orders for one customer of two thousand).</summary>
    internal const double Skew = 2.5;

    internal const double Head = 0.1;

    private static readonly double HeadBase = Math.Pow(Head, Skew);
    private static readonly double HeadNorm = Math.Pow(1 + Head, Skew) - HeadBase;

    private readonly IForeignKeyLinker _linker;
    private readonly TableDef _child;
    private readonly CounterRng _rng;
    private readonly CounterRng? _uniform;
    private readonly Permutation _spread;
    private KeyLayout? _layout;
    private int _digit;

    public FkLink(TableDef child, ForeignKey fk, FkTarget target, bool selfReference, bool unique, bool nullable,
        IForeignKeyLinker linker, CounterRng rng)
    {
        Nullable = nullable;
        if (linker is UniformLinker u) _uniform = u.StreamFor(child, fk);
        _child = child;
        Fk = fk;
        Target = target;
        SelfReference = selfReference;
        Unique = unique;
        _linker = linker;
        _rng = rng;
        if (_uniform is not null && !selfReference && target.Domain > 0) _spread = new Permutation(target.Domain, rng.Derive(0x5CE3));
    }

    public ForeignKey Fk { get; }
    public FkTarget Target { get; }
    public bool SelfReference { get; }
    public bool Unique { get; }
    public bool Nullable { get; }

    /// <summary>Makes this FK a digit of a key layout: its parent row is then the digit (mapped into the target).</summary>
    public void UseDigit(KeyLayout layout, int digit)
    {
        _layout = layout;
        _digit = digit;
    }

    public bool IsDigit => _layout is not null;

    /// <summary>True when a CHECK retry may move this FK to another parent row (not for key digits or unique chains).</summary>
    public bool CanRedraw => _layout is null && !(SelfReference && Unique);

    public long ParentRow(long row) => ParentRow(row, 0);

    /// <summary>The parent row; a CHECK retry (attempt &gt; 0) shifts it by a random offset drawn from this FK's own
    /// stream (so two FKs to one parent move independently), which keeps a uniform link uniform.</summary>
    public long ParentRow(long row, int attempt)
    {
        if (SelfReference)
        {
            // Earlier rows only. Row 0 points at itself (its NULL gate makes it NULL when the FK is nullable); a unique
            // NOT NULL self-reference closes the chain on the last row instead, so no two rows share a parent.
            if (row == 0) return Unique && !Nullable ? Math.Max(Target.ParentRows - 1, 0) : 0;
            if (Unique) return row - 1;
            var p = _rng.Below(row, row);
            return attempt == 0 ? p : (p + _rng.Below(row, row, (ulong)attempt)) % row;
        }
        if (_layout is { } l) return Target.Map(l.DigitOf(row, _digit));
        var domain = Target.Domain;
        var k = _uniform is { } u ? Skewed(u.Uniform(row), domain) : _linker.ParentRow(_child, Fk, row, domain);
        if (attempt > 0) k = (k + _rng.Below(row, domain, (ulong)attempt)) % domain;
        return Target.Map(k);
    }

    /// <summary>The v1 engine's parent for a uniform draw <paramref name="u"/>: skewed towards a few parents (see
    /// <see cref="Skew"/>), O(1) and with no per-parent state. Only the default linker is skewed: the PluRel engine's
    /// linker decides its own structure.</summary>
    private long Skewed(double u, long domain)
    {
        if (domain <= 0) return 0; // an empty target: the FK's NULL gate makes the value NULL
        var idx = (long)(domain * ((Math.Pow(u + Head, Skew) - HeadBase) / HeadNorm));
        return _spread[Math.Min(idx, domain - 1)];
    }
}
