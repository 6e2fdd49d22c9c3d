using PluRelSql.Schema;
using PluRelSql.Schema.Output;
using PluRelSql.Schema.Postgres;
using PluRelSql.Schema.TSql;

namespace PluRelSql.Schema.Tests;

/// <summary>Table and column comments: read from COMMENT ON (PostgreSQL) and MS_Description (T-SQL), written back
/// by the PostgreSQL DDL writer.</summary>
public sealed class CommentTests
{
    [Fact]
    public void Comment_on_table_and_column_is_kept_on_the_model()
    {
        var r = PgDdlReader.Read("""
            CREATE SCHEMA app;
            CREATE TABLE app."Order" (id int PRIMARY KEY, "Total" numeric(12,2), note text, gone text);
            COMMENT ON TABLE app."Order" IS 'One order per checkout';
            COMMENT ON COLUMN app."Order"."Total" IS E'Sum in EUR,\nVAT included';
            COMMENT ON COLUMN app."Order".note IS 'first';
            COMMENT ON COLUMN app."Order".note IS 'second wins';
            COMMENT ON COLUMN app."Order".gone IS 'x';
            COMMENT ON COLUMN app."Order".gone IS NULL;
            COMMENT ON TABLE missing IS 'no such table';
            COMMENT ON COLUMN app."Order".nope IS 'no such column';
            COMMENT ON FUNCTION f() IS 'not a table';
            """, "t.sql");
        var t = r.Graph.Table("app", "Order");
        Assert.Equal("One order per checkout", t.Comment);
        Assert.Equal("Sum in EUR,\nVAT included", t.Column("Total").Comment);
        Assert.Equal("second wins", t.Column("note").Comment);
        Assert.Null(t.Column("gone").Comment);
        Assert.Null(t.Column("id").Comment);
        // Comments on what the script does not create are skipped and counted, as before.
        Assert.Equal("3 comments", r.SkipSummary());
    }

    [Fact]
    public void Comment_on_column_needs_a_table_and_an_is()
    {
        Assert.Throws<SchemaException>(() => PgDdlReader.Read("CREATE TABLE t (a int);\nCOMMENT ON COLUMN a IS 'x';", "t.sql"));
        var e = Assert.Throws<SchemaException>(() => PgDdlReader.Read("CREATE TABLE t (a int);\nCOMMENT ON TABLE t 'x';", "t.sql"));
        Assert.Equal(2, e.Position?.Line);
    }

    [Fact]
    public void The_postgres_writer_emits_comments_after_the_tables_and_they_read_back()
    {
        var g = PgDdlReader.Read("""
            CREATE TABLE t (id int PRIMARY KEY, "Name" text);
            COMMENT ON TABLE t IS 'it''s t';
            COMMENT ON COLUMN t."Name" IS 'display name';
            """, "t.sql").Graph;
        var pre = PgDdlWriter.PreData(g);
        Assert.Equal("COMMENT ON TABLE public.t IS 'it''s t'", pre[^2]);
        Assert.Equal("COMMENT ON COLUMN public.t.\"Name\" IS 'display name'", pre[^1]);
        var back = PgDdlReader.Read(PgDdlWriter.Script(g), "back.sql").Graph.Table("public", "t");
        Assert.Equal("it's t", back.Comment);
        Assert.Equal("display name", back.Column("Name").Comment);

        // A schema without comments writes exactly what it wrote before: no COMMENT statement.
        var plain = PgDdlReader.Read("CREATE TABLE t (id int);", "t.sql").Graph;
        Assert.DoesNotContain(PgDdlWriter.PreData(plain), s => s.StartsWith("COMMENT", StringComparison.Ordinal));
    }

    [Fact]
    public void Ms_description_extended_properties_are_tsql_comments()
    {
        var r = TSqlDdlReader.Read("""
            CREATE TABLE dbo.Invoice (Id int PRIMARY KEY, Cur char(3), Amount money);
            GO
            EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'ISO 4217 currency',
                @level0type = N'SCHEMA', @level0name = N'dbo', @level1type = N'TABLE', @level1name = N'Invoice',
                @level2type = N'COLUMN', @level2name = N'Cur';
            EXEC sp_addextendedproperty N'MS_Description', N'One row per invoice', N'SCHEMA', N'dbo', N'TABLE', N'invoice';
            EXEC sp_addextendedproperty N'Owner', N'finance', N'SCHEMA', N'dbo', N'TABLE', N'Invoice';
            EXEC sp_addextendedproperty N'MS_Description', N'no such table', N'SCHEMA', N'dbo', N'TABLE', N'Nope';
            """, "t.sql");
        var t = r.Graph.Table("dbo", "Invoice");
        Assert.Equal("One row per invoice", t.Comment);
        Assert.Equal("ISO 4217 currency", t.Column("Cur").Comment);
        Assert.Null(t.Column("Amount").Comment);
        Assert.Equal(SemanticKind.CurrencyCode, ColumnSemantics.Classify(t, t.Column("Cur"), r.Graph).Kind);
        // Converted to PostgreSQL (dbo becomes public), the descriptions become COMMENT ON statements.
        Assert.Contains("COMMENT ON COLUMN public.\"Invoice\".\"Cur\" IS 'ISO 4217 currency'", PgDdlWriter.PreData(r.Graph));
        // Other properties, and descriptions of what the script does not create, are skipped as before.
        var skipped = Assert.Single(r.Notices, n => n.Message.Contains("sp_addextendedproperty", StringComparison.Ordinal));
        Assert.StartsWith("skipped 2 × EXEC sp_addextendedproperty (", skipped.Message, StringComparison.Ordinal);
    }
}
