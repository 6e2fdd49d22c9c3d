using Microsoft.Data.SqlClient;
using PluRelSql.Core;
using PluRelSql.Generation;
using PluRelSql.Schema;
using PluRelSql.Schema.Output;
using PluRelSql.Storage.Postgres;
using PluRelSql.Storage.SqlServer;
using PluRelSql.TestSupport;

namespace PluRelSql.Storage.Tests.SqlServer;

/// <summary>The SQL Server sink and introspection against a real server (PLUREL_MSSQL; skipped without one).</summary>
public sealed class SqlServerLiveTests
{
    private static LoadOptions Create(SchemaGraph graph, bool truncate = false) => new()
    {
        PreDataSql = TSqlDdlWriter.PreData(graph),
        PostDataSql = TSqlDdlWriter.PostData(graph),
        Truncate = truncate,
        BatchSize = 128,
    };

    [MssqlFact]
    public async Task Load_creates_the_schema_and_every_constraint_is_validated()
    {
        var name = SqlServerTarget.Name("load");
        var cs = await SqlServerTarget.RecreateAsync(name);
        try
        {
            var graph = TSqlTestSchema.Read();
            var gen = TSqlTestSchema.Generator(graph, rows: 700);
            var progress = new List<TableProgress>();
            var report = await new SqlServerLoader().LoadAsync(cs, new GeneratedRows(gen.Plan, gen), Create(graph), new Sync(progress), default);
            Assert.Equal(gen.Plan.TotalRows, report.TotalRows);
            Assert.Equal(700L, await SqlServerTarget.ScalarAsync<long>(name, "SELECT COUNT_BIG(*) FROM dbo.Customer"));
            Assert.Equal(gen.Plan.Rows(graph.Table("dbo", "Order")), await SqlServerTarget.ScalarAsync<long>(name, "SELECT COUNT_BIG(*) FROM dbo.[Order]"));
            Assert.Contains(progress, p => p.Table.Name == "Customer" && p.RowsDone == 700);

            // Added after the data WITH CHECK: trusted, so the server validated every row.
            Assert.Equal(0, await SqlServerTarget.ScalarAsync<int>(name,
                "SELECT (SELECT COUNT(*) FROM sys.check_constraints WHERE is_not_trusted = 1) + (SELECT COUNT(*) FROM sys.foreign_keys WHERE is_not_trusted = 1)"));
            Assert.Equal(3, await SqlServerTarget.ScalarAsync<int>(name, "SELECT COUNT(*) FROM sys.check_constraints"));
            Assert.Equal(1, await SqlServerTarget.ScalarAsync<int>(name, "SELECT COUNT(*) FROM sys.foreign_keys"));

            // Identity and sequence continue after the loaded keys.
            Assert.Equal(await SqlServerTarget.ScalarAsync<long>(name, "SELECT MAX(CustomerId) FROM dbo.Customer"),
                await SqlServerTarget.ScalarAsync<long>(name, "SELECT CAST(IDENT_CURRENT('dbo.Customer') AS bigint)"));
            Assert.True(await SqlServerTarget.ScalarAsync<long>(name, "SELECT NEXT VALUE FOR dbo.OrderNo") >
                        await SqlServerTarget.ScalarAsync<long>(name, "SELECT MAX(OrderId) FROM dbo.[Order]"));

            // Values arrive as generated: the first customer row read back equals the generator's row 0.
            var first = gen.Generate(graph.Table("dbo", "Customer"), 0, 1);
            await using var conn = new SqlConnection(cs);
            await conn.OpenAsync();
            await using var cmd = new SqlCommand($"SELECT Email, Token, Joined FROM dbo.Customer WHERE CustomerId = {first["CustomerId"].GetValue(0)}", conn);
            await using var r = await cmd.ExecuteReaderAsync();
            Assert.True(await r.ReadAsync());
            Assert.Equal(first["Email"].GetValue(0), r.GetString(0));
            Assert.Equal(first["Token"].GetValue(0), r.GetGuid(1));
            Assert.Equal(((DateOnly)first["Joined"].GetValue(0)!).ToDateTime(TimeOnly.MinValue), r.GetDateTime(2));
        }
        finally { await SqlServerTarget.DropAsync(name); }
    }

    [MssqlFact]
    public async Task Introspection_of_the_loaded_database_gives_the_script_graph()
    {
        var name = SqlServerTarget.Name("introspect");
        var cs = await SqlServerTarget.RecreateAsync(name);
        try
        {
            var graph = TSqlTestSchema.Read();
            var gen = TSqlTestSchema.Generator(graph, rows: 10);
            await new SqlServerLoader().LoadAsync(cs, new GeneratedRows(gen.Plan, gen), Create(graph), null, default);
            await using var conn = new SqlConnection(cs);
            await conn.OpenAsync();
            var live = await SqlServerIntrospector.ReadAsync(conn);
            Assert.Empty(SchemaDiff.Compare(TSqlTestSchema.Read(), live));
            Assert.Equal(IdentityKind.Sequence, live.Table("dbo", "Order").Column("OrderId").Identity);
            Assert.NotNull(live.FindDomain(new QualifiedName("dbo", "Code")));
        }
        finally { await SqlServerTarget.DropAsync(name); }
    }

    [MssqlFact]
    public async Task A_violated_check_rolls_everything_back_and_names_the_constraint()
    {
        var name = SqlServerTarget.Name("rollback");
        var cs = await SqlServerTarget.RecreateAsync(name);
        try
        {
            var graph = TSqlTestSchema.Read();
            var gen = new BadQty(TSqlTestSchema.Generator(graph, rows: 50));
            var e = await Assert.ThrowsAsync<LoadException>(() => new SqlServerLoader().LoadAsync(cs, new GeneratedRows(gen.Plan, gen), Create(graph), null, default));
            Assert.Equal("CK_Order_Qty", e.Constraint);
            Assert.Equal(new QualifiedName("dbo", "Order"), e.Table);
            // The tables created in the load's transaction are gone with it.
            Assert.Equal(0, await SqlServerTarget.ScalarAsync<int>(name, "SELECT COUNT(*) FROM sys.tables"));
            Assert.Equal(0, await SqlServerTarget.ScalarAsync<int>(name, "SELECT COUNT(*) FROM sys.types WHERE is_user_defined = 1"));
        }
        finally { await SqlServerTarget.DropAsync(name); }
    }

    [MssqlFact]
    public async Task Existing_tables_must_be_empty_unless_truncated()
    {
        var name = SqlServerTarget.Name("existing");
        var cs = await SqlServerTarget.RecreateAsync(name);
        try
        {
            var graph = TSqlTestSchema.Read();
            var gen = TSqlTestSchema.Generator(graph, rows: 40);
            await new SqlServerLoader().LoadAsync(cs, new GeneratedRows(gen.Plan, gen), Create(graph), null, default);
            var again = new LoadOptions { BatchSize = 16 };
            var refused = await Assert.ThrowsAsync<LoadException>(() => new SqlServerLoader().LoadAsync(cs, new GeneratedRows(gen.Plan, gen), again, null, default));
            Assert.Contains("not empty", refused.Message);

            var gen2 = TSqlTestSchema.Generator(graph, rows: 25);
            await new SqlServerLoader().LoadAsync(cs, new GeneratedRows(gen2.Plan, gen2), again with { Truncate = true }, null, default);
            Assert.Equal(25L, await SqlServerTarget.ScalarAsync<long>(name, "SELECT COUNT_BIG(*) FROM dbo.Customer"));
            // Into existing tables the constraints are checked during the copy (CheckConstraints): still trusted.
            Assert.Equal(0, await SqlServerTarget.ScalarAsync<int>(name, "SELECT COUNT(*) FROM sys.check_constraints WHERE is_not_trusted = 1"));
        }
        finally { await SqlServerTarget.DropAsync(name); }
    }

    /// <summary>Rows whose Qty breaks CHECK (Qty BETWEEN 1 AND 100).</summary>
    private sealed class BadQty(IRowGenerator inner) : IRowGenerator
    {
        public GenerationPlan Plan => inner.Plan;

        public RowBatch Generate(TableDef table, long firstRow, int count)
        {
            var batch = inner.Generate(table, firstRow, count);
            if (table.Name.Name == "Order") ((ColumnVector<short>)batch["Qty"]).Values[0] = 0;
            return batch;
        }
    }

    private sealed class Sync(List<TableProgress> seen) : IProgress<TableProgress>
    {
        public void Report(TableProgress value) => seen.Add(value);
    }
}
