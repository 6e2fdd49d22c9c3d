using System.Text;
using Bogus;
using PluRelSql.Core;
using PluRelSql.Schema;

namespace PluRelSql.Generation.Values;

/// <summary>One person of a row: every name, email and username column of the row reads its part, so they agree.</summary>
internal sealed record Person(string Given, string Family, string Prefix, string Gender, string Email, string Username);

/// <summary>One address of a row: street, city, region, postal code, country, and three phone numbers of its country
/// (a phone, a fax and a mobile column of one row differ but share the country's format).</summary>
internal sealed record Address(Locales.Country Country, string Street, string City, string Region, string RegionAbbr, string Postal, string[] Phones)
{
    /// <summary>Which of the address's numbers a column holds: fax 1, mobile/cell 2, any other 0.</summary>
    public static int PhoneIndex(string column)
    {
        var parts = ColumnSemantics.SplitName(column);
        return parts.Contains("fax") ? 1 : parts.Any(p => p is "mobile" or "cell" or "cellphone") ? 2 : 0;
    }
}

/// <summary>A lazily fetched pool of entities (shared content, see Fakers.Shared); a row picks entry Below(row) of
/// the group's own stream, so every column of a group that asks for the same (row, attempt 0) gets the same entity.</summary>
internal sealed class EntityPool<T>(CounterRng rng, Func<T[]> content)
{
    private readonly Lazy<T[]> _pool = new(content, LazyThreadSafetyMode.ExecutionAndPublication);

    public T this[long row, int attempt]
    {
        get
        {
            var p = _pool.Value;
            return p[rng.Below(row, p.Length, (ulong)attempt)];
        }
    }

    public T[] All => _pool.Value;
}

/// <summary>The person and address entities of one table (per seed and locale), and which group each column joins.
/// Address columns group by what their name has besides the address word (ship_city and ship_country are one
/// address, city and country another); phones join the address of their prefix, else the table's plain one.</summary>
internal sealed class RowEntities
{
    private const int PersonPool = 4096;
    private const int AddressPool = 2048;
    private static readonly HashSet<string> AddressWords = new(StringComparer.Ordinal)
    {
        "address", "addr", "street", "line", "line1", "line2", "1", "2", "city", "town", "region", "state", "province",
        "county", "district", "prefecture", "suburb", "locality", "neighborhood", "neighbourhood", "area", "postal",
        "postcode", "postalcode", "zip", "zipcode", "code", "country", "nation", "ctry", "iso", "name",
        "phone", "tel", "telephone", "fax", "mobile", "cell", "number", "no", "num",
    };

    private readonly TableDef _table;
    private readonly ulong _seed;
    private readonly string _locale;
    private readonly Dictionary<string, EntityPool<Address>> _addresses = new(StringComparer.Ordinal);
    private readonly Lazy<EntityPool<Person>> _person;
    private readonly HashSet<string> _addressGroups;

    public RowEntities(TableDef table, ulong seed, string locale, IReadOnlyDictionary<string, ColumnMeaning> meanings)
    {
        _table = table;
        _seed = seed;
        _locale = locale;
        _addressGroups = meanings.Where(m => IsAddress(m.Value.Kind)).Select(m => GroupOf(m.Key)).ToHashSet(StringComparer.Ordinal);
        _person = new(() => new EntityPool<Person>(Stream("person"), () => Fakers.Shared("person|" + _locale, r => People(r, _locale, PersonPool))));
    }

    public static bool IsAddress(SemanticKind k) => k is SemanticKind.StreetAddress or SemanticKind.City or SemanticKind.Region
        or SemanticKind.PostalCode or SemanticKind.Country or SemanticKind.CountryCode;

    public static bool IsPerson(SemanticKind k) => k is SemanticKind.GivenName or SemanticKind.FamilyName or SemanticKind.FullName
        or SemanticKind.NamePrefix or SemanticKind.Gender or SemanticKind.Username or SemanticKind.Email;

    /// <summary>A column's address group: its name parts less the address words ("ship_postal_code" → "ship").</summary>
    public static string GroupOf(string column) =>
        string.Join('_', ColumnSemantics.SplitName(column).Where(p => !AddressWords.Contains(p)));

    private CounterRng Stream(string purpose) =>
        CounterRng.Stream(_seed, CounterRng.Label(_table.Name.ToString()), CounterRng.Label("entity:" + purpose));

    public EntityPool<Person> Person => _person.Value;

    /// <summary>The address a column reads: its own group's, else (a phone, a lone country code) the table's plain one.</summary>
    public EntityPool<Address> AddressOf(string column)
    {
        var g = GroupOf(column);
        if (!_addressGroups.Contains(g))
            g = _addressGroups.Contains("") ? "" : _addressGroups.Order(StringComparer.Ordinal).FirstOrDefault() ?? g;
        // A table with phones but no address (shippers: name and phone) lists numbers of the locale's own country.
        var homeOnly = _addressGroups.Count == 0;
        lock (_addresses)
        {
            if (!_addresses.TryGetValue(g, out var pool))
                _addresses[g] = pool = new EntityPool<Address>(Stream("address:" + g), () => homeOnly
                    ? Fakers.Shared("address-home|" + _locale, r => Addresses(r, _locale, AddressPool, homeOnly: true))
                    : Fakers.Shared("address|" + _locale, r => Addresses(r, _locale, AddressPool)));
            return pool;
        }
    }

    private static Person[] People(CounterRng rng, string locale, int n) => Fakers.Pool(rng, locale, n, (f, _) =>
    {
        var gender = f.Random.Bool() ? Bogus.DataSets.Name.Gender.Female : Bogus.DataSets.Name.Gender.Male;
        var given = f.Name.FirstName(gender);
        var family = f.Name.LastName(gender);
        var g = Ascii(given);
        var fam = Ascii(family);
        // Mostly letters only (mary@, msmith@, marysmith@), as company and personal addresses usually are.
        var email = (f.Random.Int(0, 9) switch
        {
            < 3 => g + "." + fam,
            < 6 => g[..1] + fam,
            < 8 => g,
            8 => g + fam,
            _ => g + "." + fam + f.Random.Int(1, 99).ToString(System.Globalization.CultureInfo.InvariantCulture),
        }) + "@" + Provider(f.Internet.Email(g, fam));
        var user = f.Random.Bool()
            ? g[..1] + fam + f.Random.Int(1, 99).ToString(System.Globalization.CultureInfo.InvariantCulture)
            : g + "." + fam;
        return new Person(given, family, f.Name.Prefix(gender), gender == Bogus.DataSets.Name.Gender.Female ? "F" : "M", email, user);
    });

    private static Address[] Addresses(CounterRng rng, string locale, int n, bool homeOnly = false)
    {
        var home = Locales.HomeOf(locale);
        var countries = Locales.Countries;
        // Half the addresses in the locale's own country, the rest spread over the other listed ones.
        var fakers = countries.Select(c => c.Locale).ToArray();
        return Fakers.Pool(rng, fakers, n, (all, _) =>
        {
            var pick = all[0].Random;
            var ci = home is not null && (homeOnly || pick.Bool()) ? Array.IndexOf(countries, home) : pick.Int(0, countries.Length - 1);
            var f = all[ci];
            var c = countries[ci];
            var city = f.Address.City();
            // Bogus falls back to en (US states) where a locale has none of its own (de_CH, en_GB): use the locale's
            // counties there, else its city, never another country's states.
            var ownState = Bogus.Database.HasKey("address", "state", c.Locale, null!);
            var region = ownState ? f.Address.State()
                : Bogus.Database.HasKey("address", "county", c.Locale, null!) ? f.Address.County() : city;
            var abbr = ownState && Bogus.Database.HasKey("address", "state_abbr", c.Locale, null!) ? f.Address.StateAbbr() : "";
            // Some locales have no states (or no abbreviations): the city stands in, as real data often does.
            if (string.IsNullOrWhiteSpace(region)) region = city;
            if (string.IsNullOrWhiteSpace(abbr)) abbr = RowEntities.Ascii(region).ToUpperInvariant()[..Math.Min(3, RowEntities.Ascii(region).Length)];
            return new Address(c, f.Address.StreetAddress(), city, region, abbr, f.Address.ZipCode(),
                [Realistic.NationalPhone(f), Realistic.NationalPhone(f), Realistic.NationalPhone(f)]);
        });
    }

    private static string Provider(string email) => email[(email.IndexOf('@', StringComparison.Ordinal) + 1)..];

    /// <summary>Lower-case ASCII letters of a name (for emails and usernames: "José" → "jose").</summary>
    public static string Ascii(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var ch in s.Normalize(NormalizationForm.FormD))
        {
            if (ch < 128 && char.IsLetterOrDigit(ch)) sb.Append(char.ToLowerInvariant(ch));
        }
        return sb.Length > 0 ? sb.ToString() : "user";
    }
}
