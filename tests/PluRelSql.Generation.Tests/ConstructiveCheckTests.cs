using PluRelSql.Schema;
using PluRelSql.Schema.Postgres;
using static PluRelSql.Generation.Tests.S;

namespace PluRelSql.Generation.Tests;

/// <summary>CHECKs that compare columns are satisfied by construction (the dependent column is drawn from the interval
/// the other leaves), so they hold at any row count, with no retry loop that can run out of attempts.</summary>
public class ConstructiveCheckTests
{
    private static SchemaGraph Read(string sql) => PgDdlReader.Read(sql, "t.sql").Graph;

    private static (IndependentValueGenerator Gen, TableDef Table) Make(string sql, string table, long rows, ulong seed)
    {
        var g = Read(sql);
        var gen = new IndependentValueGenerator(GenerationPlanner.Create(g, new GenerationOptions { DefaultRows = rows, Seed = seed }));
        return (gen, g.Tables.Single(t => t.Name.Name == table));
    }

    /// <summary>Counts rows that violate any CHECK of the table, judged by the test's own evaluator.</summary>
    private static int Violations(Dictionary<string, List<object?>> rows, TableDef t)
    {
        var n = rows.First().Value.Count;
        var bad = 0;
        for (var i = 0; i < n; i++)
            if (t.Checks.Any(ck => CheckAndPartitionTests.Eval(ck.Predicate!, c => rows[c][i]) == false)) bad++;
        return bad;
    }

    private const string Orders = """
        CREATE TABLE "order" (
            order_id   bigserial PRIMARY KEY,
            ordered_at timestamp NOT NULL,
            shipped_at timestamp,
            CHECK (shipped_at IS NULL OR shipped_at >= ordered_at));
        """;

    [Fact]
    public void Shop_orders_shipped_after_ordered_hold_at_scale_without_retries()
    {
        // shop.sql's CHECK failed at row 323,144 of 3,000,000 after 20 redraws; 4 seeds × 250k rows covers as many
        // rows, and the retry loop must not run at all.
        foreach (var seed in new ulong[] { 1, 2, 3, 4 })
        {
            var (gen, t) = Make(Orders, "order", 250_000, seed);
            var rows = All(gen, t, 8192);
            Assert.Equal(0, Violations(rows, t));
            Assert.Equal(0, gen.Program(t).RetriedRows);
            // Shipped orders spread after the order date, not piled on it.
            var gaps = Enumerable.Range(0, rows["order_id"].Count).Where(i => rows["shipped_at"][i] is not null)
                .Select(i => ((DateTime)rows["shipped_at"][i]! - (DateTime)rows["ordered_at"][i]!).TotalDays).ToList();
            Assert.True(gaps.Count(d => d == 0) < gaps.Count / 100, "too many shipped_at equal to ordered_at");
        }
    }

    private const string ThreeDates = """
        CREATE TABLE claim (
            id        integer PRIMARY KEY,
            opened    date NOT NULL,
            approved  date,
            closed    date NOT NULL,
            CHECK (approved IS NULL OR approved >= opened),
            CHECK (closed > approved),
            CHECK (closed BETWEEN opened AND '2024-12-31'));
        """;

    [Fact]
    public void Three_interdependent_dates_hold_over_many_seeds_and_rows()
    {
        for (ulong seed = 1; seed <= 8; seed++)
        {
            var (gen, t) = Make(ThreeDates, "claim", 25_000, seed);
            var rows = All(gen, t, 4096);
            Assert.Equal(0, Violations(rows, t));
            Assert.Equal(0, gen.Program(t).RetriedRows);
            // closed ≤ 2024-12-31 and closed ≥ opened: opened is narrowed to leave closed a value.
            Assert.All(rows["opened"], v => Assert.True((DateOnly)v! <= new DateOnly(2024, 12, 31)));
            Assert.True(rows["approved"].Count(v => v is not null) > 20_000);
        }
    }

    [Fact]
    public void Rows_are_the_same_whatever_the_batch_size()
    {
        var (gen, t) = Make(ThreeDates, "claim", 20_000, 7);
        var a = Tuples(All(gen, t, 20_000), "opened", "approved", "closed");
        var b = Tuples(All(gen, t, 333), "opened", "approved", "closed");
        Assert.Equal(a, b);
        var c = new List<string>();
        // Out of order, as threads produce them.
        var batches = Enumerable.Range(0, 20).Reverse().Select(k => gen.Generate(t, k * 1000, 1000)).OrderBy(x => x.FirstRow);
        foreach (var batch in batches)
            for (var i = 0; i < batch.Count; i++)
                c.Add(string.Join("|", new[] { "opened", "approved", "closed" }.Select(n => Canon(batch[n].GetValue(i)))));
        Assert.Equal(a, c);
    }

    [Fact]
    public void A_range_that_collapses_at_the_top_of_the_type_narrows_the_other_column()
    {
        var (gen, t) = Make("""
            CREATE TABLE t (id integer PRIMARY KEY,
                a smallint NOT NULL CHECK (a BETWEEN 32000 AND 32767),
                b smallint NOT NULL,
                c smallint CHECK (c < a),
                CHECK (b > a));
            """, "t", 50_000, 3);
        var rows = All(gen, t);
        Assert.Equal(0, Violations(rows, t));
        Assert.Equal(0, gen.Program(t).RetriedRows);
        Assert.All(rows["a"], v => Assert.InRange((short)v!, (short)32000, (short)32766));
        Assert.Contains(rows["b"], v => (short)v! == 32767);
    }

    [Fact]
    public void Numeric_and_timestamp_comparisons_with_constants_inside_an_or_are_drawn()
    {
        var (gen, t) = Make("""
            CREATE TABLE offer (id integer PRIMARY KEY,
                price numeric(8,2) NOT NULL CHECK (price > 0),
                discount numeric(8,2),
                starts timestamptz NOT NULL,
                ends timestamptz,
                CHECK (discount <= price),
                CHECK (ends IS NULL OR (ends > starts AND ends < '2026-06-01')));
            """, "offer", 100_000, 5);
        var rows = All(gen, t);
        Assert.Equal(0, Violations(rows, t));
        Assert.Equal(0, gen.Program(t).RetriedRows);
    }

    [Fact]
    public void Checks_it_cannot_construct_still_fail_with_the_table_the_check_the_row_and_the_reason()
    {
        // Both sides are keys (a numbers the rows, b is a permutation): neither can be drawn from the other's interval.
        // The generator's preflight (its first rows, drawn when it is built) finds it before any load starts.
        var e = Assert.Throws<SchemaException>(() =>
        {
            var (gen, t) = Make("""
                CREATE TABLE t (a integer PRIMARY KEY, b integer NOT NULL UNIQUE, CONSTRAINT b_below_a CHECK (b < a));
                """, "t", 100, 1);
            All(gen, t);
        });
        Assert.Contains("public.t", e.Message);
        Assert.Contains("b_below_a", e.Message);
        Assert.Contains("row ", e.Message);
        Assert.Contains("limitation of the generator", e.Message);
    }
}
