namespace PluRelSql.Schema.Tests.Model;

public sealed class GraphModelTests
{
    private static IndexDef Index(string sql) => new() { Name = "ix", Table = new("public", "t"), Sql = sql, Unique = true };

    [Theory]
    [InlineData("CREATE UNIQUE INDEX ix ON public.store USING btree (manager_staff_id)", "manager_staff_id")]
    [InlineData("CREATE UNIQUE INDEX ix ON ONLY t (a DESC NULLS LAST, \"Mixed \"\"Q\"\"\" text_pattern_ops)", "a|Mixed \"Q\"")]
    [InlineData("CREATE UNIQUE INDEX ix ON t (A, b COLLATE \"C\") WHERE b IS NOT NULL", "a|b")]
    public void Unique_index_plain_columns(string sql, string expected) =>
        Assert.Equal(expected.Split('|'), Index(sql).PlainColumns());

    [Theory]
    [InlineData("CREATE UNIQUE INDEX ix ON t (lower(email))")]
    [InlineData("CREATE UNIQUE INDEX ix ON t ((a + b), c)")]
    [InlineData("CREATE UNIQUE INDEX ix ON t")]
    public void Expression_indexes_have_no_plain_columns(string sql) => Assert.Null(Index(sql).PlainColumns());

    [Fact]
    public void Foreign_keys_declared_on_partitions_count_for_the_partitioned_table_and_its_load_order()
    {
        var g = new SchemaGraph();
        var customer = new TableDef { Name = new("public", "customer") };
        customer = customer with { Columns = [.. customer.Columns, new ColumnDef { Name = "id", Type = SqlType.Of(TypeKind.Integer), Nullable = false }] };
        customer = customer with { PrimaryKey = new KeyConstraint { Columns = ["id"] } };
        var payment = new TableDef { Name = new("public", "payment"), Partitioning = new PartitionSpec { Strategy = "RANGE", Columns = ["at"] } };
        payment = payment with { Columns = [.. payment.Columns, new ColumnDef { Name = "customer_id", Type = SqlType.Of(TypeKind.Integer), Nullable = false }] };
        payment = payment with { Columns = [.. payment.Columns, new ColumnDef { Name = "at", Type = SqlType.Of(TypeKind.Date), Nullable = false }] };
        g = g with { Tables = [.. g.Tables, payment] };
        g = g with { Tables = [.. g.Tables, customer] };
        foreach (var name in new[] { "payment_a", "payment_b" })
        {
            var part = new TableDef { Name = new("public", name), PartitionOf = payment.Name };
            part = part with { ForeignKeys = [.. part.ForeignKeys, new ForeignKey { Name = name + "_fk", Columns = ["customer_id"], RefTable = customer.Name, RefColumns = ["id"] }] };
            g = g with { Tables = [.. g.Tables, part] };
        }
        var fks = g.ForeignKeysOf(payment);
        Assert.Single(fks); // the same FK on both partitions counts once
        Assert.Equal(customer.Name, fks[0].RefTable);
        Assert.Empty(g.ForeignKeysOf(customer));
        Assert.Equal(["customer", "payment"], g.ComputeLoadOrder().Tables.Select(t => t.Name.Name));
    }
}
