using System.Text;
using PluRelSql.Schema.Postgres;

namespace PluRelSql.Schema.Tests;

/// <summary>Bad DDL fails with a SchemaException whose reason and file:line:col say what and where.</summary>
public sealed class BadInputTests
{
    private static SchemaException Fails(string sql) => Assert.Throws<SchemaException>(() => PgDdlReader.Read(sql, "bad.sql"));

    private static void AssertError(string sql, string reason, int line, int col)
    {
        var e = Fails(sql);
        Assert.Equal(reason, e.Reason);
        Assert.Equal(new SourcePosition("bad.sql", line, col), e.Position);
        Assert.StartsWith($"bad.sql:{line}:{col}: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_create_table_at_end_of_file() =>
        AssertError("CREATE TABLE ok (id int);\nCREATE TABLE t (a int", "unexpected end of file", 2, 22);

    [Fact]
    public void Truncated_create_table_followed_by_a_newline() =>
        AssertError("CREATE TABLE t (\n  a int,\n", "unexpected end of file", 3, 1);

    [Fact]
    public void Semicolon_inside_an_unclosed_column_list() =>
        AssertError("CREATE TABLE t (a int;\nCREATE TABLE u (b int);", "unexpected ';'", 1, 22);

    // Issue 14: an unknown type never aborts reading; it is kept verbatim with a note at the type (populate then
    // loads NULL into a nullable column of it and refuses a NOT NULL one before loading).
    [Fact]
    public void Unknown_type_is_read_verbatim_with_a_note_at_the_type()
    {
        var r = PgDdlReader.Read("CREATE TABLE t (\n    id int,\n    x foo(3) NOT NULL\n);", "bad.sql");
        var x = r.Graph.Table("public", "t").Column("x");
        Assert.Equal((TypeKind.Other, "foo(3)", false), (x.Type.Kind, x.Type.ToPgSql(), x.Nullable));
        var note = Assert.Single(r.Notes);
        Assert.Equal(new SourcePosition("bad.sql", 3, 7), note.Position);
        Assert.Equal("type foo(3) is read as an extension type (kept by name; no CREATE EXTENSION or CREATE TYPE declares it)", note.Message);
    }

    [Fact]
    public void Unknown_schema_qualified_type_keeps_its_schema()
    {
        var r = PgDdlReader.Read("CREATE TABLE t (x app.money2);", "bad.sql");
        Assert.Equal("app.money2", r.Graph.Table("public", "t").Column("x").Type.ToPgSql());
        Assert.Equal(new SourcePosition("bad.sql", 1, 19), Assert.Single(r.Notes).Position);
    }

    [Fact]
    public void Foreign_key_to_a_missing_table_at_the_referenced_name() =>
        AssertError("CREATE TABLE t (id int);\nALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (id) REFERENCES nowhere (id);",
            "foreign key references missing table public.nowhere", 2, 61);

    [Fact]
    public void Foreign_key_to_a_missing_column_at_the_column() =>
        AssertError("CREATE TABLE p (id int PRIMARY KEY);\nCREATE TABLE c (pid int REFERENCES p (idx));",
            "column \"idx\" does not exist in table public.p", 2, 39);

    [Fact]
    public void Foreign_key_from_a_missing_column() =>
        AssertError("CREATE TABLE p (id int PRIMARY KEY);\nCREATE TABLE c (pid int, FOREIGN KEY (p_id) REFERENCES p);",
            "column \"p_id\" does not exist in table public.c", 2, 39);

    [Fact]
    public void Foreign_key_column_count_mismatch() =>
        AssertError("CREATE TABLE p (a int, b int, PRIMARY KEY (a, b));\nCREATE TABLE c (x int, CONSTRAINT c_fk FOREIGN KEY (x) REFERENCES p);",
            "number of referencing and referenced columns for foreign key disagree (1 vs 2)", 2, 24);

    [Fact]
    public void Foreign_key_without_columns_to_a_table_without_primary_key() =>
        AssertError("CREATE TABLE p (a int);\nCREATE TABLE c (x int REFERENCES p);",
            "foreign key references table public.p without naming columns, and it has no primary key", 2, 34);

    [Fact]
    public void Duplicate_table_at_the_second_create() =>
        AssertError("CREATE TABLE t (a int);\n\n  create table public.T (b int);", "duplicate table public.t", 3, 3);

    [Fact]
    public void Primary_key_naming_a_missing_column() =>
        AssertError("CREATE TABLE t (a int, PRIMARY KEY (a, b));", "column \"b\" does not exist in table public.t", 1, 40);

    [Fact]
    public void Check_naming_a_missing_column() =>
        AssertError("CREATE TABLE t (a int, CONSTRAINT ck CHECK (b > 0));", "column \"b\" does not exist in table public.t", 1, 24);

    [Fact]
    public void Alter_of_a_missing_table() =>
        AssertError("CREATE TABLE t (a int);\nALTER TABLE ONLY public.u ADD PRIMARY KEY (a);", "ALTER TABLE on missing table public.u", 2, 18);

    [Fact]
    public void Two_primary_keys() =>
        AssertError("CREATE TABLE t (a int PRIMARY KEY, b int);\nALTER TABLE t ADD CONSTRAINT t2 PRIMARY KEY (b);",
            "multiple primary keys for table public.t are not allowed", 2, 19);

    [Fact]
    public void Unterminated_string_at_the_opening_quote() =>
        AssertError("CREATE TABLE t (a text DEFAULT 'abc);\nCREATE TABLE u (b int);", "unterminated quoted string", 1, 32);

    [Fact]
    public void Unterminated_escape_string_where_the_quote_is_escaped() =>
        AssertError("CREATE TABLE t (a text DEFAULT E'abc\\');", "unterminated quoted string", 1, 32);

    [Fact]
    public void Unterminated_quoted_identifier() =>
        AssertError("CREATE TABLE t (\n \"a int);", "unterminated quoted identifier", 2, 2);

    [Fact]
    public void Unterminated_dollar_quote() =>
        AssertError("CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $bod$;", "unterminated dollar-quoted string", 1, 36);

    [Fact]
    public void Unterminated_block_comment_even_when_nested() =>
        AssertError("/* outer /* inner */ still open\nCREATE TABLE t (a int);", "unterminated /* comment", 1, 1);

    [Fact]
    public void Binary_garbage_nul() =>
        AssertError("CREATE TABLE t (a int);\nCR\0EATE", "not a SQL text file: byte 0x00", 2, 3);

    [Fact]
    public void Binary_garbage_control_byte() =>
        AssertError("CREATE TABLE t (a int);\t\u0007", "not a SQL text file: byte 0x07", 1, 25);

    [Fact]
    public void Replacement_character_from_invalid_utf8() =>
        AssertError("-- ok\n  x\uFFFD", "not a SQL text file: byte 0xFFFD (invalid UTF-8)", 2, 4);

    [Fact]
    public void Invalid_utf8_in_a_file_is_reported_at_the_byte()
    {
        var path = Path.Combine(Path.GetTempPath(), $"plurel-bad-{Guid.NewGuid():N}.sql");
        try
        {
            var bytes = Encoding.UTF8.GetBytes("CREATE TABLE é (a int);\nxy").Concat(new byte[] { 0xC3, 0x28 }).ToArray();
            File.WriteAllBytes(path, bytes);
            var e = Assert.Throws<SchemaException>(() => PgDdlReader.ReadFiles([path]));
            Assert.Equal("not a SQL text file: byte 0xC3 is not valid UTF-8", e.Reason);
            Assert.Equal(new SourcePosition(path, 2, 3), e.Position);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Missing_file_is_a_schema_exception()
    {
        var e = Assert.Throws<SchemaException>(() => PgDdlReader.ReadFiles(["/nonexistent/dir/x.sql"]));
        Assert.StartsWith("cannot read file", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_statement_starting_with_an_unknown_word() =>
        AssertError("CREATE TABLE t (a int);\n  FOO bar;", "unexpected 'FOO'", 2, 3);

    [Fact]
    public void Create_of_an_unknown_object() =>
        AssertError("CREATE WIDGET w;", "unexpected 'WIDGET'", 1, 8);

    [Fact]
    public void Garbage_text_is_rejected_at_its_start() =>
        AssertError("This is not SQL at all.", "unexpected 'This'", 1, 1);

    [Fact]
    public void Copy_data_without_terminator() =>
        AssertError("CREATE TABLE t (a int);\nCOPY t (a) FROM stdin;\n1\n2\n", "COPY data is not terminated by a line \\.", 2, 1);

    [Fact]
    public void Bad_type_modifier() =>
        AssertError("CREATE TABLE t (a varchar(x));", "unexpected 'x' (expected an integer type modifier)", 1, 27);

    [Fact]
    public void Partition_of_a_missing_parent() =>
        AssertError("CREATE TABLE p1 PARTITION OF p FOR VALUES IN (1);", "partition parent public.p does not exist", 1, 30);

    [Fact]
    public void Attach_to_a_table_that_is_not_partitioned() =>
        AssertError("CREATE TABLE p (a int);\nCREATE TABLE c (a int);\nALTER TABLE p ATTACH PARTITION c FOR VALUES IN (1);",
            "table public.p is not partitioned", 3, 13);

    [Fact]
    public void Trailing_tokens_after_a_column_are_rejected() =>
        AssertError("CREATE TABLE t (a int NOT NULL garbage);", "unexpected 'garbage'", 1, 32);

    [Fact]
    public void Foreign_key_to_columns_without_a_unique_constraint() =>
        AssertError("CREATE TABLE p (id int PRIMARY KEY, code text);\nCREATE TABLE c (code text REFERENCES p (code));",
            "there is no unique constraint matching given keys for referenced table public.p", 2, 38);

    [Fact]
    public void Domain_check_naming_a_column() =>
        AssertError("CREATE DOMAIN d AS int CHECK (x > 0);", "a domain CHECK can only refer to VALUE, not \"x\"", 1, 24);

    [Fact]
    public void Partition_cycle() =>
        AssertError("""
            CREATE TABLE a (k int) PARTITION BY LIST (k);
            CREATE TABLE b (k int) PARTITION BY LIST (k);
            ALTER TABLE a ATTACH PARTITION b FOR VALUES IN (1);
            ALTER TABLE b ATTACH PARTITION a FOR VALUES IN (2);
            """, "table public.a cannot be a partition of itself or of its own partition", 4, 32);

    [Fact]
    public void Index_on_a_missing_column() =>
        AssertError("CREATE TABLE t (a int);\nCREATE INDEX t_b ON t (b);", "column \"b\" does not exist in table public.t", 2, 21);

    [Fact]
    public void Using_index_that_does_not_exist() =>
        AssertError("CREATE TABLE t (a int);\nALTER TABLE t ADD PRIMARY KEY USING INDEX nope;", "index \"nope\" does not exist", 2, 43);

    [Fact]
    public void Bad_unicode_escape() =>
        AssertError("CREATE TYPE e AS ENUM (U&'\\00zz');", "invalid Unicode escape in U&'…'", 1, 24);
}
