using PluRelSql.Schema;
using static PluRelSql.Generation.Tests.S;

namespace PluRelSql.Generation.Tests;

/// <summary>sakila's store ⇄ staff: a cycle of NOT NULL foreign keys (one of them unique) is loaded by generating one
/// table ahead of its parent; every FK value still names a parent row, and row caps settle across the cycle.</summary>
public sealed class NotNullCycleTests
{
    private static SchemaGraph Build()
    {
        var store = Table("store", Col("store_id", TypeKind.Integer), Col("manager_staff_id", TypeKind.Integer, nullable: false))
            .Pk("store_id").Unique("manager_staff_id").Fk("manager_staff_id", "staff", "staff_id");
        var staff = Table("staff", Col("staff_id", TypeKind.Integer), Col("store_id", TypeKind.Integer, nullable: false))
            .Pk("staff_id").Fk("store_id", "store", "store_id");
        var customer = Table("customer", Col("customer_id", TypeKind.Integer), Col("store_id", TypeKind.Integer, nullable: false))
            .Pk("customer_id").Fk("store_id", "store", "store_id");
        return Graph(store, staff, customer);
    }

    [Fact]
    public void One_fk_of_the_cycle_is_loaded_ahead_and_none_is_nulled()
    {
        var order = Build().ComputeLoadOrder();
        Assert.Empty(order.DeferredForeignKeys);
        var ahead = Assert.Single(order.AheadForeignKeys);
        Assert.Equal("staff", ahead.Table.Name.Name);
        Assert.True(order.IsAhead(ahead.Key));
        Assert.Equal(["staff", "store", "customer"], order.Tables.Select(t => t.Name.Name));
    }

    [Fact]
    public void Every_fk_value_names_a_parent_row_after_the_caps_settle()
    {
        var g = Build();
        // store.manager_staff_id is unique: at most as many stores as staff, although staff (ahead) was sized first.
        var rows = new Dictionary<string, long> { ["store"] = 1000, ["staff"] = 300, ["customer"] = 2000 };
        Assert.Contains("public.store: UNIQUE (manager_staff_id) can hold at most 300 distinct values",
            Assert.Throws<RowCountException>(() => Gen(g, 100, seed: 5, tableRows: rows)).Message);
        var gen = Gen(g, 100, seed: 5, tableRows: rows, fitRows: true);
        Assert.Equal(300, gen.Plan.Rows(g.Table("public", "store")));
        var data = g.Tables.ToDictionary(t => t.Name.Name, t => All(gen, t, 128));
        foreach (var t in g.Tables)
            foreach (var fk in t.ForeignKeys)
            {
                var keys = Tuples(data[fk.RefTable.Name], [.. fk.RefColumns]).ToHashSet();
                var values = Tuples(data[t.Name.Name], [.. fk.Columns]);
                Assert.All(values, v => Assert.Contains(v, keys));
            }
        var managers = data["store"]["manager_staff_id"];
        Assert.Equal(managers.Count, managers.Distinct().Count());
    }

    [Fact]
    public void An_acyclic_schema_loads_nothing_ahead()
    {
        var g = Graph(Table("a", Col("id", TypeKind.Integer)).Pk("id"), Table("b", Col("id", TypeKind.Integer), Col("a_id", TypeKind.Integer, nullable: false)).Pk("id").Fk("a_id", "a", "id"));
        Assert.Empty(g.ComputeLoadOrder().AheadForeignKeys);
    }
}
