using PluRelSql.Schema.Output;

namespace PluRelSql.Schema.Tests.Output;

public sealed class SchemaDiffTests
{
    private static IReadOnlyList<string> DiffAfter(Func<SchemaGraph, SchemaGraph> change) =>
        SchemaDiff.Compare(SampleGraph.Build(), change(SampleGraph.Build()));

    private static IReadOnlyList<string> DiffAfter(QualifiedName table, Func<TableDef, TableDef> change) =>
        DiffAfter(g => Change(g, table, change));

    /// <summary>The graph with one table replaced by a changed copy.</summary>
    private static SchemaGraph Change(SchemaGraph g, QualifiedName table, Func<TableDef, TableDef> change) =>
        g with { Tables = [.. g.Tables.Select(t => t.Name == table ? change(t) : t)] };

    private static TableDef Column(TableDef t, string name, Func<ColumnDef, ColumnDef> change) =>
        t with { Columns = [.. t.Columns.Select(c => c.Name == name ? change(c) : c)] };

    private static IReadOnlyList<T> Set<T>(IReadOnlyList<T> list, int index, T item) => [.. list.Select((x, i) => i == index ? item : x)];

    [Fact]
    public void Identical_graphs_have_no_differences()
    {
        Assert.Empty(SchemaDiff.Compare(SampleGraph.Build(), SampleGraph.Build()));
        Assert.Empty(SchemaDiff.Compare(new SchemaGraph(), new SchemaGraph()));
    }

    [Fact]
    public void Table_order_and_constraint_names_do_not_matter()
    {
        Assert.Empty(DiffAfter(g =>
        {
            g = g with { Tables = [.. g.Tables.Reverse()] };
            g = Change(g, SampleGraph.Customer, customer => customer with
            {
                PrimaryKey = customer.PrimaryKey! with { Name = "pk_invented_by_server" },
                Uniques = Set(customer.Uniques, 0, customer.Uniques[0] with { Name = "customer_Full Name_zip_key" }),
            });
            return Change(g, SampleGraph.Orders, orders => orders with
            {
                PrimaryKey = orders.PrimaryKey! with { Name = "orders_pkey" },
                ForeignKeys = Set(orders.ForeignKeys, 0, orders.ForeignKeys[0] with { Name = null }),
                Checks = Set(orders.Checks, 0, orders.Checks[0] with { Name = "orders_qty_check" }),
            });
        }));
    }

    [Fact]
    public void Missing_and_unexpected_tables()
    {
        var diffs = DiffAfter(g => g with
        {
            Tables = [.. g.Tables.Where(t => t != g.Table(SampleGraph.Orders)), new TableDef { Name = new("public", "extra") }],
        });
        Assert.Equal(["missing table inventory.orders", "unexpected table public.extra"], diffs);
    }

    [Fact]
    public void Column_order_and_names()
    {
        var reordered = DiffAfter(SampleGraph.LineItem, t => t with { Columns = [t.Columns[0], t.Columns[1], t.Columns[3], t.Columns[2], .. t.Columns.Skip(4)] });
        Assert.Equal(["Sales.LineItem: columns expected (OrderNo, LineNo, ParentLine, sku), found (OrderNo, LineNo, sku, ParentLine)"], reordered);

        var dropped = DiffAfter(SampleGraph.LineItem, t => t with { Columns = [.. t.Columns.Where((_, i) => i != 3)] });
        Assert.Equal(["Sales.LineItem: columns expected (OrderNo, LineNo, ParentLine, sku), found (OrderNo, LineNo, ParentLine)"], dropped);
    }

    [Fact]
    public void Column_type()
    {
        var diffs = DiffAfter(SampleGraph.LineItem, t => Column(t, "sku", c => c with { Type = new SqlType { Kind = TypeKind.Varchar, Length = 30 } }));
        Assert.Equal(["Sales.LineItem.sku: type expected character varying(20), found character varying(30)"], diffs);
    }

    [Fact]
    public void Column_nullability()
    {
        var diffs = DiffAfter(SampleGraph.Orders, t => Column(t, "qty", c => c with { Nullable = true }));
        Assert.Equal(["inventory.orders.qty: expected NOT NULL, found nullable"], diffs);
    }

    [Fact]
    public void Column_identity_kind()
    {
        var diffs = DiffAfter(SampleGraph.Customer, t => Column(t, "id", c => c with { Identity = IdentityKind.ByDefault }));
        Assert.Equal(["public.customer.id: identity expected Always, found ByDefault"], diffs);
    }

    [Fact]
    public void Generated_column_presence_but_not_its_text()
    {
        Assert.Equal(["inventory.orders.total: expected a generated column, found a plain column"],
            DiffAfter(SampleGraph.Orders, t => Column(t, "total", c => c with { GeneratedExpression = null })));
        // The server prints the expression back its own way: only presence is compared.
        Assert.Empty(DiffAfter(SampleGraph.Orders, t => Column(t, "total", c => c with { GeneratedExpression = "((qty)::numeric * unit_price)" })));
    }

    [Fact]
    public void Primary_key_columns()
    {
        Assert.Equal(["Sales.LineItem: primary key expected (OrderNo, LineNo), found (LineNo, OrderNo)"],
            DiffAfter(SampleGraph.LineItem, t => t with { PrimaryKey = new KeyConstraint { Columns = ["LineNo", "OrderNo"] } }));
        Assert.Equal(["inventory.orders: primary key expected (order_no), found none"],
            DiffAfter(SampleGraph.Orders, t => t with { PrimaryKey = null }));
    }

    [Fact]
    public void Unique_constraints_compare_as_sets_of_column_sets()
    {
        // Column order inside a UNIQUE and duplicates do not matter.
        Assert.Empty(DiffAfter(SampleGraph.Customer, t => t with
        {
            Uniques = [.. Set(t.Uniques, 0, new KeyConstraint { Columns = ["zip", "Full Name"] }), new KeyConstraint { Columns = ["Full Name", "zip"] }],
        }));
        Assert.Equal(["public.customer: missing UNIQUE (Full Name, zip)", "public.customer: unexpected UNIQUE (zip)"],
            DiffAfter(SampleGraph.Customer, t => t with { Uniques = Set(t.Uniques, 0, new KeyConstraint { Columns = ["zip"] }) }));
    }

    [Fact]
    public void Foreign_keys_compare_as_sets()
    {
        Assert.Equal(
        [
            "Sales.LineItem: missing FOREIGN KEY (OrderNo, ParentLine) REFERENCES Sales.LineItem (OrderNo, LineNo)",
            "Sales.LineItem: unexpected FOREIGN KEY (OrderNo, ParentLine) REFERENCES Sales.LineItem (LineNo, OrderNo)",
        ], DiffAfter(SampleGraph.LineItem, t => t with { ForeignKeys = Set(t.ForeignKeys, 0, t.ForeignKeys[0] with { RefColumns = ["LineNo", "OrderNo"] }) }));

        Assert.Equal(["inventory.orders: missing FOREIGN KEY (customer_id) REFERENCES public.customer (id)"],
            DiffAfter(SampleGraph.Orders, t => t with { ForeignKeys = [] }));

        // Listing the same pairs in another order is the same key.
        Assert.Empty(DiffAfter(SampleGraph.LineItem, t => t with
        {
            ForeignKeys = Set(t.ForeignKeys, 0, new ForeignKey
            {
                Columns = ["ParentLine", "OrderNo"],
                RefTable = t.ForeignKeys[0].RefTable,
                RefColumns = ["LineNo", "OrderNo"],
            }),
        }));
    }

    [Fact]
    public void Checks_match_across_the_way_postgres_prints_them_back()
    {
        // pg_get_constraintdef style: casts, doubled parentheses, BETWEEN expanded; parsed predicate on one side only.
        Assert.Empty(DiffAfter(g =>
        {
            g = Change(g, SampleGraph.Orders, t => t with { Checks = Set(t.Checks, 0, new CheckConstraint { Expression = "((qty >= 1) AND (qty <= 100))" }) });
            return Change(g, SampleGraph.Customer, t => t with { Checks = Set(t.Checks, 0, new CheckConstraint { Expression = "(LENGTH(\"Full Name\") > 0)" }) });
        }));
        // Both parsed: compared by meaning, so the expanded BETWEEN with swapped terms is the same CHECK.
        Assert.Empty(DiffAfter(SampleGraph.Orders, t => t with
        {
            Checks = Set(t.Checks, 0, new CheckConstraint
            {
                Expression = "((qty <= 100) AND (qty >= 1))",
                Predicate = new AndPredicate(
                [
                    new ComparePredicate(new ColumnOperand("qty"), CompareOp.Le, new ConstOperand(new NumberValue(100))),
                    new ComparePredicate(new ConstOperand(new NumberValue(1.0m)), CompareOp.Le, new ColumnOperand("qty")),
                ]),
            }),
        }));
    }

    [Fact]
    public void Checks_compare_as_a_multiset()
    {
        Assert.Equal(["inventory.orders: missing CHECK (qty BETWEEN 1 AND 100)", "inventory.orders: unexpected CHECK (qty BETWEEN 1 AND 99)"],
            DiffAfter(SampleGraph.Orders, t => t with { Checks = Set(t.Checks, 0, new CheckConstraint { Expression = "qty BETWEEN 1 AND 99" }) }));
        Assert.Equal(["inventory.orders: unexpected CHECK (qty BETWEEN 1 AND 100)"],
            DiffAfter(SampleGraph.Orders, t => t with { Checks = [.. t.Checks, new CheckConstraint { Expression = "qty BETWEEN 1 AND 100" }] }));
        Assert.Equal(["public.customer: missing CHECK (length(\"Full Name\") > 0)"],
            DiffAfter(SampleGraph.Customer, t => t with { Checks = [] }));
    }

    [Fact]
    public void Enum_labels_in_order()
    {
        Assert.Equal(["enum public.mood: labels expected ('sad', 'ok', 'it''s fine'), found ('ok', 'sad', 'it''s fine')"],
            DiffAfter(g => g with { Enums = [g.Enums[0] with { Labels = [.. g.Enums[0].Labels.Take(2).Reverse(), .. g.Enums[0].Labels.Skip(2)] }, .. g.Enums.Skip(1)] }));
        Assert.Equal(["missing enum public.mood", "unexpected enum public.moods"],
            DiffAfter(g => g with { Enums = [new EnumType { Name = new("public", "moods"), Labels = ["sad", "ok", "it's fine"] }, .. g.Enums.Skip(1)] }));
    }

    [Fact]
    public void Domain_base_type_not_null_and_check_count()
    {
        Assert.Equal(
        [
            "domain public.us_postal: base type expected character varying(10), found text",
            "domain public.us_postal: expected NOT NULL, found nullable",
            "domain public.us_postal: expected 1 CHECK(s), found 0",
        ], DiffAfter(g => g with { Domains = [new DomainType { Name = new("public", "us_postal"), BaseType = SqlType.Of(TypeKind.Text) }, .. g.Domains.Skip(1)] }));
        Assert.Equal(["missing domain public.us_postal"], DiffAfter(g => g with { Domains = [] }));
    }

    [Fact]
    public void A_partition_declared_bare_in_a_file_equals_the_catalog_view_that_repeats_the_parent()
    {
        var file = Change(SampleGraph.Build(), SampleGraph.Events, t => t with { Checks = [.. t.Checks, new CheckConstraint { Expression = "id > 0" }] });
        foreach (var name in new[] { "events_2024", "events_2025" })
            file = Change(file, new("public", name), p => p with { Columns = [], PrimaryKey = null, ForeignKeys = [] });
        var catalog = SampleGraph.Build();
        foreach (var name in new[] { SampleGraph.Events, new("public", "events_2024"), new("public", "events_2025") })
            catalog = Change(catalog, name, t => t with { Checks = [.. t.Checks, new CheckConstraint { Expression = "(id > 0)" }] });

        Assert.Empty(SchemaDiff.Compare(file, catalog));

        // A key of the partition's own that the parent does not have is still a difference.
        catalog = Change(catalog, new("public", "events_2024"), t => t with { Uniques = [.. t.Uniques, new KeyConstraint { Columns = ["payload"] }] });
        Assert.Equal(["public.events_2024: unexpected UNIQUE (payload)"], SchemaDiff.Compare(file, catalog));
    }

    [Fact]
    public void Partition_layout()
    {
        Assert.Equal(["public.events: partitioning expected RANGE (created_on), found LIST (created_on)"],
            DiffAfter(SampleGraph.Events, t => t with
            {
                Partitioning = new PartitionSpec { Strategy = "list", Columns = t.Partitioning!.Columns, Partitions = t.Partitioning.Partitions },
            }));
        Assert.Equal(["public.events: partitioning expected RANGE (created_on), found none"],
            DiffAfter(SampleGraph.Events, t => t with { Partitioning = null }));
        Assert.Equal(["public.events: missing partition public.events_2025"],
            DiffAfter(SampleGraph.Events, t => t with
            {
                Partitioning = t.Partitioning! with { Partitions = [.. t.Partitioning.Partitions.Where((_, i) => i != 1)] },
            }));
        // Strategy case is spelling, not layout.
        Assert.Empty(DiffAfter(SampleGraph.Events, t => t with
        {
            Partitioning = new PartitionSpec { Strategy = "RANGE", Columns = t.Partitioning!.Columns, Partitions = t.Partitioning.Partitions },
        }));
    }
}
