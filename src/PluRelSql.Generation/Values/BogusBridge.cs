using Bogus;
using PluRelSql.Core;

namespace PluRelSql.Generation.Values;

/// <summary>A <see cref="Random"/> whose every output is CounterRng(key, entry, draw#): Bogus drawing from it makes
/// pool entry i a pure function of (key, i), whatever thread builds the pool and in what order.</summary>
internal sealed class CounterRandom(CounterRng rng) : Random
{
    private long _entry;
    private ulong _draw;

    /// <summary>Starts entry <paramref name="entry"/>: the draws that follow are that entry's own.</summary>
    public void Reset(long entry)
    {
        _entry = entry;
        _draw = 0;
    }

    private ulong NextBits() => rng.Bits(_entry, _draw++);

    protected override double Sample() => CounterRng.ToUnit(NextBits());

    public override double NextDouble() => Sample();

    public override float NextSingle() => (float)(NextBits() >> 40) * (1f / (1 << 24));

    public override int Next() => (int)CounterRng.ToBelow(NextBits(), int.MaxValue);

    public override int Next(int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxValue);
        return maxValue == 0 ? 0 : (int)CounterRng.ToBelow(NextBits(), maxValue);
    }

    public override int Next(int minValue, int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minValue, maxValue);
        var span = (long)maxValue - minValue;
        return span == 0 ? minValue : (int)(minValue + CounterRng.ToBelow(NextBits(), span));
    }

    public override long NextInt64() => CounterRng.ToBelow(NextBits(), long.MaxValue);

    public override long NextInt64(long maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxValue);
        return maxValue == 0 ? 0 : CounterRng.ToBelow(NextBits(), maxValue);
    }

    public override long NextInt64(long minValue, long maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minValue, maxValue);
        var span = (ulong)(maxValue - minValue);
        return span == 0 ? minValue : minValue + (long)Math.BigMul(NextBits(), span, out _);
    }

    public override void NextBytes(byte[] buffer) => NextBytes(buffer.AsSpan());

    public override void NextBytes(Span<byte> buffer)
    {
        for (var i = 0; i < buffer.Length; i += 8)
        {
            var b = NextBits();
            for (var j = i; j < Math.Min(i + 8, buffer.Length); j++, b >>= 8) buffer[j] = (byte)b;
        }
    }
}

/// <summary>Bogus's randomizer over a <see cref="CounterRandom"/> (never the global Randomizer.Seed).</summary>
internal sealed class CounterRandomizer : Randomizer
{
    public CounterRandomizer(CounterRandom random) : base(0) => localSeed = random;
}

/// <summary>The locales Bogus knows and the country each stands for (addresses and phones of a row share one).</summary>
public static class Locales
{
    public const string Default = "en";

    /// <summary>Every locale code Bogus serves, sorted (for the usage error of an unknown <c>--locale</c>).</summary>
    public static IReadOnlyList<string> All { get; } = [.. Bogus.Database.GetAllLocales().Order(StringComparer.Ordinal)];

    public static bool IsKnown(string locale) => All.Contains(locale, StringComparer.Ordinal);

    /// <summary>A country whose addresses and phone numbers Bogus writes in <see cref="Locale"/>.</summary>
    internal sealed record Country(string Locale, string Name, string Iso2, string Iso3, string Currency, string Language);

    /// <summary>Latin-script locales with a country of their own (the mix of an address column: the home country of
    /// the chosen locale about half the time, the others for the rest, as in a customer list of a trading company).</summary>
    internal static readonly Country[] Countries =
    [
        new("en_US", "USA", "US", "USA", "USD", "en"),
        new("en_GB", "UK", "GB", "GBR", "GBP", "en"),
        new("de", "Germany", "DE", "DEU", "EUR", "de"),
        new("fr", "France", "FR", "FRA", "EUR", "fr"),
        new("es", "Spain", "ES", "ESP", "EUR", "es"),
        new("it", "Italy", "IT", "ITA", "EUR", "it"),
        new("pt_BR", "Brazil", "BR", "BRA", "BRL", "pt"),
        new("en_CA", "Canada", "CA", "CAN", "CAD", "en"),
        new("nl", "Netherlands", "NL", "NLD", "EUR", "nl"),
        new("sv", "Sweden", "SE", "SWE", "SEK", "sv"),
        new("pl", "Poland", "PL", "POL", "PLN", "pl"),
        new("en_AU", "Australia", "AU", "AUS", "AUD", "en"),
        new("de_AT", "Austria", "AT", "AUT", "EUR", "de"),
        new("de_CH", "Switzerland", "CH", "CHE", "CHF", "de"),
        new("en_IE", "Ireland", "IE", "IRL", "EUR", "en"),
        new("nb_NO", "Norway", "NO", "NOR", "NOK", "nb"),
        new("fi", "Finland", "FI", "FIN", "EUR", "fi"),
        new("es_MX", "Mexico", "MX", "MEX", "MXN", "es"),
    ];

    /// <summary>The home country of a locale ("de_AT" → Austria, "de" → Germany, "en" → USA); null when none is listed.</summary>
    internal static Country? HomeOf(string locale) =>
        Countries.FirstOrDefault(c => c.Locale == locale)
        ?? Countries.FirstOrDefault(c => c.Locale.Split('_')[0] == locale.Split('_')[0]);
}

/// <summary>Builds pools with Bogus: entry i of a pool is a pure function of (key, i).</summary>
internal static class Fakers
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<object>> SharedPools = new(StringComparer.Ordinal);

    /// <summary>A pool whose content depends only on <paramref name="name"/> (kind, locale, lengths), built once per
    /// process and shared by every column and seed that asks for it: which entry a row takes comes from the
    /// column's own stream, so sharing the content keeps every cell a pure function of (seed, table, row, column)
    /// while Bogus's cost (2–40 µs a value, under a global lock) is paid once, not per column per run.</summary>
    public static T[] Shared<T>(string name, Func<CounterRng, T[]> build) =>
        (T[])SharedPools.GetOrAdd(name, n => new Lazy<object>(() => build(new CounterRng(CounterRng.Label(n))), LazyThreadSafetyMode.ExecutionAndPublication)).Value;

    /// <summary><paramref name="size"/> entries of <paramref name="make"/>(faker, i), each drawn from its own counter
    /// stream. A fresh Faker per call: Bogus datasets hold their randomizer, so pools never share one.</summary>
    public static T[] Pool<T>(CounterRng key, string locale, int size, Func<Faker, int, T> make)
    {
        var random = new CounterRandom(key);
        var faker = new Faker(locale) { Random = new CounterRandomizer(random) };
        var pool = new T[size];
        for (var i = 0; i < size; i++)
        {
            random.Reset(i);
            pool[i] = make(faker, i);
        }
        return pool;
    }

    /// <summary>One Faker per locale, all on the same counter stream (entry i resets it once for all of them).</summary>
    public static T[] Pool<T>(CounterRng key, IReadOnlyList<string> locales, int size, Func<Faker[], int, T> make)
    {
        var random = new CounterRandom(key);
        var fakers = locales.Select(l => new Faker(l) { Random = new CounterRandomizer(random) }).ToArray();
        var pool = new T[size];
        for (var i = 0; i < size; i++)
        {
            random.Reset(i);
            pool[i] = make(fakers, i);
        }
        return pool;
    }
}
