using PluRelSql.Schema.TSql;

namespace PluRelSql.Schema.Tests.TSql;

/// <summary>Constructs of real SQL Server install scripts beyond sqlcmd: template parameters, storage options,
/// sparse columns and column sets, temporal tables.</summary>
public sealed class TSqlProductScriptTests
{
    private static TSqlReadResult Read(string sql, params (string Name, string Value)[] vars) =>
        TSqlDdlReader.Read(sql, "test.sql", vars.Length == 0 ? null : vars.ToDictionary(v => v.Name, v => v.Value));

    [Fact]
    public void Ssms_template_parameters_take_their_default_or_var_with_one_note()
    {
        const string sql = "CREATE TABLE [<schema_name, sysname, sales>].[A] (Id int PRIMARY KEY);\n" +
                           "CREATE TABLE [<schema_name, sysname, sales>].[B] (Id int REFERENCES [<schema_name, sysname, sales>].[A] (Id));";
        var r = Read(sql);
        Assert.Equal(["sales.A", "sales.B"], r.Graph.Tables.Select(t => t.Name.ToString()));
        var note = Assert.Single(r.Notices, n => n.Message.Contains("<schema_name", StringComparison.Ordinal));
        Assert.Equal(new SourcePosition("test.sql", 1, 15), note.Position);
        Assert.Contains("--var schema_name=", note.Message, StringComparison.Ordinal);
        Assert.All(Read(sql, ("schema_name", "shop")).Graph.Tables, t => Assert.Equal("shop", t.Name.Schema));
    }

    [Fact]
    public void Brace_placeholders_read_as_dbo_or_var_with_one_note_each()
    {
        const string sql = "CREATE TABLE [{schema}].[A] (Id int PRIMARY KEY, Note nvarchar(20) DEFAULT '{schema}');\n" +
                           "CREATE TABLE {{schema}}.B (Id int PRIMARY KEY);";
        var r = Read(sql);
        Assert.Equal(["dbo.A", "dbo.B"], r.Graph.Tables.Select(t => t.Name.ToString()));
        Assert.Equal("'{schema}'", r.Graph.Tables[0].Column("Note").Default);
        Assert.Single(r.Notices, n => n.Message.Contains("{schema} is not filled in", StringComparison.Ordinal));
        Assert.Single(r.Notices, n => n.Message.Contains("{{schema}} is not filled in", StringComparison.Ordinal));
        Assert.All(Read(sql, ("schema", "app")).Graph.Tables, t => Assert.Equal("app", t.Name.Schema));
    }

    [Fact]
    public void Storage_options_sparse_filestream_rowguidcol_are_ignored_with_one_note_each_and_column_sets_skipped()
    {
        const string sql = """
            CREATE PARTITION FUNCTION pf (int) AS RANGE RIGHT FOR VALUES (10);
            GO
            CREATE PARTITION SCHEME ps AS PARTITION pf ALL TO ([PRIMARY]);
            GO
            CREATE TABLE dbo.P (
                Id int NOT NULL,
                Color nvarchar(20) SPARSE NULL,
                Size int SPARSE NULL,
                Props xml COLUMN_SET FOR ALL_SPARSE_COLUMNS,
                Body varbinary(max) FILESTREAM NULL,
                G uniqueidentifier ROWGUIDCOL NOT NULL UNIQUE,
                CONSTRAINT PK_P PRIMARY KEY (Id) WITH (DATA_COMPRESSION = PAGE) ON [PRIMARY]
            ) ON [PRIMARY] TEXTIMAGE_ON [PRIMARY] FILESTREAM_ON [FS];
            CREATE TABLE dbo.Q (Id int NOT NULL PRIMARY KEY) ON ps(Id) WITH (DATA_COMPRESSION = ROW);
            """;
        var r = Read(sql);
        var p = r.Graph.Tables[0];
        Assert.Equal(["Id", "Color", "Size", "Body", "G"], p.Columns.Select(c => c.Name));
        Assert.True(p.Column("Color").Nullable);
        string[] expected = ["SPARSE ignored", "FILESTREAM ignored", "ROWGUIDCOL ignored", "column set",
            "TEXTIMAGE_ON", "FILESTREAM_ON", "ON partition_scheme", "table option DataCompression", "index option DataCompression", "skipped 1 × CREATE PARTITION FUNCTION", "skipped 1 × CREATE PARTITION SCHEME"];
        foreach (var e in expected)
            Assert.Single(r.Notices, n => n.Message.Contains(e, StringComparison.Ordinal));
        Assert.Contains(r.Notices, n => n.Message.StartsWith("2 × SPARSE", StringComparison.Ordinal));
        Assert.Contains(r.Notices, n => n.Message.StartsWith("2 × ON [filegroup] ignored", StringComparison.Ordinal));
    }

    [Fact]
    public void Temporal_table_gets_its_history_table_and_period_checks()
    {
        const string sql = """
            CREATE TABLE dbo.Price (
                Id int NOT NULL PRIMARY KEY,
                Amount money NOT NULL,
                ValidFrom datetime2 GENERATED ALWAYS AS ROW START NOT NULL,
                ValidTo datetime2 GENERATED ALWAYS AS ROW END NOT NULL,
                PERIOD FOR SYSTEM_TIME (ValidFrom, ValidTo)
            ) WITH (SYSTEM_VERSIONING = ON (HISTORY_TABLE = dbo.PriceHistory));
            """;
        var r = Read(sql);
        Assert.Equal(["dbo.Price", "dbo.PriceHistory"], r.Graph.Tables.Select(t => t.Name.ToString()));
        var history = r.Graph.Tables[1];
        Assert.Null(history.PrimaryKey);
        Assert.Equal(["Id", "Amount", "ValidFrom", "ValidTo"], history.Columns.Select(c => c.Name));
        Assert.All(history.Columns, c => Assert.Null(c.GeneratedExpression));
        Assert.Equal("[ValidFrom] <= [ValidTo]", Assert.Single(r.Graph.Tables[0].Checks).Expression);
        Assert.Equal("[ValidFrom] < [ValidTo]", Assert.Single(history.Checks).Expression);
        Assert.Contains(r.Notices, n => n.Message.Contains("history table dbo.PriceHistory of dbo.Price is not created", StringComparison.Ordinal));

        // A history table the script creates itself is kept as written and gets the closed-period CHECK.
        var own = Read("CREATE TABLE dbo.PriceHistory (Id int NOT NULL, Amount money NOT NULL, ValidFrom datetime2 NOT NULL, ValidTo datetime2 NOT NULL);\n" + sql);
        Assert.Equal(2, own.Graph.Tables.Count);
        Assert.Single(own.Graph.Tables[0].Checks);
        Assert.DoesNotContain(own.Notices, n => n.Message.Contains("is not created", StringComparison.Ordinal));
    }
}
