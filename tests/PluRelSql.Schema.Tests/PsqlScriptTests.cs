using System.Text;
using PluRelSql.Schema.Postgres;

namespace PluRelSql.Schema.Tests;

/// <summary>Real-world PostgreSQL scripts (issue 14): statements that do not shape tables are skipped and counted
/// once, and psql meta-commands are understood — variables, includes, conditionals, \copy, \q.</summary>
public sealed class PsqlScriptTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("plurel-psql-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static SchemaReadResult Read(string sql) => PgDdlReader.Read(sql, "t.sql");

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Statements_that_do_not_shape_tables_are_skipped_and_counted_by_kind()
    {
        var r = Read("""
            CREATE PROCEDURAL LANGUAGE plpgsql;
            CREATE OR REPLACE LANGUAGE plpgsql;
            CREATE OR REPLACE TRUSTED PROCEDURAL LANGUAGE plperl;
            CREATE TABLE t (id int PRIMARY KEY, x int);
            CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
            CREATE OR REPLACE FUNCTION g() RETURNS int BEGIN ATOMIC SELECT 1; SELECT 2; END;
            CREATE PROCEDURE p() LANGUAGE sql AS $$ SELECT 1 $$;
            CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();
            CREATE CONSTRAINT TRIGGER ctr AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();
            CREATE EVENT TRIGGER et ON ddl_command_start EXECUTE FUNCTION f();
            CREATE RULE r AS ON INSERT TO t DO INSTEAD NOTHING;
            CREATE POLICY pol ON t USING (true);
            CREATE VIEW v AS SELECT 1;
            CREATE MATERIALIZED VIEW mv AS SELECT 1 WITH NO DATA;
            CREATE PUBLICATION pub FOR TABLE t;
            CREATE SUBSCRIPTION sub CONNECTION 'x' PUBLICATION pub;
            GRANT SELECT ON t TO public;
            GRANT ALL ON t TO me;
            REVOKE ALL ON t FROM public;
            ALTER TABLE t OWNER TO me;
            ALTER FUNCTION f() OWNER TO me;
            COMMENT ON VIEW v IS 'x';
            SET client_encoding = 'UTF8';
            SELECT pg_catalog.set_config('search_path', '', false);
            SELECT pg_catalog.setval('s', 1, true);
            CREATE CAST (int AS text) WITH INOUT;
            CREATE OPERATOR === (LEFTARG = int, RIGHTARG = int, FUNCTION = int4eq);
            CREATE AGGREGATE agg(int) (SFUNC = int4pl, STYPE = int);
            CREATE TEXT SEARCH CONFIGURATION ts (COPY = english);
            CREATE STATISTICS st ON id, x FROM t;
            CREATE FOREIGN DATA WRAPPER fdw;
            CREATE SERVER srv FOREIGN DATA WRAPPER fdw;
            INSERT INTO t VALUES (1, 2);
            UPDATE t SET x = 1;
            DELETE FROM t;
            COPY t (id, x) FROM stdin;
            1	2; this is data, not SQL
            \.
            CREATE TABLE u (id int);
            """);
        Assert.Equal(["t", "u"], r.Graph.Tables.Select(t => t.Name.Name));
        Assert.Equal("3 languages, 2 functions, 1 procedure, 2 triggers, 1 event trigger, 1 rule, 1 policy, 1 view, " +
                     "1 materialized view, 1 publication, 1 subscription, 2 grants, 1 revoke, 2 owner changes, 1 comment, " +
                     "1 SET, 1 set_config call, 1 setval call, 1 cast, 1 operator, 1 aggregate, 1 text search config, " +
                     "1 statistics object, 1 foreign data wrapper, 1 foreign server, 1 INSERT, 1 UPDATE, 1 DELETE, 1 COPY data block",
            r.SkipSummary());
        // Each one keeps its own position, for --verbose.
        Assert.Equal(35, r.Skipped.Count);
        var ev = r.Skipped.Single(s => s.What == "event trigger");
        Assert.Equal(new SourcePosition("t.sql", 10, 1), ev.Position);
        Assert.Equal("CREATE EVENT TRIGGER et ON ddl_command_start", ev.Text);
        Assert.Equal(new SourcePosition("t.sql", 2, 1), r.Skipped[1].Position);
    }

    [Theory]
    [InlineData("\\restrict Zq7lC1bZHrUqOKp6ZfXyXx", "\\restrict command")]
    [InlineData("\\unrestrict Zq7lC1bZHrUqOKp6ZfXyXx", "\\unrestrict command")]
    [InlineData("\\connect other", "\\connect command")]
    [InlineData("\\c other", "\\c command")]
    [InlineData("\\pset format unaligned", "\\pset command")]
    [InlineData("\\echo creating the tables", "\\echo command")]
    [InlineData("\\encoding UTF8", "\\encoding command")]
    [InlineData("\\set ON_ERROR_STOP", null)]
    [InlineData("\\timing on", "\\timing command")]
    [InlineData("\\cd :data_dir", "\\cd command")]
    [InlineData("\\copy t FROM 'missing.csv' CSV HEADER", "\\copy command")]
    [InlineData("\\COPY t FROM missing.csv DELIMITER ',' CSV", "\\copy command")]
    public void Meta_commands_are_skipped_and_counted_between_statements(string meta, string? what)
    {
        var r = Read($"CREATE TABLE a (id int);\n{meta}\nCREATE TABLE b (id int);\n");
        Assert.Equal(["a", "b"], r.Graph.Tables.Select(t => t.Name.Name));
        if (what is null) Assert.Empty(r.Skipped);
        else
        {
            var s = Assert.Single(r.Skipped);
            Assert.Equal(what, s.What);
            Assert.Equal(new SourcePosition("t.sql", 2, 1), s.Position);
        }
    }

    [Fact]
    public void Copy_from_stdin_data_is_skipped_up_to_the_end_marker()
    {
        var r = Read("\\copy t from stdin\nCREATE TABLE not_a_table (x int);\n\\.\nCREATE TABLE b (id int);\n");
        Assert.Equal(["b"], r.Graph.Tables.Select(t => t.Name.Name));
        Assert.Equal("1 \\copy data block", r.SkipSummary());
    }

    [Fact]
    public void Psql_variables_are_substituted_as_text_literal_and_identifier()
    {
        var r = Read("""
            \set schema app
            \set tbl 'Order Items'
            \set cols 'id int PRIMARY KEY, qty int'
            \set dflt 'it''s'
            CREATE SCHEMA :schema;
            SET search_path TO :schema;
            CREATE TABLE :"tbl" (:cols, note text DEFAULT :'dflt', ratio numeric DEFAULT 1::numeric);
            """);
        var t = r.Graph.Table("app", "Order Items");
        Assert.Equal(["id", "qty", "note", "ratio"], t.Columns.Select(c => c.Name));
        Assert.Equal(["id"], t.PrimaryKey!.Columns);
        Assert.Equal("'it''s'", t.Column("note").Default);
        Assert.Equal("1::numeric", t.Column("ratio").Default);
    }

    [Fact]
    public void Variables_set_in_one_file_hold_in_the_next_and_unset_forgets_them()
    {
        var a = Write("a.sql", "\\set s app\n");
        var b = Write("b.sql", "CREATE SCHEMA :s;\nCREATE TABLE :s.t (id int);\n\\unset s\nCREATE TABLE :s.u (id int);\n");
        var e = Assert.Throws<SchemaException>(() => PgDdlReader.ReadFiles([a, b]));
        Assert.Equal(new SourcePosition(b, 4, 14), e.Position);
        Assert.Equal("psql variable \"s\" is not set (set it with \\set s VALUE in the script)", e.Reason);
    }

    [Theory]
    [InlineData("CREATE TABLE :missing (id int);", 1, 14, "missing")]
    [InlineData("CREATE TABLE t (id int DEFAULT :'d');", 1, 32, "d")]
    [InlineData("CREATE TABLE t (id int);\nCREATE TABLE :\"q\" (id int);", 2, 14, "q")]
    public void An_unset_variable_is_an_error_naming_it(string sql, int line, int col, string name)
    {
        var e = Assert.Throws<SchemaException>(() => Read(sql));
        Assert.Equal(new SourcePosition("t.sql", line, col), e.Position);
        Assert.Contains($"psql variable \"{name}\" is not set", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Casts_assignments_and_array_slices_are_not_variables()
    {
        var r = Read("""
            CREATE TABLE t (a int[], lo int, hi int, x text DEFAULT 'a:b'::text,
                CHECK (cardinality(a[lo:hi]) >= 0), CHECK (a[1:2] IS NOT NULL));
            DO $$ DECLARE v int := 1; BEGIN v := :x; END $$;
            """);
        Assert.Equal(2, r.Graph.Table("public", "t").Checks.Count);
    }

    [Fact]
    public void Include_reads_a_file_relative_to_the_including_file_with_its_own_positions()
    {
        var main = Write("main.sql", "CREATE TABLE a (id int PRIMARY KEY);\n\\ir sub/keys.sql\n\\i sub/more.sql\nCREATE TABLE c (id int);\n");
        Write("sub/keys.sql", "\\set fk b\n\\include_relative deeper/b.sql\nALTER TABLE b ADD FOREIGN KEY (a_id) REFERENCES a;\n");
        Write("sub/deeper/b.sql", "CREATE TABLE :fk (a_id int);\n");
        Write("sub/more.sql", "CREATE TABLE m (id int);\nCOMMENT ON SCHEMA public IS 'x';\n");
        var r = PgDdlReader.ReadFiles([main]);
        Assert.Equal(["a", "b", "m", "c"], r.Graph.Tables.Select(t => t.Name.Name));
        Assert.Equal(new SourcePosition(Path.Combine(_dir, "sub", "deeper/b.sql"), 1, 1), r.Graph.Table("public", "b").Position);
        Assert.Single(r.Graph.Table("public", "b").ForeignKeys);
        Assert.Equal(Path.Combine(_dir, "sub", "more.sql"), r.Skipped.Single().Position.File);

        // An error in an included file names that file.
        Write("sub/more.sql", "CREATE TABLE m (id int);\nCREATE TABLE m (id int);\n");
        var e = Assert.Throws<SchemaException>(() => PgDdlReader.ReadFiles([main]));
        Assert.Equal(new SourcePosition(Path.Combine(_dir, "sub", "more.sql"), 2, 1), e.Position);
    }

    [Fact]
    public void Include_cycles_missing_files_and_runaway_depth_are_errors_at_the_command()
    {
        var a = Write("a.sql", "CREATE TABLE a (id int);\n\\i b.sql\n");
        var b = Write("b.sql", "CREATE TABLE b (id int);\n  \\ir a.sql\n");
        var e = Assert.Throws<SchemaException>(() => PgDdlReader.ReadFiles([a]));
        Assert.Equal(new SourcePosition(b, 2, 3), e.Position);
        Assert.Equal("\\ir a.sql: include cycle (a.sql → b.sql → a.sql)", e.Reason);

        var self = Write("self.sql", "\\i self.sql\n");
        Assert.Contains("include cycle (self.sql → self.sql)", Assert.Throws<SchemaException>(() => PgDdlReader.ReadFiles([self])).Reason, StringComparison.Ordinal);

        var missing = Write("missing.sql", "CREATE TABLE a (id int);\n\\i nothing_here.sql\n");
        e = Assert.Throws<SchemaException>(() => PgDdlReader.ReadFiles([missing]));
        Assert.Equal(new SourcePosition(missing, 2, 1), e.Position);
        Assert.StartsWith("\\i nothing_here.sql: no such file", e.Reason, StringComparison.Ordinal);

        // A chain of 20 distinct files is refused by depth, not by a stack overflow.
        for (int i = 0; i < 20; i++) Write($"d{i}.sql", $"\\i d{i + 1}.sql\n");
        Write("d20.sql", "CREATE TABLE deep (id int);\n");
        e = Assert.Throws<SchemaException>(() => PgDdlReader.ReadFiles([Path.Combine(_dir, "d0.sql")]));
        Assert.Contains("files are included more than 16 deep", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void If_blocks_are_skipped_with_a_note_and_must_be_closed()
    {
        var r = Read("""
            CREATE TABLE a (id int);
            \if :{?with_extras}
              CREATE TABLE extra (id int);
              \if true
                CREATE TABLE nested (id int);
              \endif
            \else
              CREATE TABLE other (id int);
            \endif
            CREATE TABLE b (id int);
            """);
        Assert.Equal(["a", "b"], r.Graph.Tables.Select(t => t.Name.Name));
        var s = Assert.Single(r.Skipped);
        Assert.Equal("\\if block", s.What);
        Assert.Contains("lines 2-9", s.Text, StringComparison.Ordinal);

        var e = Assert.Throws<SchemaException>(() => Read("CREATE TABLE a (id int);\n\\if true\nCREATE TABLE b (id int);\n"));
        Assert.Equal(("\\if without a matching \\endif", new SourcePosition("t.sql", 2, 1)), (e.Reason, e.Position));
        e = Assert.Throws<SchemaException>(() => Read("\\endif\n"));
        Assert.Equal("\\endif without a matching \\if", e.Reason);
    }

    [Fact]
    public void Gset_ends_the_statement_before_it_and_quit_stops_the_file()
    {
        var r = Read("SELECT count(*) AS n FROM pg_class \\gset\nCREATE TABLE a (id int);\n\\q\nCREATE TABLE not_read (\n");
        Assert.Equal(["a"], r.Graph.Tables.Select(t => t.Name.Name));
        Assert.Equal("1 \\gset command, 1 SELECT", r.SkipSummary());
    }

    [Fact]
    public void A_replacement_character_in_a_utf8_file_is_text_not_a_decoding_error()
    {
        // pg-neon-periodic-table.sql has U+FFFD (valid UTF-8: EF BF BD) in its COPY data.
        var path = Path.Combine(_dir, "fffd.sql");
        File.WriteAllText(path, "CREATE TABLE t (name text DEFAULT 'Segr\uFFFD');\nCOPY t FROM stdin;\nSegr\uFFFD\n\\.\n", new UTF8Encoding(false));
        var r = PgDdlReader.ReadFiles([path]);
        Assert.Equal("'Segr\uFFFD'", r.Graph.Table("public", "t").Column("name").Default);
    }

    [Theory]
    [InlineData("cube", "cube")]
    [InlineData("public.geometry(Point, 4326)", "geometry(Point,4326)")]
    [InlineData("postgis.geography(Point,4326)", "postgis.geography(Point,4326)")]
    [InlineData("ltree", "ltree")]
    [InlineData("hstore", "hstore")]
    [InlineData("citext", "citext")]
    [InlineData("vector(3)", "vector(3)")]
    [InlineData("lo", "lo")]
    [InlineData("isbn", "isbn")]
    [InlineData("public.isbn13[]", "isbn13[]")]
    public void Extension_types_never_abort_reading_and_keep_their_name_and_modifiers(string written, string read)
    {
        // With and without a CREATE EXTENSION before: the reader cannot know every extension's types.
        foreach (var prefix in new[] { "", "CREATE EXTENSION IF NOT EXISTS whatever;\n" })
        {
            var r = Read($"{prefix}CREATE TABLE t (id int PRIMARY KEY, v {written} NOT NULL, w {written});");
            var t = r.Graph.Table("public", "t");
            Assert.Equal((TypeKind.Other, read, false), (t.Column("v").Type.Kind, t.Column("v").Type.ToPgSql(), t.Column("v").Nullable));
            Assert.True(t.Column("w").Nullable);
            Assert.Equal(2, r.Notes.Count(n => n.Kind == "type"));
        }
    }
}
