using System.Globalization;
using System.Text;
using Bogus;
using PluRelSql.Core;
using PluRelSql.Schema;

namespace PluRelSql.Generation.Values;

/// <summary>What a text value of each <see cref="SemanticKind"/> looks like, from Bogus's locale data. Values come
/// from lazily built pools (entry i a pure function of (column, i)) or from the row's person/address entity, and
/// always fit the column's length: a shorter value is preferred to a cut one, and a cut falls between words.</summary>
internal static class Realistic
{
    private const int PoolSize = 2048;

    private static readonly string[] LanguageCodes =
        ["en", "de", "fr", "es", "it", "pt", "nl", "sv", "pl", "ja", "zh", "ru", "ar", "ko", "tr", "da", "fi", "nb", "cs", "el", "hi", "he"];

    /// <summary>A free (non-unique) generator for a string column of the given meaning.</summary>
    public static ValueGen<string> Free(ColumnContext ctx, int minLen, int maxLen)
    {
        var kind = ctx.Meaning.Kind;
        var col = ctx.Column.Name;
        if (ctx.Entities is { } ents && RowEntities.IsPerson(kind))
        {
            Func<Person, string> part = kind switch
            {
                SemanticKind.GivenName => p => p.Given,
                SemanticKind.FamilyName => p => p.Family,
                SemanticKind.NamePrefix => p => p.Prefix,
                SemanticKind.Gender => p => maxLen >= 6 ? (p.Gender == "F" ? "female" : "male") : p.Gender,
                SemanticKind.Username => p => p.Username,
                SemanticKind.Email => p => p.Email,
                _ => p => p.Given + " " + p.Family,
            };
            return new EntityGen<Person>(ents.Person, part, minLen, maxLen);
        }
        if (ctx.Entities is { } e2 && (RowEntities.IsAddress(kind) || kind == SemanticKind.Phone))
        {
            Func<Address, string> part = kind switch
            {
                SemanticKind.StreetAddress => a => a.Street,
                SemanticKind.City => a => a.City,
                SemanticKind.Region => a => maxLen < a.Region.Length || maxLen <= 3 ? a.RegionAbbr : a.Region,
                SemanticKind.PostalCode => a => a.Postal,
                SemanticKind.Phone => a => a.Phones[Address.PhoneIndex(col)],
                SemanticKind.CountryCode => a => maxLen == 3 ? a.Country.Iso3 : a.Country.Iso2,
                _ => a => maxLen >= a.Country.Name.Length ? a.Country.Name : maxLen >= 3 ? a.Country.Iso3 : a.Country.Iso2,
            };
            return new EntityGen<Address>(e2.AddressOf(col), part, minLen, maxLen);
        }
        var pool = new Lazy<string[]>(() => Pool(ctx, minLen, maxLen), LazyThreadSafetyMode.ExecutionAndPublication);
        return new PoolGen<string>(ctx.Rng, PoolSize, i => pool.Value[i]);
    }

    /// <summary>True when the kind has a maker here (other kinds keep the generic text of their type).</summary>
    public static bool Handles(SemanticKind kind) => kind is not (SemanticKind.Id or SemanticKind.ForeignKey or SemanticKind.Json
        or SemanticKind.Flag or SemanticKind.Enumerated);

    private static string[] Pool(ColumnContext ctx, int minLen, int maxLen)
    {
        var kind = ctx.Meaning.Kind;
        var locale = ctx.Locale;
        return Fakers.Shared($"text|{kind}|{locale}|{minLen}|{maxLen}", key => Fakers.Pool(key, locale, PoolSize, (f, _) =>
        {
            var make = Maker(kind, locale, maxLen);
            // A few tries for a value that fits whole; else the shortest one, cut between words.
            string? best = null;
            for (var t = 0; t < 6; t++)
            {
                var v = make(f);
                if (v.Length <= maxLen) return Fit(v, minLen, maxLen);
                if (best is null || v.Length < best.Length) best = v;
            }
            return Fit(best!, minLen, maxLen);
        }));
    }

    private static bool English(string locale) => locale.StartsWith("en", StringComparison.Ordinal);

    /// <summary>One value of the kind (not yet fitted).</summary>
    public static Func<Faker, string> Maker(SemanticKind kind, string locale, int maxLen)
    {
        var en = English(locale);
        return kind switch
        {
            SemanticKind.GivenName => f => f.Name.FirstName(),
            SemanticKind.FamilyName => f => f.Name.LastName(),
            SemanticKind.FullName => f => f.Name.FullName(),
            SemanticKind.NamePrefix => f => f.Name.Prefix(),
            SemanticKind.Gender => f => maxLen >= 6 ? f.PickRandom("female", "male") : f.PickRandom("F", "M"),
            SemanticKind.Username => f => f.Internet.UserName(),
            SemanticKind.Email => f => f.Internet.Email().ToLowerInvariant(),
            SemanticKind.Password => f => f.Internet.Password(Math.Clamp(maxLen, 8, 16)),
            SemanticKind.Phone => f => NationalPhone(f),
            SemanticKind.PhoneExtension => f => f.Random.Int(10, maxLen >= 4 ? 9999 : maxLen == 3 ? 999 : 99).ToString(CultureInfo.InvariantCulture),
            SemanticKind.StreetAddress => f => f.Address.StreetAddress(),
            SemanticKind.City => f => f.Address.City(),
            SemanticKind.Region => f => maxLen <= 3 ? f.Address.StateAbbr() : f.Address.State(),
            SemanticKind.PostalCode => f => f.Address.ZipCode(),
            SemanticKind.Country => f => f.PickRandom(Locales.Countries) is var c && maxLen >= c.Name.Length ? c.Name : maxLen >= 3 ? c.Iso3 : c.Iso2,
            SemanticKind.CountryCode => f => f.PickRandom(Locales.Countries) is var c && maxLen == 3 ? c.Iso3 : c.Iso2,
            SemanticKind.CurrencyCode => f => f.Finance.Currency().Code,
            SemanticKind.LanguageCode => f => f.PickRandom(LanguageCodes),
            SemanticKind.TimeZone => f => f.Date.TimeZoneString(),
            SemanticKind.Locale => f => f.PickRandom(Locales.Countries).Locale,
            SemanticKind.CompanyName => f => Company(f),
            SemanticKind.ProductName => f => f.Commerce.ProductName(),
            SemanticKind.JobTitle => f => f.Name.JobTitle(),
            SemanticKind.Department => f => f.Commerce.Department(1),
            SemanticKind.Category => f => f.Commerce.Categories(1)[0],
            SemanticKind.Colour => f => f.Commerce.Color(),
            SemanticKind.Code => f => Code(f, maxLen),
            SemanticKind.Url => f => f.Internet.UrlWithPath(),
            SemanticKind.Domain => f => f.Internet.DomainName(),
            SemanticKind.IpAddress => f => f.Internet.Ip(),
            SemanticKind.MacAddress => f => f.Internet.Mac(),
            SemanticKind.FilePath => f => f.System.FilePath(),
            SemanticKind.FileName => f => f.System.FileName(),
            SemanticKind.MimeType => f => f.System.MimeType(),
            SemanticKind.UserAgent => f => f.Internet.UserAgent(),
            SemanticKind.Hash => f => f.Random.Hash(maxLen >= 64 ? 64 : maxLen >= 40 ? 40 : maxLen >= 32 ? 32 : Math.Max(maxLen, 1)),
            // A generic name (artist, element, playlist): mostly one or two capitalised words.
            SemanticKind.Name => f => Words(f, en, f.Random.WeightedRandom([1, 2, 3], [0.6f, 0.3f, 0.1f])),
            // A title (album, track, film): one to five words, no punctuation.
            SemanticKind.Title => f => Words(f, en, f.Random.WeightedRandom([1, 2, 3, 4, 5], [0.15f, 0.3f, 0.25f, 0.18f, 0.12f])),
            SemanticKind.Word => en ? f => f.Commerce.ProductAdjective().ToLowerInvariant() : f => f.Lorem.Word(),
            _ => f => Cap(Sentences(f, en, maxLen)),
        };
    }

    /// <summary>Free text: sentences whose length suits the column (a review or a description where there is room,
    /// a catch phrase or short lorem sentence where there is not).</summary>
    private static string Sentences(Faker f, bool en, int maxLen)
    {
        // Unbounded text (notes, bio, description as text): a paragraph of a few sentences, as people write them.
        if (maxLen == int.MaxValue) return en ? Paragraph(f) : f.Lorem.Sentences(f.Random.Int(2, 5), " ");
        // A short varchar is a label, not a sentence (region_description varchar(60) holds "Eastern").
        if (maxLen <= 60) return Words(f, en, f.Random.WeightedRandom([1, 2, 3], [0.5f, 0.35f, 0.15f]));
        if (maxLen >= 400) return en ? (f.Random.Bool() ? f.Rant.Review() : f.Commerce.ProductDescription()) : f.Lorem.Sentences(f.Random.Int(2, 5), " ");
        if (maxLen >= 120) return en ? f.Commerce.ProductDescription() : f.Lorem.Sentence(f.Random.Int(6, 14));
        if (maxLen >= 30) return en ? f.Company.CatchPhrase() + "." : f.Lorem.Sentence(f.Random.Int(3, 6));
        return en ? Cap(f.Hacker.Adjective()) + " " + f.Hacker.Noun() : f.Lorem.Sentence(2);
    }

    /// <summary>A code of the declared width: upper-case letters for a short one ("ALFKI"), letters then digits ("QX48213") when longer.</summary>
    private static string Code(Faker f, int maxLen)
    {
        const string letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        if (maxLen <= 6) return f.Random.String2(Math.Max(maxLen, 1), letters);
        // Letters then digits ("C85", "QX48213"), as cabin numbers, SKUs and tickets are often written.
        return f.Random.String2(f.Random.Int(1, 3), letters) + f.Random.String2(f.Random.Int(2, Math.Min(maxLen - 3, 6)), "0123456789");
    }

    /// <summary>A national phone number: the country's own format without the +CC prefix or an extension (databases
    /// that hold one country's numbers mostly store them so; "(503) 555-7555", "030-0074321").</summary>
    public static string NationalPhone(Faker f)
    {
        // North America writes (AAA) BBB-CCCC; Bogus mixes in dotted and 1- forms that few databases hold.
        if (f.Locale is "en" or "en_US" or "en_CA") return f.Phone.PhoneNumber("(!##) !##-####");
        for (var i = 0; i < 6; i++)
        {
            var s = f.Phone.PhoneNumber();
            var x = s.IndexOf(" x", StringComparison.Ordinal);
            if (x > 0) s = s[..x];
            if (s.StartsWith('+') || s.StartsWith("1-", StringComparison.Ordinal)) continue;
            return s;
        }
        return f.Phone.PhoneNumber("(###) ###-####");
    }

    /// <summary>A company name of the shapes real ones have: "Blick Inc", "Ernst Handel", "Mohr and Hammes".</summary>
    private static string Company(Faker f) => f.Random.Int(0, 9) switch
    {
        < 6 => f.Name.LastName() + " " + f.Company.CompanySuffix(),
        < 9 => f.Name.LastName() + " " + f.Commerce.Department(1),
        _ => f.Name.LastName() + " and " + f.Name.LastName(),
    };

    /// <summary>n capitalised words, letters only.</summary>
    private static string Words(Faker f, bool en, int n)
    {
        var words = new List<string>(n);
        while (words.Count < n)
        {
            var w = en
                ? f.Random.Int(0, 3) switch
                {
                    0 => f.Hacker.Adjective(),
                    1 => f.Hacker.Noun(),
                    2 => f.Commerce.ProductAdjective(),
                    _ => f.Commerce.ProductMaterial(),
                }
                : f.Lorem.Word();
            foreach (var part in w.Split([' ', '-'], StringSplitOptions.RemoveEmptyEntries))
                if (words.Count < n && part.All(char.IsLetter)) words.Add(Cap(part));
        }
        return string.Join(' ', words);
    }

    /// <summary>Two to five English sentences (~250 characters on average).</summary>
    private static string Paragraph(Faker f)
    {
        var n = f.Random.Int(2, 5);
        var parts = new List<string>(n);
        for (var i = 0; i < n; i++)
            parts.Add(f.Random.Int(0, 2) switch
            {
                0 => f.Commerce.ProductDescription(),
                1 => Cap(f.Company.CatchPhrase()) + ".",
                _ => Cap(f.Hacker.Phrase()),
            });
        return string.Join(' ', parts);
    }

    public static string Cap(string w) => w.Length == 0 ? w : char.ToUpperInvariant(w[0]) + w[1..];

    private static string TitleCase(string s) => string.Join(' ', s.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Cap));

    /// <summary>Fits a value into [minLen, maxLen]: too long is cut at the last word boundary that leaves at least
    /// half the room (else hard), too short is padded with letters.</summary>
    public static string Fit(string s, int minLen, int maxLen)
    {
        if (s.Length > maxLen)
        {
            var cut = s.LastIndexOf(' ', Math.Min(maxLen, s.Length - 1));
            s = cut >= Math.Max(1, maxLen / 2) ? s[..cut].TrimEnd(' ', ',', ';', ':', '-') : s[..maxLen].TrimEnd(' ');
        }
        if (s.Length < minLen) s = s.PadRight(minLen, 'x');
        return s.Length > maxLen ? s[..maxLen] : s;
    }

    /// <summary>Decorations for unique values of the kind: up to 256 realistic values, each followed by a separator,
    /// that a fixed-width code then makes unique. Emails put the code before the '@'.</summary>
    public static (string[] Prefixes, string Suffix) Decorations(ColumnContext ctx)
    {
        var kind = ctx.Meaning.Kind;
        if (!Handles(kind) || kind is SemanticKind.Code or SemanticKind.Hash) return ([], "");
        if (kind == SemanticKind.Email)
        {
            var locale = ctx.Locale;
            var people = Fakers.Shared("deco|email|" + locale, key => Fakers.Pool(key, locale, 256, (f, _) =>
                RowEntities.Ascii(f.Name.FirstName()) + "." + RowEntities.Ascii(f.Name.LastName()) + "."));
            return (people, "@example.com");
        }
        var loc = ctx.Locale;
        var values = Fakers.Shared($"deco|{kind}|{loc}", key => Fakers.Pool(key, loc, 256, (f, _) => Maker(kind, loc, 40)(f)));
        var sep = kind is SemanticKind.Username or SemanticKind.Url or SemanticKind.Domain or SemanticKind.FilePath
            or SemanticKind.FileName or SemanticKind.IpAddress or SemanticKind.MacAddress ? "-" : " ";
        return (values.Select(v => v + sep).ToArray(), "");
    }

    /// <summary>A JSON object with keys fixed per column (chosen once from the column's stream) and values per row.</summary>
    public static ValueGen<string> Json(ColumnContext ctx)
    {
        var pool = new Lazy<string[]>(() =>
        {
            var keyFaker = Fakers.Pool(ctx.Rng.Derive(0x9006), "en", 1, (f, _) =>
            {
                var names = f.Random.Shuffle(new[] { "name", "color", "size", "weight", "active", "tags", "rating", "source", "count", "label" })
                    .Take(f.Random.Int(3, 5)).ToArray();
                return names;
            })[0];
            return Fakers.Pool(ctx.Rng.Derive(0x9007), ctx.Locale, PoolSize, (f, _) =>
            {
                var sb = new StringBuilder("{");
                for (var i = 0; i < keyFaker.Length; i++)
                {
                    if (i > 0) sb.Append(", ");
                    sb.Append('"').Append(keyFaker[i]).Append("\": ");
                    switch (keyFaker[i])
                    {
                        case "active": sb.Append(f.Random.Bool() ? "true" : "false"); break;
                        case "count" or "size": sb.Append(f.Random.Int(1, 100).ToString(CultureInfo.InvariantCulture)); break;
                        case "weight" or "rating": sb.Append(Math.Round(f.Random.Double(0.5, 5), 1).ToString(CultureInfo.InvariantCulture)); break;
                        case "tags": sb.Append("[\"").Append(f.Lorem.Word()).Append("\", \"").Append(f.Lorem.Word()).Append("\"]"); break;
                        case "color": sb.Append('"').Append(f.Commerce.Color()).Append('"'); break;
                        default: sb.Append('"').Append(f.Lorem.Word()).Append('"'); break;
                    }
                }
                return sb.Append('}').ToString();
            });
        }, LazyThreadSafetyMode.ExecutionAndPublication);
        return new PoolGen<string>(ctx.Rng, PoolSize, i => pool.Value[i]);
    }
}

/// <summary>A column that reads its part of the row's entity (person or address), fitted to its length.</summary>
internal sealed class EntityGen<T>(EntityPool<T> pool, Func<T, string> part, int minLen, int maxLen) : ValueGen<string>
{
    public override string Get(long row, int attempt)
    {
        var v = part(pool[row, attempt]);
        return v.Length <= maxLen && v.Length >= minLen ? v : Realistic.Fit(v, minLen, maxLen);
    }
}
