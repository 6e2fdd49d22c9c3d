using PluRelSql.Generation.PluRel;
using PluRelSql.Schema;
using PluRelSql.Schema.Postgres;
using static PluRelSql.Generation.Tests.S;

namespace PluRelSql.Generation.Tests.PluRel;

/// <summary><c>--engine plurel</c> with v1's semantics: the engine decides which parent and the rank of a driven
/// number, v1 decides what the number looks like; dates, name-ordered pairs and child-after-parent stay v1's.</summary>
public class CombinedEngineTests
{
    private const string Shop = """
        CREATE TABLE customers (id serial PRIMARY KEY, credit numeric(10,2) NOT NULL, created_at timestamp NOT NULL);
        CREATE TABLE orders (
            id           serial PRIMARY KEY,
            customer_id  integer NOT NULL REFERENCES customers,
            quantity     integer NOT NULL,
            amount       numeric(12,2) NOT NULL,
            weight       double precision,
            sale_price   numeric(10,2) NOT NULL,
            list_price   numeric(10,2) NOT NULL,
            order_date   timestamp NOT NULL,
            shipped_date timestamp);
        """;

    private static (RealSchemaPluRelGenerator Plurel, IndependentValueGenerator V1, SchemaGraph Graph) Make(ulong seed)
    {
        var g = PgDdlReader.Read(Shop, "shop.sql").Graph;
        var plan = GenerationPlanner.Create(g, new GenerationOptions
        {
            Seed = seed, DefaultRows = 6000, TableRows = new Dictionary<string, long> { ["customers"] = 400 },
        });
        return (new RealSchemaPluRelGenerator(plan, new PluRelDatabase(g, plan.RowCounts, seed)), new IndependentValueGenerator(plan), g);
    }

    [Fact]
    public void Driven_numbers_take_v1_shapes_in_the_engine_rank_order()
    {
        var (plurel, v1, g) = Make(5);
        var orders = g.Tables.Single(t => t.Name.Name == "orders");
        var driven = plurel.DrivenColumns(orders);
        Assert.Contains("amount", driven);
        Assert.DoesNotContain("order_date", driven);
        Assert.DoesNotContain("shipped_date", driven);
        Assert.DoesNotContain("sale_price", driven); // an implied pair with list_price: v1 keeps the order
        var p = All(plurel, orders, 1000);
        var b = All(v1, orders, 1000);
        var chunk = plurel.Engine.ComputeChunk(orders, 0, 6000);
        foreach (var col in driven.Where(c => c is "amount" or "quantity" or "weight"))
        {
            var got = p[col].Select(v => v is null ? double.NaN : Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            var own = b[col].Where(v => v is not null).Select(v => Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            var (min, max) = (own.Min(), own.Max());
            // v1's range, not the engine's abstract scale (standardized or rank-uniform values near 0).
            Assert.All(got.Where(double.IsFinite), v => Assert.InRange(v, min, max));
            // The engine's order: a higher engine value never gets a lower value.
            var raw = chunk[col].Doubles!;
            var pairs = Enumerable.Range(0, 6000).Where(i => double.IsFinite(got[i]) && double.IsFinite(raw[i]))
                .Select(i => (raw[i], got[i])).OrderBy(x => x.Item1).ToArray();
            for (var i = 1; i < pairs.Length; i++) Assert.True(pairs[i].Item2 >= pairs[i - 1].Item2, $"{col}: rank order broken at {i}");
        }
        for (var i = 0; i < 6000; i++)
        {
            Assert.True((decimal)p["list_price"][i]! >= (decimal)p["sale_price"][i]!);
            if (p["shipped_date"][i] is DateTime s) Assert.True(s >= (DateTime)p["order_date"][i]!);
        }
    }

    [Fact]
    public void Same_rows_at_any_batch_size()
    {
        var (plurel, _, g) = Make(9);
        foreach (var t in g.Tables)
        {
            var cols = t.Columns.Select(c => c.Name).ToArray();
            Assert.Equal(Tuples(All(plurel, t, 6000), cols), Tuples(All(plurel, t, 517), cols));
        }
    }
}
