using PluRelSql.Schema.TSql;

namespace PluRelSql.Schema.Tests.TSql;

public sealed class TSqlDdlReaderTests
{
    private static TSqlReadResult Read(string sql) => TSqlDdlReader.Read(sql, "test.sql");

    private static SchemaGraph Graph(string sql) => Read(sql).Graph;

    private static SchemaException Fails(string sql) => Assert.Throws<SchemaException>(() => Read(sql));

    // ---- tables, names, nullability ----------------------------------------------------------------------------

    [Fact]
    public void Brackets_quotes_and_schemas_keep_case_and_unqualified_names_go_to_dbo()
    {
        var g = Graph("""
            CREATE TABLE [Sales].[Order Details] ([OrderID] INT NOT NULL, "Unit Price" money NULL, Note nvarchar(10));
            GO
            CREATE TABLE Customer (Id int PRIMARY KEY, Name nvarchar(40) NOT NULL, Extra int);
            """);
        Assert.Equal([new QualifiedName("Sales", "Order Details"), new QualifiedName("dbo", "Customer")], g.Tables.Select(t => t.Name));
        var od = g.Table("Sales", "Order Details");
        Assert.Equal(["OrderID", "Unit Price", "Note"], od.Columns.Select(c => c.Name));
        Assert.False(od.Column("OrderID").Nullable);
        Assert.True(od.Column("Unit Price").Nullable);
        Assert.True(od.Column("Note").Nullable); // SQL Server's default without NULL / NOT NULL
        var customer = g.Table("dbo", "Customer");
        Assert.Equal(["Id"], customer.PrimaryKey!.Columns);
        Assert.False(customer.Column("Id").Nullable); // PK columns are NOT NULL
        Assert.Equal(new SourcePosition("test.sql", 3, 1), customer.Position);
        Assert.Equal(new SourcePosition("test.sql", 3, 24), customer.Column("Id").Position);
    }

    [Theory]
    [InlineData("int", "integer")]
    [InlineData("bigint", "bigint")]
    [InlineData("smallint", "smallint")]
    [InlineData("tinyint", "smallint")]
    [InlineData("bit", "boolean")]
    [InlineData("decimal(12,3)", "numeric(12,3)")]
    [InlineData("numeric(5)", "numeric(5,0)")]
    [InlineData("decimal", "numeric(18,0)")]
    [InlineData("dec(4,2)", "numeric(4,2)")]
    [InlineData("money", "numeric(19,4)")]
    [InlineData("smallmoney", "numeric(10,4)")]
    [InlineData("float", "double precision")]
    [InlineData("float(24)", "real")]
    [InlineData("float(53)", "double precision")]
    [InlineData("real", "real")]
    [InlineData("char(3)", "character(3)")]
    [InlineData("nchar(2)", "character(2)")]
    [InlineData("char", "character(1)")]
    [InlineData("varchar(50)", "character varying(50)")]
    [InlineData("nvarchar(20)", "character varying(20)")]
    [InlineData("varchar(max)", "text")]
    [InlineData("nvarchar(MAX)", "text")]
    [InlineData("text", "text")]
    [InlineData("ntext", "text")]
    [InlineData("date", "date")]
    [InlineData("datetime", "timestamp(3) without time zone")]
    [InlineData("smalldatetime", "timestamp(0) without time zone")]
    [InlineData("datetime2", "timestamp without time zone")]
    [InlineData("datetime2(3)", "timestamp(3) without time zone")]
    [InlineData("datetime2(7)", "timestamp(6) without time zone")]
    [InlineData("datetimeoffset(2)", "timestamp(2) with time zone")]
    [InlineData("time(0)", "time(0) without time zone")]
    [InlineData("uniqueidentifier", "uuid")]
    [InlineData("binary(16)", "bytea")]
    [InlineData("varbinary(max)", "bytea")]
    [InlineData("image", "bytea")]
    [InlineData("xml", "xml")]
    [InlineData("sql_variant", "sys.sql_variant")]
    [InlineData("hierarchyid", "sys.hierarchyid")]
    [InlineData("geography", "sys.geography")]
    [InlineData("geometry", "sys.geometry")]
    [InlineData("[int]", "integer")]
    [InlineData("sysname", "character varying(128)")]
    public void Sql_server_types_map_to_type_kinds(string tsqlType, string pgType)
    {
        var column = Graph($"CREATE TABLE t (c {tsqlType});").Table("dbo", "t").Column("c");
        Assert.Equal(pgType, column.Type.ToPgSql());
        Assert.True(column.IsLoaded);
    }

    [Theory]
    [InlineData("rowversion")]
    [InlineData("timestamp")]
    public void Rowversion_columns_are_server_generated_and_never_loaded(string type)
    {
        var r = Read($"CREATE TABLE t (id int, v {type});");
        var v = r.Graph.Table("dbo", "t").Column("v");
        Assert.Equal(TypeKind.Other, v.Type.Kind);
        Assert.False(v.IsLoaded);
        var notice = Assert.Single(r.Notices, n => n.Kind == TSqlNoticeKind.ServerGeneratedColumn);
        Assert.Equal(new SourcePosition("test.sql", 1, 25), notice.Position);
    }

    [Fact]
    public void Unknown_type_is_other_with_a_notice()
    {
        var r = Read("CREATE TABLE t (c dbo.Nope);");
        Assert.Equal(new SqlType { Kind = TypeKind.Other, UserType = new QualifiedName("dbo", "Nope") }, r.Graph.Table("dbo", "t").Column("c").Type);
        Assert.Contains(r.Notices, n => n.Kind == TSqlNoticeKind.UnknownType && n.Message.Contains("dbo.Nope", StringComparison.Ordinal));
    }

    [Fact]
    public void Identity_is_always_with_seed_and_increment_and_not_null()
    {
        var t = Graph("""
            CREATE TABLE t (
              a int IDENTITY(100, 5) NULL,
              b bigint IDENTITY,
              c numeric(18,0) IDENTITY(-1, -2));
            """).Table("dbo", "t");
        Assert.Equal((IdentityKind.Always, 100L, 5L, false), (t.Column("a").Identity, t.Column("a").IdentitySeed!.Value, t.Column("a").IdentityIncrement!.Value, t.Column("a").Nullable));
        Assert.Equal((IdentityKind.Always, 1L, 1L, false), (t.Column("b").Identity, t.Column("b").IdentitySeed!.Value, t.Column("b").IdentityIncrement!.Value, t.Column("b").Nullable));
        Assert.Equal((-1L, -2L), (t.Column("c").IdentitySeed!.Value, t.Column("c").IdentityIncrement!.Value));
        Assert.True(t.Column("a").IsLoaded);
    }

    [Fact]
    public void Computed_columns_are_generated_and_never_loaded()
    {
        var t = Graph("""
            CREATE TABLE Line (Qty int NOT NULL, Price money NOT NULL,
              Total AS (Qty * Price) PERSISTED,
              Label AS 'L' + CAST(Qty AS varchar(10)));
            """).Table("dbo", "Line");
        Assert.Equal("Qty * Price", t.Column("Total").GeneratedExpression);
        Assert.Equal("'L' + CAST(Qty AS varchar(10))", t.Column("Label").GeneratedExpression);
        Assert.False(t.Column("Total").IsLoaded);
        Assert.False(t.Column("Label").IsLoaded);
        Assert.True(t.Column("Qty").IsLoaded);
    }

    [Fact]
    public void System_versioning_period_columns_are_never_loaded()
    {
        var r = Read("""
            CREATE TABLE dbo.Price (
              Id int NOT NULL PRIMARY KEY,
              Amount decimal(10,2) NOT NULL,
              ValidFrom datetime2(2) GENERATED ALWAYS AS ROW START NOT NULL,
              ValidTo datetime2(2) GENERATED ALWAYS AS ROW END NOT NULL,
              PERIOD FOR SYSTEM_TIME (ValidFrom, ValidTo))
            WITH (SYSTEM_VERSIONING = ON (HISTORY_TABLE = dbo.PriceHistory));
            """);
        var t = r.Graph.Table("dbo", "Price");
        Assert.Equal([true, true, false, false], t.Columns.Select(c => c.IsLoaded));
        Assert.Equal("timestamp(2) without time zone", t.Column("ValidFrom").Type.ToPgSql());
        Assert.Equal(2, r.Notices.Count(n => n.Kind == TSqlNoticeKind.ServerGeneratedColumn));
    }

    [Fact]
    public void Defaults_are_the_expression_text_from_inline_and_alter_table()
    {
        var t = Graph("""
            CREATE TABLE t (a char(12) NOT NULL DEFAULT ('UNKNOWN'), b int CONSTRAINT DF_b DEFAULT 3, c datetime NOT NULL, d int DEFAULT NULL);
            ALTER TABLE t ADD CONSTRAINT [DF_c] DEFAULT (getdate()) FOR c;
            """).Table("dbo", "t");
        Assert.Equal("'UNKNOWN'", t.Column("a").Default);
        Assert.Equal("3", t.Column("b").Default);
        Assert.Equal("getdate()", t.Column("c").Default);
        Assert.Equal("NULL", t.Column("d").Default);
    }

    // ---- alias types -------------------------------------------------------------------------------------------

    [Fact]
    public void Alias_types_become_domains_and_columns_carry_the_flattened_base_type()
    {
        var g = Graph("""
            CREATE TYPE dbo.Phone FROM nvarchar(20) NOT NULL;
            CREATE TYPE [Flag] FROM bit;
            EXEC sp_addtype @typename = 'Code', @phystype = 'char(4)', @nulltype = 'NOT NULL';
            GO
            CREATE TABLE Contact (Mobile Phone, Home dbo.Phone NULL, Active Flag, C code);
            """);
        Assert.Equal(3, g.Domains.Count);
        var phone = g.FindDomain(new QualifiedName("dbo", "Phone"))!;
        Assert.Equal(new SqlType { Kind = TypeKind.Varchar, Length = 20 }, phone.BaseType);
        Assert.True(phone.NotNull);
        Assert.False(g.FindDomain(new QualifiedName("dbo", "Flag"))!.NotNull);

        var t = g.Table("dbo", "Contact");
        Assert.Equal(new SqlType { Kind = TypeKind.Varchar, Length = 20, Domain = phone.Name }, t.Column("Mobile").Type);
        Assert.False(t.Column("Mobile").Nullable); // the alias type is NOT NULL
        Assert.True(t.Column("Home").Nullable);    // an explicit NULL wins
        Assert.Equal(TypeKind.Boolean, t.Column("Active").Type.Kind);
        Assert.True(t.Column("Active").Nullable);
        Assert.Equal(new SqlType { Kind = TypeKind.Char, Length = 4, Domain = new QualifiedName("dbo", "Code") }, t.Column("C").Type);
        Assert.False(t.Column("C").Nullable);
    }

    [Fact]
    public void Duplicate_alias_type_fails_at_the_second_declaration()
    {
        var ex = Fails("CREATE TYPE Phone FROM nvarchar(20);\nCREATE TYPE phone FROM int;");
        Assert.Equal(new SourcePosition("test.sql", 2, 1), ex.Position);
    }

    // ---- keys and foreign keys ---------------------------------------------------------------------------------

    [Fact]
    public void Primary_and_unique_keys_inline_and_as_table_constraints()
    {
        var t = Graph("""
            CREATE TABLE t (
              a int CONSTRAINT PK_t PRIMARY KEY CLUSTERED,
              b int NOT NULL UNIQUE,
              c int, d int,
              CONSTRAINT UQ_cd UNIQUE NONCLUSTERED (c, [D] DESC));
            """).Table("dbo", "t");
        Assert.Equal("PK_t", t.PrimaryKey!.Name);
        Assert.Equal(["a"], t.PrimaryKey.Columns);
        Assert.Equal(2, t.Uniques.Count);
        Assert.Equal(["b"], t.Uniques[0].Columns);
        Assert.Equal("UQ_cd", t.Uniques[1].Name);
        Assert.Equal(["c", "d"], t.Uniques[1].Columns); // column names as the table declares them
        Assert.True(t.IsUniqueSet(["c", "d"]));
    }

    [Fact]
    public void Primary_key_added_by_alter_table_makes_its_columns_not_null()
    {
        var t = Graph("CREATE TABLE t (a int, b int);\nALTER TABLE t ADD CONSTRAINT PK_t PRIMARY KEY (a, b);").Table("dbo", "t");
        Assert.Equal(["a", "b"], t.PrimaryKey!.Columns);
        Assert.False(t.Column("a").Nullable);
        Assert.False(t.Column("b").Nullable);
    }

    [Fact]
    public void Second_primary_key_fails()
    {
        var ex = Fails("CREATE TABLE t (a int PRIMARY KEY, b int);\nALTER TABLE t ADD CONSTRAINT PK2 PRIMARY KEY (b);");
        Assert.Equal(new SourcePosition("test.sql", 2, 19), ex.Position);
    }

    [Fact]
    public void Foreign_keys_inline_as_table_constraint_and_by_alter_table()
    {
        var r = Read("""
            CREATE TABLE dbo.Artist (ArtistId int NOT NULL PRIMARY KEY, Name nvarchar(120));
            CREATE TABLE dbo.Album (
              AlbumId int NOT NULL PRIMARY KEY,
              ArtistId int NOT NULL REFERENCES dbo.Artist (ArtistId) ON DELETE CASCADE,
              Label int NULL FOREIGN KEY REFERENCES Artist,
              Owner int NULL,
              CONSTRAINT FK_Owner FOREIGN KEY (Owner) REFERENCES [dbo].[artist] ON DELETE SET NULL ON UPDATE NO ACTION);
            GO
            CREATE TABLE Track (TrackId int PRIMARY KEY, AlbumId int, Spare int);
            ALTER TABLE [dbo].[Track] WITH NOCHECK ADD CONSTRAINT [FK_TrackAlbum] FOREIGN KEY ([AlbumId]) REFERENCES [dbo].[Album] ([AlbumId]) ON UPDATE CASCADE;
            ALTER TABLE Track WITH CHECK ADD CONSTRAINT FK_Spare FOREIGN KEY (Spare) REFERENCES Album (AlbumId);
            """);
        var album = r.Graph.Table("dbo", "Album");
        Assert.Equal(3, album.ForeignKeys.Count);

        var inline = album.ForeignKeys[0];
        Assert.Null(inline.Name);
        Assert.Equal(["ArtistId"], inline.Columns);
        Assert.Equal(new QualifiedName("dbo", "Artist"), inline.RefTable);
        Assert.Equal(["ArtistId"], inline.RefColumns);
        Assert.Equal(ReferentialAction.Cascade, inline.OnDelete);
        Assert.Equal(ReferentialAction.NoAction, inline.OnUpdate);
        Assert.Equal(new SourcePosition("test.sql", 4, 25), inline.Position);

        var noColumns = album.ForeignKeys[1]; // REFERENCES without a column list → the referenced table's PK
        Assert.Equal(["Label"], noColumns.Columns);
        Assert.Equal(["ArtistId"], noColumns.RefColumns);

        var table = album.ForeignKeys[2];
        Assert.Equal("FK_Owner", table.Name);
        Assert.Equal(new QualifiedName("dbo", "Artist"), table.RefTable); // resolved case-insensitively to the declared name
        Assert.Equal(["ArtistId"], table.RefColumns);
        Assert.Equal(ReferentialAction.SetNull, table.OnDelete);

        var track = r.Graph.Table("dbo", "Track");
        var altered = track.ForeignKeys[0];
        Assert.Equal("FK_TrackAlbum", altered.Name);
        Assert.Equal(new QualifiedName("dbo", "Album"), altered.RefTable);
        Assert.Equal(["AlbumId"], altered.RefColumns);
        Assert.Equal(ReferentialAction.Cascade, altered.OnUpdate);
        Assert.Equal("FK_Spare", track.ForeignKeys[1].Name);
        var nocheck = Assert.Single(r.Notices, n => n.Kind == TSqlNoticeKind.NoCheckConstraint);
        Assert.Contains("FK_TrackAlbum", nocheck.Message, StringComparison.Ordinal);
        Assert.Equal(new SourcePosition("test.sql", 10, 44), nocheck.Position);
    }

    [Fact]
    public void Composite_foreign_key_and_self_reference()
    {
        var g = Graph("""
            CREATE TABLE p (a int, b int, CONSTRAINT pk PRIMARY KEY (a, b));
            CREATE TABLE c (id int PRIMARY KEY, x int, y int, parent int REFERENCES c,
              FOREIGN KEY (x, y) REFERENCES p);
            """);
        var c = g.Table("dbo", "c");
        Assert.True(c.ForeignKeys[0].IsSelfReference(c));
        Assert.Equal(["id"], c.ForeignKeys[0].RefColumns);
        Assert.Equal(["x", "y"], c.ForeignKeys[1].Columns);
        Assert.Equal(["a", "b"], c.ForeignKeys[1].RefColumns);
    }

    [Fact]
    public void Foreign_key_may_reference_a_table_created_later()
    {
        var g = Graph("CREATE TABLE a (id int PRIMARY KEY, b_id int REFERENCES b (id));\nCREATE TABLE b (id int PRIMARY KEY);");
        Assert.Equal(new QualifiedName("dbo", "b"), g.Table("dbo", "a").ForeignKeys[0].RefTable);
    }

    [Fact]
    public void Foreign_key_to_a_missing_table_fails_at_the_clause()
    {
        var ex = Fails("CREATE TABLE a (\n  id int PRIMARY KEY,\n  b_id int CONSTRAINT fk_b REFERENCES dbo.b (id));");
        Assert.Equal(new SourcePosition("test.sql", 3, 12), ex.Position);
        Assert.Contains("dbo.b", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Foreign_key_to_a_missing_column_fails_at_the_clause()
    {
        var ex = Fails("CREATE TABLE b (id int PRIMARY KEY);\nCREATE TABLE a (id int, b_id int);\nALTER TABLE a ADD CONSTRAINT fk FOREIGN KEY (b_id) REFERENCES b (nope);");
        Assert.Equal(new SourcePosition("test.sql", 3, 19), ex.Position);
        Assert.Contains("\"nope\"", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Foreign_key_from_a_missing_column_fails()
    {
        var ex = Fails("CREATE TABLE b (id int PRIMARY KEY);\nCREATE TABLE a (id int, CONSTRAINT fk FOREIGN KEY (b_id) REFERENCES b (id));");
        Assert.Equal(2, ex.Position!.Value.Line);
        Assert.Contains("\"b_id\"", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Foreign_key_without_columns_to_a_table_without_primary_key_fails()
    {
        var ex = Fails("CREATE TABLE b (id int);\nCREATE TABLE a (b_id int REFERENCES b);");
        Assert.Equal(new SourcePosition("test.sql", 2, 26), ex.Position);
    }

    [Fact]
    public void Duplicate_table_fails_at_the_second_create_case_insensitively()
    {
        var ex = Fails("CREATE TABLE dbo.Album (id int);\nGO\n  CREATE TABLE [ALBUM] (id int);");
        Assert.Equal(new SourcePosition("test.sql", 3, 3), ex.Position);
        Assert.Contains("test.sql:1:1", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Alter_table_of_a_missing_table_fails()
    {
        var ex = Fails("CREATE TABLE a (id int);\nALTER TABLE dbo.b ADD CONSTRAINT pk PRIMARY KEY (id);");
        Assert.Equal(new SourcePosition("test.sql", 2, 13), ex.Position);
    }

    [Fact]
    public void Alter_table_adds_columns_and_alters_their_type()
    {
        var t = Graph("""
            CREATE TABLE t (a int);
            ALTER TABLE t ADD b nvarchar(10) NOT NULL, c int NULL CONSTRAINT fk_c REFERENCES t (a);
            ALTER TABLE t ALTER COLUMN a bigint NOT NULL;
            """).Table("dbo", "t");
        Assert.Equal(["a", "b", "c"], t.Columns.Select(c => c.Name));
        Assert.Equal(TypeKind.BigInt, t.Column("a").Type.Kind);
        Assert.False(t.Column("a").Nullable);
        Assert.False(t.Column("b").Nullable);
        Assert.Equal("fk_c", t.ForeignKeys.Single().Name);
    }

    // ---- CHECK -------------------------------------------------------------------------------------------------

    [Fact]
    public void Checks_keep_their_text_and_parse_the_simple_forms()
    {
        var t = Graph("""
            CREATE TABLE t (
              qty int CHECK (qty > 0),
              lvl tinyint, name varchar(20), code char(2), active bit, price money,
              CONSTRAINT ck_lvl CHECK ((lvl BETWEEN 10 AND 250)),
              CONSTRAINT ck_code CHECK (code IN ('AA', N'BB') OR code IS NULL),
              CONSTRAINT ck_len CHECK (LEN(Name) >= 2 AND NOT (price < -1.5)),
              CHECK (active = 1),
              CHECK (name LIKE 'A%'),
              CHECK (lvl !> 200 AND qty <> lvl));
            """).Table("dbo", "t");
        Assert.Equal(7, t.Checks.Count);
        Assert.Equal("qty > 0", t.Checks[0].Expression);
        Assert.Equal(new ComparePredicate(new ColumnOperand("qty"), CompareOp.Gt, new ConstOperand(new NumberValue(0))), t.Checks[0].Predicate);

        Assert.Equal("ck_lvl", t.Checks[1].Name);
        Assert.Equal("lvl BETWEEN 10 AND 250", t.Checks[1].Expression);
        Assert.Equal(new BetweenPredicate(new ColumnOperand("lvl"), new ConstOperand(new NumberValue(10)), new ConstOperand(new NumberValue(250)), false),
            t.Checks[1].Predicate);

        var or = Assert.IsType<OrPredicate>(t.Checks[2].Predicate);
        var @in = Assert.IsType<InPredicate>(or.Terms[0]);
        Assert.Equal([new StringValue("AA"), new StringValue("BB")], @in.Values);
        Assert.Equal(new IsNullPredicate("code", false), or.Terms[1]);

        var and = Assert.IsType<AndPredicate>(t.Checks[3].Predicate);
        Assert.Equal(new ComparePredicate(new LengthOperand("name"), CompareOp.Ge, new ConstOperand(new NumberValue(2))), and.Terms[0]);
        Assert.Equal(new NotPredicate(new ComparePredicate(new ColumnOperand("price"), CompareOp.Lt, new ConstOperand(new NumberValue(-1.5m)))), and.Terms[1]);

        // bit compared with 1 is a boolean.
        Assert.Equal(new ComparePredicate(new ColumnOperand("active"), CompareOp.Eq, new ConstOperand(new BoolValue(true))), t.Checks[4].Predicate);
        // LIKE on a column is a pattern the generator can satisfy.
        Assert.Equal("name LIKE 'A%'", t.Checks[5].Expression);
        Assert.Equal("A%", Assert.IsType<LikePredicate>(t.Checks[5].Predicate).Pattern.ToString());
        Assert.Equal(new AndPredicate([
            new ComparePredicate(new ColumnOperand("lvl"), CompareOp.Le, new ConstOperand(new NumberValue(200))),
            new ComparePredicate(new ColumnOperand("qty"), CompareOp.Ne, new ColumnOperand("lvl"))]).Columns(), t.Checks[6].Predicate!.Columns());
    }

    [Fact]
    public void Check_added_by_alter_table_with_nocheck_is_kept_with_a_notice()
    {
        var r = Read("CREATE TABLE t (a int);\nALTER TABLE t WITH NOCHECK ADD CONSTRAINT ck_a CHECK (a <= 5);");
        var ck = Assert.Single(r.Graph.Table("dbo", "t").Checks);
        Assert.Equal("ck_a", ck.Name);
        Assert.Equal(new SourcePosition("test.sql", 2, 32), ck.Position);
        Assert.Contains(r.Notices, n => n.Kind == TSqlNoticeKind.NoCheckConstraint && n.Message.Contains("ck_a", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_naming_a_missing_column_fails_at_the_reference()
    {
        var ex = Fails("CREATE TABLE t (a int,\n  CHECK (a > 0 AND b < 3));");
        Assert.Equal(new SourcePosition("test.sql", 2, 20), ex.Position);
    }

    // ---- statements around the tables ---------------------------------------------------------------------------

    [Fact]
    public void Tables_inside_if_blocks_are_found_and_other_statements_skipped_once_per_kind()
    {
        var r = Read("""
            USE master;
            IF EXISTS (SELECT name FROM sys.databases WHERE name = N'Shop')
            BEGIN
                ALTER DATABASE [Shop] SET OFFLINE WITH ROLLBACK IMMEDIATE;
                DROP DATABASE [Shop];
            END
            GO
            CREATE DATABASE [Shop];
            GO
            USE [Shop];
            SET NOCOUNT ON;
            SET ANSI_NULLS ON;
            PRINT 'creating';
            GO
            IF OBJECT_ID(N'dbo.Item', N'U') IS NOT NULL DROP TABLE dbo.Item;
            GO
            IF NOT EXISTS (SELECT * FROM sys.tables WHERE name = 'Item')
            BEGIN
                CREATE TABLE dbo.Item (Id int NOT NULL PRIMARY KEY, Name nvarchar(50));
            END
            GO
            BEGIN TRY
                CREATE TABLE dbo.Tag (Id int PRIMARY KEY);
            END TRY
            BEGIN CATCH
                PRINT 'failed';
            END CATCH
            GO
            CREATE PROCEDURE dbo.GetItems AS SELECT * FROM dbo.Item;
            GO
            CREATE FUNCTION dbo.Two() RETURNS int AS BEGIN RETURN 2 END;
            GO
            CREATE VIEW dbo.V AS SELECT Id FROM dbo.Item;
            GO
            CREATE TRIGGER dbo.TrItem ON dbo.Item AFTER INSERT AS SET NOCOUNT ON;
            GO
            INSERT INTO dbo.Item (Id, Name) VALUES (1, N'a'), (2, N'b');
            UPDATE dbo.Item SET Name = N'c' WHERE Id = 2;
            DELETE FROM dbo.Item WHERE Id = 1;
            GRANT SELECT ON dbo.Item TO public;
            EXEC sp_addextendedproperty @name = N'MS_Description', @value = N'Items', @level0type = N'SCHEMA', @level0name = N'dbo';
            EXEC sys.sp_addextendedproperty N'MS_Description', N'Tags';
            EXEC dbo.GetItems;
            CREATE UNIQUE INDEX IX_Item_Name ON dbo.Item (Name) WHERE Name IS NOT NULL;
            CREATE INDEX IX_V ON dbo.V (Id);
            """);
        Assert.Equal(["Item", "Tag"], r.Graph.Tables.Select(t => t.Name.Name));
        var index = Assert.Single(r.Graph.Indexes);
        Assert.Equal(("IX_Item_Name", new QualifiedName("dbo", "Item"), true), (index.Name, index.Table, index.Unique));
        Assert.Equal("CREATE UNIQUE INDEX IX_Item_Name ON dbo.Item (Name) WHERE Name IS NOT NULL", index.Sql);
        Assert.Contains(r.Notices, n => n.Kind == TSqlNoticeKind.Index && n.Message.Contains("dbo.V", StringComparison.Ordinal));

        var skipped = r.Notices.Where(n => n.Kind == TSqlNoticeKind.SkippedStatements)
            .ToDictionary(n => n.Message[(n.Message.IndexOf('×', StringComparison.Ordinal) + 2)..].Split(" (")[0],
                n => int.Parse(n.Message.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(2, skipped["USE"]);
        Assert.Equal(2, skipped["SET"]);
        Assert.Equal(1, skipped["PRINT"]); // the one in BEGIN CATCH is not walked
        Assert.Equal(3, skipped["IF"]);
        Assert.Equal(1, skipped["ALTER DATABASE SET"]);
        Assert.Equal(1, skipped["DROP DATABASE"]);
        Assert.Equal(1, skipped["CREATE DATABASE"]);
        // IF OBJECT_ID(N'dbo.Item') IS NOT NULL is decided: a fresh database has no dbo.Item yet, so no DROP TABLE runs.
        Assert.False(skipped.ContainsKey("DROP TABLE"));
        Assert.Equal(1, skipped["CREATE PROCEDURE"]);
        Assert.Equal(1, skipped["CREATE FUNCTION"]);
        Assert.Equal(1, skipped["CREATE VIEW"]);
        Assert.Equal(1, skipped["CREATE TRIGGER"]);
        Assert.Equal(1, skipped["INSERT"]);
        Assert.Equal(1, skipped["UPDATE"]);
        Assert.Equal(1, skipped["DELETE"]);
        Assert.Equal(1, skipped["GRANT"]);
        Assert.Equal(2, skipped["EXEC sp_addextendedproperty"]);
        Assert.Equal(1, skipped["EXEC getitems"]);
        var use = r.Notices.Single(n => n.Message.StartsWith("skipped 2 × USE", StringComparison.Ordinal));
        Assert.Equal(new SourcePosition("test.sql", 1, 1), use.Position);
    }

    [Fact]
    public void Drop_table_removes_a_table_created_before_it()
    {
        var g = Graph("CREATE TABLE t (a int);\nDROP TABLE t;\nCREATE TABLE t (b int);");
        Assert.Equal(["b"], Assert.Single(g.Tables).Columns.Select(c => c.Name));
    }

    [Fact]
    public void Alter_table_drop_constraint_and_column()
    {
        var r = Read("""
            CREATE TABLE p (id int CONSTRAINT pk_p PRIMARY KEY);
            CREATE TABLE t (a int CONSTRAINT uq_a UNIQUE, b int CONSTRAINT df_b DEFAULT 1, c int CONSTRAINT ck_c CHECK (c > 0),
              d int CONSTRAINT fk_d REFERENCES nowhere, e int);
            ALTER TABLE t DROP CONSTRAINT uq_a, CONSTRAINT [DF_B], CONSTRAINT ck_c;
            ALTER TABLE t DROP fk_d;
            ALTER TABLE t DROP COLUMN e;
            ALTER TABLE t DROP CONSTRAINT IF EXISTS never_there;
            ALTER TABLE t DROP CONSTRAINT not_there;
            """);
        var t = r.Graph.Table("dbo", "t");
        Assert.Empty(t.Uniques);
        Assert.Empty(t.Checks);
        Assert.Empty(t.ForeignKeys); // dropped before its missing table could fail the read
        Assert.Null(t.Column("b").Default);
        Assert.Equal(["a", "b", "c", "d"], t.Columns.Select(c => c.Name));
        var notice = Assert.Single(r.Notices, n => n.Message.Contains("not_there", StringComparison.Ordinal));
        Assert.Equal(new SourcePosition("test.sql", 8, 31), notice.Position);
    }

    [Fact]
    public void Nocheck_constraint_statement_gives_a_notice_and_check_constraint_is_counted()
    {
        var r = Read("""
            CREATE TABLE p (id int PRIMARY KEY);
            CREATE TABLE c (p_id int);
            ALTER TABLE c WITH CHECK ADD CONSTRAINT fk_p FOREIGN KEY (p_id) REFERENCES p (id);
            ALTER TABLE c CHECK CONSTRAINT fk_p;
            ALTER TABLE c NOCHECK CONSTRAINT fk_p;
            """);
        Assert.Single(r.Graph.Table("dbo", "c").ForeignKeys);
        var nocheck = Assert.Single(r.Notices, n => n.Kind == TSqlNoticeKind.NoCheckConstraint);
        Assert.Equal(5, nocheck.Position!.Value.Line);
        Assert.Contains(r.Notices, n => n.Message.StartsWith("skipped 1 × ALTER TABLE … CHECK CONSTRAINT", StringComparison.Ordinal));
    }

    [Fact]
    public void Sequences_and_next_value_for_defaults()
    {
        var g = Graph("""
            CREATE SEQUENCE dbo.OrderNo AS int START WITH 1000 INCREMENT BY 10 MAXVALUE 99999 CYCLE;
            CREATE SEQUENCE Plain;
            CREATE TABLE o (id int NOT NULL DEFAULT (NEXT VALUE FOR [dbo].[orderno]), x bigint);
            ALTER TABLE o ADD CONSTRAINT df_x DEFAULT NEXT VALUE FOR Plain FOR x;
            """);
        var seq = g.FindSequence(new QualifiedName("dbo", "OrderNo"))!;
        Assert.Equal(("integer", 1000L, 10L, (long?)99999, true), (seq.DataType, seq.Start, seq.Increment, seq.MaxValue, seq.Cycle));
        var plain = g.FindSequence(new QualifiedName("dbo", "Plain"))!;
        Assert.Equal(("bigint", long.MinValue, 1L), (plain.DataType, plain.Start, plain.Increment)); // SQL Server's defaults
        var o = g.Table("dbo", "o");
        Assert.Equal(IdentityKind.Sequence, o.Column("id").Identity);
        Assert.Equal(seq.Name, o.Column("id").Sequence);
        Assert.Equal("NEXT VALUE FOR [dbo].[orderno]", o.Column("id").Default);
        Assert.Equal(plain.Name, o.Column("x").Sequence);
    }

    [Fact]
    public void Crlf_scripts_keep_exact_positions()
    {
        var ex = Fails("CREATE TABLE a (id int);\r\nGO\r\n\r\nCREATE TABLE b (id int,, x int);\r\n");
        Assert.Equal(new SourcePosition("test.sql", 4, 24), ex.Position);
        var g = Graph("CREATE TABLE a (id int);\r\nGO\r\n\r\n  CREATE TABLE b (id int CHECK (id > 1));\r\n");
        Assert.Equal(new SourcePosition("test.sql", 4, 3), g.Table("dbo", "b").Position);
        Assert.Equal("id > 1", g.Table("dbo", "b").Checks[0].Expression);
    }

    [Fact]
    public void Temporary_tables_are_left_out()
    {
        var r = Read("CREATE TABLE #scratch (a int);\nALTER TABLE #scratch ADD b int;\nCREATE INDEX ix ON #scratch (a);");
        Assert.Empty(r.Graph.Tables);
        Assert.Contains(r.Notices, n => n.Kind == TSqlNoticeKind.SkippedTable);
    }

    // ---- sqlcmd, BOM, parse errors ------------------------------------------------------------------------------

    [Fact]
    public void Sqlcmd_commands_become_comments_and_setvar_values_are_substituted()
    {
        var r = Read("""
            :setvar DatabaseName "Shop"
            :setvar Schema sales
            :on error exit
            USE [$(DatabaseName)];
            GO
            :r .\Tables\Extra.sql
            CREATE TABLE [$(Schema)].[Order] (Id int PRIMARY KEY, Note nvarchar(20) DEFAULT N'$(DatabaseName)');
            """);
        var order = r.Graph.Table("sales", "Order");
        Assert.Equal("N'Shop'", order.Column("Note").Default);
        Assert.Equal(new SourcePosition("test.sql", 7, 1), order.Position);
        var include = Assert.Single(r.Notices, n => n.Kind == TSqlNoticeKind.Sqlcmd);
        Assert.Equal(new SourcePosition("test.sql", 6, 1), include.Position);
        Assert.Contains("Extra.sql", include.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_preprocessing_sqlcmd_lines_would_be_errors_so_line_numbers_stay_exact()
    {
        // Line 3 has an error after a substituted variable: line and column point into the original text.
        var ex = Fails(":setvar T LongTableName\nGO\nCREATE TABLE $(T) (a int,, b int);");
        Assert.Equal(new SourcePosition("test.sql", 3, 26), ex.Position);
    }

    [Fact]
    public void Undefined_sqlcmd_variable_is_an_error_naming_it_and_suggesting_var()
    {
        // sqlcmd refuses an undefined variable, in a string too; one in a comment changes nothing.
        var ex = Fails("-- $(Missing) in a comment\nCREATE TABLE t (a varchar(10) DEFAULT '$(Missing)');");
        Assert.Equal(new SourcePosition("test.sql", 2, 40), ex.Position);
        Assert.Contains("$(Missing) is not defined", ex.Message, StringComparison.Ordinal);
        Assert.Contains("--var Missing=VALUE", ex.Message, StringComparison.Ordinal);
        Assert.Equal("'x'", TSqlDdlReader.Read("-- $(Missing)\nCREATE TABLE t (a varchar(10) DEFAULT '$(Missing)');", "test.sql",
            new Dictionary<string, string> { ["missing"] = "x" }).Graph.Table("dbo", "t").Column("a").Default);
    }

    [Fact]
    public void Leading_bom_and_feff_in_the_middle_of_concatenated_files_are_removed()
    {
        var g = Graph("\uFEFFCREATE TABLE a (id int PRIMARY KEY);\nGO\n\uFEFFCREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a);\nGO\n\uFEFFCREATE TABLE c (id int);");
        Assert.Equal(["a", "b", "c"], g.Tables.Select(t => t.Name.Name));
        Assert.Equal(new SourcePosition("test.sql", 3, 1), g.Table("dbo", "b").Position);
    }

    [Fact]
    public void Every_batch_with_a_syntax_error_is_reported_with_line_and_column()
    {
        var ex = Fails("""
            CREATE TABLE ok1 (a int);
            GO
            CREATE TABLE bad1 (a int,, b int);
            GO
            CREATE TABLE ok2 (a int);
            GO
            CREATE TABLE bad2 (
              a int NOT NULL
              b int);
            """);
        Assert.Equal(new SourcePosition("test.sql", 3, 26), ex.Position);
        Assert.Contains("2 T-SQL syntax errors", ex.Reason, StringComparison.Ordinal);
        Assert.Contains("test.sql:3:26: Incorrect syntax near ','", ex.Message, StringComparison.Ordinal);
        Assert.Contains("test.sql:9:3: Incorrect syntax near 'b'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Double_quoted_identifiers_parse_as_identifiers()
    {
        var t = Graph("CREATE TABLE \"Order\" (\"Id\" int NOT NULL, CONSTRAINT \"PK\" PRIMARY KEY (\"Id\"));").Table("dbo", "Order");
        Assert.Equal(["Id"], t.PrimaryKey!.Columns);
    }

    [Fact]
    public void Read_files_resolves_foreign_keys_across_files_and_positions_name_each_file()
    {
        var dir = Directory.CreateTempSubdirectory("plurel-tsql-");
        try
        {
            var a = Path.Combine(dir.FullName, "a.sql");
            var b = Path.Combine(dir.FullName, "b.sql");
            File.WriteAllText(b, "CREATE TABLE Child (Id int PRIMARY KEY, ParentId int);\nALTER TABLE Child ADD CONSTRAINT FK_P FOREIGN KEY (ParentId) REFERENCES Parent;", new System.Text.UnicodeEncoding(false, true));
            File.WriteAllText(a, "CREATE TABLE Parent (Id int PRIMARY KEY);");
            var g = TSqlDdlReader.ReadFiles([a, b]).Graph;
            var fk = g.Table("dbo", "Child").ForeignKeys.Single();
            Assert.Equal(["Id"], fk.RefColumns);
            Assert.Equal(new SourcePosition(b, 2, 23), fk.Position);
            Assert.Equal(new SourcePosition(a, 1, 1), g.Table("dbo", "Parent").Position);

            File.WriteAllText(a, "CREATE TABLE Parent (Id int PRIMARY KEY,,);");
            File.WriteAllText(b, "\nCREATE TABLE Child (Id int PRIMARY KEY ParentId int);");
            var ex = Assert.Throws<SchemaException>(() => TSqlDdlReader.ReadFiles([a, b]));
            Assert.Equal(new SourcePosition(a, 1, 41), ex.Position);
            Assert.True(ex.Message.Contains($"{b}:2:40: Expected FILESTREAM_ON but encountered ParentId", StringComparison.Ordinal), ex.Message);
            Assert.Contains("2 T-SQL syntax errors", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    // ---- found by the fuzzer (FuzzTests): each ran the test process into a stack overflow or a wrong position -----

    /// <summary>Runs on a 1 MiB stack (less than any thread the CLI reads on), where a stack overflow kills the process.</summary>
    internal static T OnSmallStack<T>(Func<T> work)
    {
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try { result = work(); }
            catch (Exception e) { failure = e; }
        }, 1 << 20);
        thread.Start();
        thread.Join();
        if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        return result;
    }

    [Fact]
    public void Deeply_nested_comments_are_refused_at_the_first_level_too_deep()
    {
        var sql = "CREATE TABLE t (a int);\n" + string.Concat(Enumerable.Repeat("/* ", 10_000)) + string.Concat(Enumerable.Repeat(" */", 10_000));
        var e = Assert.Throws<SchemaException>(() => OnSmallStack(() => Read(sql)));
        Assert.Equal("nested more than 200 levels deep (parentheses or comments)", e.Reason);
        Assert.Equal(new SourcePosition("test.sql", 2, 601), e.Position);
    }

    [Fact]
    public void Deeply_nested_parentheses_are_refused_and_strings_do_not_count()
    {
        var deep = new string('(', 10_000) + "1" + new string(')', 10_000);
        var e = Assert.Throws<SchemaException>(() => OnSmallStack(() => Read($"CREATE TABLE t (a int DEFAULT {deep});")));
        Assert.Equal(new SourcePosition("test.sql", 1, 230), e.Position);
        var quoted = Graph($"CREATE TABLE t (a nvarchar(max) DEFAULT '{new string('(', 300)}', [{new string('(', 100)}] int, c AS ('{new string('(', 300)}'));");
        Assert.Equal(3, quoted.Table("dbo", "t").Columns.Count);
    }

    [Fact]
    public void A_long_operator_chain_reads_and_converts_with_a_warning_on_a_small_stack()
    {
        var chain = string.Join(" AND ", Enumerable.Repeat("a > 0", 20_000));
        var g = OnSmallStack(() => Graph($"CREATE TABLE t (a int CHECK ({chain}), b int DEFAULT {string.Concat(Enumerable.Repeat("- ", 20_000))}1);"));
        var c = OnSmallStack(() => PluRelSql.Schema.Dialects.DialectConverter.Convert(g, SqlDialect.PostgreSql));
        Assert.Contains(c.Warnings, w => w.Message.Contains("nested", StringComparison.Ordinal));
        _ = OnSmallStack(() => PluRelSql.Schema.Output.PgDdlWriter.Script(c.Graph));
    }

    [Theory]
    [InlineData("\r")]
    [InlineData("\r \r")]
    public void Positions_count_only_line_feeds_as_line_ends(string odd)
    {
        // ScriptDom also ends a line at a lone CR; editors (and the PostgreSQL reader) do not.
        var e = Fails($"CREATE TABLE a (x int); {odd} \nCREATE TABLE b (y int,, z int);");
        Assert.Equal(new SourcePosition("test.sql", 2, 23), e.Position);
    }

    [Fact]
    public void A_column_named_timestamp_without_a_type_is_a_rowversion()
    {
        // Found by the fuzzer: ScriptDom gives such a column no data type, and the type mapper threw a NullReferenceException.
        var c = Graph("CREATE TABLE t (a int,\n  TIMESTAMP NOT NULL);").Table("dbo", "t").Column("TIMESTAMP");
        Assert.Equal(new QualifiedName("sys", "rowversion"), c.Type.UserType);
        Assert.Equal("rowversion", c.GeneratedExpression);
    }
}
