using Microsoft.Data.SqlClient;
using PluRelSql.Generation;
using PluRelSql.Schema;
using PluRelSql.Storage.SqlServer;

namespace PluRelSql.Storage.Tests.SqlServer;

/// <summary>What the SQL Server sink decides without a server: bulk copy options, mappings, connection settings,
/// the statements after the data, and how server errors become messages.</summary>
public sealed class SqlServerLoaderOfflineTests
{
    [Fact]
    public void Bulk_copy_locks_the_table_keeps_identities_checks_constraints_and_fires_no_triggers()
    {
        var o = SqlServerLoader.BulkOptions;
        Assert.True(o.HasFlag(SqlBulkCopyOptions.TableLock));
        Assert.True(o.HasFlag(SqlBulkCopyOptions.KeepIdentity));
        Assert.True(o.HasFlag(SqlBulkCopyOptions.CheckConstraints));
        Assert.True(o.HasFlag(SqlBulkCopyOptions.KeepNulls));
        Assert.False(o.HasFlag(SqlBulkCopyOptions.FireTriggers));
        Assert.False(o.HasFlag(SqlBulkCopyOptions.UseInternalTransaction)); // the load's own transaction holds everything
    }

    [Fact]
    public void Bulk_copy_maps_loaded_columns_by_name_and_streams_in_batches()
    {
        var graph = TSqlTestSchema.Read();
        var customer = graph.Table("dbo", "Customer");
        using var conn = new SqlConnection("Server=localhost;Database=x");
        using var bulk = SqlServerLoader.CreateBulkCopy(conn, null, customer, 5000);
        Assert.Equal("[dbo].[Customer]", bulk.DestinationTableName);
        Assert.Equal(5000, bulk.BatchSize);
        Assert.True(bulk.EnableStreaming);
        Assert.Equal(0, bulk.BulkCopyTimeout);
        var mappings = bulk.ColumnMappings.Cast<SqlBulkCopyColumnMapping>().ToList();
        var loaded = customer.Columns.Where(c => c.IsLoaded).Select(c => c.Name).ToList();
        Assert.Equal(loaded, mappings.Select(m => m.SourceColumn));
        Assert.Equal(loaded, mappings.Select(m => m.DestinationColumn));
        Assert.DoesNotContain("Label", mappings.Select(m => m.DestinationColumn));

        var odd = new TableDef { Name = new QualifiedName("sales", "order]x") };
        odd = odd with { Columns = [.. odd.Columns, new ColumnDef { Name = "a", Type = SqlType.Of(TypeKind.Integer) }] };
        using var bulk2 = SqlServerLoader.CreateBulkCopy(conn, null, odd, 1, new Dictionary<string, string> { ["a"] = "A" });
        Assert.Equal("[sales].[order]]x]", bulk2.DestinationTableName);
        // The target's own spelling: bulk copy matches destination names case-sensitively.
        var only = Assert.Single(bulk2.ColumnMappings.Cast<SqlBulkCopyColumnMapping>());
        Assert.Equal(("a", "A"), (only.SourceColumn, only.DestinationColumn));
    }

    [Fact]
    public void Load_connection_does_not_pool_and_never_times_out()
    {
        var b = new SqlConnectionStringBuilder(SqlServerLoader.LoadConnectionString(
            "Server=db,1433;Database=shop;User Id=sa;Password=p;TrustServerCertificate=true;Command Timeout=30"));
        Assert.False(b.Pooling);
        Assert.Equal(0, b.CommandTimeout);
        Assert.Equal(("db,1433", "shop", "plurel"), (b.DataSource, b.InitialCatalog, b.ApplicationName));
        Assert.Throws<FormatException>(() => SqlServerLoader.LoadConnectionString("Database=shop"));
        Assert.Throws<FormatException>(() => SqlServerLoader.LoadConnectionString("Server=x;Frobnicate=1"));
    }

    [Fact]
    public void Identities_are_reseeded_and_sequences_restarted_after_the_load()
    {
        var graph = TSqlTestSchema.Read();
        var empty = GenerationPlanner.Create(graph, new GenerationOptions { DefaultRows = 10, TableRows = new Dictionary<string, long> { ["Order"] = 0 }, FitRows = true });
        var none = SqlServerLoader.IdentityAndSequenceUpdates(empty.Graph, empty.Rows, empty.Order.Tables).ToList();
        Assert.Contains(none, s => s.Contains("DBCC CHECKIDENT (N'[dbo].[Customer]', RESEED)", StringComparison.Ordinal));
        Assert.DoesNotContain(none, s => s.Contains("[Order]", StringComparison.Ordinal)); // no rows, nothing to move

        var plan = GenerationPlanner.Create(graph, new GenerationOptions { DefaultRows = 10 });
        var sql = SqlServerLoader.IdentityAndSequenceUpdates(plan.Graph, plan.Rows, plan.Order.Tables).ToList();
        var restart = Assert.Single(sql, s => s.Contains("ALTER SEQUENCE", StringComparison.Ordinal));
        Assert.Contains("ALTER SEQUENCE [dbo].[OrderNo] RESTART WITH", restart);
        Assert.Contains("MAX(CAST([OrderId] AS bigint)) FROM [dbo].[Order]", restart);
    }

    private static readonly SchemaGraph Graph = TSqlTestSchema.Read();

    // Messages as SQL Server 2022 prints them.
    [Fact]
    public void Check_violation_names_table_constraint_and_column()
    {
        var e = SqlServerErrors.Describe(547,
            "The INSERT statement conflicted with the CHECK constraint \"CK_Order_Qty\". The conflict occurred in database \"shop\", table \"dbo.Order\", column 'Qty'.",
            "copy", Graph, Graph.Table("dbo", "Order"));
        Assert.Equal(("CK_Order_Qty", "Qty", new QualifiedName("dbo", "Order")), (e.Constraint, e.Column, e.Table!.Value));
        Assert.Equal("dbo.Order: a row violates check constraint CK_Order_Qty (column Qty)", e.Message);
    }

    [Fact]
    public void Foreign_key_violation_names_the_child_table_and_its_columns()
    {
        // The server names the referenced table; the message must name the table that holds the key.
        var e = SqlServerErrors.Describe(547,
            "The ALTER TABLE statement conflicted with the FOREIGN KEY constraint \"FK_Order_Customer\". The conflict occurred in database \"shop\", table \"dbo.Customer\", column 'CustomerId'.",
            "constraints after the data", Graph, null);
        Assert.Equal(new QualifiedName("dbo", "Order"), e.Table);
        Assert.Equal(("CustomerId", "FK_Order_Customer"), (e.Column, e.Constraint));
        Assert.StartsWith("dbo.Order: rows violate foreign key FK_Order_Customer: values of (CustomerId) not present in dbo.Customer", e.Message);
        Assert.EndsWith("[constraints after the data]", e.Message);
    }

    [Fact]
    public void Duplicate_keys_null_and_truncation_name_what_failed()
    {
        var pk = SqlServerErrors.Describe(2627,
            "Violation of PRIMARY KEY constraint 'PK_Order'. Cannot insert duplicate key in object 'dbo.Order'. The duplicate key value is (105).",
            "copy", Graph, Graph.Table("dbo", "Order"));
        Assert.Equal(("PK_Order", "OrderId"), (pk.Constraint, pk.Column));
        Assert.Contains("duplicate key violates primary key PK_Order: (105)", pk.Message);

        var uq = SqlServerErrors.Describe(1505,
            "The CREATE UNIQUE INDEX statement terminated because a duplicate key was found for the object name 'dbo.Customer' and the index name 'UQ_Customer_Email'. The duplicate key value is (a@b.c).",
            "constraints after the data", Graph, null);
        Assert.Equal((new QualifiedName("dbo", "Customer"), "Email", "UQ_Customer_Email"), (uq.Table!.Value, uq.Column, uq.Constraint));

        var nul = SqlServerErrors.Describe(515,
            "Cannot insert the value NULL into column 'Email', table 'shop.dbo.Customer'; column does not allow nulls. INSERT fails.",
            "copy", Graph, Graph.Table("dbo", "Customer"));
        Assert.Equal(("Email", "dbo.Customer: NULL in column Email which is NOT NULL"), (nul.Column, nul.Message));

        var trunc = SqlServerErrors.Describe(2628,
            "String or binary data would be truncated in table 'shop.dbo.Customer', column 'Email'. Truncated value: 'aaaa'.",
            "copy", Graph, Graph.Table("dbo", "Customer"));
        Assert.Equal("Email", trunc.Column);
        Assert.Contains("too long for column Email", trunc.Message);
    }

    [Fact]
    public void Bulk_copy_column_ids_are_mapped_to_names()
    {
        var columns = Graph.Table("dbo", "Customer").Columns.Select(c => c.Name).ToList();
        var e = SqlServerErrors.Describe(4815, "Received an invalid column length from the bcp client for colid 2.", "copy",
            Graph, Graph.Table("dbo", "Customer"), columns);
        Assert.Equal("Email", e.Column);
        Assert.Contains("column Email (character varying(120))", e.Message);
    }

    [Fact]
    public void Unknown_errors_keep_the_server_message_and_number()
    {
        var e = SqlServerErrors.Describe(1205, "Transaction (Process ID 52) was deadlocked on lock resources.", "copy",
            Graph, Graph.Table("dbo", "Order"));
        Assert.Equal("dbo.Order: Transaction (Process ID 52) was deadlocked on lock resources (SQL Server error 1205)", e.Message);
        var client = SqlServerErrors.DescribeClientError(
            "The given value 'abc' of type String from the data source cannot be converted to type int for Column 3 [Qty] Row 17.",
            Graph.Table("dbo", "Order"), new InvalidOperationException());
        Assert.Equal("Qty", client.Column);
    }
}
