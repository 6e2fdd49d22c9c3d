using System.Text;

namespace PluRelSql.Generation.Values;

/// <summary>Small built-in vocabularies and the column-name hints that pick among them.</summary>
internal static class TextData
{
    public static readonly string[] Words =
    [
        "alpha", "amber", "anchor", "apple", "arrow", "aspen", "atlas", "autumn", "badge", "bamboo", "beacon", "birch",
        "blossom", "breeze", "bridge", "bronze", "cable", "canyon", "carbon", "cedar", "chalk", "cherry", "cinder",
        "citrus", "clover", "cobalt", "comet", "copper", "coral", "cotton", "crystal", "delta", "desert", "drift",
        "eagle", "echo", "ember", "falcon", "feather", "fern", "field", "flint", "forest", "fossil", "garden",
        "garnet", "glacier", "granite", "harbor", "hazel", "horizon", "indigo", "iris", "island", "ivory", "jade",
        "jasper", "juniper", "lagoon", "lantern", "lemon", "linen", "lotus", "maple", "marble", "meadow", "mercury",
        "meteor", "mint", "mist", "nectar", "noble", "oak", "ocean", "olive", "onyx", "orbit", "orchid", "pearl",
        "pebble", "pepper", "pine", "planet", "plaza", "prairie", "quartz", "quill", "raven", "reef", "ridge",
        "river", "robin", "saffron", "sage", "sapphire", "shadow", "silver", "sky", "slate", "spruce", "star",
        "stone", "summit", "sunset", "thistle", "thunder", "timber", "topaz", "tulip", "valley", "velvet", "violet",
        "willow", "winter", "zephyr",
    ];

    public static readonly string[] FirstNames =
    [
        "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth", "William",
        "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Carlos", "Karen", "Daniel", "Lisa",
        "Matthew", "Nancy", "Anthony", "Betty", "Mark", "Sandra", "Paul", "Ashley", "Steven", "Emily", "Andrew",
        "Donna", "Kenneth", "Michelle", "Joshua", "Carol", "Kevin", "Amanda", "Brian", "Melissa", "Yuki", "Deborah",
        "Omar", "Stephanie", "Ahmed", "Rebecca", "Wei", "Laura", "Ivan", "Sofia", "Lars", "Amara", "Raj", "Ingrid",
    ];

    public static readonly string[] LastNames =
    [
        "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
        "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
        "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker",
        "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams",
        "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Kim", "Tanaka", "Muller",
        "Rossi", "Novak", "Silva", "Larsen", "Okafor",
    ];

    public static readonly string[] Cities =
    [
        "London", "Paris", "Berlin", "Madrid", "Rome", "Vienna", "Prague", "Lisbon", "Dublin", "Oslo", "Stockholm",
        "Helsinki", "Warsaw", "Athens", "Zurich", "Amsterdam", "Brussels", "Copenhagen", "New York", "Chicago",
        "Boston", "Seattle", "Denver", "Austin", "Toronto", "Montreal", "Vancouver", "Mexico City", "Lima", "Bogota",
        "Santiago", "Buenos Aires", "Sao Paulo", "Tokyo", "Osaka", "Seoul", "Beijing", "Shanghai", "Singapore",
        "Sydney", "Melbourne", "Auckland", "Cairo", "Nairobi", "Lagos", "Cape Town", "Mumbai", "Delhi", "Dubai",
    ];

    public static readonly string[] Countries =
    [
        "United States", "Canada", "Mexico", "Brazil", "Argentina", "Chile", "Peru", "Colombia", "United Kingdom",
        "Ireland", "France", "Germany", "Spain", "Portugal", "Italy", "Austria", "Switzerland", "Netherlands",
        "Belgium", "Denmark", "Norway", "Sweden", "Finland", "Poland", "Czechia", "Greece", "Japan", "South Korea",
        "China", "India", "Singapore", "Australia", "New Zealand", "Egypt", "Kenya", "Nigeria", "South Africa",
    ];

    public static readonly string[] Streets = ["Main", "Oak", "Maple", "Cedar", "Park", "Elm", "Lake", "Hill", "Pine", "Washington", "Church", "Mill"];
    public static readonly string[] StreetKinds = ["Street", "Avenue", "Road", "Lane", "Boulevard", "Drive", "Way"];

    public enum Hint { Generic, FirstName, LastName, FullName, Name, Email, City, Country, Phone, Address, Title, Description, Url, PostalCode, Code, Username }

    public static Hint HintFor(string column)
    {
        var c = column.ToLowerInvariant();
        bool Has(string s) => c.Contains(s, StringComparison.Ordinal);
        // Short words only as whole name segments ("tel" must not match "hotel", "ref" not "preferences").
        var seg = c.Split('_', StringSplitOptions.RemoveEmptyEntries);
        bool Seg(params string[] words) => seg.Any(words.Contains);
        if (Has("email") || Seg("mail")) return Hint.Email;
        if (Has("first_name") || Has("firstname") || Has("given_name") || c == "first") return Hint.FirstName;
        if (Has("last_name") || Has("lastname") || Has("surname") || Has("family_name") || c == "last") return Hint.LastName;
        if (Has("full_name") || Has("fullname") || Has("contact_name") || Has("customer_name") || Has("employee_name")) return Hint.FullName;
        if (Has("user_name") || Has("username") || Has("login")) return Hint.Username;
        if (Has("city") || Has("town")) return Hint.City;
        if (Has("country") || Has("nation")) return Hint.Country;
        if (Has("phone") || Seg("fax", "mobile", "tel", "telephone", "cell")) return Hint.Phone;
        if (Has("postal") || Seg("zip", "zipcode") || Has("postcode")) return Hint.PostalCode;
        if (Has("address") || Has("street")) return Hint.Address;
        if (Seg("url", "uri", "link") || Has("website") || Has("homepage")) return Hint.Url;
        if (Has("title") || Has("subject") || Has("headline")) return Hint.Title;
        if (Has("description") || Has("comment") || Has("note") || Has("body") || Has("summary") || Has("text") || Seg("bio") || Has("content")) return Hint.Description;
        if (Has("code") || Seg("sku", "isbn", "ref")) return Hint.Code;
        if (c == "name" || c.EndsWith("_name", StringComparison.Ordinal) || c.EndsWith("name", StringComparison.Ordinal)) return Hint.Name;
        return Hint.Generic;
    }

    private static string Cap(string w) => char.ToUpperInvariant(w[0]) + w[1..];

    /// <summary>One realistic-looking value for a hint; <paramref name="r"/> supplies random words of entropy.</summary>
    public static string Make(Hint hint, Func<int, ulong> r)
    {
        string Pick(string[] a, int i) => a[(int)(r(i) % (ulong)a.Length)];
        int Num(int i, int lo, int hi) => lo + (int)(r(i) % (ulong)(hi - lo + 1));
        switch (hint)
        {
            case Hint.FirstName: return Pick(FirstNames, 0);
            case Hint.LastName: return Pick(LastNames, 1);
            case Hint.FullName: return Pick(FirstNames, 0) + " " + Pick(LastNames, 1);
            case Hint.Username: return Pick(FirstNames, 0).ToLowerInvariant() + Num(2, 1, 999);
            case Hint.Email:
                return Pick(FirstNames, 0).ToLowerInvariant() + "." + Pick(LastNames, 1).ToLowerInvariant() + Num(2, 1, 99) + "@example.com";
            case Hint.City: return Pick(Cities, 0);
            case Hint.Country: return Pick(Countries, 0);
            case Hint.Phone: return $"+1-{Num(0, 200, 989)}-555-{Num(1, 0, 9999):D4}";
            case Hint.PostalCode: return Num(0, 10000, 99999).ToString(System.Globalization.CultureInfo.InvariantCulture);
            case Hint.Address: return $"{Num(0, 1, 9999)} {Pick(Streets, 1)} {Pick(StreetKinds, 2)}";
            case Hint.Url: return "https://www." + Pick(Words, 0) + ".com/" + Pick(Words, 1);
            case Hint.Code: return Cap(Pick(Words, 0))[..3].ToUpperInvariant() + "-" + Num(1, 100, 999);
            case Hint.Title:
            {
                var n = Num(0, 2, 4);
                var sb = new StringBuilder();
                for (var i = 0; i < n; i++) { if (i > 0) sb.Append(' '); sb.Append(Cap(Pick(Words, i + 1))); }
                return sb.ToString();
            }
            case Hint.Description:
            {
                var n = Num(0, 5, 14);
                var sb = new StringBuilder();
                for (var i = 0; i < n; i++) { if (i > 0) sb.Append(' '); sb.Append(Pick(Words, i + 1)); }
                sb[0] = char.ToUpperInvariant(sb[0]);
                return sb.Append('.').ToString();
            }
            case Hint.Name: return Cap(Pick(Words, 0)) + " " + Cap(Pick(Words, 1));
            default:
            {
                var n = Num(0, 1, 3);
                var sb = new StringBuilder();
                for (var i = 0; i < n; i++) { if (i > 0) sb.Append(' '); sb.Append(Pick(Words, i + 1)); }
                return sb.ToString();
            }
        }
    }

    /// <summary>Fits a value into [minLen, maxLen] characters (truncating, then padding with letters).</summary>
    public static string Fit(string s, int minLen, int maxLen)
    {
        if (s.Length > maxLen) s = s[..maxLen].TrimEnd(' ');
        if (s.Length < minLen) s = s.PadRight(minLen, 'x');
        if (s.Length > maxLen) s = s[..maxLen];
        return s;
    }

    private const string Base36 = "0123456789abcdefghijklmnopqrstuvwxyz";

    /// <summary>k in base 36, left-padded with zeros to exactly <paramref name="width"/> digits.</summary>
    public static string Code(long k, int width)
    {
        Span<char> buf = stackalloc char[Math.Max(width, 1)];
        for (var i = buf.Length - 1; i >= 0; i--) { buf[i] = Base36[(int)(k % 36)]; k /= 36; }
        return new string(buf);
    }

    /// <summary>Smallest number of base-36 digits that can spell every k below <paramref name="count"/>.</summary>
    public static int CodeWidth(long count)
    {
        var w = 1;
        double cap = 36;
        while (cap < count) { w++; cap *= 36; }
        return w;
    }
}
