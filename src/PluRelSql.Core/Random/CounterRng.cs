using System.Runtime.CompilerServices;

namespace PluRelSql.Core;

/// <summary>Counter-based randomness: every draw is a pure function of (stream key, counter), so any row range can be
/// regenerated alone and threads never share state (the TPC-H dbgen idea, with SplitMix64-style mixing).</summary>
public readonly struct CounterRng
{
    private readonly ulong _key;

    public CounterRng(ulong key) => _key = key;

    public ulong Key => _key;

    /// <summary>A stream derived from a root seed and labels (table id, column id, purpose ...).</summary>
    public static CounterRng Stream(ulong seed, params ReadOnlySpan<ulong> labels)
    {
        var k = Mix(seed ^ 0x9E3779B97F4A7C15UL);
        foreach (var l in labels) k = Mix(k ^ Mix(l + 0x632BE59BD9B4E019UL));
        return new CounterRng(k);
    }

    /// <summary>A stream keyed by a string label (stable across runs: FNV-1a, not string.GetHashCode).</summary>
    public static ulong Label(string text)
    {
        ulong h = 14695981039346656037UL;
        foreach (var c in text) { h ^= c; h *= 1099511628211UL; }
        return h;
    }

    public CounterRng Derive(ulong label) => new(Mix(_key ^ Mix(label + 0xD1B54A32D192ED03UL)));

    /// <summary>64 random bits for counter <paramref name="i"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Bits(ulong i) => Mix(_key + (i + 1) * 0x9E3779B97F4A7C15UL);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Bits(long i, ulong sub) => SubBits(Bits((ulong)i), sub);

    /// <summary><see cref="Bits(long, ulong)"/> from a precomputed <c>Bits((ulong)i)</c>: many sub-streams of one row
    /// hash the row once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong SubBits(ulong rowBits, ulong sub) => Mix(rowBits ^ (sub * 0xBF58476D1CE4E5B9UL));

    /// <summary>Uniform double in [0, 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Uniform(long i, ulong sub = 0) => ToUnit(Bits(i, sub));

    /// <summary>64 random bits → uniform double in [0, 1) (the top 53 bits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ToUnit(ulong bits) => (bits >> 11) * (1.0 / (1UL << 53));

    /// <summary>64 random bits → uniform integer in [0, n) (Lemire's multiply-shift).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long ToBelow(ulong bits, long n) => (long)Math.BigMul(bits, (ulong)n, out _);

    /// <summary>Uniform integer in [0, n) (Lemire's multiply-shift; bias below 2^-64·n, irrelevant here).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Below(long i, long n, ulong sub = 0) => ToBelow(Bits(i, sub), n);

    /// <summary>Standard normal (Box–Muller from two counters).</summary>
    public double Normal(long i, ulong sub = 0)
    {
        var u1 = 1.0 - Uniform(i, sub * 2 + 1);
        var u2 = Uniform(i, sub * 2 + 2);
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

/// <summary>A keyed bijection on [0, n): used for unique values and 1:1 foreign keys that look random but never
/// repeat. Cycle-walking over a 4-round Feistel network on the next power of two.</summary>
public readonly struct Permutation
{
    private readonly long _n;
    private readonly int _halfBits;
    private readonly ulong _mask;
    private readonly CounterRng _rng;

    public Permutation(long n, CounterRng rng)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n));
        _n = n;
        var bits = 64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)Math.Max(n - 1, 1));
        if (bits % 2 == 1) bits++;
        _halfBits = Math.Max(bits / 2, 1);
        _mask = (1UL << _halfBits) - 1;
        _rng = rng;
    }

    public long Size => _n;

    public long this[long i]
    {
        get
        {
            if ((ulong)i >= (ulong)_n) throw new ArgumentOutOfRangeException(nameof(i));
            var x = (ulong)i;
            do x = Round(x); while (x >= (ulong)_n);
            return (long)x;
        }
    }

    private ulong Round(ulong x)
    {
        var l = x >> _halfBits;
        var r = x & _mask;
        for (ulong round = 0; round < 4; round++)
        {
            var f = _rng.Bits(r * 4 + round) & _mask;
            (l, r) = (r, l ^ f);
        }
        return (l << _halfBits) | r;
    }
}
