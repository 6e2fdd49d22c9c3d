using PluRelSql.Schema.Output;

namespace PluRelSql.Schema.Tests.Output;

public sealed class SchemaDiffTests
{
    private static IReadOnlyList<string> DiffAfter(Action<SchemaGraph> change)
    {
        var actual = SampleGraph.Build();
        change(actual);
        return SchemaDiff.Compare(SampleGraph.Build(), actual);
    }

    private static IReadOnlyList<string> DiffAfter(Func<SchemaGraph, SchemaGraph> change) =>
        SchemaDiff.Compare(SampleGraph.Build(), change(SampleGraph.Build()));

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
            g.Tables.Reverse();
            var customer = g.Table(SampleGraph.Customer);
            var orders = g.Table(SampleGraph.Orders);
            customer.PrimaryKey = customer.PrimaryKey! with { Name = "pk_invented_by_server" };
            orders.PrimaryKey = orders.PrimaryKey! with { Name = "orders_pkey" };
            orders.ForeignKeys[0] = orders.ForeignKeys[0] with { Name = null };
            orders.Checks[0] = orders.Checks[0] with { Name = "orders_qty_check" };
            customer.Uniques[0] = customer.Uniques[0] with { Name = "customer_Full Name_zip_key" };
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
        var reordered = DiffAfter(g =>
        {
            var cols = g.Table(SampleGraph.LineItem).Columns;
            (cols[2], cols[3]) = (cols[3], cols[2]);
        });
        Assert.Equal(["Sales.LineItem: columns expected (OrderNo, LineNo, ParentLine, sku), found (OrderNo, LineNo, sku, ParentLine)"], reordered);

        var dropped = DiffAfter(g => g.Table(SampleGraph.LineItem).Columns.RemoveAt(3));
        Assert.Equal(["Sales.LineItem: columns expected (OrderNo, LineNo, ParentLine, sku), found (OrderNo, LineNo, ParentLine)"], dropped);
    }

    [Fact]
    public void Column_type()
    {
        var diffs = DiffAfter(g => g.Table(SampleGraph.LineItem).Column("sku").Type = new SqlType { Kind = TypeKind.Varchar, Length = 30 });
        Assert.Equal(["Sales.LineItem.sku: type expected character varying(20), found character varying(30)"], diffs);
    }

    [Fact]
    public void Column_nullability()
    {
        var diffs = DiffAfter(g => g.Table(SampleGraph.Orders).Column("qty").Nullable = true);
        Assert.Equal(["inventory.orders.qty: expected NOT NULL, found nullable"], diffs);
    }

    [Fact]
    public void Column_identity_kind()
    {
        var diffs = DiffAfter(g => g.Table(SampleGraph.Customer).Column("id").Identity = IdentityKind.ByDefault);
        Assert.Equal(["public.customer.id: identity expected Always, found ByDefault"], diffs);
    }

    [Fact]
    public void Generated_column_presence_but_not_its_text()
    {
        Assert.Equal(["inventory.orders.total: expected a generated column, found a plain column"],
            DiffAfter(g => g.Table(SampleGraph.Orders).Column("total").GeneratedExpression = null));
        // The server prints the expression back its own way: only presence is compared.
        Assert.Empty(DiffAfter(g => g.Table(SampleGraph.Orders).Column("total").GeneratedExpression = "((qty)::numeric * unit_price)"));
    }

    [Fact]
    public void Primary_key_columns()
    {
        Assert.Equal(["Sales.LineItem: primary key expected (OrderNo, LineNo), found (LineNo, OrderNo)"],
            DiffAfter(g => g.Table(SampleGraph.LineItem).PrimaryKey = new KeyConstraint { Columns = ["LineNo", "OrderNo"] }));
        Assert.Equal(["inventory.orders: primary key expected (order_no), found none"],
            DiffAfter(g => g.Table(SampleGraph.Orders).PrimaryKey = null));
    }

    [Fact]
    public void Unique_constraints_compare_as_sets_of_column_sets()
    {
        // Column order inside a UNIQUE and duplicates do not matter.
        Assert.Empty(DiffAfter(g =>
        {
            var u = g.Table(SampleGraph.Customer).Uniques;
            u[0] = new KeyConstraint { Columns = ["zip", "Full Name"] };
            u.Add(new KeyConstraint { Columns = ["Full Name", "zip"] });
        }));
        Assert.Equal(["public.customer: missing UNIQUE (Full Name, zip)", "public.customer: unexpected UNIQUE (zip)"],
            DiffAfter(g => g.Table(SampleGraph.Customer).Uniques[0] = new KeyConstraint { Columns = ["zip"] }));
    }

    [Fact]
    public void Foreign_keys_compare_as_sets()
    {
        Assert.Equal(
        [
            "Sales.LineItem: missing FOREIGN KEY (OrderNo, ParentLine) REFERENCES Sales.LineItem (OrderNo, LineNo)",
            "Sales.LineItem: unexpected FOREIGN KEY (OrderNo, ParentLine) REFERENCES Sales.LineItem (LineNo, OrderNo)",
        ], DiffAfter(g => g.Table(SampleGraph.LineItem).ForeignKeys[0].RefColumns = ["LineNo", "OrderNo"]));

        Assert.Equal(["inventory.orders: missing FOREIGN KEY (customer_id) REFERENCES public.customer (id)"],
            DiffAfter(g => g.Table(SampleGraph.Orders).ForeignKeys.Clear()));

        // Listing the same pairs in another order is the same key.
        Assert.Empty(DiffAfter(g =>
        {
            var fk = g.Table(SampleGraph.LineItem).ForeignKeys[0];
            g.Table(SampleGraph.LineItem).ForeignKeys[0] = new ForeignKey
            {
                Columns = ["ParentLine", "OrderNo"],
                RefTable = fk.RefTable,
                RefColumns = ["LineNo", "OrderNo"],
            };
        }));
    }

    [Fact]
    public void Checks_match_across_the_way_postgres_prints_them_back()
    {
        // pg_get_constraintdef style: casts, doubled parentheses, BETWEEN expanded; parsed predicate on one side only.
        Assert.Empty(DiffAfter(g =>
        {
            g.Table(SampleGraph.Orders).Checks[0] = new CheckConstraint { Expression = "((qty >= 1) AND (qty <= 100))" };
            g.Table(SampleGraph.Customer).Checks[0] = new CheckConstraint { Expression = "(LENGTH(\"Full Name\") > 0)" };
        }));
        // Both parsed: compared by meaning, so the expanded BETWEEN with swapped terms is the same CHECK.
        Assert.Empty(DiffAfter(g =>
            g.Table(SampleGraph.Orders).Checks[0] = new CheckConstraint
            {
                Expression = "((qty <= 100) AND (qty >= 1))",
                Predicate = new AndPredicate(
                [
                    new ComparePredicate(new ColumnOperand("qty"), CompareOp.Le, new ConstOperand(new NumberValue(100))),
                    new ComparePredicate(new ConstOperand(new NumberValue(1.0m)), CompareOp.Le, new ColumnOperand("qty")),
                ]),
            }));
    }

    [Fact]
    public void Checks_compare_as_a_multiset()
    {
        Assert.Equal(["inventory.orders: missing CHECK (qty BETWEEN 1 AND 100)", "inventory.orders: unexpected CHECK (qty BETWEEN 1 AND 99)"],
            DiffAfter(g => g.Table(SampleGraph.Orders).Checks[0] = new CheckConstraint { Expression = "qty BETWEEN 1 AND 99" }));
        Assert.Equal(["inventory.orders: unexpected CHECK (qty BETWEEN 1 AND 100)"],
            DiffAfter(g => g.Table(SampleGraph.Orders).Checks.Add(new CheckConstraint { Expression = "qty BETWEEN 1 AND 100" })));
        Assert.Equal(["public.customer: missing CHECK (length(\"Full Name\") > 0)"],
            DiffAfter(g => g.Table(SampleGraph.Customer).Checks.Clear()));
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
        var file = SampleGraph.Build();
        file.Table(SampleGraph.Events).Checks.Add(new CheckConstraint { Expression = "id > 0" });
        foreach (var name in new[] { "events_2024", "events_2025" })
        {
            var p = file.Table("public", name);
            p.Columns.Clear();
            p.PrimaryKey = null;
            p.ForeignKeys.Clear();
        }
        var catalog = SampleGraph.Build();
        catalog.Table(SampleGraph.Events).Checks.Add(new CheckConstraint { Expression = "(id > 0)" });
        catalog.Table("public", "events_2024").Checks.Add(new CheckConstraint { Expression = "(id > 0)" });
        catalog.Table("public", "events_2025").Checks.Add(new CheckConstraint { Expression = "(id > 0)" });

        Assert.Empty(SchemaDiff.Compare(file, catalog));

        // A key of the partition's own that the parent does not have is still a difference.
        catalog.Table("public", "events_2024").Uniques.Add(new KeyConstraint { Columns = ["payload"] });
        Assert.Equal(["public.events_2024: unexpected UNIQUE (payload)"], SchemaDiff.Compare(file, catalog));
    }

    [Fact]
    public void Partition_layout()
    {
        Assert.Equal(["public.events: partitioning expected RANGE (created_on), found LIST (created_on)"],
            DiffAfter(g =>
            {
                var old = g.Table(SampleGraph.Events).Partitioning!;
                var spec = new PartitionSpec { Strategy = "list", Columns = old.Columns, Partitions = old.Partitions };
                g.Table(SampleGraph.Events).Partitioning = spec;
            }));
        Assert.Equal(["public.events: partitioning expected RANGE (created_on), found none"],
            DiffAfter(g => g.Table(SampleGraph.Events).Partitioning = null));
        Assert.Equal(["public.events: missing partition public.events_2025"],
            DiffAfter(g =>
            {
                var events = g.Table(SampleGraph.Events);
                events.Partitioning = events.Partitioning! with { Partitions = [.. events.Partitioning.Partitions.Where((_, i) => i != 1)] };
            }));
        // Strategy case is spelling, not layout.
        Assert.Empty(DiffAfter(g =>
        {
            var old = g.Table(SampleGraph.Events).Partitioning!;
            var spec = new PartitionSpec { Strategy = "RANGE", Columns = old.Columns, Partitions = old.Partitions };
            g.Table(SampleGraph.Events).Partitioning = spec;
        }));
    }
}
