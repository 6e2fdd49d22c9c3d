using PluRelSql.Schema;
using PluRelSql.Schema.Postgres;
using static PluRelSql.Generation.Tests.S;

namespace PluRelSql.Generation.Tests;

/// <summary>Columns whose names pair them (created_at/updated_at, start_date/end_date, min_price/max_price) get the
/// order a real database has, drawn by construction like a CHECK comparison, without any CHECK in the schema.</summary>
public class TemporalPairTests
{
    private static (IndependentValueGenerator Gen, TableDef Table, GenerationPlan Plan) Make(string sql, string table, long rows, ulong seed = 1)
    {
        var g = PgDdlReader.Read(sql, "t.sql").Graph;
        var plan = GenerationPlanner.Create(g, new GenerationOptions { DefaultRows = rows, Seed = seed });
        return (new IndependentValueGenerator(plan), g.Tables.Single(t => t.Name.Name == table), plan);
    }

    private static HashSet<(string, string)> Implied(GenerationPlan plan, TableDef t) =>
        new TableAnalysis(plan.Graph, plan.Order, t).ImplicitChecks.Cast<ComparePredicate>()
            .Select(c => (((ColumnOperand)c.Right).Column, ((ColumnOperand)c.Left).Column)).ToHashSet();

    /// <summary>Rows where lower &gt; upper (or = when strict), both non-NULL.</summary>
    private static int Broken(Dictionary<string, List<object?>> rows, string lower, string upper, bool strict)
    {
        var bad = 0;
        for (var i = 0; i < rows[lower].Count; i++)
        {
            if (rows[lower][i] is not IComparable a || rows[upper][i] is not { } b) continue;
            var c = a.CompareTo(b);
            if (c > 0 || strict && c == 0) bad++;
        }
        return bad;
    }

    private const string Shop = """
        CREATE TABLE listing (
            id           bigserial PRIMARY KEY,
            created_at   timestamp NOT NULL,
            updated_at   timestamp,
            start_date   date NOT NULL,
            end_date     date NOT NULL,
            ordered_at   timestamptz NOT NULL,
            shipped_at   timestamptz,
            delivered_at timestamptz,
            min_price    numeric(10,2) NOT NULL,
            max_price    numeric(10,2) NOT NULL);
        CREATE TABLE "Account" ("Id" serial PRIMARY KEY, "CreatedAt" timestamp NOT NULL, "UpdatedAt" timestamp NOT NULL);
        """;

    private static readonly (string Lower, string Upper, bool Strict)[] ShopPairs =
    [
        ("created_at", "updated_at", false), ("start_date", "end_date", true), ("ordered_at", "shipped_at", false),
        ("shipped_at", "delivered_at", false), ("ordered_at", "delivered_at", false), ("min_price", "max_price", false),
    ];

    [Fact]
    public void Named_pairs_hold_in_every_row_at_scale_and_nullable_ones_stay_nullable()
    {
        var (gen, t, plan) = Make(Shop, "listing", 50_000);
        Assert.Equal(ShopPairs.Select(p => (p.Lower, p.Upper)).ToHashSet(), Implied(plan, t));
        var rows = All(gen, t, 4096);
        foreach (var (lower, upper, strict) in ShopPairs)
            Assert.True(Broken(rows, lower, upper, strict) == 0, $"{lower} vs {upper}");
        // The order is not bought by piling the upper side onto the lower one, and NULLs are kept.
        var gaps = Enumerable.Range(0, 50_000).Count(i => (DateOnly)rows["end_date"][i]! != (DateOnly)rows["start_date"][i]!);
        Assert.True(gaps > 49_000);
        Assert.True(rows["updated_at"].Count(v => v is null) > 500);
        Assert.True(rows["shipped_at"].Count(v => v is null) > 500);
        Assert.True(rows["delivered_at"].Count(v => v is null) > 500);
        Assert.Equal(0, gen.Program(t).RetriedRows);

        var account = plan.Graph.Tables.Single(x => x.Name.Name == "Account");
        Assert.Equal([("CreatedAt", "UpdatedAt")], Implied(plan, account));
        Assert.Equal(0, Broken(All(gen, account, 4096), "CreatedAt", "UpdatedAt", strict: false));
    }

    [Fact]
    public void Same_bytes_at_any_batch_size()
    {
        var cols = new[] { "created_at", "updated_at", "start_date", "end_date", "ordered_at", "shipped_at", "delivered_at", "min_price", "max_price" };
        var (g1, t1, _) = Make(Shop, "listing", 5_000);
        var (g2, t2, _) = Make(Shop, "listing", 5_000);
        var a = Tuples(All(g1, t1, 5_000), cols);
        var b = Tuples(All(g2, t2, 7), cols);
        Assert.Equal(a, b);
    }

    [Fact]
    public void A_check_that_already_relates_a_pair_is_not_doubled_and_still_holds()
    {
        const string sql = """
            CREATE TABLE booking (
                id         integer PRIMARY KEY,
                valid_from date NOT NULL,
                valid_to   date,
                created_at timestamp NOT NULL,
                updated_at timestamp NOT NULL,
                CHECK (valid_to IS NULL OR valid_to >= valid_from));
            """;
        var (gen, t, plan) = Make(sql, "booking", 50_000);
        // valid_from/valid_to: the CHECK's non-strict order stands alone (the name pair would make it strict).
        Assert.Equal([("created_at", "updated_at")], Implied(plan, t));
        var rows = All(gen, t, 4096);
        Assert.Equal(0, Broken(rows, "valid_from", "valid_to", strict: false));
        Assert.Equal(0, Broken(rows, "created_at", "updated_at", strict: false));
        Assert.Equal(0, gen.Program(t).RetriedRows);
    }

    [Fact]
    public void Key_and_foreign_key_columns_are_never_paired()
    {
        const string sql = """
            CREATE TABLE level (n integer PRIMARY KEY);
            CREATE TABLE season (
                valid_from date PRIMARY KEY,
                valid_to   date NOT NULL,
                low        integer NOT NULL REFERENCES level (n),
                high       integer NOT NULL,
                created_at timestamp NOT NULL UNIQUE,
                updated_at timestamp NOT NULL);
            """;
        var (gen, t, plan) = Make(sql, "season", 2_000);
        Assert.Empty(Implied(plan, t));
        // The same schema with the partners renamed out of any pair draws the very same key and FK columns.
        var (gen2, t2, _) = Make(sql.Replace("valid_to", "valid_x").Replace("high", "peak").Replace("updated_at", "touched"), "season", 2_000);
        var keys = new[] { "valid_from", "low", "created_at" };
        Assert.Equal(Tuples(All(gen2, t2), keys), Tuples(All(gen, t), keys));
    }

    [Theory]
    [InlineData("CreatedAt", "UpdatedAt")]
    [InlineData("createdOn", "modifiedOn")]
    [InlineData("creation_date", "last_modified")]
    [InlineData("starts_at", "ends_at")]
    [InlineData("period_start", "period_end")]
    [InlineData("valid_from", "valid_until")]
    [InlineData("order_date", "delivery_date")]
    [InlineData("dob", "death_date")]
    public void Names_in_any_case_style_pair(string lower, string upper)
    {
        var found = TemporalPairs.Find([upper, lower, "other_at"], _ => 1);
        Assert.Equal([(lower, upper)], found.Select(f => (f.Lower, f.Upper)));
        // Numbers only pair through min/max and low/high; dates never through those.
        Assert.Empty(TemporalPairs.Find([lower, upper], _ => 0));
        Assert.Single(TemporalPairs.Find(["min_qty", "max_qty"], _ => 0));
        Assert.Empty(TemporalPairs.Find(["min_qty", "max_qty"], _ => 1));
    }
}
