using PluRelSql.Schema;
using static PluRelSql.Generation.Tests.S;

namespace PluRelSql.Generation.Tests;

/// <summary>A hand-built slice of pagila: sequences, a domain, an enum, arrays, tsvector, a partitioned table with
/// composite keys, a 4-table FK chain and a cycle; everything checked end to end.</summary>
public class MiniPagilaTests
{
    private static SchemaGraph Build()
    {
        var rating = new EnumType { Name = N("mpaa_rating"), Labels = ["G", "PG", "PG-13", "R", "NC-17"] };
        var year = new DomainType { Name = N("year"), BaseType = SqlType.Of(TypeKind.Integer) };
        year = year with { Checks = [.. year.Checks, new CheckConstraint { Name = "year_check", Expression = "…", Predicate = new AndPredicate([Cmp("VALUE", CompareOp.Ge, 1901), Cmp("VALUE", CompareOp.Le, 2155)]) }] };
        var language = Table("language", Col("language_id", TypeKind.Integer), Col("name", TypeKind.Char, length: 20, nullable: false)).Pk("language_id");
        var film = Table("film", Col("film_id", TypeKind.Integer), Col("title", TypeKind.Text, nullable: false), Col("description", TypeKind.Text),
                Col("release_year", TypeKind.Integer, domain: year.Name), Col("language_id", TypeKind.Integer, nullable: false),
                Col("original_language_id", TypeKind.Integer), Col("rental_duration", TypeKind.SmallInt, nullable: false),
                Col("rental_rate", TypeKind.Numeric, precision: 4, scale: 2, nullable: false), Col("length", TypeKind.SmallInt),
                Col("replacement_cost", TypeKind.Numeric, precision: 5, scale: 2, nullable: false), Col("rating", TypeKind.Enum, userType: rating.Name),
                Col("last_update", TypeKind.TimestampTz, nullable: false), Col("special_features", TypeKind.Text, arrayDims: 1),
                Col("fulltext", TypeKind.TsVector, nullable: false))
            .Pk("film_id").Fk("language_id", "language", "language_id").Fk("original_language_id", "language", "language_id")
            .Check("film_length_check", Cmp("length", CompareOp.Gt, 0));
        film = film with
        {
            Columns = [.. film.Columns.Select(c => c.Name == "film_id" ? c with { Identity = IdentityKind.Sequence, Sequence = N("film_film_id_seq") } : c)],
        };
        var actor = Table("actor", Col("actor_id", TypeKind.Integer), Col("first_name", TypeKind.Text, nullable: false), Col("last_name", TypeKind.Text, nullable: false)).Pk("actor_id");
        var filmActor = Table("film_actor", Col("actor_id", TypeKind.Integer), Col("film_id", TypeKind.Integer), Col("last_update", TypeKind.TimestampTz, nullable: false))
            .Pk("actor_id", "film_id").Fk("actor_id", "actor", "actor_id").Fk("film_id", "film", "film_id");
        var store = Table("store", Col("store_id", TypeKind.Integer), Col("manager_staff_id", TypeKind.Integer)).Pk("store_id").Unique("manager_staff_id").Fk("manager_staff_id", "staff", "staff_id");
        var staff = Table("staff", Col("staff_id", TypeKind.Integer), Col("store_id", TypeKind.Integer, nullable: false), Col("email", TypeKind.Text), Col("active", TypeKind.Boolean, nullable: false))
            .Pk("staff_id").Fk("store_id", "store", "store_id");
        var inventory = Table("inventory", Col("inventory_id", TypeKind.Integer), Col("film_id", TypeKind.Integer, nullable: false), Col("store_id", TypeKind.Integer, nullable: false))
            .Pk("inventory_id").Fk("film_id", "film", "film_id").Fk("store_id", "store", "store_id");
        var customer = Table("customer", Col("customer_id", TypeKind.Integer), Col("store_id", TypeKind.Integer, nullable: false),
                Col("email", TypeKind.Text), Col("create_date", TypeKind.Date, nullable: false), Col("active", TypeKind.Integer))
            .Pk("customer_id").Fk("store_id", "store", "store_id");
        var rental = Table("rental", Col("rental_id", TypeKind.Integer), Col("rental_date", TypeKind.TimestampTz, nullable: false),
                Col("inventory_id", TypeKind.Integer, nullable: false), Col("customer_id", TypeKind.Integer, nullable: false),
                Col("return_date", TypeKind.TimestampTz), Col("staff_id", TypeKind.Integer, nullable: false))
            .Pk("rental_id").Unique("rental_date", "inventory_id", "customer_id")
            .Fk("inventory_id", "inventory", "inventory_id").Fk("customer_id", "customer", "customer_id").Fk("staff_id", "staff", "staff_id")
            .Check("returned_after", Cmp("return_date", CompareOp.Gt, new ColumnOperand("rental_date")));
        var payment = Table("payment", Col("payment_id", TypeKind.Integer), Col("customer_id", TypeKind.Integer, nullable: false), Col("staff_id", TypeKind.Integer, nullable: false),
                Col("rental_id", TypeKind.Integer, nullable: false), Col("amount", TypeKind.Numeric, precision: 5, scale: 2, nullable: false),
                Col("payment_date", TypeKind.TimestampTz, nullable: false))
            .Pk("payment_date", "payment_id").Fk("customer_id", "customer", "customer_id").Fk("staff_id", "staff", "staff_id").Fk("rental_id", "rental", "rental_id");
        payment = payment with { Partitioning = new PartitionSpec { Strategy = "RANGE", Columns = ["payment_date"] } };
        var g = Graph(language, film, actor, filmActor, store, staff, inventory, customer, rental, payment);
        for (var m = 1; m <= 6; m++)
        {
            var name = N($"payment_p2022_0{m}");
            payment = payment with { Partitioning = payment.Partitioning! with { Partitions = [.. payment.Partitioning!.Partitions, new PartitionBound { Table = name, Bound = "…", From = [$"'2022-0{m}-01 00:00:00+00'"], To = [$"'2022-0{m + 1}-01 00:00:00+00'"] }] } };
            var p = Table(name.Name, Col("payment_id", TypeKind.Integer));
            p = p with { PartitionOf = payment.Name };
            g = g with { Tables = [.. g.Tables, p] };
        }
        g = g with { Tables = [.. g.Tables.Select(t => t.Name == payment.Name ? payment : t)] };
        g = g with { Enums = [.. g.Enums, rating] };
        g = g with { Domains = [.. g.Domains, year] };
        g = g with { Sequences = [.. g.Sequences, new SequenceDef { Name = N("film_film_id_seq"), Start = 1 }] };
        return g;
    }

    [Fact]
    public void Every_table_loads_with_valid_keys_links_checks_and_partitions()
    {
        var g = Build();
        var gen = Gen(g, 400, seed: 7, tableRows: new Dictionary<string, long>
        {
            ["language"] = 6, ["store"] = 2, ["staff"] = 4, ["actor"] = 200, ["film"] = 1000, ["film_actor"] = 5462, ["payment"] = 16049, ["rental"] = 16044,
            ["inventory"] = 4581, ["customer"] = 599,
        });
        Assert.Equal(2, gen.Plan.Rows(g.Table("public", "store")));
        var data = gen.Plan.Order.Tables.ToDictionary(t => t.Name.Name, t => All(gen, t, 4096));

        foreach (var t in gen.Plan.Order.Tables)
        {
            var rows = data[t.Name.Name];
            foreach (var key in new[] { t.PrimaryKey! }.Concat(t.Uniques))
            {
                var tuples = Tuples(rows, [.. key.Columns]).Where(x => !x.Contains('∅')).ToList();
                Assert.Equal(tuples.Count, tuples.ToHashSet().Count);
            }
            foreach (var fk in t.ForeignKeys)
            {
                var parent = data[fk.RefTable.Name];
                var keys = Tuples(parent, [.. fk.RefColumns]).ToHashSet();
                foreach (var v in Tuples(rows, [.. fk.Columns]))
                    if (!v.Contains('∅')) Assert.Contains(v, keys);
            }
            foreach (var c in t.Columns.Where(c => !c.Nullable))
                Assert.DoesNotContain(null, rows[c.Name]);
        }
        var film = data["film"];
        Assert.All(film["length"].OfType<short>(), l => Assert.True(l > 0));
        Assert.All(film["release_year"].OfType<int>(), y => Assert.InRange(y, 1901, 2155));
        Assert.All(film["rental_rate"].Cast<decimal>(), r => Assert.True(r is >= 0 and < 100));
        Assert.Equal(Enumerable.Range(1, 1000), film["film_id"].Cast<int>());
        var rental = data["rental"];
        for (var i = 0; i < rental["rental_id"].Count; i++)
            if (rental["return_date"][i] is DateTime back) Assert.True(back > (DateTime)rental["rental_date"][i]!);
        Assert.All(data["payment"]["payment_date"].Cast<DateTime>(), d => Assert.True(d.Year == 2022 && d.Month <= 6));
        Assert.All(data["store"]["manager_staff_id"], Assert.Null); // the cycle store <-> staff is broken here
    }
}
