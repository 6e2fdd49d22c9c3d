using PluRelSql.Core;
using PluRelSql.Schema;
using static PluRelSql.Generation.Tests.S;

namespace PluRelSql.Generation.Tests;

public class KeyAndForeignKeyTests
{
    [Fact]
    public void Primary_and_unique_keys_of_every_key_type_are_unique()
    {
        var t = Table("k", Col("id", TypeKind.Integer), Col("code", TypeKind.Varchar, length: 4), Col("u", TypeKind.Uuid),
                Col("email", TypeKind.Text), Col("c2", TypeKind.Char, length: 6), Col("d", TypeKind.Date), Col("ip", TypeKind.Inet),
                Col("bits", TypeKind.Bit, length: 20), Col("n", TypeKind.Numeric, precision: 8, scale: 2), Col("raw", TypeKind.Bytea))
            .Pk("id").Unique("code").Unique("u").Unique("email").Unique("c2").Unique("d").Unique("ip").Unique("bits").Unique("n").Unique("raw");
        var rows = All(Gen(Graph(t), 20000, nullRate: 0.3), t);
        foreach (var c in new[] { "id", "code", "u", "email", "c2", "d", "ip", "bits", "n", "raw" })
        {
            Assert.DoesNotContain(null, rows[c]);
            Assert.Equal(20000, rows[c].Select(Canon).ToHashSet().Count);
        }
        Assert.Equal(Enumerable.Range(1, 20000), rows["id"].Cast<int>());
        Assert.All(rows["code"].Cast<string>(), v => Assert.True(v.Length <= 4, v));
        Assert.All(rows["c2"].Cast<string>(), v => Assert.True(v.Length <= 6, v));
        Assert.All(rows["email"].Cast<string>(), v => Assert.EndsWith("@example.com", v));
    }

    [Fact]
    public void Every_foreign_key_value_exists_in_the_parent_including_text_composite_and_unique_targets()
    {
        var country = Table("country", Col("iso", TypeKind.Char, length: 3), Col("name", TypeKind.Text)).Pk("iso");
        var city = Table("city", Col("city_id", TypeKind.BigInt), Col("iso", TypeKind.Char, length: 3, nullable: false), Col("code", TypeKind.Varchar, length: 12))
            .Pk("city_id").Unique("iso", "code").Fk("iso", "country", "iso");
        var store = Table("store", Col("id", TypeKind.Integer), Col("country", TypeKind.Char, length: 3), Col("city_code", TypeKind.Varchar, length: 12),
                Col("city_ref", TypeKind.Integer, nullable: false))
            .Pk("id").Fk("city", ["country", "city_code"], ["iso", "code"]).Fk("city_ref", "city", "city_id");
        var g = Graph(country, city, store);
        var gen = Gen(g, 3000, tableRows: new Dictionary<string, long> { ["country"] = 40, ["public.city"] = 500 });
        var cities = All(gen, city);
        var countries = All(gen, country);
        var stores = All(gen, store);
        Assert.Equal(40, countries["iso"].Count);
        Assert.Equal(500, cities["city_id"].Count);

        var isoSet = countries["iso"].Select(Canon).ToHashSet();
        Assert.All(cities["iso"], v => Assert.Contains(Canon(v), isoSet));
        var cityPairs = Tuples(cities, "iso", "code").ToHashSet();
        Assert.Equal(500, cityPairs.Count);
        var storePairs = Tuples(stores, "country", "city_code");
        Assert.All(storePairs.Where(p => !p.Contains('∅')), p => Assert.Contains(p, cityPairs));
        // Both columns of a nullable composite FK are NULL together, and most are not NULL.
        Assert.All(storePairs, p => Assert.True(!p.Contains('∅') || p == "∅|∅", p));
        Assert.InRange(storePairs.Count(p => p == "∅|∅"), 150, 450);
        var cityIds = cities["city_id"].Select(Canon).ToHashSet();
        Assert.All(stores["city_ref"], v => Assert.Contains(Canon(v), cityIds));
        Assert.True(stores["city_ref"].Distinct().Count() > 400, "uniform linker should reach most parents");
    }

    [Fact]
    public void A_foreign_key_to_a_key_that_is_itself_a_foreign_key_is_recomputed_through_the_chain()
    {
        var person = Table("person", Col("id", TypeKind.Uuid)).Pk("id");
        var account = Table("account", Col("person_id", TypeKind.Uuid), Col("nick", TypeKind.Text)).Pk("person_id").Fk("person_id", "person");
        var login = Table("login", Col("id", TypeKind.Integer), Col("account", TypeKind.Uuid, nullable: false)).Pk("id").Fk("account", "account", "person_id");
        var g = Graph(person, account, login);
        var rows = new Dictionary<string, long> { ["person"] = 300, ["account"] = 1000 };
        // 1:1 on the parent: more rows than the parent has are refused, or with FitRows capped to the parent's rows.
        var e = Assert.Throws<RowCountException>(() => Gen(g, 1000, tableRows: rows));
        Assert.Equal("public.account: PRIMARY KEY (person_id) can hold at most 300 distinct values (one per row of public.person, which gets 300 rows), " +
                     "but 1,000 rows were asked for", e.Message);
        var gen = Gen(g, 1000, tableRows: rows, fitRows: true);
        var plan = gen.Plan;
        Assert.Equal(300, plan.Rows(account));
        Assert.Contains(plan.Caps, c => c.Table == account.Name && c.Requested == 1000 && c.Rows == 300);
        var people = All(gen, person)["id"].Select(Canon).ToHashSet();
        var accounts = All(gen, account)["person_id"].Select(Canon).ToList();
        Assert.Equal(300, accounts.ToHashSet().Count);
        Assert.All(accounts, a => Assert.Contains(a, people));
        Assert.All(All(gen, login)["account"], v => Assert.Contains(Canon(v), accounts));
    }

    [Fact]
    public void One_to_one_foreign_keys_never_repeat_a_parent()
    {
        var user = Table("users", Col("id", TypeKind.Integer)).Pk("id");
        var profile = Table("profile", Col("id", TypeKind.Integer), Col("user_id", TypeKind.Integer, nullable: false)).Pk("id").Unique("user_id").Fk("user_id", "users");
        var gen = Gen(Graph(user, profile), 800, tableRows: new Dictionary<string, long> { ["users"] = 1000 });
        var users = All(gen, profile)["user_id"].Cast<int>().ToList();
        Assert.Equal(800, users.Distinct().Count());
        Assert.All(users, u => Assert.InRange(u, 1, 1000));
    }

    [Fact]
    public void Composite_keys_of_foreign_keys_use_each_parent_combination_at_most_once_and_the_planner_caps_them()
    {
        var film = Table("film", Col("film_id", TypeKind.Integer)).Pk("film_id");
        var actor = Table("actor", Col("actor_id", TypeKind.SmallInt)).Pk("actor_id");
        var fa = Table("film_actor", Col("actor_id", TypeKind.SmallInt), Col("film_id", TypeKind.Integer), Col("last_update", TypeKind.Timestamp))
            .Pk("actor_id", "film_id").Fk("actor_id", "actor", "actor_id").Fk("film_id", "film", "film_id");
        var g = Graph(film, actor, fa);
        var asked = new GenerationOptions { DefaultRows = 100, TableRows = new Dictionary<string, long> { ["film_actor"] = 50_000 }, Sizing = RowSizing.Uniform };
        var e = Assert.Throws<RowCountException>(() => GenerationPlanner.Create(g, asked));
        Assert.Equal("public.film_actor: PRIMARY KEY (actor_id, film_id) can hold at most 10,000 distinct values " +
                     "(100 of actor_id: one per row of public.actor, which gets 100 rows × 100 of film_id: one per row of public.film, which gets 100 rows), " +
                     "but 50,000 rows were asked for", e.Message);
        var plan = GenerationPlanner.Create(g, asked with { FitRows = true });
        Assert.Equal(10_000, plan.Rows(fa));
        var cap = Assert.Single(plan.Caps);
        Assert.Equal(50_000, cap.Requested);
        Assert.Contains("actor_id, film_id", cap.Reason);

        var gen = new IndependentValueGenerator(plan);
        var rows = All(gen, fa, 3333);
        var pairs = Tuples(rows, "actor_id", "film_id");
        Assert.Equal(10_000, pairs.ToHashSet().Count);
        Assert.All(rows["actor_id"].Cast<short>(), a => Assert.InRange(a, (short)1, (short)100));
        Assert.All(rows["film_id"].Cast<int>(), f => Assert.InRange(f, 1, 100));

        // Fewer rows than combinations: still unique, and spread over the parents.
        var gen2 = Gen(g, 100, tableRows: new Dictionary<string, long> { ["film_actor"] = 2000 }, sizing: RowSizing.Uniform);
        var rows2 = All(gen2, fa);
        Assert.Equal(2000, Tuples(rows2, "actor_id", "film_id").ToHashSet().Count);
        Assert.True(rows2["actor_id"].Distinct().Count() > 80);
    }

    [Fact]
    public void Key_of_one_foreign_key_and_a_plain_column_keeps_the_plain_column_unique()
    {
        var order = Table("orders", Col("id", TypeKind.Integer)).Pk("id");
        var line = Table("order_line", Col("order_id", TypeKind.Integer), Col("line_no", TypeKind.Integer), Col("qty", TypeKind.Integer))
            .Pk("order_id", "line_no").Fk("order_id", "orders");
        var gen = Gen(Graph(order, line), 5000, tableRows: new Dictionary<string, long> { ["orders"] = 10 });
        Assert.Equal(5000, gen.Plan.Rows(line));
        var rows = All(gen, line);
        Assert.Equal(5000, Tuples(rows, "order_id", "line_no").ToHashSet().Count);
        Assert.All(rows["order_id"].Cast<int>(), o => Assert.InRange(o, 1, 10));
    }

    [Fact]
    public void Enum_and_boolean_keys_cap_the_row_count_with_fit_rows()
    {
        var size = new EnumType { Name = N("size"), Labels = ["s", "m", "l"] };
        var t = Table("variant", Col("size", TypeKind.Enum, userType: size.Name), Col("flag", TypeKind.Boolean)).Pk("size", "flag");
        var g = Graph(t);
        g = g with { Enums = [.. g.Enums, size] };
        Assert.Throws<RowCountException>(() => Gen(g, 100));
        var gen = Gen(g, 100, fitRows: true);
        Assert.Equal(6, gen.Plan.Rows(t));
        Assert.Equal(6, Tuples(All(gen, t), "size", "flag").ToHashSet().Count);

        var shortCode = Table("codes", Col("c", TypeKind.Char, length: 1)).Pk("c");
        var p = GenerationPlanner.Create(Graph(shortCode), new GenerationOptions { DefaultRows = 100, FitRows = true });
        Assert.Equal(36, p.Rows(shortCode));
        Assert.Equal(36, All(new IndependentValueGenerator(p), shortCode)["c"].Distinct().Count());
    }

    [Fact]
    public void Self_references_point_at_earlier_rows()
    {
        var emp = Table("employees", Col("id", TypeKind.Integer), Col("reports_to", TypeKind.Integer)).Pk("id").Fk("reports_to", "employees");
        var rows = All(Gen(Graph(emp), 2000), emp);
        Assert.Null(rows["reports_to"][0]);
        for (var i = 1; i < 2000; i++)
            if (rows["reports_to"][i] is int boss) Assert.True(boss < (int)rows["id"][i]!, $"row {i}");
        Assert.True(rows["reports_to"].Count(v => v is not null) > 1500);

        var node = Table("node", Col("id", TypeKind.Integer), Col("parent", TypeKind.Integer, nullable: false)).Pk("id").Fk("parent", "node");
        var n = All(Gen(Graph(node), 100), node);
        Assert.Equal(1, n["parent"][0]); // row 0 points at itself
        for (var i = 1; i < 100; i++) Assert.True((int)n["parent"][i]! < (int)n["id"][i]!);

        var chain = Table("version", Col("id", TypeKind.Integer), Col("prev", TypeKind.Integer)).Pk("id").Unique("prev").Fk("prev", "version");
        var c = All(Gen(Graph(chain), 500), chain);
        var prevs = c["prev"].Where(v => v is not null).ToList();
        Assert.Equal(prevs.Count, prevs.Distinct().Count());
    }

    [Fact]
    public void Cycle_breaking_foreign_keys_are_null()
    {
        var a = Table("a", Col("id", TypeKind.Integer), Col("b_id", TypeKind.Integer)).Pk("id").Fk("b_id", "b");
        var b = Table("b", Col("id", TypeKind.Integer), Col("a_id", TypeKind.Integer, nullable: false)).Pk("id").Fk("a_id", "a");
        var gen = Gen(Graph(a, b), 200);
        Assert.Single(gen.Plan.Order.DeferredForeignKeys);
        Assert.All(All(gen, a)["b_id"], Assert.Null);
        Assert.IsType<ColumnVector<int>>(gen.Generate(a, 0, 5)["b_id"]);
        Assert.All(All(gen, b)["a_id"], v => Assert.InRange((int)v!, 1, 200));
    }

    [Fact]
    public void Not_null_foreign_key_to_an_empty_parent_is_refused_or_with_fit_rows_empties_the_child()
    {
        var p = Table("p", Col("id", TypeKind.Integer)).Pk("id");
        var c = Table("c", Col("id", TypeKind.Integer), Col("p_id", TypeKind.Integer, nullable: false)).Pk("id").Fk("p_id", "p");
        var c2 = Table("c2", Col("id", TypeKind.Integer), Col("p_id", TypeKind.Integer)).Pk("id").Fk("p_id", "p");
        var e = Assert.Throws<RowCountException>(() => Gen(Graph(p, c, c2), 50, tableRows: new Dictionary<string, long> { ["p"] = 0 }));
        Assert.StartsWith("public.c: NOT NULL foreign key (p_id) to public.p, which gets no rows", e.Message);
        var gen = Gen(Graph(p, c, c2), 50, tableRows: new Dictionary<string, long> { ["p"] = 0 }, fitRows: true);
        Assert.Equal(0, gen.Plan.Rows(c));
        Assert.Equal(50, gen.Plan.Rows(c2));
        Assert.All(All(gen, c2)["p_id"], Assert.Null);
    }

    [Fact]
    public void A_custom_linker_decides_the_parent_rows()
    {
        var p = Table("p", Col("id", TypeKind.Integer)).Pk("id");
        var c = Table("c", Col("id", TypeKind.Integer), Col("p_id", TypeKind.Integer, nullable: false)).Pk("id").Fk("p_id", "p");
        var plan = GenerationPlanner.Create(Graph(p, c), new GenerationOptions { DefaultRows = 100 });
        var gen = new IndependentValueGenerator(plan, new FirstParentLinker());
        Assert.All(All(gen, c)["p_id"], v => Assert.Equal(1, v));
    }

    private sealed class FirstParentLinker : IForeignKeyLinker
    {
        public long ParentRow(TableDef child, ForeignKey fk, long childRow, long parentRows) => 0;
    }
}
