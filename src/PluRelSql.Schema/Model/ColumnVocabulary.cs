namespace PluRelSql.Schema;

/// <summary>Which column types a name-decided kind accepts (an integer "email_count" is no email).</summary>
internal enum TypeFit { String, Number, StringOrInteger, StringOrNumber }

/// <summary>All the words <see cref="ColumnSemantics.Classify"/> knows, in one place so it can grow: abbreviations
/// (mapped to one canonical word), name phrases per kind, and the table words that say what a bare <c>name</c> or
/// <c>title</c> means.</summary>
internal static class ColumnVocabulary
{
    /// <summary>Abbreviations and spelling variants, rewritten before phrases are matched ("ShipAddr" → ship address).</summary>
    public static readonly Dictionary<string, string> Canonical = new(StringComparer.Ordinal)
    {
        ["qty"] = "quantity", ["quant"] = "quantity", ["amt"] = "amount", ["desc"] = "description", ["descr"] = "description",
        ["addr"] = "address", ["tel"] = "phone", ["telephone"] = "phone", ["ext"] = "extension", ["dept"] = "department",
        ["cat"] = "category", ["pct"] = "percent", ["perc"] = "percent", ["num"] = "number", ["no"] = "number", ["nbr"] = "number",
        ["nr"] = "number", ["lat"] = "latitude", ["lng"] = "longitude", ["lon"] = "longitude", ["curr"] = "currency",
        ["ccy"] = "currency", ["lang"] = "language", ["tz"] = "timezone", ["pwd"] = "password", ["passwd"] = "password",
        ["pw"] = "password", ["img"] = "image", ["colour"] = "color", ["cnt"] = "count", ["yr"] = "year", ["qtr"] = "quarter",
        ["msec"] = "milliseconds", ["msecs"] = "milliseconds", ["millis"] = "milliseconds", ["ms"] = "milliseconds",
        ["millisecond"] = "milliseconds", ["secs"] = "seconds", ["sec"] = "seconds", ["mins"] = "minutes", ["hrs"] = "hours",
        ["kgs"] = "kg", ["lbs"] = "lb", ["ctry"] = "country", ["cntry"] = "country", ["dob"] = "birth date",
        ["fname"] = "first name", ["lname"] = "last name", ["mname"] = "middle name", ["uname"] = "user name",
        ["organisation"] = "organization", ["org"] = "organization", ["co"] = "company", ["mfr"] = "manufacturer",
        ["temp"] = "temperature", ["ipaddr"] = "ip", ["ipaddress"] = "ip", ["macaddr"] = "mac", ["emailaddress"] = "email",
        ["mail"] = "email", ["phonenumber"] = "phone", ["zipcode"] = "zip", ["postcode"] = "postal", ["postalcode"] = "postal",
        ["homepage"] = "url", ["website"] = "url", ["uri"] = "url", ["href"] = "url", ["filename"] = "file name",
        ["filepath"] = "file path", ["filesize"] = "file size", ["mimetype"] = "mime", ["contenttype"] = "content type",
        ["useragent"] = "user agent", ["timezone"] = "timezone", ["jobtitle"] = "job title", ["companyname"] = "company name",
        ["productname"] = "product name", ["fullname"] = "full name", ["firstname"] = "first name", ["lastname"] = "last name",
        ["middlename"] = "middle name", ["givenname"] = "given name", ["familyname"] = "family name", ["username"] = "user name",
        ["screenname"] = "screen name", ["nickname"] = "nick name", ["birthdate"] = "birth date", ["birthday"] = "birth date",
        ["hostname"] = "host name", ["weekday"] = "day of week", ["dow"] = "day of week", ["dom"] = "day of month",
    };

    /// <summary>First words that qualify a column without changing its kind (ShipPostalCode is a postal code).</summary>
    public static readonly HashSet<string> Qualifiers = new(StringComparer.Ordinal)
    {
        "ship", "shipping", "billing", "bill", "home", "work", "mailing", "delivery", "primary", "secondary", "alt",
        "alternate", "main", "current", "old", "new", "other", "business", "personal", "office", "legal", "permanent",
        "temporary", "default", "preferred", "invoice", "physical", "previous", "original",
    };

    public static readonly HashSet<string> FlagPrefixes = new(StringComparer.Ordinal) { "is", "has", "can", "should", "was", "allow", "allows", "use", "uses" };

    /// <summary>Words that make a 0/1 integer, bit or char(1) column a flag.</summary>
    public static readonly HashSet<string> FlagWords = new(StringComparer.Ordinal)
    {
        "active", "enabled", "disabled", "deleted", "discontinued", "archived", "verified", "visible", "hidden",
        "published", "locked", "approved", "confirmed", "flag", "yn", "valid", "blocked", "banned", "featured",
    };

    public static readonly HashSet<string> IdParts = new(StringComparer.Ordinal) { "id", "key", "uuid", "guid", "pk" };

    /// <summary>Name phrases per kind, most specific kinds first: at the same position a longer phrase wins, then the
    /// earlier rule. Words are canonical (see <see cref="Canonical"/>).</summary>
    public static readonly (SemanticKind Kind, TypeFit Fit, string[] Phrases)[] Rules =
    [
        (SemanticKind.Email, TypeFit.String, ["email", "e email", "email address"]),
        (SemanticKind.IpAddress, TypeFit.String, ["ip", "ip address", "ipv4", "ipv6", "remote address", "client ip"]),
        (SemanticKind.MacAddress, TypeFit.String, ["mac", "mac address"]),
        (SemanticKind.Url, TypeFit.String, ["url", "link", "web", "home page", "web site", "web address", "endpoint", "permalink"]),
        (SemanticKind.Domain, TypeFit.String, ["domain", "domain name", "host", "host name", "fqdn", "subdomain"]),
        (SemanticKind.UserAgent, TypeFit.String, ["user agent", "browser"]),
        (SemanticKind.MimeType, TypeFit.String, ["mime", "mime type", "content type", "media type"]),
        (SemanticKind.FilePath, TypeFit.String, ["path", "file path", "directory", "dir", "folder", "photo path", "image path"]),
        (SemanticKind.FileName, TypeFit.String, ["file", "file name", "attachment", "image", "photo", "picture", "avatar", "thumbnail", "logo", "icon"]),
        (SemanticKind.Password, TypeFit.String, ["password", "passphrase", "password hash", "password digest", "encrypted password"]),
        (SemanticKind.Hash, TypeFit.String, ["hash", "digest", "checksum", "md5", "md5sum", "sha", "sha1", "sha256", "sha512", "fingerprint", "etag", "salt", "token", "secret"]),
        (SemanticKind.Username, TypeFit.String, ["user name", "login", "handle", "screen name", "nick name", "user", "created by", "updated by", "modified by", "changed by", "owner"]),
        (SemanticKind.GivenName, TypeFit.String, ["first name", "given name", "forename", "middle name"]),
        (SemanticKind.FamilyName, TypeFit.String, ["last name", "family name", "surname", "maiden name"]),
        (SemanticKind.NamePrefix, TypeFit.String, ["name prefix", "salutation", "honorific", "title of courtesy", "courtesy title"]),
        (SemanticKind.FullName, TypeFit.String, ["full name", "contact name", "contact", "person name", "display name", "author", "discoverer", "inventor", "creator", "recipient", "attention", "composer", "director", "performer", "narrator"]),
        (SemanticKind.Gender, TypeFit.String, ["gender", "sex"]),
        (SemanticKind.PhoneExtension, TypeFit.StringOrInteger, ["extension", "phone extension"]),
        (SemanticKind.Phone, TypeFit.StringOrInteger, ["phone", "phone number", "mobile", "cell", "cellphone", "fax", "msisdn"]),
        (SemanticKind.PostalCode, TypeFit.StringOrInteger, ["zip", "postal", "zip code", "postal code", "post code", "plz"]),
        (SemanticKind.CountryCode, TypeFit.String, ["country code", "country iso", "iso country", "iso2", "iso3", "alpha2", "alpha3", "alpha 2", "alpha 3", "two letter", "three letter", "iso 3166"]),
        (SemanticKind.CurrencyCode, TypeFit.String, ["currency", "currency code", "iso 4217"]),
        (SemanticKind.LanguageCode, TypeFit.String, ["language", "language code", "iso 639"]),
        (SemanticKind.Locale, TypeFit.String, ["locale", "culture", "bcp 47"]),
        (SemanticKind.TimeZone, TypeFit.String, ["timezone", "time zone", "zoneinfo", "iana"]),
        (SemanticKind.Country, TypeFit.String, ["country", "nation", "nationality", "country name"]),
        (SemanticKind.Region, TypeFit.String, ["region", "state", "province", "county", "prefecture", "state name", "subdivision", "district", "state code", "state abbr", "state abbreviation", "province code", "region code"]),
        (SemanticKind.City, TypeFit.String, ["city", "town", "municipality", "city name", "locality", "suburb", "hometown", "destination"]),
        (SemanticKind.StreetAddress, TypeFit.String, ["address", "street", "street address", "address line", "street name", "line1", "line2"]),
        (SemanticKind.Latitude, TypeFit.StringOrNumber, ["latitude"]),
        (SemanticKind.Longitude, TypeFit.StringOrNumber, ["longitude"]),
        (SemanticKind.CompanyName, TypeFit.String, ["company", "company name", "organization", "employer", "business name", "manufacturer", "vendor", "supplier", "brand", "publisher", "carrier", "firm"]),
        (SemanticKind.ProductName, TypeFit.String, ["product", "product name", "item name"]),
        (SemanticKind.JobTitle, TypeFit.String, ["job title", "job", "occupation", "profession", "designation", "contact title"]),
        (SemanticKind.Department, TypeFit.String, ["department", "division", "department name"]),
        (SemanticKind.Category, TypeFit.String, ["category", "genre", "category name", "segment"]),
        (SemanticKind.Colour, TypeFit.String, ["color", "hue"]),
        (SemanticKind.Code, TypeFit.StringOrInteger, ["code", "sku", "iso", "abbr", "abbrev", "abbreviation", "symbol", "isbn", "ean", "upc", "barcode", "gtin", "number", "serial", "reference", "ref", "ticket", "cabin", "lifeboat", "plate", "vin", "uom", "file extension", "unit of measure"]),
        (SemanticKind.Version, TypeFit.StringOrInteger, ["version", "ver", "revision", "rev", "semver"]),
        (SemanticKind.Title, TypeFit.String, ["title", "headline", "subject", "caption", "heading"]),
        (SemanticKind.Text, TypeFit.String, ["description", "notes", "note", "comment", "comments", "remark", "remarks", "body", "bio", "biography", "summary", "content", "message", "msg", "text", "details", "detail", "abstract", "review", "feedback", "instructions", "memo", "story", "overview", "about", "explanation", "reason"]),
        (SemanticKind.Word, TypeFit.String, ["type", "kind", "status", "tag", "label", "keyword", "mode", "level", "stage", "phase", "tier", "channel", "source", "method", "role"]),
        (SemanticKind.Name, TypeFit.String, ["name", "element"]),
        // Numbers.
        (SemanticKind.Fraction, TypeFit.Number, ["fraction", "ratio", "probability", "likelihood", "share"]),
        (SemanticKind.Percentage, TypeFit.Number, ["percent", "percentage", "discount", "rate"]),
        (SemanticKind.Price, TypeFit.Number, ["price", "amount", "cost", "total", "fee", "salary", "wage", "balance", "revenue", "subtotal", "freight", "payment", "charge", "tax", "budget", "income", "spend", "paid", "due", "credit", "debit", "msrp", "rent", "fare", "gdp", "profit", "sales", "earnings", "tip", "refund", "list price", "unit price", "rental rate", "hourly rate", "daily rate", "weekly rate", "monthly rate", "nightly rate", "pay rate", "room rate", "billing rate"]),
        (SemanticKind.Quantity, TypeFit.Number, ["quantity", "count", "counts", "stock", "units", "number of", "reorder level", "views", "clicks", "likes", "downloads", "visits", "population", "inventory", "on hand", "copies", "seats"]),
        (SemanticKind.Rating, TypeFit.Number, ["rating", "stars", "star rating"]),
        (SemanticKind.Score, TypeFit.Number, ["score", "points", "grade", "rank", "ranking"]),
        (SemanticKind.Age, TypeFit.Number, ["age"]),
        (SemanticKind.Year, TypeFit.StringOrInteger, ["year", "yyyy", "fiscal year", "birth year"]),
        (SemanticKind.Quarter, TypeFit.Number, ["quarter"]),
        (SemanticKind.Month, TypeFit.Number, ["month", "birth month"]),
        (SemanticKind.DayOfWeek, TypeFit.Number, ["day of week", "week day"]),
        (SemanticKind.DayOfMonth, TypeFit.Number, ["day", "day of month", "birth day"]),
        (SemanticKind.Hour, TypeFit.Number, ["hour"]),
        (SemanticKind.Minute, TypeFit.Number, ["minute"]),
        (SemanticKind.Second, TypeFit.Number, ["second"]),
        (SemanticKind.Duration, TypeFit.Number, ["duration", "elapsed", "runtime", "run time", "latency", "ttl", "timeout", "time taken", "milliseconds", "seconds", "minutes", "hours", "days", "lifetime", "interval"]),
        (SemanticKind.ByteSize, TypeFit.Number, ["bytes", "byte", "size", "file size", "content length", "kb", "mb", "gb"]),
        (SemanticKind.Weight, TypeFit.Number, ["weight", "mass", "kg", "lb", "oz", "grams", "tonnage"]),
        (SemanticKind.Measurement, TypeFit.Number, ["height", "width", "length", "depth", "temperature", "density", "volume", "area", "distance", "diameter", "radius", "thickness", "elevation", "altitude", "pressure", "speed", "velocity", "cm", "mm", "km", "ft", "inch", "inches", "meters", "metres", "miles", "celsius", "fahrenheit", "kelvin", "melting point", "boiling point", "atomic mass", "electronegativity", "specific heat", "ionization"]),
    ];

    /// <summary>Words of a table (singular) or of a qualifier ("contact_name") that say what its bare <c>name</c> is.</summary>
    public static readonly (SemanticKind Kind, string[] Words)[] NameByEntity =
    [
        (SemanticKind.FullName, ["customer", "user", "employee", "person", "member", "contact", "client", "author", "student", "staff", "patient", "player", "actor", "teacher", "driver", "passenger", "owner", "guest", "subscriber", "applicant", "candidate", "instructor", "director", "manager", "worker", "agent", "doctor", "nurse", "writer", "speaker", "attendee", "participant", "buyer", "seller", "recipient", "sender"]),
        (SemanticKind.CompanyName, ["company", "supplier", "vendor", "manufacturer", "shipper", "publisher", "carrier", "organization", "firm", "business", "brand", "partner", "agency", "bank", "employer", "merchant", "store", "shop", "retailer", "distributor", "label", "studio", "school", "university", "hospital", "airline"]),
        (SemanticKind.ProductName, ["product", "item", "article", "good", "merchandise", "part", "component", "ingredient", "drug", "medication"]),
        (SemanticKind.Title, ["album", "film", "movie", "book", "track", "song", "title", "video", "episode", "show", "game", "course", "post", "page", "story", "series", "podcast", "painting", "publication", "chapter", "project", "event", "campaign"]),
        (SemanticKind.Country, ["country", "nation"]),
        (SemanticKind.City, ["city", "town"]),
        (SemanticKind.Region, ["state", "region", "province", "subcountry", "territory", "county"]),
        (SemanticKind.Department, ["department", "division", "team"]),
        (SemanticKind.Category, ["category", "genre", "subcategory"]),
        (SemanticKind.Colour, ["color"]),
        (SemanticKind.Word, ["tag", "status", "type", "kind"]),
    ];

    /// <summary>Tables whose <c>title</c> is a job title rather than the title of a work.</summary>
    public static readonly HashSet<string> PersonTables = new(StringComparer.Ordinal)
    {
        "employee", "staff", "person", "contact", "worker", "member", "user", "customer", "manager", "agent", "teacher", "instructor", "doctor",
    };

    /// <summary>Tables whose <c>length</c>/<c>runtime</c> is a play time in minutes.</summary>
    public static readonly HashSet<string> PlayedTables = new(StringComparer.Ordinal) { "film", "movie", "episode", "show", "video" };

    public static readonly HashSet<string> GenderLabels = new(StringComparer.Ordinal)
    {
        "m", "f", "male", "female", "man", "woman", "other", "u", "unknown", "x", "n", "o", "d", "nonbinary", "non-binary",
        "unspecified", "diverse", "", "prefer not to say", "not specified",
    };

    public static readonly HashSet<string> PrefixLabels = new(StringComparer.Ordinal)
    {
        "mr", "mrs", "ms", "miss", "dr", "prof", "sir", "madam", "mx", "rev", "mr.", "mrs.", "ms.", "dr.", "prof.", "rev.",
    };

    public static readonly HashSet<string> FlagLabels = new(StringComparer.Ordinal) { "0", "1", "y", "n", "yes", "no", "t", "f", "true", "false" };

    public static DurationUnit UnitOf(string canonical) => canonical switch
    {
        "milliseconds" => DurationUnit.Milliseconds,
        "seconds" => DurationUnit.Seconds,
        "minutes" or "min" => DurationUnit.Minutes,
        "hours" => DurationUnit.Hours,
        "days" => DurationUnit.Days,
        _ => DurationUnit.Unknown,
    };

    /// <summary>The singular of an English table word (categories → category, addresses → address, people → person).</summary>
    public static string Singular(string w)
    {
        if (w == "people") return "person";
        if (w == "staff" || w.Length < 4) return w;
        if (w.EndsWith("ies", StringComparison.Ordinal)) return w[..^3] + "y";
        if (w.EndsWith("sses", StringComparison.Ordinal) || w.EndsWith("xes", StringComparison.Ordinal)
            || w.EndsWith("ches", StringComparison.Ordinal) || w.EndsWith("shes", StringComparison.Ordinal)) return w[..^2];
        if (w.EndsWith('s') && !w.EndsWith("ss", StringComparison.Ordinal) && !w.EndsWith("us", StringComparison.Ordinal)
            && !w.EndsWith("is", StringComparison.Ordinal)) return w[..^1];
        return w;
    }
}
