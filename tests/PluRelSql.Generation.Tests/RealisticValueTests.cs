using System.Globalization;
using PluRelSql.Core;
using PluRelSql.Generation.Constraints;
using PluRelSql.Generation.Values;
using PluRelSql.Schema;
using PluRelSql.Schema.Postgres;
using static PluRelSql.Generation.Tests.S;

namespace PluRelSql.Generation.Tests;

/// <summary>What values of each meaning look like (Bogus-backed, on the counter RNG): shapes and lengths that fit,
/// person and address parts that agree within a row, unique values that stay unique, locales that change the words,
/// and numbers that fall where their kind says.</summary>
public class RealisticValueTests
{
    private static ColumnSlot Slot(SemanticKind kind, SqlType type, string name = "c", string locale = "en", ulong seed = 7,
        DurationUnit unit = DurationUnit.Unknown, TableDef? table = null, Dictionary<string, ColumnMeaning>? meanings = null)
    {
        var col = new ColumnDef { Name = name, Type = type, Nullable = false };
        table ??= Table("t", col);
        var meaning = new ColumnMeaning(kind, "test") { Unit = unit };
        meanings ??= new Dictionary<string, ColumnMeaning> { [name] = meaning };
        return ColumnFactory.Free(Context(table, col, meaning, locale, seed, meanings));
    }

    private static ColumnContext Context(TableDef table, ColumnDef col, ColumnMeaning meaning, string locale, ulong seed,
        IReadOnlyDictionary<string, ColumnMeaning> meanings) => new()
        {
            Table = table,
            Column = col,
            Type = col.Type,
            Position = 0,
            Rules = new ColumnRules(),
            Rng = CounterRng.Stream(seed, CounterRng.Label(table.Name.ToString()), CounterRng.Label(col.Name)),
            Rows = 1000,
            Meaning = meaning,
            Locale = locale,
            Entities = new RowEntities(table, seed, locale, meanings),
        };

    private static SqlType Varchar(int n) => new() { Kind = TypeKind.Varchar, Length = n };
    private static readonly SqlType Text = new() { Kind = TypeKind.Text };

    private static List<string> Strings(ColumnSlot slot, int rows = 300) =>
        Enumerable.Range(0, rows).Select(r => (string)slot.Boxed(r)!).ToList();

    private static List<double> Numbers(ColumnSlot slot, int rows = 2000) =>
        Enumerable.Range(0, rows).Select(r => Convert.ToDouble(slot.Boxed(r), CultureInfo.InvariantCulture)).ToList();

    private static double Median(List<double> v)
    {
        var s = v.Order().ToList();
        return s[s.Count / 2];
    }

    public static TheoryData<SemanticKind> TextKinds() =>
    [
        SemanticKind.GivenName, SemanticKind.FamilyName, SemanticKind.FullName, SemanticKind.Email, SemanticKind.Username,
        SemanticKind.Phone, SemanticKind.PhoneExtension, SemanticKind.StreetAddress, SemanticKind.City, SemanticKind.Region,
        SemanticKind.PostalCode, SemanticKind.Country, SemanticKind.CountryCode, SemanticKind.CurrencyCode, SemanticKind.LanguageCode,
        SemanticKind.TimeZone, SemanticKind.CompanyName, SemanticKind.ProductName, SemanticKind.JobTitle, SemanticKind.Department,
        SemanticKind.Category, SemanticKind.Colour, SemanticKind.Code, SemanticKind.Url, SemanticKind.Domain, SemanticKind.IpAddress,
        SemanticKind.MacAddress, SemanticKind.FilePath, SemanticKind.FileName, SemanticKind.MimeType, SemanticKind.UserAgent,
        SemanticKind.Hash, SemanticKind.Name, SemanticKind.Title, SemanticKind.Text, SemanticKind.Word, SemanticKind.Password,
    ];

    [Theory]
    [MemberData(nameof(TextKinds))]
    public void Every_text_kind_fits_the_column_and_is_not_empty(SemanticKind kind)
    {
        foreach (var n in new[] { 2, 5, 12, 40, 255 })
        {
            var values = Strings(Slot(kind, Varchar(n)), 200);
            Assert.All(values, v => Assert.InRange(v.Length, 1, n));
            // Values vary (a pool of one value would pass the length test).
            if (n >= 12) Assert.True(values.Distinct().Count() > 5, $"{kind} varchar({n}): {values.Distinct().Count()} distinct");
        }
    }

    [Fact]
    public void Text_kinds_have_their_shape()
    {
        Assert.All(Strings(Slot(SemanticKind.Email, Varchar(100))), v => Assert.Matches(@"^[a-z0-9._]+@[a-z0-9.-]+\.[a-z]+$", v));
        Assert.All(Strings(Slot(SemanticKind.IpAddress, Varchar(40))), v => Assert.Matches(@"^\d+\.\d+\.\d+\.\d+$", v));
        Assert.All(Strings(Slot(SemanticKind.CurrencyCode, new SqlType { Kind = TypeKind.Char, Length = 3 })), v => Assert.Matches("^[A-Z]{3}$", v));
        Assert.All(Strings(Slot(SemanticKind.CountryCode, new SqlType { Kind = TypeKind.Char, Length = 2 })), v => Assert.Matches("^[A-Z]{2}$", v));
        Assert.All(Strings(Slot(SemanticKind.Code, new SqlType { Kind = TypeKind.Char, Length = 5 })), v => Assert.Matches("^[A-Z]{5}$", v));
        Assert.All(Strings(Slot(SemanticKind.Code, Varchar(20))), v => Assert.Matches("^[A-Z]{1,3}[0-9]{2,6}$", v));
        Assert.All(Strings(Slot(SemanticKind.PhoneExtension, Varchar(4))), v => Assert.Matches("^[0-9]{2,4}$", v));
        // Free text is sentences: several words, starting with a capital.
        var text = Strings(Slot(SemanticKind.Text, Text));
        Assert.True(text.Average(v => v.Split(' ').Length) >= 6, "free text should be sentences");
        Assert.All(text, v => Assert.True(char.IsUpper(v[0]), v));
        // A cut falls between words: a varchar(25) sentence never ends in a fragment of a longer value's word.
        var shortText = Strings(Slot(SemanticKind.Text, Varchar(25)));
        Assert.All(shortText, v => Assert.False(v.EndsWith(' '), v));
    }

    [Fact]
    public void Name_email_and_username_of_a_row_belong_to_one_person()
    {
        var cols = new[] { ("first_name", SemanticKind.GivenName), ("last_name", SemanticKind.FamilyName), ("email", SemanticKind.Email), ("username", SemanticKind.Username) };
        var defs = cols.Select(c => new ColumnDef { Name = c.Item1, Type = Varchar(80), Nullable = false }).ToArray();
        var table = Table("people", defs);
        var meanings = cols.ToDictionary(c => c.Item1, c => new ColumnMeaning(c.Item2, "test"));
        var slots = defs.Select(d => ColumnFactory.Free(Context(table, d, meanings[d.Name], "en", 3, meanings))).ToArray();
        for (var r = 0; r < 300; r++)
        {
            var given = RowEntities.Ascii((string)slots[0].Boxed(r)!);
            var family = RowEntities.Ascii((string)slots[1].Boxed(r)!);
            var email = (string)slots[2].Boxed(r)!;
            var user = (string)slots[3].Boxed(r)!;
            // The local part is the person's: given name alone (mary@), initial + family (msmith@) or both.
            var local = email[..email.IndexOf('@', StringComparison.Ordinal)];
            Assert.True(local == given || local.Contains(family, StringComparison.Ordinal), $"{email} is not {given} {family}'s");
            Assert.StartsWith(given[..1], email, StringComparison.Ordinal);
            Assert.Contains(family, user, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_district_belongs_to_the_address_of_its_row()
    {
        // pagila's address table: address, district, postal_code, phone are one address, not a district of its own.
        var cols = new[] { ("address", SemanticKind.StreetAddress), ("district", SemanticKind.Region), ("country", SemanticKind.Country) };
        var defs = cols.Select(c => new ColumnDef { Name = c.Item1, Type = Varchar(40), Nullable = false }).ToArray();
        var table = Table("address", defs);
        var meanings = cols.ToDictionary(c => c.Item1, c => new ColumnMeaning(c.Item2, "test"));
        Assert.Equal(RowEntities.GroupOf("address"), RowEntities.GroupOf("district"));
        var slots = defs.ToDictionary(d => d.Name, d => ColumnFactory.Free(Context(table, d, meanings[d.Name], "en", 5, meanings)));
        var states = new HashSet<string>(StringComparer.Ordinal) { "Utah", "Texas", "Ohio", "California", "New York", "Florida" };
        for (var r = 0; r < 400; r++)
            if (states.Contains((string)slots["district"].Boxed(r)!))
                Assert.Equal("USA", (string)slots["country"].Boxed(r)!);
    }

    [Fact]
    public void Address_parts_of_a_row_agree_and_prefixes_make_separate_addresses()
    {
        var cols = new[]
        {
            ("country", SemanticKind.Country), ("country_code", SemanticKind.CountryCode), ("phone", SemanticKind.Phone), ("fax", SemanticKind.Phone),
            ("ship_country", SemanticKind.Country), ("ship_city", SemanticKind.City),
        };
        var defs = cols.Select(c => new ColumnDef { Name = c.Item1, Type = Varchar(40), Nullable = false }).ToArray();
        var table = Table("orders", defs);
        var meanings = cols.ToDictionary(c => c.Item1, c => new ColumnMeaning(c.Item2, "test"));
        var slots = defs.ToDictionary(d => d.Name, d => ColumnFactory.Free(Context(table, d, meanings[d.Name], "en", 5, meanings)));
        var byName = Locales.Countries.ToDictionary(c => c.Name, c => c.Iso2);
        var differ = 0;
        var samePhone = 0;
        for (var r = 0; r < 400; r++)
        {
            var country = (string)slots["country"].Boxed(r)!;
            Assert.Equal(byName[country], (string)slots["country_code"].Boxed(r)!);
            if (country != (string)slots["ship_country"].Boxed(r)!) differ++;
            if ((string)slots["phone"].Boxed(r)! == (string)slots["fax"].Boxed(r)!) samePhone++;
        }
        Assert.True(differ > 50, $"ship_* is its own address: {differ} of 400 rows differ");
        Assert.True(samePhone < 10, "phone and fax of a row are two numbers");
        // Half the addresses are in the locale's home country.
        var home = Enumerable.Range(0, 1000).Count(r => (string)slots["country"].Boxed(r)! == "USA");
        Assert.InRange(home, 400, 700);
    }

    [Fact]
    public void Locale_changes_the_words()
    {
        var en = Strings(Slot(SemanticKind.GivenName, Varchar(40), locale: "en")).ToHashSet();
        var de = Strings(Slot(SemanticKind.GivenName, Varchar(40), locale: "de")).ToHashSet();
        Assert.True(en.Intersect(de).Count() < en.Count / 2, "German given names differ from English ones");
        var deCountries = Enumerable.Range(0, 400).Select(r => (string)Slot(SemanticKind.Country, Varchar(40), locale: "de").Boxed(r)!).ToList();
        Assert.True(deCountries.Count(c => c == "Germany") > 120, "a German locale's addresses are mostly in Germany");
    }

    [Fact]
    public void Unknown_locale_is_refused_with_the_known_ones()
    {
        var g = Graph(Table("t", Col("name", TypeKind.Text)));
        var e = Assert.Throws<ArgumentException>(() => GenerationPlanner.Create(g, new GenerationOptions { Locale = "xx_YY" }));
        Assert.Contains("xx_YY", e.Message, StringComparison.Ordinal);
        Assert.Contains("pt_BR", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pool_entries_depend_on_key_and_index_only()
    {
        var key = new CounterRng(42);
        var small = Fakers.Pool(key, "en", 20, (f, _) => f.Address.City() + "|" + f.Name.FullName());
        var big = Fakers.Pool(key, "en", 200, (f, _) => f.Address.City() + "|" + f.Name.FullName());
        Assert.Equal(small, big[..20]);
        // Built on other threads, concurrently: the same entries.
        var parallel = new string[8][];
        Parallel.For(0, 8, i => parallel[i] = Fakers.Pool(key, "en", 200, (f, _) => f.Address.City() + "|" + f.Name.FullName()));
        Assert.All(parallel, p => Assert.Equal(big, p));
        Assert.NotEqual(big, Fakers.Pool(new CounterRng(43), "en", 200, (f, _) => f.Address.City() + "|" + f.Name.FullName()));
    }

    [Fact]
    public void Numbers_fall_where_their_kind_says()
    {
        var money = Numbers(Slot(SemanticKind.Price, new SqlType { Kind = TypeKind.Numeric, Precision = 10, Scale = 2 }));
        Assert.All(money, v => Assert.InRange(v, 0.01, 1e7));
        Assert.InRange(Median(money), 10, 60);
        var small = Numbers(Slot(SemanticKind.Price, new SqlType { Kind = TypeKind.Numeric, Precision = 4, Scale = 2 }));
        Assert.All(small, v => Assert.InRange(v, 0.01, 99.99));
        Assert.InRange(Median(small), 1, 10);
        var qty = Numbers(Slot(SemanticKind.Quantity, SqlType.Of(TypeKind.Integer)));
        Assert.All(qty, v => Assert.True(v >= 1));
        Assert.InRange(Median(qty), 4, 10);
        Assert.True(qty.Max() > 30, "quantities have a long tail");
        var pct = Numbers(Slot(SemanticKind.Percentage, SqlType.Of(TypeKind.Real)));
        Assert.All(pct, v => Assert.InRange(v, 0, 100));
        Assert.True(Median(pct) < 30, "percentages skew low");
        var frac = Numbers(Slot(SemanticKind.Fraction, SqlType.Of(TypeKind.Real)));
        Assert.All(frac, v => Assert.InRange(v, 0, 1));
        Assert.True(frac.Count(v => v <= 0.25) > frac.Count * 0.85, "discounts are mostly below 0.25");
        Assert.All(Numbers(Slot(SemanticKind.Rating, SqlType.Of(TypeKind.SmallInt))), v => Assert.InRange(v, 1, 5));
        Assert.All(Numbers(Slot(SemanticKind.Age, SqlType.Of(TypeKind.Integer))), v => Assert.InRange(v, 18, 90));
        Assert.All(Numbers(Slot(SemanticKind.Month, SqlType.Of(TypeKind.Integer))), v => Assert.InRange(v, 1, 12));
        Assert.All(Numbers(Slot(SemanticKind.DayOfMonth, SqlType.Of(TypeKind.Integer))), v => Assert.InRange(v, 1, 31));
        Assert.All(Numbers(Slot(SemanticKind.Latitude, SqlType.Of(TypeKind.Double))), v => Assert.InRange(v, -90, 90));
        var ms = Numbers(Slot(SemanticKind.Duration, SqlType.Of(TypeKind.Integer), unit: DurationUnit.Milliseconds));
        Assert.InRange(Median(ms), 100_000, 500_000);
        var plain = Numbers(Slot(SemanticKind.Other, new SqlType { Kind = TypeKind.Numeric }));
        Assert.InRange(Median(plain), 5, 80);
    }

    [Fact]
    public void Unique_emails_and_codes_stay_unique_and_look_real()
    {
        const string sql = """
            CREATE TABLE customers (
                customer_id char(5) PRIMARY KEY,
                email varchar(60) NOT NULL UNIQUE,
                country varchar(15),
                city varchar(15),
                phone varchar(24)
            );
            CREATE TABLE orders (
                order_id serial PRIMARY KEY,
                customer_id char(5) REFERENCES customers,
                ship_city varchar(15),
                ship_country varchar(15),
                freight numeric(10,2),
                quantity smallint NOT NULL CHECK (quantity > 0)
            );
            """;
        var g = PgDdlReader.Read(sql, "t.sql").Graph;
        var gen = new IndependentValueGenerator(GenerationPlanner.Create(g, new GenerationOptions { DefaultRows = 5000, Seed = 9 }));
        var rows = All(gen, g.Tables.Single(t => t.Name.Name == "customers"));
        var emails = rows["email"].Cast<string>().ToList();
        Assert.Equal(emails.Count, emails.Distinct().Count());
        Assert.All(emails, e => Assert.Matches(@"^[a-z]+\.[a-z]+\.[0-9a-z]+@example\.com$", e));
        var ids = rows["customer_id"].Cast<string>().ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Matches("^[A-Z0-9]{5}$", id));
        // Orders reference existing customers; quantities obey their CHECK.
        var orders = All(gen, g.Tables.Single(t => t.Name.Name == "orders"));
        var idSet = ids.ToHashSet();
        Assert.All(orders["customer_id"].Where(v => v is not null), v => Assert.Contains((string)v!, idSet));
        Assert.All(orders["quantity"], v => Assert.True(Convert.ToInt32(v, CultureInfo.InvariantCulture) > 0));
    }

    [Fact]
    public void Same_seed_gives_the_same_rows_in_any_batch_size_and_locale_changes_them()
    {
        const string sql = """
            CREATE TABLE people (id serial PRIMARY KEY, first_name varchar(30), last_name varchar(30), email text UNIQUE,
                city varchar(30), country varchar(30), price numeric(8,2), notes text);
            """;
        var g = PgDdlReader.Read(sql, "t.sql").Graph;
        var t = g.Tables.Single();
        List<string> Run(int batch, string locale = "en") =>
            Tuples(All(new IndependentValueGenerator(GenerationPlanner.Create(g, new GenerationOptions { DefaultRows = 3000, Seed = 4, Locale = locale })), t, batch),
                "first_name", "last_name", "email", "city", "country", "price", "notes");
        var a = Run(1000);
        Assert.Equal(a, Run(7));
        Assert.Equal(a, Run(3000));
        Assert.NotEqual(a, Run(1000, "fr"));
    }
}
