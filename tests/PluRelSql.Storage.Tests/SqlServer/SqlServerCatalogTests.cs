using PluRelSql.Schema;
using PluRelSql.Schema.Output;
using PluRelSql.Storage.SqlServer;

namespace PluRelSql.Storage.Tests.SqlServer;

/// <summary>The sys.* rows SQL Server 2022 returns for <see cref="TSqlTestSchema.Script"/> (recorded as the
/// introspector's queries shape them: sizes in bytes, definitions with the catalog's brackets and parentheses),
/// mapped to a graph and compared with what the script reader makes of the script.</summary>
public sealed class SqlServerCatalogTests
{
    private const int Customer = 901578250, Order = 933578364;
    private const string Collation = "SQL_Latin1_General_CP1_CI_AS";

    internal static CatalogRows Recorded() => new()
    {
        DefaultCollation = Collation,
        Tables =
        [
            new CatalogTable { ObjectId = Customer, SchemaName = "dbo", TableName = "Customer" },
            new CatalogTable { ObjectId = Order, SchemaName = "dbo", TableName = "Order" },
        ],
        Columns =
        [
            Col(Customer, 1, "CustomerId", "int", 4, 10, 0, nullable: false, identity: true),
            Col(Customer, 2, "Email", "nvarchar", 240, 0, 0, nullable: false, collation: Collation),
            Col(Customer, 3, "IsActive", "bit", 1, 1, 0, nullable: false),
            Col(Customer, 4, "Balance", "money", 8, 19, 4),
            Col(Customer, 5, "Joined", "date", 3, 10, 0, nullable: false),
            Col(Customer, 6, "LastSeen", "datetimeoffset", 10, 34, 7),
            Col(Customer, 7, "Wakeup", "time", 5, 16, 7),
            Col(Customer, 8, "Token", "uniqueidentifier", 16, 0, 0, nullable: false),
            Col(Customer, 9, "Photo", "varbinary", -1, 0, 0),
            Col(Customer, 10, "Notes", "nvarchar", -1, 0, 0, collation: "Latin1_General_100_CI_AS_SC_UTF8"),
            Col(Customer, 11, "Score", "decimal", 5, 9, 3),
            Col(Customer, 12, "Ratio", "float", 8, 53, 0),
            Col(Customer, 13, "Small", "tinyint", 1, 3, 0),
            Col(Customer, 14, "Region", "varchar", 8, 0, 0, nullable: false, collation: Collation, alias: "Code"),
            Col(Customer, 15, "Created", "datetime2", 8, 27, 7, nullable: false, defaultName: "DF_Customer_Created", defaultDefinition: "(sysutcdatetime())"),
            Col(Customer, 16, "Label", "nvarchar", 242, 0, 0, collation: Collation, computed: "([Email]+N'!')"),
            Col(Order, 1, "OrderId", "bigint", 8, 19, 0, nullable: false, defaultName: "DF_Order_OrderId", defaultDefinition: "(NEXT VALUE FOR [dbo].[OrderNo])"),
            Col(Order, 2, "CustomerId", "int", 4, 10, 0, nullable: false),
            Col(Order, 3, "Qty", "smallint", 2, 5, 0, nullable: false),
            Col(Order, 4, "Status", "char", 1, 0, 0, nullable: false, collation: Collation),
            Col(Order, 5, "Placed", "datetime", 8, 23, 3, nullable: false),
        ],
        AliasTypes = [new CatalogAliasType { SchemaName = "dbo", Name = "Code", SystemType = "varchar", MaxLength = 8, IsNullable = false }],
        Keys =
        [
            new CatalogKeyColumn { ObjectId = Customer, Name = "PK_Customer", Type = "PK", ColumnName = "CustomerId", KeyOrdinal = 1 },
            new CatalogKeyColumn { ObjectId = Customer, Name = "UQ_Customer_Email", Type = "UQ", ColumnName = "Email", KeyOrdinal = 1 },
            new CatalogKeyColumn { ObjectId = Order, Name = "PK_Order", Type = "PK", ColumnName = "OrderId", KeyOrdinal = 1 },
        ],
        ForeignKeys =
        [
            new CatalogForeignKeyColumn
            {
                ObjectId = Order, Name = "FK_Order_Customer", RefSchema = "dbo", RefTable = "Customer", ColumnName = "CustomerId",
                RefColumnName = "CustomerId", Ordinal = 1, DeleteAction = 1, UpdateAction = 0,
            },
        ],
        Checks =
        [
            new CatalogCheck { ObjectId = Customer, Name = "CK_Customer_Score", Definition = "([Score]>=(0))" },
            new CatalogCheck { ObjectId = Order, Name = "CK_Order_Qty", Definition = "([Qty]>=(1) AND [Qty]<=(100))" },
            new CatalogCheck { ObjectId = Order, Name = "CK_Order_Status", Definition = "([Status]='N' OR [Status]='S')" },
        ],
        Indexes =
        [
            new CatalogIndexColumn { ObjectId = Order, Name = "IX_Order_Placed", TypeDesc = "NONCLUSTERED", ColumnName = "Placed", KeyOrdinal = 1, IndexColumnId = 1, IsDescending = true },
            new CatalogIndexColumn { ObjectId = Order, Name = "IX_Order_Placed", TypeDesc = "NONCLUSTERED", ColumnName = "Qty", KeyOrdinal = 0, IndexColumnId = 2, IsIncluded = true },
        ],
        Sequences =
        [
            new CatalogSequence { SchemaName = "dbo", Name = "OrderNo", TypeName = "bigint", StartValue = 100, Increment = 5, MinValue = long.MinValue, MaxValue = long.MaxValue },
        ],
    };

    private static CatalogColumn Col(int table, int id, string name, string type, int maxLength, int precision, int scale,
        bool nullable = true, bool identity = false, string? collation = null, string? alias = null, string? computed = null,
        string? defaultName = null, string? defaultDefinition = null) => new()
        {
            ObjectId = table, ColumnId = id, Name = name, SystemType = type, MaxLength = maxLength, Precision = precision, Scale = scale,
            IsNullable = nullable, IsIdentity = identity, IdentitySeed = identity ? 1 : null, IdentityIncrement = identity ? 1 : null,
            CollationName = collation, IsUserDefined = alias is not null, UserTypeSchema = alias is null ? "sys" : "dbo",
            UserTypeName = alias ?? type, ComputedDefinition = computed, DefaultName = defaultName, DefaultDefinition = defaultDefinition,
        };

    [Fact]
    public void Catalog_rows_give_the_graph_the_script_reader_gives()
    {
        var fromScript = TSqlTestSchema.Read();
        var fromCatalog = SqlServerCatalog.Build(Recorded());
        Assert.Empty(SchemaDiff.Compare(fromScript, fromCatalog));
        foreach (var t in fromScript.Tables)
        {
            var c = fromCatalog.Table(t.Name);
            Assert.Equal(t.Columns.Select(x => x.Type.ToPgSql()), c.Columns.Select(x => x.Type.ToPgSql()));
            // Default texts are the server's normalized form ([dbo].[OrderNo]); which columns have one must agree.
            Assert.Equal(t.Columns.Select(x => x.Default is null), c.Columns.Select(x => x.Default is null));
            Assert.Equal(t.Checks.Select(x => x.Name).Order(), c.Checks.Select(x => x.Name).Order());
            Assert.All(c.Checks, k => Assert.NotNull(k.Predicate));
        }
    }

    [Fact]
    public void Identity_sequence_alias_computed_and_collation_are_read()
    {
        var g = SqlServerCatalog.Build(Recorded());
        var customer = g.Table("dbo", "Customer");
        var id = customer.Column("CustomerId");
        Assert.Equal((IdentityKind.Always, 1L, 1L, false), (id.Identity, id.IdentitySeed!.Value, id.IdentityIncrement!.Value, id.Nullable));
        Assert.Equal(new QualifiedName("dbo", "Code"), customer.Column("Region").Type.Domain);
        Assert.Equal("character varying(8)", g.FindDomain(new QualifiedName("dbo", "Code"))!.BaseType.ToPgSql());
        Assert.Equal("[Email]+N'!'", customer.Column("Label").GeneratedExpression);
        Assert.False(customer.Column("Label").IsLoaded);
        Assert.Null(customer.Column("Email").Collation); // the database default is not repeated
        Assert.Equal("Latin1_General_100_CI_AS_SC_UTF8", customer.Column("Notes").Collation);
        Assert.Equal("text", customer.Column("Notes").Type.ToPgSql());
        Assert.Equal("timestamp with time zone", customer.Column("LastSeen").Type.ToPgSql()); // scale 7: the unwritten default
        Assert.Equal("sysutcdatetime()", customer.Column("Created").Default);

        var order = g.Table("dbo", "Order");
        var orderId = order.Column("OrderId");
        Assert.Equal((IdentityKind.Sequence, new QualifiedName("dbo", "OrderNo")), (orderId.Identity, orderId.Sequence!.Value));
        Assert.Equal(ReferentialAction.Cascade, order.ForeignKeys.Single().OnDelete);
        var status = Assert.IsType<InPredicate>(order.Checks.Single(c => c.Name == "CK_Order_Status").Predicate);
        Assert.Equal((new ColumnOperand("Status"), false), (status.Operand, status.Negated));
        Assert.Equal([new StringValue("N"), new StringValue("S")], status.Values);
        Assert.Equal("CREATE NONCLUSTERED INDEX [IX_Order_Placed] ON [dbo].[Order] ([Placed] DESC) INCLUDE ([Qty])", g.Indexes.Single().Sql);
        Assert.Equal((100L, 5L), (g.Sequences.Single().Start, g.Sequences.Single().Increment));
    }

    [Fact]
    public void A_missing_key_or_a_different_type_shows_as_a_difference()
    {
        var rows = Recorded();
        var withoutUnique = new CatalogRows
        {
            DefaultCollation = rows.DefaultCollation, Tables = rows.Tables, AliasTypes = rows.AliasTypes, ForeignKeys = rows.ForeignKeys,
            Checks = rows.Checks, Indexes = rows.Indexes, Sequences = rows.Sequences,
            Keys = rows.Keys.Where(k => k.Type != "UQ").ToList(),
            Columns = rows.Columns.Select(c => c.Name == "Score" ? Col(Customer, 11, "Score", "decimal", 5, 10, 3) : c).ToList(),
        };
        var diffs = SchemaDiff.Compare(TSqlTestSchema.Read(), SqlServerCatalog.Build(withoutUnique));
        Assert.Contains(diffs, d => d.Contains("UNIQUE (Email)", StringComparison.Ordinal));
        Assert.Contains(diffs, d => d.Contains("numeric(10,3)", StringComparison.Ordinal));
    }

    [Fact]
    public void Schemas_can_be_selected()
    {
        var g = SqlServerCatalog.Build(Recorded(), ["sales"]);
        Assert.Empty(g.Tables);
        Assert.Equal(2, SqlServerCatalog.Build(Recorded(), ["DBO"]).Tables.Count);
    }

    [Theory]
    [InlineData("int", 4, 10, 0, "integer")]
    [InlineData("nvarchar", 40, 0, 0, "character varying(20)")]
    [InlineData("nvarchar", -1, 0, 0, "text")]
    [InlineData("varchar", 255, 0, 0, "character varying(255)")]
    [InlineData("nchar", 10, 0, 0, "character(5)")]
    [InlineData("decimal", 9, 18, 4, "numeric(18,4)")]
    [InlineData("datetime2", 8, 27, 7, "timestamp without time zone")]
    [InlineData("datetime2", 6, 19, 0, "timestamp(0) without time zone")]
    [InlineData("time", 4, 12, 3, "time(3) without time zone")]
    [InlineData("float", 8, 53, 0, "double precision")]
    [InlineData("real", 4, 24, 0, "real")]
    [InlineData("smalldatetime", 4, 16, 0, "timestamp(0) without time zone")]
    [InlineData("hierarchyid", 892, 0, 0, "sys.hierarchyid")]
    public void Catalog_types_map_like_script_types(string type, int maxLength, int precision, int scale, string expected) =>
        Assert.Equal(expected, Schema.TSql.TSqlCatalog.MapType(type, maxLength, precision, scale).Type.ToPgSql());

    [Theory]
    [InlineData("((0))", "0")]
    [InlineData("(getdate())", "getdate()")]
    [InlineData("([a]+(1))*([b])", "([a]+(1))*([b])")]
    [InlineData("('(x)')", "'(x)'")]
    [InlineData("(N'it''s (')", "N'it''s ('")]
    public void Catalog_parentheses_are_removed(string definition, string expected) =>
        Assert.Equal(expected, Schema.TSql.TSqlCatalog.StripParentheses(definition));
}
