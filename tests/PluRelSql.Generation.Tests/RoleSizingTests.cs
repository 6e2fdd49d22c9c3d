using PluRelSql.Schema;
using PluRelSql.Schema.Postgres;
using PluRelSql.TestSupport;
using Xunit.Abstractions;
using static PluRelSql.Generation.Tests.S;

namespace PluRelSql.Generation.Tests;

/// <summary>Row counts by role: with only <c>--rows N</c>, table sizes rank like those of real databases.</summary>
public sealed class RoleSizingTests(ITestOutputHelper output)
{
    // Row counts of the public sample databases (facts about their published data, not copies of it).
    private static readonly Dictionary<string, long> Pagila = new()
    {
        ["language"] = 6, ["country"] = 109, ["city"] = 600, ["address"] = 603, ["customer"] = 599, ["film"] = 1000,
        ["actor"] = 200, ["film_actor"] = 5462, ["inventory"] = 4581, ["rental"] = 16044, ["payment"] = 16049,
    };

    private static readonly Dictionary<string, long> Northwind = new()
    {
        ["order_details"] = 2155, ["orders"] = 830, ["customers"] = 91, ["products"] = 77, ["employees"] = 9, ["categories"] = 8,
        ["suppliers"] = 29, ["shippers"] = 6, ["region"] = 4, ["territories"] = 53, ["employee_territories"] = 49,
    };

    private static readonly Dictionary<string, long> Chinook = new()
    {
        ["playlist_track"] = 8715, ["track"] = 3503, ["invoice_line"] = 2240, ["invoice"] = 412, ["album"] = 347, ["artist"] = 275,
        ["customer"] = 59, ["genre"] = 25, ["playlist"] = 18, ["employee"] = 8, ["media_type"] = 5,
    };

    public static TheoryData<string> Databases => new() { "pagila-schema.sql", "northwind.sql", "chinook.sql" };

    private static Dictionary<string, long> RealSizes(string file) => file switch
    {
        "pagila-schema.sql" => Pagila,
        "northwind.sql" => Northwind,
        _ => Chinook,
    };

    [CorpusTheory("postgres/pagila-schema.sql", "postgres/northwind.sql", "postgres/chinook.sql")]
    [MemberData(nameof(Databases))]
    public void Table_sizes_rank_like_the_real_database(string file)
    {
        var real = RealSizes(file);
        var graph = PgDdlReader.ReadFiles([SharedCorpus.Path("postgres", file)]).Graph;
        var n = real.Values.Max();
        var plan = GenerationPlanner.Create(graph, new GenerationOptions { DefaultRows = n });
        var generated = real.Keys.ToDictionary(k => k, k => plan.RowCounts[plan.Order.Tables.Single(t => t.Name.Name == k).Name]);
        foreach (var k in real.Keys.OrderByDescending(k => real[k]))
            output.WriteLine($"{k,-22} real {real[k],7}  generated {generated[k],7}  {plan.Roles[plan.Order.Tables.Single(t => t.Name.Name == k).Name]}");
        var rho = Spearman(real.Keys.Select(k => (double)real[k]).ToArray(), real.Keys.Select(k => (double)generated[k]).ToArray());
        output.WriteLine($"Spearman {rho:F3}");
        Assert.True(rho >= 0.8, $"{file}: table-size Spearman {rho:F3} < 0.8");
        Assert.Equal(n, plan.RowCounts.Values.Max());
    }

    public static TheoryData<string> WildSchemas => new()
    {
        "pg-feedbin.sql", "pg-supabase.sql", "pg-mimic-iv.sql", "pg-gisia.sql", "pg-iso-3166.sql", "pg-temporal.sql", "pg-safecast.sql",
    };

    /// <summary>Nothing degenerate on real-world schemas: every table gets 1..N rows, the largest gets N, sizes are not
    /// all equal where the graph has relationships, and the plan is the same when made twice.</summary>
    [CorpusTheory("wild")]
    [MemberData(nameof(WildSchemas))]
    public void Wild_schemas_get_sane_sizes(string file)
    {
        var graph = PgDdlReader.ReadFiles([SharedCorpus.Path("wild", file)]).Graph;
        const long n = 20_000;
        // Fitted: a few tables are singletons by their CHECK (id = 1), refused at any N > 1 whatever the sizing.
        var plan = GenerationPlanner.Create(graph, new GenerationOptions { DefaultRows = n, FitRows = true });
        var again = GenerationPlanner.Create(graph, new GenerationOptions { DefaultRows = n, FitRows = true });
        Assert.Equal(plan.RowCounts.OrderBy(kv => kv.Key.ToString()), again.RowCounts.OrderBy(kv => kv.Key.ToString()));
        Assert.All(plan.RowCounts, kv => Assert.InRange(kv.Value, 1, n));
        Assert.Equal(n, plan.RowCounts.Values.Max());
        foreach (var t in plan.Order.Tables) output.WriteLine($"{t.Name,-50} {plan.Roles[t.Name],-10} {plan.Rows(t),7}");
        var related = graph.LoadableTables.Any(t => graph.ForeignKeysOf(t).Any(fk => fk.RefTable != t.Name));
        if (related) Assert.True(plan.RowCounts.Values.Distinct().Count() > 1, $"{file}: every table got the same count");
    }

    // A small shop: a lookup, two entities, a fact with line items, a bridge and a table on its own.
    private static SchemaGraph Shop() => Graph(
        Table("order_status", Col("id", TypeKind.Integer), Col("label", TypeKind.Text)).Pk("id"),
        Table("customer", Col("id", TypeKind.Integer), Col("name", TypeKind.Text), Col("email", TypeKind.Text)).Pk("id"),
        Table("product", Col("id", TypeKind.Integer), Col("name", TypeKind.Text), Col("price", TypeKind.Numeric)).Pk("id"),
        Table("tag", Col("id", TypeKind.Integer), Col("name", TypeKind.Text), Col("colour", TypeKind.Text)).Pk("id"),
        Table("product_tag", Col("product_id", TypeKind.Integer, false), Col("tag_id", TypeKind.Integer, false))
            .Pk("product_id", "tag_id").Fk("product_id", "product").Fk("tag_id", "tag"),
        Table("orders", Col("id", TypeKind.Integer), Col("customer_id", TypeKind.Integer, false), Col("status_id", TypeKind.Integer),
                Col("ordered_at", TypeKind.TimestampTz)).Pk("id").Fk("customer_id", "customer").Fk("status_id", "order_status"),
        Table("order_line", Col("order_id", TypeKind.Integer, false), Col("line", TypeKind.Integer, false),
                Col("product_id", TypeKind.Integer, false), Col("quantity", TypeKind.Integer), Col("amount", TypeKind.Numeric))
            .Pk("order_id", "line").Fk("order_id", "orders").Fk("product_id", "product"),
        Table("audit_log", Col("id", TypeKind.BigInt), Col("message", TypeKind.Text)).Pk("id"));

    private static long Rows(GenerationPlan plan, string table) => plan.RowCounts[N(table)];

    [Fact]
    public void Roles_order_the_sizes()
    {
        var plan = GenerationPlanner.Create(Shop(), new GenerationOptions { DefaultRows = 100_000 });
        Assert.Equal(SizingRole.Lookup, plan.Roles[N("order_status")]);
        Assert.Equal(SizingRole.Entity, plan.Roles[N("customer")]);
        Assert.Equal(SizingRole.Fact, plan.Roles[N("orders")]); // a header: referenced only by its line items, dated
        Assert.Equal(SizingRole.Fact, plan.Roles[N("order_line")]);
        Assert.Equal(SizingRole.Bridge, plan.Roles[N("product_tag")]);
        Assert.Equal(SizingRole.Standalone, plan.Roles[N("audit_log")]);
        Assert.Equal(100_000, Rows(plan, "order_line"));
        Assert.Equal(100_000, Rows(plan, "audit_log"));
        // Line items outnumber their orders; orders their customers; a lookup stays small.
        Assert.True(Rows(plan, "orders") < Rows(plan, "order_line"));
        Assert.True(Rows(plan, "customer") < Rows(plan, "orders"));
        Assert.True(Rows(plan, "order_status") < Rows(plan, "customer"));
        Assert.InRange(Rows(plan, "order_status"), 1, 100);
        // A bridge: more than its larger parent, fewer than the product of both and than the facts.
        var bridge = Rows(plan, "product_tag");
        Assert.True(bridge > Math.Max(Rows(plan, "product"), Rows(plan, "tag")));
        Assert.True(bridge <= Rows(plan, "product") * Rows(plan, "tag"));
        Assert.True(bridge < 100_000);
        // Referenced only by the bridge: below the bridge's other parent.
        Assert.True(Rows(plan, "tag") < Rows(plan, "product"));
    }

    [Fact]
    public void Explicit_counts_win_scale_multiplies_and_uniform_gives_every_table_n()
    {
        var g = Shop();
        var byRole = GenerationPlanner.Create(g, new GenerationOptions { DefaultRows = 10_000 });
        var pinned = GenerationPlanner.Create(g, new GenerationOptions { DefaultRows = 10_000, TableRows = new Dictionary<string, long> { ["customer"] = 777 } });
        Assert.Equal(777, Rows(pinned, "customer"));
        Assert.Equal(Rows(byRole, "orders"), Rows(pinned, "orders"));
        var scaled = GenerationPlanner.Create(g, new GenerationOptions { DefaultRows = 10_000, Scale = 2 });
        foreach (var t in g.Tables) Assert.Equal(2 * byRole.RowCounts[t.Name], scaled.RowCounts[t.Name]);
        var uniform = GenerationPlanner.Create(g, new GenerationOptions { DefaultRows = 10_000, Sizing = RowSizing.Uniform });
        Assert.All(uniform.RowCounts.Values, v => Assert.Equal(10_000, v));
    }

    [Fact]
    public void Small_requests_never_give_a_table_no_rows_and_zero_stays_zero()
    {
        var one = GenerationPlanner.Create(Shop(), new GenerationOptions { DefaultRows = 1 });
        Assert.All(one.RowCounts.Values, v => Assert.Equal(1, v));
        var three = GenerationPlanner.Create(Shop(), new GenerationOptions { DefaultRows = 3 });
        Assert.All(three.RowCounts.Values, v => Assert.InRange(v, 1, 3));
        var zero = GenerationPlanner.Create(Shop(), new GenerationOptions { DefaultRows = 0 });
        Assert.All(zero.RowCounts.Values, v => Assert.Equal(0, v));
    }

    [Fact]
    public void A_role_size_beyond_a_key_domain_is_capped_silently_but_an_explicit_one_is_refused()
    {
        // A lookup keyed by a boolean holds two rows; its 1:1 child at most as many.
        var g = Graph(
            Table("flag_kind", Col("flag", TypeKind.Boolean), Col("label", TypeKind.Text)).Pk("flag"),
            Table("event", Col("id", TypeKind.BigInt), Col("flag", TypeKind.Boolean, false)).Pk("id").Fk("flag", "flag_kind", "flag"));
        var plan = GenerationPlanner.Create(g, new GenerationOptions { DefaultRows = 1_000_000 });
        Assert.Equal(2, Rows(plan, "flag_kind"));
        Assert.Equal(1_000_000, Rows(plan, "event"));
        Assert.Empty(plan.Caps);
        Assert.Contains(plan.RoleCaps, c => c.Table == N("flag_kind") && c.Rows == 2);
        Assert.Throws<RowCountException>(() => GenerationPlanner.Create(g, new GenerationOptions
        {
            DefaultRows = 1000, TableRows = new Dictionary<string, long> { ["flag_kind"] = 5 },
        }));
    }

    [Fact]
    public void A_one_to_one_child_keeps_its_parent_as_large()
    {
        var g = Graph(
            Table("person", Col("id", TypeKind.Integer), Col("name", TypeKind.Text)).Pk("id"),
            Table("person_detail", Col("person_id", TypeKind.Integer, false), Col("bio", TypeKind.Text)).Pk("person_id").Fk("person_id", "person"));
        var plan = GenerationPlanner.Create(g, new GenerationOptions { DefaultRows = 5000 });
        Assert.Equal(5000, Rows(plan, "person"));
        Assert.Equal(5000, Rows(plan, "person_detail"));
        Assert.Empty(plan.RoleCaps);
    }

    /// <summary>Spearman's rank correlation with average ranks for ties (the suite's one implementation).</summary>
    internal static double Spearman(double[] a, double[] b) => PluRel.Stats.Spearman(a, b);

    [Fact]
    public void Spearman_of_known_rankings()
    {
        Assert.Equal(1, Spearman([1, 2, 3], [10, 20, 30]), 9);
        Assert.Equal(-1, Spearman([1, 2, 3], [3, 2, 1]), 9);
        Assert.Equal(1.5 / Math.Sqrt(3), Spearman([1, 2, 3], [1, 1, 2]), 9);
    }
}
