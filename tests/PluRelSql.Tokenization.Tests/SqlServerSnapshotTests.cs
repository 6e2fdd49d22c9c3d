using Microsoft.Data.SqlClient;
using Npgsql;
using PluRelSql.Storage;
using PluRelSql.TestSupport;

namespace PluRelSql.Tokenization.Tests;

/// <summary>The tokenizer reads SQL Server through the same code as PostgreSQL: the same rows in both servers give
/// the same snapshot (live SQL Server: PLUREL_MSSQL; skipped without one).</summary>
[Collection(ClusterCollection.Name)]
public sealed class SqlServerSnapshotTests(ClusterFixture pg)
{
    // SnapshotTests.Ddl in T-SQL: the same tables and the same rows.
    private const string TSql = """
        CREATE TABLE customer (id int PRIMARY KEY, age int, city nvarchar(max), vip bit);
        CREATE TABLE product (sku nvarchar(450) PRIMARY KEY, price decimal(8,2) NOT NULL, category nvarchar(max));
        CREATE TABLE [order] (
            order_id bigint PRIMARY KEY,
            customer_id int NOT NULL REFERENCES customer,
            sku nvarchar(450) REFERENCES product,
            ts datetime2 NOT NULL,
            quantity int,
            returned bit,
            shipped date);
        WITH n AS (SELECT TOP (3000) CAST(ROW_NUMBER() OVER (ORDER BY (SELECT NULL)) AS int) AS i FROM sys.all_columns a CROSS JOIN sys.all_columns b)
        SELECT i INTO #n FROM n;
        INSERT INTO customer SELECT i, 18 + i % 60, CONCAT(N'city ', i % 5), CASE WHEN i % 3 = 0 THEN 1 ELSE 0 END FROM #n WHERE i <= 300;
        UPDATE customer SET age = NULL WHERE id % 17 = 0;
        INSERT INTO product SELECT CONCAT(N'P', i), 5 + (i * 7) % 90, CONCAT(N'cat', i % 6) FROM #n WHERE i <= 60;
        INSERT INTO product VALUES (N'FLAT', 1, NULL);
        INSERT INTO [order] SELECT i, 1 + (i * 13) % 300, CASE WHEN i % 50 = 0 THEN NULL ELSE CONCAT(N'P', 1 + i % 60) END,
            DATEADD(hour, 3 * i, CAST('2024-01-01' AS datetime2)), 1 + i % 9, CASE WHEN i % 4 = 0 THEN 1 ELSE 0 END,
            DATEADD(day, i / 8, CAST('2024-01-01' AS date))
          FROM #n;
        """;

    [Fact]
    public void SQL_Server_expressions_keep_keys_exact_and_count_in_64_bits()
    {
        var sql = SnapshotSql.For(DatabaseProvider.SqlServer);
        Assert.Equal("[dbo].[order]", sql.Table(new Schema.QualifiedName("dbo", "order")));
        Assert.Equal("CONVERT(nvarchar(max), [ts], 126)", sql.Text("[ts]", Schema.SqlType.Of(Schema.TypeKind.Timestamp)));
        Assert.Equal("CONVERT(nvarchar(max), [x], 3)", sql.Text("[x]", Schema.SqlType.Of(Schema.TypeKind.Double)));
        Assert.StartsWith("COUNT_BIG([a])", sql.CountMeanStd("[a]", sql.Float("[a]")));
        Assert.Contains("DATEDIFF_BIG(microsecond, '1970-01-01', [ts])", sql.EpochSeconds("[ts]"));
        Assert.Equal("\"order\"", SnapshotSql.For(DatabaseProvider.Postgres).Column("order"));
    }

    [MssqlFact]
    public async Task The_same_rows_give_the_same_snapshot_from_PostgreSQL_and_SQL_Server()
    {
        var pgConn = await pg.NewDatabaseAsync("tok_pair");
        await ClusterFixture.ExecAsync(pgConn, SnapshotTests.Ddl);
        RelationalSnapshot fromPg;
        await using (var c = new NpgsqlConnection(pgConn))
        {
            await c.OpenAsync();
            fromPg = await RelationalSnapshot.LoadAsync(c, "public");
        }

        var name = SqlServerTarget.Name("tok");
        var msConn = await SqlServerTarget.RecreateAsync(name);
        try
        {
            await SqlServerTarget.ExecAsync(name, TSql);
            RelationalSnapshot fromMs;
            await using (var c = new SqlConnection(msConn))
            {
                await c.OpenAsync();
                var session = DatabaseSession.Of(c);
                Assert.Equal(["dbo"], await session.ListSchemasAsync());
                fromMs = await RelationalSnapshot.LoadAsync(session, "dbo");
            }

            Assert.Equal(fromPg.Tables.Select(t => (t.Name.Name, t.RowCount, t.TimeColumn)), fromMs.Tables.Select(t => (t.Name.Name, t.RowCount, t.TimeColumn)));
            Assert.Equal(fromPg.Columns.Select(c => (c.Phrase, c.Type, c.Count)), fromMs.Columns.Select(c => (c.Phrase, c.Type, c.Count)));
            foreach (var (p, m) in fromPg.Columns.Zip(fromMs.Columns))
            {
                Assert.Equal(p.Mean, m.Mean, 6);
                Assert.Equal(p.Std, m.Std, 6);
            }
            Assert.Equal(fromPg.NodeTime, fromMs.NodeTime);
            Assert.Equal(fromPg.CellStart, fromMs.CellStart);
            Assert.Equal(fromPg.CellColumn, fromMs.CellColumn);
            Assert.Equal(fromPg.CellText, fromMs.CellText);
            Assert.Equal(fromPg.TextVocabulary, fromMs.TextVocabulary);
            Assert.All(fromPg.CellValue.Zip(fromMs.CellValue), x => Assert.Equal(x.First, x.Second, 4));
            Assert.Equal(fromPg.ParentStart, fromMs.ParentStart);
            Assert.Equal(fromPg.Parents, fromMs.Parents);
            Assert.Equal(fromPg.Children, fromMs.Children);
        }
        finally { await SqlServerTarget.DropAsync(name); }
    }
}
