using System.Text;

namespace PluRelSql.Schema;

/// <summary>What a column's values mean, as far as the schema tells (name, type and size, CHECKs and enum labels,
/// comments, the table it lives in). Printed in snake_case (see <see cref="ColumnSemantics.Name"/>). The generator
/// draws values of the kind; <c>plurel profile</c> prints it. Grouped by family; the order carries no meaning.</summary>
public enum SemanticKind
{
    // Keys.
    Id, ForeignKey,
    // A person: parts of one name, and what derives from it (consistent within a row).
    GivenName, FamilyName, FullName, NamePrefix, Gender, Username, Email, Password,
    // Contact.
    Phone, PhoneExtension,
    // An address (consistent within a row).
    StreetAddress, City, Region, PostalCode, Country, CountryCode, Latitude, Longitude,
    // Coded vocabularies (ISO and friends).
    CurrencyCode, LanguageCode, TimeZone, Locale,
    // Business words.
    CompanyName, ProductName, JobTitle, Department, Category, Colour, Code,
    // Internet and files.
    Url, Domain, IpAddress, MacAddress, FilePath, FileName, MimeType, UserAgent, Hash,
    // Text.
    Name, Title, Text, Word, Json,
    // Numbers.
    Price, Quantity, Percentage, Fraction, Rating, Score, Age, Year, Quarter, Month, DayOfMonth, DayOfWeek, Hour,
    Minute, Second, Duration, ByteSize, Weight, Measurement, Version,
    // Time.
    Date, Timestamp, BirthDate, Time,
    // Small closed sets.
    Flag, Enumerated,
    Other,
}

/// <summary>How a duration column counts (<c>milliseconds</c>, <c>duration_sec</c>, <c>runtime_minutes</c>).</summary>
public enum DurationUnit { Unknown, Milliseconds, Seconds, Minutes, Hours, Days }

/// <summary>A column's guessed meaning and what gave it away (<c>name part 'qty'</c>, <c>CHECK IN list</c>,
/// <c>type char(3)</c>, <c>comment "ISO 4217 code"</c>), for <c>plurel profile</c> and generation reports.</summary>
public sealed record ColumnMeaning(SemanticKind Kind, string Evidence)
{
    /// <summary>Set for <see cref="SemanticKind.Duration"/> when the name or comment says the unit.</summary>
    public DurationUnit Unit { get; init; }

    public string KindName => ColumnSemantics.Name(Kind);
}

/// <summary>A small, honest guesser of <see cref="SemanticKind"/> from a column's name parts and type. All the
/// name knowledge is in <see cref="Parts"/> so it can grow in one place.</summary>
public static class ColumnSemantics
{
    // Kinds that a name part decides, most specific first ("country_code" is a country, "email_address" an email,
    // "discount_amount" a price). Each kind also needs a fitting type (see Fits).
    private static readonly (SemanticKind Kind, string[] Parts)[] Parts =
    [
        (SemanticKind.Email, ["email", "mail", "emailaddress"]),
        (SemanticKind.Url, ["url", "uri", "website", "homepage", "link", "href", "web"]),
        (SemanticKind.Phone, ["phone", "tel", "telephone", "mobile", "cell", "fax", "phonenumber"]),
        (SemanticKind.PostalCode, ["zip", "zipcode", "postal", "postcode", "postalcode"]),
        (SemanticKind.Country, ["country", "nation", "ctry", "nationality"]),
        (SemanticKind.City, ["city", "town", "municipality"]),
        (SemanticKind.Region, ["region", "state", "province", "county", "prefecture"]),
        (SemanticKind.Percentage, ["pct", "percent", "percentage", "ratio", "discount", "rate"]),
        (SemanticKind.Price, ["price", "amount", "amt", "cost", "total", "fee", "salary", "balance", "revenue", "subtotal", "freight", "payment"]),
        (SemanticKind.Quantity, ["qty", "quantity", "count", "cnt", "stock", "units", "quant"]),
        (SemanticKind.Name, ["name", "firstname", "lastname", "surname", "fname", "lname", "fullname", "username"]),
        (SemanticKind.Code, ["code", "sku", "iso", "abbr", "abbrev", "abbreviation", "symbol", "isbn", "ean", "upc"]),
    ];

    private static readonly HashSet<string> FlagPrefixes = new(StringComparer.Ordinal) { "is", "has", "can", "should", "was", "allow" };
    private static readonly HashSet<string> IdParts = new(StringComparer.Ordinal) { "id", "key", "uuid", "guid", "pk" };

    /// <summary>The kind's printed name: snake_case (<c>foreign_key</c>, <c>postal_code</c>).</summary>
    public static string Name(SemanticKind kind)
    {
        var s = kind.ToString();
        var sb = new StringBuilder();
        for (var i = 0; i < s.Length; i++)
        {
            if (i > 0 && char.IsUpper(s[i])) sb.Append('_');
            sb.Append(char.ToLowerInvariant(s[i]));
        }
        return sb.ToString();
    }

    /// <summary>Splits snake_case, kebab-case, camelCase, PascalCase and digit runs into lower-case parts
    /// (<c>customerEmail</c> → customer, email; <c>HTTPStatus2</c> → http, status, 2).</summary>
    public static IReadOnlyList<string> SplitName(string name)
    {
        var parts = new List<string>();
        var cur = new StringBuilder();
        void Flush() { if (cur.Length > 0) { parts.Add(cur.ToString().ToLowerInvariant()); cur.Clear(); } }
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (!char.IsLetterOrDigit(c)) { Flush(); continue; }
            if (cur.Length > 0)
            {
                var prev = name[i - 1];
                var upperAfterLower = char.IsUpper(c) && (char.IsLower(prev) || char.IsDigit(prev));
                // The last capital of an acronym starts the next word: "HTTPStatus" → HTTP, Status.
                var acronymEnd = char.IsUpper(c) && char.IsUpper(prev) && i + 1 < name.Length && char.IsLower(name[i + 1]);
                var digitEdge = char.IsDigit(c) != char.IsDigit(prev);
                if (upperAfterLower || acronymEnd || digitEdge) Flush();
            }
            cur.Append(c);
        }
        Flush();
        return parts;
    }

    /// <summary>The meaning of <paramref name="column"/> of <paramref name="table"/>, from everything the schema says
    /// about it (the graph, when given, adds foreign keys declared outside the table, enum labels and domains).
    /// A pure function of the schema: the generator and <c>plurel profile</c> call it alike.</summary>
    public static ColumnMeaning Classify(TableDef table, ColumnDef column, SchemaGraph? graph = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(column);
        var pk = table.PrimaryKey?.Columns.Contains(column.Name) == true;
        var fk = (graph is null ? table.ForeignKeys : graph.ForeignKeysOf(table)).Any(f => f.Columns.Contains(column.Name));
        return new ColumnMeaning(Guess(column.Name, column.Type, pk, fk), "name and type");
    }

    /// <summary>Guesses the kind of a column. Key membership wins (a key's values are identifiers whatever its
    /// name says), then the name parts that fit the type, then the type alone.</summary>
    public static SemanticKind Guess(string name, SqlType type, bool isPrimaryKey = false, bool isForeignKey = false)
    {
        if (isForeignKey) return SemanticKind.ForeignKey;
        if (isPrimaryKey) return SemanticKind.Id;
        var parts = SplitName(name);
        if (type.IsArray) return SemanticKind.Other;
        if (type.Kind == TypeKind.Boolean) return SemanticKind.Flag;
        if (type.Kind is TypeKind.Json or TypeKind.Jsonb) return SemanticKind.Json;
        if (type.Kind == TypeKind.Date) return SemanticKind.Date;
        if (type.Kind is TypeKind.Timestamp or TypeKind.TimestampTz) return SemanticKind.Timestamp;
        if (type.Kind == TypeKind.Uuid) return SemanticKind.Id;
        // is_active as smallint / char(1) / bit: a flag stored without a boolean type.
        if (parts.Count > 1 && FlagPrefixes.Contains(parts[0]) && (type.IsInteger || type.Kind is TypeKind.Bit || (type.Kind == TypeKind.Char && type.Length is null or 1)))
            return SemanticKind.Flag;
        if (parts.Count > 0 && IdParts.Contains(parts[^1]) && (type.IsInteger || IsString(type)))
            return SemanticKind.Id;
        foreach (var (kind, names) in Parts)
            if (parts.Any(p => names.Contains(p)) && Fits(kind, type))
                return kind;
        if (type.Kind == TypeKind.Money) return SemanticKind.Price;
        // Short fixed-width strings are codes (char(2) country, char(3) currency) when the name says nothing.
        if (type.Kind == TypeKind.Char && type.Length is <= 4) return SemanticKind.Code;
        if (IsString(type)) return SemanticKind.Text;
        return SemanticKind.Other;
    }

    private static bool IsString(SqlType t) => t.Descriptor.IsCharacter;

    private static bool IsNumber(SqlType t) => t.Descriptor.IsNumeric;

    private static bool Fits(SemanticKind kind, SqlType t) => kind switch
    {
        SemanticKind.Price or SemanticKind.Quantity or SemanticKind.Percentage => IsNumber(t),
        // Phone numbers, postal codes, numeric country codes and codes are sometimes stored as numbers.
        SemanticKind.Phone or SemanticKind.PostalCode or SemanticKind.Country or SemanticKind.Code => IsString(t) || t.IsInteger,
        _ => IsString(t),
    };
}
