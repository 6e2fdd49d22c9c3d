using PluRelSql.Schema;
using PluRelSql.Schema.Postgres;
using PluRelSql.TestSupport;
using static PluRelSql.Generation.Tests.S;

namespace PluRelSql.Generation.Tests;

/// <summary>Issue 15 point 4: children per parent skewed, event times inside the time range, growing with a sequence
/// key and never before the parent's, and name-ordered pairs (shipped ≥ ordered, list ≥ sale, cost ≤ price).</summary>
public class RelationshipRealismTests
{
    private const string Shop = """
        CREATE TABLE customers (
            id          serial PRIMARY KEY,
            name        text NOT NULL,
            birth_date  date,
            created_at  timestamp NOT NULL);
        CREATE TABLE orders (
            id            serial PRIMARY KEY,
            customer_id   integer NOT NULL REFERENCES customers,
            order_date    timestamp NOT NULL,
            required_date timestamp,
            shipped_date  timestamp,
            list_price    numeric(10,2) NOT NULL,
            sale_price    numeric(10,2) NOT NULL,
            cost          numeric(10,2),
            price         numeric(10,2));
        CREATE TABLE order_notes (
            id        serial PRIMARY KEY,
            order_id  integer REFERENCES orders,
            posted_at timestamptz NOT NULL);
        """;

    private static (IndependentValueGenerator Gen, SchemaGraph Graph) Make(string sql, long parents, long children, TimeRange? range = null, ulong seed = 7)
    {
        var g = PgDdlReader.Read(sql, "shop.sql").Graph;
        var plan = GenerationPlanner.Create(g, new GenerationOptions
        {
            Seed = seed, DefaultRows = children, TableRows = new Dictionary<string, long> { ["customers"] = parents },
            TimeRange = range ?? TimeRange.Default,
            // The counts are the test's: every child table gets `children` rows.
            Sizing = RowSizing.Uniform,
        });
        return (new IndependentValueGenerator(plan), g);
    }

    private static TableDef T(SchemaGraph g, string name) => g.Tables.Single(t => t.Name.Name == name);

    [Fact]
    public void Children_per_parent_are_skewed_but_few_parents_are_childless()
    {
        const int parents = 2000, children = 20_000; // ten orders per customer on average
        var (gen, g) = Make(Shop, parents, children);
        var orders = All(gen, T(g, "orders"), 4096);
        var perParent = new int[parents];
        foreach (var c in orders["customer_id"]) perParent[(int)c! - 1]++;
        var sorted = perParent.OrderDescending().ToArray();
        var top = sorted.Take(parents / 10).Sum() / (double)children;
        // Uniform links give the top tenth about 15 %; real orders per customer 30–50 %.
        Assert.InRange(top, 0.30, 0.55);
        Assert.True(perParent.Count(n => n == 0) < parents * 0.06, $"{perParent.Count(n => n == 0)} childless parents");
        // A few busy parents, but no single one holding a large share of all children.
        Assert.InRange(sorted[0], 5 * children / parents, 30 * children / parents);
        // Heavy parents are spread over the key space, not piled at the low keys.
        var heavy = Enumerable.Range(0, parents).OrderByDescending(i => perParent[i]).Take(parents / 10).ToArray();
        Assert.InRange(heavy.Average(), parents * 0.35, parents * 0.65);
    }

    [Fact]
    public void A_child_event_is_never_before_its_parent_event_and_logs_grow_with_their_key()
    {
        var (gen, g) = Make(Shop, 500, 20_000);
        var customers = All(gen, T(g, "customers"));
        var orders = All(gen, T(g, "orders"), 3000);
        var notes = All(gen, T(g, "order_notes"), 3000);
        var range = TimeRange.Default;
        var (lo, hi) = (range.From.ToDateTime(TimeOnly.MinValue), range.To.ToDateTime(TimeOnly.MaxValue));
        for (var i = 0; i < orders["id"].Count; i++)
        {
            var parent = (int)orders["customer_id"][i]! - 1;
            var created = (DateTime)customers["created_at"][parent]!;
            var ordered = (DateTime)orders["order_date"][i]!;
            Assert.True(ordered >= created, $"order {i}: {ordered:O} before its customer's {created:O}");
            Assert.InRange(ordered, lo, hi);
        }
        var notesWithOrder = 0;
        for (var i = 0; i < notes["id"].Count; i++)
        {
            if (notes["order_id"][i] is not int o) continue;
            notesWithOrder++;
            var posted = (DateTime)notes["posted_at"][i]!;
            Assert.True(posted >= (DateTime)orders["order_date"][o - 1]!, $"note {i} before its order");
        }
        Assert.True(notesWithOrder > 15_000);
        // A log: the first tenth of the orders is clearly older than the last tenth.
        var dates = orders["order_date"].Select(v => ((DateTime)v!).Ticks / 1e7).ToArray();
        var tenth = dates.Length / 10;
        var early = dates.Take(tenth).Average();
        var late = dates.TakeLast(tenth).Average();
        Assert.True(late - early > 365.0 * 86400, $"early {early}, late {late}");
        // Customers (a sequence key, no parent) grow with their key too.
        var created0 = customers["created_at"].Select(v => (DateTime)v!).ToArray();
        Assert.True(created0.Take(50).Max() < created0.TakeLast(50).Min());
    }

    [Fact]
    public void Name_ordered_pairs_hold_on_every_row()
    {
        var (gen, g) = Make(Shop, 300, 30_000);
        var o = All(gen, T(g, "orders"), 2048);
        for (var i = 0; i < o["id"].Count; i++)
        {
            var ordered = (DateTime)o["order_date"][i]!;
            if (o["shipped_date"][i] is DateTime s) Assert.True(s >= ordered, $"row {i}: shipped before ordered");
            if (o["required_date"][i] is DateTime r) Assert.True(r >= ordered, $"row {i}: required before ordered");
            Assert.True((decimal)o["list_price"][i]! >= (decimal)o["sale_price"][i]!, $"row {i}: list price below sale price");
            if (o["cost"][i] is decimal c && o["price"][i] is decimal p) Assert.True(c <= p, $"row {i}: cost above price");
        }
        var pairs = new TableAnalysis(gen.Plan.Graph, gen.Plan.Order, T(g, "orders")).ImplicitChecks.Cast<ComparePredicate>()
            .Select(c => (((ColumnOperand)c.Right).Column, ((ColumnOperand)c.Left).Column)).ToHashSet();
        Assert.Equal(new HashSet<(string, string)>
        {
            ("order_date", "required_date"), ("order_date", "shipped_date"), ("sale_price", "list_price"),
            ("cost", "price"), ("cost", "list_price"), ("cost", "sale_price"),
        }, pairs);
    }

    [Fact]
    public void Dates_fall_in_the_time_range_and_birth_dates_are_adults()
    {
        var range = TimeRange.Parse("2010-03-01..2011-02-28");
        var (gen, g) = Make(Shop, 3000, 3000, range);
        var c = All(gen, T(g, "customers"));
        var (lo, hi) = (new DateTime(2010, 3, 1), new DateTime(2011, 2, 28, 23, 59, 59));
        Assert.All(c["created_at"], v => Assert.InRange((DateTime)v!, lo, hi));
        Assert.All(All(gen, T(g, "orders"))["order_date"], v => Assert.InRange((DateTime)v!, lo, hi));
        var births = c["birth_date"].OfType<DateOnly>().ToList();
        Assert.True(births.Count > 2500);
        Assert.All(births, b => Assert.InRange(b, new DateOnly(1931, 2, 28), new DateOnly(1993, 2, 28)));
        Assert.True(births.Min() < new DateOnly(1945, 1, 1) && births.Max() > new DateOnly(1985, 1, 1));
    }

    [Fact]
    public void Unique_moments_spread_over_the_time_range()
    {
        var g = PgDdlReader.Read("CREATE TABLE rental (id serial PRIMARY KEY, rental_date timestamp NOT NULL UNIQUE, at date UNIQUE);", "r.sql").Graph;
        var gen = new IndependentValueGenerator(GenerationPlanner.Create(g, new GenerationOptions { DefaultRows = 5000 }));
        var rows = All(gen, g.Tables[0]);
        var ts = rows["rental_date"].Select(v => (DateTime)v!).ToList();
        Assert.Equal(ts.Count, ts.Distinct().Count());
        Assert.All(ts, t => Assert.InRange(t, new DateTime(2021, 1, 1), new DateTime(2025, 12, 31, 23, 59, 59)));
        Assert.True(ts.Max() - ts.Min() > TimeSpan.FromDays(4 * 365), $"{ts.Min():O}..{ts.Max():O}");
        // Fewer days in the range than rows: one day apart, as before.
        var days = rows["at"].OfType<DateOnly>().ToList();
        Assert.Equal(days.Count, days.Distinct().Count());
    }

    [Theory]
    [InlineData("2025-01-01..2021-01-01")]
    [InlineData("2021-01-01")]
    [InlineData("2021-13-01..2022-01-01")]
    [InlineData("yesterday..today")]
    [InlineData("2021-01-01..")]
    public void Bad_time_ranges_are_refused(string text) =>
        Assert.Throws<FormatException>(() => TimeRange.Parse(text));

    [Fact]
    public void Time_range_parses_and_defaults_to_a_fixed_span()
    {
        Assert.Equal(new TimeRange(new DateOnly(2000, 1, 1), new DateOnly(2000, 1, 1)), TimeRange.Parse(" 2000-01-01 .. 2000-01-01 "));
        Assert.Equal("2021-01-01..2025-12-31", TimeRange.Default.ToString());
        Assert.Equal(TimeRange.Default, new GenerationOptions().TimeRange);
    }

    [Fact]
    public void Same_rows_at_any_batch_size()
    {
        var (gen, g) = Make(Shop, 700, 5000);
        foreach (var name in new[] { "customers", "orders", "order_notes" })
        {
            var t = T(g, name);
            var cols = t.Columns.Select(c => c.Name).ToArray();
            Assert.Equal(Tuples(All(gen, t, 5000), cols), Tuples(All(gen, t, 333), cols));
        }
    }

    [CorpusFact("postgres/northwind.sql")]
    public void Northwind_orders_follow_their_employee_hire_and_ship_after_ordering()
    {
        var g = PgDdlReader.Read(File.ReadAllText(SharedCorpus.Path("postgres", "northwind.sql")), "northwind.sql").Graph;
        var plan = GenerationPlanner.Create(g, new GenerationOptions { Seed = 3, DefaultRows = 2000, Sizing = RowSizing.Uniform });
        var gen = new IndependentValueGenerator(plan);
        var employees = All(gen, T(g, "employees"));
        var byId = new Dictionary<short, DateOnly?>();
        for (var i = 0; i < employees["employee_id"].Count; i++) byId[(short)employees["employee_id"][i]!] = employees["hire_date"][i] as DateOnly?;
        var orders = All(gen, T(g, "orders"));
        var checkedRows = 0;
        for (var i = 0; i < orders["order_id"].Count; i++)
        {
            if (orders["order_date"][i] is not DateOnly ordered) continue;
            if (orders["shipped_date"][i] is DateOnly s) Assert.True(s >= ordered, $"order {i} shipped before it was placed");
            if (orders["required_date"][i] is DateOnly r) Assert.True(r >= ordered, $"order {i} required before it was placed");
            if (orders["employee_id"][i] is short e && byId[e] is { } hired)
            {
                Assert.True(ordered >= hired, $"order {i} ({ordered}) taken before employee {e} was hired ({hired})");
                checkedRows++;
            }
        }
        Assert.True(checkedRows > 1000, $"{checkedRows} orders checked");
    }
}
