using PluRelSql.Schema;
using PluRelSql.Schema.Postgres;

namespace PluRelSql.Schema.Tests.Model;

public sealed class ColumnSemanticsTests
{
    /// <summary>Classifies <paramref name="column"/> of a one-table PostgreSQL script.</summary>
    private static ColumnMeaning Of(string sql, string table, string column)
    {
        var g = PgDdlReader.Read(sql, "t.sql").Graph;
        var t = g.Tables.Single(x => x.Name.Name == table);
        return ColumnSemantics.Classify(t, t.Column(column), g);
    }

    private static ColumnMeaning Column(string table, string column, string type) =>
        Of($"CREATE TABLE {table} (id int PRIMARY KEY, {column} {type});", table.Split('.')[^1].Trim('"'), column.Trim('"'));

    [Theory]
    // Person.
    [InlineData("people", "first_name", "varchar(40)", SemanticKind.GivenName)]
    [InlineData("people", "\"FirstName\"", "varchar(40)", SemanticKind.GivenName)]
    [InlineData("people", "fname", "text", SemanticKind.GivenName)]
    [InlineData("people", "surname", "text", SemanticKind.FamilyName)]
    [InlineData("people", "\"LastName\"", "varchar(20)", SemanticKind.FamilyName)]
    [InlineData("people", "full_name", "text", SemanticKind.FullName)]
    [InlineData("customers", "contact_name", "varchar(30)", SemanticKind.FullName)]
    [InlineData("employees", "title_of_courtesy", "varchar(25)", SemanticKind.NamePrefix)]
    [InlineData("people", "gender", "char(1)", SemanticKind.Gender)]
    [InlineData("people", "sex", "text", SemanticKind.Gender)]
    [InlineData("users", "user_name", "varchar(30)", SemanticKind.Username)]
    [InlineData("users", "login", "text", SemanticKind.Username)]
    [InlineData("users", "\"customerEmail\"", "varchar(80)", SemanticKind.Email)]
    [InlineData("users", "email_address", "varchar(80)", SemanticKind.Email)]
    [InlineData("users", "pwd", "varchar(80)", SemanticKind.Password)]
    [InlineData("users", "password_hash", "text", SemanticKind.Password)]
    [InlineData("files", "sha256", "char(64)", SemanticKind.Hash)]
    // Contact and address.
    [InlineData("people", "phone_no", "varchar(24)", SemanticKind.Phone)]
    [InlineData("people", "tel", "varchar(24)", SemanticKind.Phone)]
    [InlineData("people", "fax", "varchar(24)", SemanticKind.Phone)]
    [InlineData("employees", "extension", "varchar(4)", SemanticKind.PhoneExtension)]
    [InlineData("people", "phone_ext", "varchar(6)", SemanticKind.PhoneExtension)]
    [InlineData("people", "address", "varchar(60)", SemanticKind.StreetAddress)]
    [InlineData("people", "address_line1", "varchar(60)", SemanticKind.StreetAddress)]
    [InlineData("people", "address1", "varchar(60)", SemanticKind.StreetAddress)]
    [InlineData("people", "\"BillingAddr\"", "varchar(60)", SemanticKind.StreetAddress)]
    [InlineData("people", "\"CityName\"", "varchar(30)", SemanticKind.City)]
    [InlineData("people", "province", "varchar(30)", SemanticKind.Region)]
    [InlineData("people", "\"ShipPostalCode\"", "varchar(10)", SemanticKind.PostalCode)]
    [InlineData("people", "zip", "varchar(10)", SemanticKind.PostalCode)]
    [InlineData("people", "country", "varchar(40)", SemanticKind.Country)]
    [InlineData("people", "country_code", "char(2)", SemanticKind.CountryCode)]
    [InlineData("people", "iso", "char(2)", SemanticKind.CountryCode)]
    [InlineData("people", "country", "char(3)", SemanticKind.CountryCode)]
    [InlineData("places", "lat", "numeric(9,6)", SemanticKind.Latitude)]
    [InlineData("places", "lng", "double precision", SemanticKind.Longitude)]
    // Codes.
    [InlineData("prices", "currency", "char(3)", SemanticKind.CurrencyCode)]
    [InlineData("prices", "ccy", "char(3)", SemanticKind.CurrencyCode)]
    [InlineData("prices", "cur", "char(3)", SemanticKind.CurrencyCode)]
    [InlineData("users", "lang", "varchar(5)", SemanticKind.LanguageCode)]
    [InlineData("users", "tz", "text", SemanticKind.TimeZone)]
    [InlineData("users", "time_zone", "text", SemanticKind.TimeZone)]
    [InlineData("users", "locale", "varchar(10)", SemanticKind.Locale)]
    // Business words.
    [InlineData("suppliers", "company_name", "varchar(40)", SemanticKind.CompanyName)]
    [InlineData("orders", "product_name", "varchar(40)", SemanticKind.ProductName)]
    [InlineData("people", "job_title", "varchar(40)", SemanticKind.JobTitle)]
    [InlineData("customers", "contact_title", "varchar(30)", SemanticKind.JobTitle)]
    [InlineData("people", "dept", "varchar(40)", SemanticKind.Department)]
    [InlineData("items", "cat", "varchar(40)", SemanticKind.Category)]
    [InlineData("items", "colour", "varchar(20)", SemanticKind.Colour)]
    [InlineData("items", "sku", "varchar(12)", SemanticKind.Code)]
    [InlineData("items", "invoice_no", "varchar(12)", SemanticKind.Code)]
    // Internet and files.
    [InlineData("sites", "\"homepageURL\"", "text", SemanticKind.Url)]
    [InlineData("sites", "website", "text", SemanticKind.Url)]
    [InlineData("sites", "hostname", "text", SemanticKind.Domain)]
    [InlineData("hits", "client_ip", "varchar(45)", SemanticKind.IpAddress)]
    [InlineData("hits", "ip", "inet", SemanticKind.IpAddress)]
    [InlineData("hits", "device", "macaddr", SemanticKind.MacAddress)]
    [InlineData("hits", "user_agent", "text", SemanticKind.UserAgent)]
    [InlineData("docs", "photo_path", "varchar(255)", SemanticKind.FilePath)]
    [InlineData("docs", "file_name", "varchar(255)", SemanticKind.FileName)]
    [InlineData("docs", "img", "varchar(255)", SemanticKind.FileName)]
    [InlineData("docs", "mime_type", "varchar(100)", SemanticKind.MimeType)]
    [InlineData("docs", "\"ContentType\"", "varchar(100)", SemanticKind.MimeType)]
    // Text.
    [InlineData("posts", "headline", "varchar(200)", SemanticKind.Title)]
    [InlineData("tickets", "subject", "varchar(200)", SemanticKind.Title)]
    [InlineData("items", "desc", "text", SemanticKind.Text)]
    [InlineData("items", "description", "text", SemanticKind.Text)]
    [InlineData("people", "bio", "text", SemanticKind.Text)]
    [InlineData("items", "notes", "text", SemanticKind.Text)]
    [InlineData("events", "payload", "jsonb", SemanticKind.Json)]
    // Numbers.
    [InlineData("items", "unit_price", "numeric(10,2)", SemanticKind.Price)]
    [InlineData("items", "\"TotalAmt\"", "numeric(12,2)", SemanticKind.Price)]
    [InlineData("orders", "freight", "money", SemanticKind.Price)]
    [InlineData("people", "salary", "numeric(12,2)", SemanticKind.Price)]
    [InlineData("orders", "discount_amount", "numeric(12,2)", SemanticKind.Price)]
    [InlineData("items", "qty", "smallint", SemanticKind.Quantity)]
    [InlineData("items", "units_in_stock", "smallint", SemanticKind.Quantity)]
    [InlineData("items", "email_count", "integer", SemanticKind.Quantity)]
    [InlineData("items", "num_pages", "integer", SemanticKind.Quantity)]
    [InlineData("items", "discount_pct", "numeric(5,2)", SemanticKind.Percentage)]
    [InlineData("items", "tax_rate", "numeric(3,2)", SemanticKind.Fraction)]
    [InlineData("items", "discount", "real", SemanticKind.Fraction)]
    [InlineData("items", "discount", "numeric(4,3)", SemanticKind.Fraction)]
    [InlineData("items", "conversion_ratio", "double precision", SemanticKind.Fraction)]
    [InlineData("reviews", "stars", "smallint", SemanticKind.Rating)]
    [InlineData("reviews", "rating", "numeric(2,1)", SemanticKind.Rating)]
    [InlineData("games", "score", "integer", SemanticKind.Score)]
    [InlineData("people", "age", "integer", SemanticKind.Age)]
    [InlineData("cars", "model_year", "smallint", SemanticKind.Year)]
    [InlineData("sales", "qtr", "smallint", SemanticKind.Quarter)]
    [InlineData("people", "c_birth_month", "integer", SemanticKind.Month)]
    [InlineData("people", "c_birth_day", "integer", SemanticKind.DayOfMonth)]
    [InlineData("shifts", "day_of_week", "smallint", SemanticKind.DayOfWeek)]
    [InlineData("shifts", "dow", "smallint", SemanticKind.DayOfWeek)]
    [InlineData("shifts", "start_hour", "smallint", SemanticKind.Hour)]
    [InlineData("shifts", "minute", "smallint", SemanticKind.Minute)]
    [InlineData("files", "bytes", "bigint", SemanticKind.ByteSize)]
    [InlineData("files", "filesize", "bigint", SemanticKind.ByteSize)]
    [InlineData("parcels", "weight_kg", "real", SemanticKind.Weight)]
    [InlineData("parcels", "height", "numeric(6,2)", SemanticKind.Measurement)]
    [InlineData("parcels", "length_cm", "numeric(6,2)", SemanticKind.Measurement)]
    [InlineData("parcels", "temperature", "real", SemanticKind.Measurement)]
    [InlineData("apps", "version", "varchar(20)", SemanticKind.Version)]
    // Time.
    [InlineData("events", "created_at", "timestamptz", SemanticKind.Timestamp)]
    [InlineData("events", "event_dt", "date", SemanticKind.Date)]
    [InlineData("people", "birth_date", "date", SemanticKind.BirthDate)]
    [InlineData("people", "dob", "date", SemanticKind.BirthDate)]
    [InlineData("people", "born_on", "timestamp", SemanticKind.BirthDate)]
    [InlineData("events", "opens_at", "time", SemanticKind.Time)]
    // Flags and keys.
    [InlineData("items", "is_active", "boolean", SemanticKind.Flag)]
    [InlineData("items", "\"isDeleted\"", "smallint", SemanticKind.Flag)]
    [InlineData("products", "discontinued", "integer", SemanticKind.Flag)]
    [InlineData("items", "external_id", "bigint", SemanticKind.Id)]
    [InlineData("items", "thing", "bytea", SemanticKind.Other)]
    // Table context: a bare name or title.
    [InlineData("employees", "title", "varchar(30)", SemanticKind.JobTitle)]
    [InlineData("products", "title", "varchar(100)", SemanticKind.Title)]
    [InlineData("albums", "title", "varchar(160)", SemanticKind.Title)]
    [InlineData("films", "title", "varchar(255)", SemanticKind.Title)]
    [InlineData("customers", "name", "varchar(50)", SemanticKind.FullName)]
    [InlineData("users", "name", "varchar(50)", SemanticKind.FullName)]
    [InlineData("companies", "name", "varchar(50)", SemanticKind.CompanyName)]
    [InlineData("products", "name", "varchar(50)", SemanticKind.ProductName)]
    [InlineData("tbl_product", "name", "varchar(50)", SemanticKind.ProductName)]
    [InlineData("countries", "name", "varchar(50)", SemanticKind.Country)]
    [InlineData("cities", "name", "varchar(50)", SemanticKind.City)]
    [InlineData("departments", "name", "varchar(50)", SemanticKind.Department)]
    [InlineData("categories", "name", "varchar(50)", SemanticKind.Category)]
    [InlineData("categories", "category_name", "varchar(50)", SemanticKind.Category)]
    [InlineData("widgets", "name", "varchar(50)", SemanticKind.Name)]
    [InlineData("film", "length", "smallint", SemanticKind.Duration)]
    public void Classifies_from_name_type_and_table(string table, string column, string type, SemanticKind expected)
    {
        if (type == "varchar(20)") type = "varchar(20)";
        var m = Column(table, column, type);
        Assert.True(expected == m.Kind, $"{table}.{column} {type}: expected {expected}, got {m.Kind} ({m.Evidence})");
        Assert.False(string.IsNullOrWhiteSpace(m.Evidence));
    }

    [Theory]
    [InlineData("track", "milliseconds", "integer", DurationUnit.Milliseconds)]
    [InlineData("jobs", "elapsed_ms", "bigint", DurationUnit.Milliseconds)]
    [InlineData("jobs", "duration_sec", "integer", DurationUnit.Seconds)]
    [InlineData("jobs", "timeout_secs", "integer", DurationUnit.Seconds)]
    [InlineData("films", "runtime_minutes", "integer", DurationUnit.Minutes)]
    [InlineData("jobs", "duration_min", "integer", DurationUnit.Minutes)]
    [InlineData("shifts", "hours", "numeric(4,1)", DurationUnit.Hours)]
    [InlineData("loans", "days", "integer", DurationUnit.Days)]
    [InlineData("film", "length", "smallint", DurationUnit.Minutes)]
    [InlineData("jobs", "duration", "integer", DurationUnit.Unknown)]
    public void Durations_say_their_unit(string table, string column, string type, DurationUnit unit)
    {
        var m = Column(table, column, type);
        Assert.Equal(SemanticKind.Duration, m.Kind);
        Assert.Equal(unit, m.Unit);
    }

    [Fact]
    public void Keys_win_over_the_name()
    {
        var sql = """
            CREATE TABLE country (code char(2) PRIMARY KEY);
            CREATE TABLE t (customer_id bigint PRIMARY KEY, country char(2) REFERENCES country, cur char(3));
            """;
        Assert.Equal(new ColumnMeaning(SemanticKind.Id, "primary key"), Of(sql, "t", "customer_id"));
        Assert.Equal(SemanticKind.ForeignKey, Of(sql, "t", "country").Kind);
        Assert.Equal(SemanticKind.Id, Of(sql, "country", "code").Kind);
        Assert.Equal("postal_code", ColumnSemantics.Name(SemanticKind.PostalCode));
        Assert.Equal("type char(3) + name 'cur'", Of(sql, "t", "cur").Evidence);
    }

    [Fact]
    public void Check_lists_and_enum_labels_are_enumerated_unless_the_name_fits_them()
    {
        var sql = """
            CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
            CREATE TYPE sex AS ENUM ('male', 'female');
            CREATE TABLE t (
                id int PRIMARY KEY,
                status varchar(10) CHECK (status IN ('new', 'paid', 'shipped')),
                gender char(1) CHECK (gender IN ('M', 'F')),
                sex_e sex,
                city varchar(20) CHECK (city IN ('Oslo', 'Rome')),
                feeling mood,
                kind text CHECK (kind = 'a' OR kind = 'b'),
                stars int CHECK (stars IN (1, 2, 3, 4, 5)),
                yn char(1) CHECK (yn IN ('Y', 'N')),
                currency char(3) CHECK (currency IN ('EUR', 'USD')));
            """;
        Assert.Equal(new ColumnMeaning(SemanticKind.Enumerated, "CHECK IN list"), Of(sql, "t", "status"));
        Assert.Equal(SemanticKind.Gender, Of(sql, "t", "gender").Kind);
        Assert.Contains("CHECK IN list", Of(sql, "t", "gender").Evidence, StringComparison.Ordinal);
        Assert.Equal(SemanticKind.Gender, Of(sql, "t", "sex_e").Kind);
        Assert.Equal(SemanticKind.Enumerated, Of(sql, "t", "city").Kind);
        Assert.Equal(new ColumnMeaning(SemanticKind.Enumerated, "enum type mood"), Of(sql, "t", "feeling"));
        Assert.Equal(SemanticKind.Enumerated, Of(sql, "t", "kind").Kind);
        Assert.Equal(SemanticKind.Rating, Of(sql, "t", "stars").Kind);
        Assert.Equal(SemanticKind.Flag, Of(sql, "t", "yn").Kind);
        Assert.Equal(SemanticKind.CurrencyCode, Of(sql, "t", "currency").Kind);
    }

    [Fact]
    public void Check_bounds_decide_where_the_name_does_not()
    {
        var sql = """
            CREATE DOMAIN share AS numeric(6,4) CHECK (VALUE BETWEEN 0 AND 1);
            CREATE TABLE t (
                id int PRIMARY KEY,
                w numeric(6,4) CHECK (w >= 0 AND w <= 1),
                p numeric(5,2) CHECK (p BETWEEN 0 AND 100),
                r smallint CHECK (r BETWEEN 1 AND 5),
                m smallint CHECK (m >= 1 AND m <= 12),
                d smallint CHECK (d BETWEEN 1 AND 31),
                h smallint CHECK (h BETWEEN 0 AND 23),
                x numeric(6,4),
                s share,
                big int CHECK (big BETWEEN 0 AND 1000));
            """;
        Assert.Equal(new ColumnMeaning(SemanticKind.Fraction, "CHECK 0..1"), Of(sql, "t", "w"));
        Assert.Equal(SemanticKind.Percentage, Of(sql, "t", "p").Kind);
        Assert.Equal(SemanticKind.Rating, Of(sql, "t", "r").Kind);
        Assert.Equal(SemanticKind.Month, Of(sql, "t", "m").Kind);
        Assert.Equal(SemanticKind.DayOfMonth, Of(sql, "t", "d").Kind);
        Assert.Equal(SemanticKind.Hour, Of(sql, "t", "h").Kind);
        Assert.Equal(SemanticKind.Other, Of(sql, "t", "x").Kind);
        Assert.Equal(SemanticKind.Fraction, Of(sql, "t", "s").Kind);
        Assert.Equal(SemanticKind.Other, Of(sql, "t", "big").Kind);
    }

    [Fact]
    public void Comments_decide_where_the_name_says_little()
    {
        var sql = """
            CREATE TABLE t (id int PRIMARY KEY, c1 char(3), c2 varchar(60), c3 integer, c4 varchar(60), c5 integer, note text);
            COMMENT ON COLUMN t.c1 IS 'ISO 4217 code of the invoice';
            COMMENT ON COLUMN t.c2 IS 'Customer e-mail';
            COMMENT ON COLUMN t.c3 IS 'time spent, in milliseconds';
            COMMENT ON COLUMN t.c4 IS 'nothing to see here';
            COMMENT ON COLUMN t.c5 IS 'Duration in seconds';
            COMMENT ON COLUMN t.note IS 'the phone number';
            """;
        Assert.Equal(new ColumnMeaning(SemanticKind.CurrencyCode, "comment 'ISO 4217'"), Of(sql, "t", "c1"));
        Assert.Equal(SemanticKind.Email, Of(sql, "t", "c2").Kind);
        var ms = Of(sql, "t", "c3");
        Assert.Equal((SemanticKind.Duration, DurationUnit.Milliseconds), (ms.Kind, ms.Unit));
        // A comment that says nothing leaves the type: a string no name explains is a short word, not free text.
        Assert.Equal(SemanticKind.Word, Of(sql, "t", "c4").Kind);
        Assert.Equal(DurationUnit.Seconds, Of(sql, "t", "c5").Unit);
        // The name is stronger than the comment: a "note" stays text.
        Assert.Equal(SemanticKind.Text, Of(sql, "t", "note").Kind);
    }

    [Theory]
    [InlineData("customerEmail", "customer,email")]
    [InlineData("phone_no", "phone,no")]
    [InlineData("HTTPStatus2", "http,status,2")]
    [InlineData("ShipPostalCode", "ship,postal,code")]
    [InlineData("address-line-1", "address,line,1")]
    public void Splits_snake_camel_kebab_and_pascal_names(string name, string parts) =>
        Assert.Equal(parts, string.Join(",", ColumnSemantics.SplitName(name)));
}
