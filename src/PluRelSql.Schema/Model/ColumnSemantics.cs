using System.Text;

namespace PluRelSql.Schema;

/// <summary>What a column's values mean, as far as its name and type tell. Printed in snake_case
/// (see <see cref="ColumnSemantics.Name"/>).</summary>
public enum SemanticKind
{
    Id, ForeignKey, Email, Phone, Name, City, Country, Region, PostalCode, Url,
    Date, Timestamp, Price, Quantity, Percentage, Flag, Code, Text, Json, Other,
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
