using Npgsql;
using PluRelSql.TestSupport;

namespace PluRelSql.Cli.Tests;

/// <summary>A SQL Server product install script of our own that uses every construct of issue 14 item 6 at once
/// (sqlcmd variables, SSMS template parameters, brace placeholders, partition function/scheme, filegroups,
/// compression, sequences with NEXT VALUE FOR defaults, hierarchyid, xml, sql_variant, geography/geometry, SPARSE
/// columns and a column set, ROWGUIDCOL, FILESTREAM, clock/uuid/user DEFAULTs, a computed column PostgreSQL cannot
/// compute, a system-versioned temporal table whose history table the script leaves to the server) populates
/// PostgreSQL with --create: exit 0, every table non-empty, every constraint validated.</summary>
[Collection(ClusterCollection.Name)]
public sealed class TSqlProductScriptPopulateTests(ClusterFixture pg)
{
    private const string Script = """
        :setvar DatabaseName "ShopDb"
        USE [$(DatabaseName)]
        GO
        CREATE PARTITION FUNCTION pfOrderDate (datetime2) AS RANGE RIGHT FOR VALUES ('2020-01-01', '2021-01-01');
        GO
        CREATE PARTITION SCHEME psOrderDate AS PARTITION pfOrderDate ALL TO ([PRIMARY]);
        GO
        CREATE SCHEMA [<schema_name, sysname, sales>];
        GO
        CREATE SEQUENCE [dbo].[OrderNumbers] AS int START WITH 1000 INCREMENT BY 5 MINVALUE 1000 MAXVALUE 2000000 CYCLE;
        GO
        CREATE TABLE [dbo].[Category] (
            [Id] int IDENTITY(1,1) NOT NULL,
            [Path] hierarchyid NOT NULL,
            [Name] nvarchar(100) NOT NULL,
            [Level] AS ([Path].GetLevel()),
            [RowGuid] uniqueidentifier ROWGUIDCOL NOT NULL DEFAULT NEWSEQUENTIALID(),
            CONSTRAINT [PK_Category] PRIMARY KEY CLUSTERED ([Id]) WITH (DATA_COMPRESSION = PAGE) ON [PRIMARY]
        ) ON [PRIMARY];
        GO
        CREATE TABLE [dbo].[Product] (
            [Id] int NOT NULL DEFAULT (NEXT VALUE FOR [dbo].[OrderNumbers]),
            [CategoryId] int NOT NULL REFERENCES [dbo].[Category]([Id]),
            [Name] nvarchar(100) NOT NULL,
            [Spec] xml NULL,
            [Extra] sql_variant NULL,
            [Location] geography NULL,
            [Shape] geometry NULL,
            [Color] nvarchar(20) SPARSE NULL,
            [Size] int SPARSE NULL,
            [AllSparse] xml COLUMN_SET FOR ALL_SPARSE_COLUMNS,
            [Created] datetime2(7) NOT NULL CONSTRAINT [DF_Product_Created] DEFAULT (SYSDATETIME()),
            [CreatedUtc] datetime NOT NULL DEFAULT (GETUTCDATE()),
            [Stamp] datetime NOT NULL DEFAULT (GETDATE()),
            [StampOffset] datetimeoffset NOT NULL DEFAULT (SYSDATETIMEOFFSET()),
            [CreatedBy] nvarchar(128) NOT NULL DEFAULT (SUSER_SNAME()),
            [UserName] nvarchar(128) NOT NULL DEFAULT (USER_NAME()),
            [Token] uniqueidentifier NOT NULL DEFAULT (NEWID()),
            [CreatedText] AS (CONVERT(nvarchar(23), [Created], 121)),
            CONSTRAINT [PK_Product] PRIMARY KEY ([Id])
        ) ON [PRIMARY] TEXTIMAGE_ON [PRIMARY];
        GO
        CREATE TABLE [dbo].[Document] (
            [Id] int NOT NULL PRIMARY KEY,
            [Body] varbinary(max) FILESTREAM NULL,
            [DocGuid] uniqueidentifier ROWGUIDCOL NOT NULL UNIQUE DEFAULT NEWID()
        ) FILESTREAM_ON [DEFAULT];
        GO
        CREATE TABLE [<schema_name, sysname, sales>].[Price] (
            [ProductId] int NOT NULL PRIMARY KEY REFERENCES [dbo].[Product]([Id]),
            [Amount] money NOT NULL CHECK ([Amount] >= 0),
            [ValidFrom] datetime2(7) GENERATED ALWAYS AS ROW START NOT NULL,
            [ValidTo] datetime2(7) GENERATED ALWAYS AS ROW END NOT NULL,
            PERIOD FOR SYSTEM_TIME ([ValidFrom], [ValidTo])
        ) WITH (SYSTEM_VERSIONING = ON (HISTORY_TABLE = [<schema_name, sysname, sales>].[PriceHistory]));
        GO
        CREATE TABLE [{schema}].[Audit] (
            [Id] bigint IDENTITY NOT NULL PRIMARY KEY,
            [At] datetime2 NOT NULL DEFAULT CURRENT_TIMESTAMP
        ) ON psOrderDate([At]);
        GO
        CREATE TABLE [{{schema}}].[Note] (
            [Id] int NOT NULL PRIMARY KEY,
            [Text] nvarchar(max) NOT NULL
        ) WITH (DATA_COMPRESSION = ROW);
        GO
        """;

    [Fact]
    public async Task Product_install_script_populates_postgres_with_every_table_filled_and_every_constraint_validated()
    {
        var dir = Directory.CreateTempSubdirectory("plurel-product-");
        var file = Path.Combine(dir.FullName, "install.sql");
        await File.WriteAllTextAsync(file, Script);
        var run = Cli.Plurel("populate", "--db", pg.Url("postgres"), "--schema", file, "--recreate", "--database", "tsql_product", "--rows", "50");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("hierarchyid has no PostgreSQL counterpart: stored as its text form in varchar(4000)", run.StdErr);
        Assert.Contains("history table sales.PriceHistory of sales.Price is not created by the script", run.StdErr);
        Assert.Contains("template parameter <schema_name, …> (SSMS) read as its default sales", run.StdErr);

        await using var conn = new NpgsqlConnection(pg.ConnectionString("tsql_product"));
        await conn.OpenAsync();
        var names = new List<string>();
        await using (var cmd = new NpgsqlCommand(
            "SELECT format('%I.%I', schemaname, tablename) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1", conn))
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync()) names.Add(reader.GetString(0));
        Assert.Equal(["public.\"Audit\"", "public.\"Category\"", "public.\"Document\"", "public.\"Note\"", "public.\"Product\"",
            "sales.\"Price\"", "sales.\"PriceHistory\""], names);
        foreach (var t in names)
            Assert.True(await pg.Scalar<long>("tsql_product", $"SELECT count(*) FROM {t}") > 0, $"table {t} is empty");
        Assert.Equal(0L, await pg.Scalar<long>("tsql_product",
            "SELECT count(*) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace " +
            "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND NOT c.convalidated"));
        // The period CHECKs hold, the sequence default is a PostgreSQL sequence, the column set is gone.
        Assert.Equal(0L, await pg.Scalar<long>("tsql_product", "SELECT count(*) FROM sales.\"Price\" WHERE \"ValidFrom\" > \"ValidTo\""));
        Assert.Equal(0L, await pg.Scalar<long>("tsql_product", "SELECT count(*) FROM sales.\"PriceHistory\" WHERE \"ValidFrom\" >= \"ValidTo\""));
        Assert.Equal("nextval('\"OrderNumbers\"'::regclass)", await pg.Scalar<string>("tsql_product",
            "SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = 'public.\"Product\"'::regclass AND adnum = 1"));
        Assert.Equal(0L, await pg.Scalar<long>("tsql_product",
            "SELECT count(*) FROM pg_attribute WHERE attrelid = 'public.\"Product\"'::regclass AND attname = 'AllSparse'"));
        Assert.Equal("character varying(4000)", await pg.Scalar<string>("tsql_product",
            "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'public.\"Category\"'::regclass AND attname = 'Path'"));
        dir.Delete(true);
    }
}
