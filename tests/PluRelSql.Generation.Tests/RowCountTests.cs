using PluRelSql.Schema;
using PluRelSql.Schema.Postgres;
using static PluRelSql.Generation.Tests.S;

namespace PluRelSql.Generation.Tests;

/// <summary>Asked-for row counts are met or refused before anything is generated: a key whose values cannot number
/// the rows is an error naming the table, the key and its size (FitRows lowers the count instead and lists it), and
/// counts that overflow or pass the ceiling are refused.</summary>
public class RowCountTests
{
    private static SchemaGraph Read(string sql) => PgDdlReader.Read(sql, "t.sql").Graph;

    private static GenerationPlan Plan(string sql, long rows, bool fit = false, double scale = 1, long? max = null) =>
        GenerationPlanner.Create(Read(sql), new GenerationOptions
        {
            // Equal counts: these tests are about what one table's keys hold when it is asked for N.
            DefaultRows = rows, FitRows = fit, Scale = scale, MaxTotalRows = max ?? GenerationOptions.DefaultMaxTotalRows, Sizing = RowSizing.Uniform,
        });

    private static string Refused(string sql, long rows) =>
        Assert.Throws<RowCountException>(() => Plan(sql, rows)).Message;

    [Theory]
    [InlineData("flag boolean UNIQUE", "UNIQUE (flag) can hold at most 2 distinct values (boolean)")]
    [InlineData("code varchar(1) UNIQUE", "UNIQUE (code) can hold at most 36 distinct values (character varying(1))")]
    [InlineData("code char(1) NOT NULL UNIQUE", "UNIQUE (code) can hold at most 36 distinct values (character(1))")]
    [InlineData("code char(2) UNIQUE", "UNIQUE (code) can hold at most 1,296 distinct values (character(2))")]
    [InlineData("mood mood UNIQUE", "UNIQUE (mood) can hold at most 3 distinct values (enum public.mood of 3 labels)")]
    [InlineData("n integer UNIQUE CHECK (n BETWEEN 1 AND 10)", "UNIQUE (n) can hold at most 10 distinct values (integer as its CHECK allows)")]
    [InlineData("n numeric(2,0) UNIQUE", "UNIQUE (n) can hold at most 199 distinct values (numeric(2,0))")]
    [InlineData("d date UNIQUE CHECK (d >= '2024-01-01' AND d < '2025-01-01')", "UNIQUE (d) can hold at most 366 distinct values (date as its CHECK allows)")]
    public void A_key_whose_values_cannot_number_the_rows_is_refused_with_its_size(string column, string expected)
    {
        var sql = $"CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy'); CREATE TABLE t (id bigint PRIMARY KEY, {column});";
        Assert.Equal($"public.t: {expected}, but 100,000 rows were asked for", Refused(sql, 100_000));
    }

    [Fact]
    public void Smallint_keys_use_their_whole_range_before_they_refuse()
    {
        const string sql = "CREATE TABLE t (n smallint PRIMARY KEY);";
        var plan = Plan(sql, 65_536);
        var gen = new IndependentValueGenerator(plan);
        var t = plan.Graph.Tables[0];
        Assert.Equal(65_536, All(gen, t, 10_000)["n"].Distinct().Count());
        Assert.Equal("public.t: PRIMARY KEY (n) can hold at most 65,536 distinct values (smallint), but 65,537 rows were asked for",
            Refused(sql, 65_537));
        // Within 1..32767 nothing changes: keys still count from 1.
        Assert.Equal(Enumerable.Range(1, 100).Select(i => (object?)(short)i), All(new IndependentValueGenerator(Plan(sql, 100)), t)["n"]);
    }

    [Fact]
    public void Composite_keys_multiply_their_columns_domains()
    {
        const string sql = "CREATE TABLE t (a boolean, b char(1), c text, PRIMARY KEY (a, b));";
        Assert.Equal("public.t: PRIMARY KEY (a, b) can hold at most 72 distinct values (2 of a: boolean × 36 of b: character(1)), " +
                     "but 1,000 rows were asked for", Refused(sql, 1000));
        Assert.Equal(72, Plan(sql, 72).TotalRows);
    }

    [Fact]
    public void A_one_to_one_table_cannot_have_more_rows_than_its_parent()
    {
        var g = Read("""
            CREATE TABLE users (id integer PRIMARY KEY);
            CREATE TABLE profile (user_id integer PRIMARY KEY REFERENCES users);
            """);
        var e = Assert.Throws<RowCountException>(() => GenerationPlanner.Create(g, new GenerationOptions
        {
            DefaultRows = 1000, TableRows = new Dictionary<string, long> { ["users"] = 10 },
        }));
        Assert.Equal("public.profile: PRIMARY KEY (user_id) can hold at most 10 distinct values (one per row of public.users, which gets 10 rows), " +
                     "but 1,000 rows were asked for", e.Message);
        Assert.Equal(new QualifiedName("public", "profile"), e.Table);
        Assert.True(e.Fittable);
    }

    [Fact]
    public void A_sequence_column_that_cannot_number_the_rows_is_refused()
    {
        const string sql = "CREATE TABLE t (id integer PRIMARY KEY, n smallserial);";
        Assert.Equal("public.t: n (smallint, numbered from 1 by 1) can number at most 32,767 rows, but 40,000 rows were asked for",
            Refused(sql, 40_000));
    }

    [Fact]
    public void Fit_rows_gives_each_table_what_its_keys_hold_and_lists_every_shortfall()
    {
        const string sql = """
            CREATE TABLE flags (flag boolean PRIMARY KEY);
            CREATE TABLE codes (code varchar(1) UNIQUE, flag boolean NOT NULL REFERENCES flags);
            CREATE TABLE free (id integer PRIMARY KEY);
            """;
        var plan = Plan(sql, 1000, fit: true);
        Assert.Equal([("public.flags", 1000L, 2L), ("public.codes", 1000L, 36L)],
            plan.Caps.Select(c => (c.Table.ToString(), c.Requested, c.Rows)));
        Assert.Contains("UNIQUE (code) can hold at most 36 distinct values", plan.Caps[1].Reason);
        Assert.Equal(1000, plan.RowCounts[new QualifiedName("public", "free")]);
        var gen = new IndependentValueGenerator(plan);
        var codes = plan.Graph.Tables.Single(t => t.Name.Name == "codes");
        Assert.Equal(36, All(gen, codes)["code"].Distinct().Count());
    }

    [Fact]
    public void Counts_that_overflow_or_pass_the_ceiling_are_refused()
    {
        const string sql = "CREATE TABLE t (id bigint PRIMARY KEY); CREATE TABLE u (id bigint PRIMARY KEY);";
        var scale = Assert.Throws<RowCountException>(() => Plan(sql, 1000, scale: 1e300)).Message;
        Assert.StartsWith("public.t: 1,000 rows × scale 1E+300 = 1E+303 rows, more than any table can hold", scale);
        Assert.False(Assert.Throws<RowCountException>(() => Plan(sql, 1000, scale: 1e300)).Fittable);
        var huge = Assert.Throws<RowCountException>(() => Plan(sql, 99_999_999_999_999)).Message;
        Assert.Equal("the plan asks for 199,999,999,999,998 rows in all, more than the limit of 10,000,000,000", huge);
        Assert.Throws<RowCountException>(() => Plan(sql, long.MaxValue));
        // The ceiling can be raised or lifted; the per-table bound cannot.
        Assert.Equal(2e14 - 2, Plan(sql, 99_999_999_999_999, max: 0).TotalRows);
        Assert.Throws<RowCountException>(() => Plan(sql, 6_000_000_000, max: 10_000_000_000));
        Assert.Equal(10_000_000_000, Plan(sql, 5_000_000_000).TotalRows);
    }
}
