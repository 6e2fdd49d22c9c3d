using PluRelSql.Schema.Postgres;

namespace PluRelSql.Schema.Tests;

/// <summary>Hand-written DDL, one statement form at a time.</summary>
public sealed class DdlStatementTests
{
    private static SchemaReadResult ReadResult(string sql) => PgDdlReader.Read(sql, "t.sql");
    private static SchemaGraph Read(string sql) => ReadResult(sql).Graph;
    private static QualifiedName P(string name) => new("public", name);

    [Theory]
    [InlineData("int2", "smallint")]
    [InlineData("smallint", "smallint")]
    [InlineData("int", "integer")]
    [InlineData("INT4", "integer")]
    [InlineData("integer", "integer")]
    [InlineData("int8", "bigint")]
    [InlineData("bigint", "bigint")]
    [InlineData("numeric", "numeric")]
    [InlineData("numeric(10)", "numeric(10,0)")]
    [InlineData("decimal(15, 2)", "numeric(15,2)")]
    [InlineData("real", "real")]
    [InlineData("float4", "real")]
    [InlineData("double precision", "double precision")]
    [InlineData("float8", "double precision")]
    [InlineData("float", "double precision")]
    [InlineData("float(24)", "real")]
    [InlineData("float(25)", "double precision")]
    [InlineData("money", "money")]
    [InlineData("bool", "boolean")]
    [InlineData("boolean", "boolean")]
    [InlineData("text", "text")]
    [InlineData("varchar", "character varying")]
    [InlineData("varchar(20)", "character varying(20)")]
    [InlineData("character varying(7)", "character varying(7)")]
    [InlineData("char varying(7)", "character varying(7)")]
    [InlineData("char", "character(1)")]
    [InlineData("character(3)", "character(3)")]
    [InlineData("bpchar(4)", "character(4)")]
    [InlineData("date", "date")]
    [InlineData("time", "time without time zone")]
    [InlineData("time(3)", "time(3) without time zone")]
    [InlineData("time with time zone", "time with time zone")]
    [InlineData("timetz", "time with time zone")]
    [InlineData("timestamp", "timestamp without time zone")]
    [InlineData("timestamp(6) without time zone", "timestamp(6) without time zone")]
    [InlineData("timestamp with time zone", "timestamp with time zone")]
    [InlineData("timestamptz", "timestamp with time zone")]
    [InlineData("timestamptz(3)", "timestamp(3) with time zone")]
    [InlineData("interval", "interval")]
    [InlineData("interval(2)", "interval(2)")]
    [InlineData("interval day to second", "interval")]
    [InlineData("uuid", "uuid")]
    [InlineData("bytea", "bytea")]
    [InlineData("json", "json")]
    [InlineData("jsonb", "jsonb")]
    [InlineData("xml", "xml")]
    [InlineData("inet", "inet")]
    [InlineData("cidr", "cidr")]
    [InlineData("macaddr", "macaddr")]
    [InlineData("bit", "bit(1)")]
    [InlineData("bit(8)", "bit(8)")]
    [InlineData("bit varying(5)", "bit varying(5)")]
    [InlineData("varbit", "bit varying")]
    [InlineData("tsvector", "tsvector")]
    [InlineData("int[]", "integer[]")]
    [InlineData("int[3]", "integer[]")]
    [InlineData("text[][]", "text[]")]
    [InlineData("integer ARRAY", "integer[]")]
    [InlineData("integer ARRAY[4]", "integer[]")]
    [InlineData("pg_catalog.int4", "integer")]
    [InlineData("pg_catalog.timestamptz", "timestamp with time zone")]
    [InlineData("\"varchar\"(12)", "character varying(12)")]
    [InlineData("character varying(10)[]", "character varying(10)[]")]
    public void Types_print_as_format_type(string written, string formatted)
    {
        var g = Read($"CREATE TABLE t (c {written});");
        Assert.Equal(formatted, g.Table("public", "t").Column("c").Type.ToPgSql());
    }

    [Fact]
    public void Multi_dimensional_arrays_keep_their_dimensions_but_print_like_format_type()
    {
        var t = Read("CREATE TABLE t (a text[][], b int ARRAY, c int[2][3][4]);").Table("public", "t");
        Assert.Equal([2, 1, 3], t.Columns.Select(c => c.Type.ArrayDims));
        Assert.All(t.Columns, c => Assert.EndsWith("[]", c.Type.ToPgSql(), StringComparison.Ordinal));
        Assert.Equal("text", t.Column("a").Type.ElementType.ToPgSql());
    }

    [Fact]
    public void Serial_columns_get_a_sequence_a_default_and_not_null()
    {
        var g = Read("CREATE TABLE shop.item (id serial PRIMARY KEY, big bigserial, small smallserial);\nCREATE TABLE t (id serial);");
        var item = g.Table("shop", "item");
        var id = item.Column("id");
        Assert.Equal(TypeKind.Integer, id.Type.Kind);
        Assert.False(id.Nullable);
        Assert.Equal(IdentityKind.Sequence, id.Identity);
        Assert.Equal(new QualifiedName("shop", "item_id_seq"), id.Sequence);
        Assert.Equal("nextval('shop.item_id_seq'::regclass)", id.Default);
        Assert.Equal(TypeKind.BigInt, item.Column("big").Type.Kind);
        Assert.Equal(TypeKind.SmallInt, item.Column("small").Type.Kind);
        var seq = g.FindSequence(new QualifiedName("shop", "item_big_seq"))!;
        Assert.Equal("bigint", seq.DataType);
        Assert.Equal((new QualifiedName("shop", "item"), "big"), seq.OwnedBy);
        Assert.Equal("nextval('t_id_seq'::regclass)", g.Table("public", "t").Column("id").Default);
        Assert.Equal(4, g.Sequences.Count);
    }

    [Fact]
    public void Identity_columns_inline_and_pg_dump_style()
    {
        var g = Read("""
            CREATE TABLE a (id int GENERATED ALWAYS AS IDENTITY (START WITH 10 INCREMENT BY 5), b bigint GENERATED BY DEFAULT AS IDENTITY);
            CREATE TABLE c (id integer NOT NULL, v text);
            ALTER TABLE public.c ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
                SEQUENCE NAME public.c_id_seq
                START WITH 1
                INCREMENT BY 1
                NO MINVALUE
                NO MAXVALUE
                CACHE 1
            );
            """);
        var a = g.Table("public", "a");
        Assert.Equal(IdentityKind.Always, a.Column("id").Identity);
        Assert.False(a.Column("id").Nullable);
        Assert.Null(a.Column("id").Sequence);
        Assert.Equal(IdentityKind.ByDefault, a.Column("b").Identity);
        var cid = g.Table("public", "c").Column("id");
        Assert.Equal(IdentityKind.Always, cid.Identity);
        Assert.Equal(P("c_id_seq"), cid.Sequence);
        Assert.Empty(g.Sequences);
    }

    [Fact]
    public void Column_clauses_default_collate_generated_and_inline_constraints()
    {
        var g = Read("""
            CREATE TABLE IF NOT EXISTS t (
                id integer CONSTRAINT t_pk PRIMARY KEY,
                code varchar(10) COLLATE "C" NOT NULL UNIQUE,
                qty numeric(10,2) DEFAULT 0.00 NOT NULL CHECK (qty >= 0),
                note text DEFAULT 'n/a'::text NULL,
                total numeric GENERATED ALWAYS AS (qty * 2) STORED,
                v int GENERATED ALWAYS AS (id + 1),
                created timestamptz DEFAULT now()
            ) WITH (fillfactor = 70) TABLESPACE pg_default;
            """);
        var t = g.Table("public", "t");
        Assert.Equal("t_pk", t.PrimaryKey!.Name);
        Assert.Equal(["id"], t.PrimaryKey.Columns);
        Assert.False(t.Column("id").Nullable);
        Assert.Equal("C", t.Column("code").Collation);
        Assert.False(t.Column("code").Nullable);
        var u = Assert.Single(t.Uniques);
        Assert.Null(u.Name);
        Assert.Equal(["code"], u.Columns);
        Assert.Equal("0.00", t.Column("qty").Default);
        Assert.Equal("'n/a'::text", t.Column("note").Default);
        Assert.True(t.Column("note").Nullable);
        Assert.Equal("now()", t.Column("created").Default);
        Assert.Equal("qty * 2", t.Column("total").GeneratedExpression);
        Assert.Equal("STORED", t.Column("total").GeneratedKind);
        Assert.Equal("VIRTUAL", t.Column("v").GeneratedKind);
        var chk = Assert.Single(t.Checks);
        Assert.Null(chk.Name);
        Assert.Equal("qty >= 0", chk.Expression);
        Assert.Equal("qty >= 0", PredicateText.Show(chk.Predicate));
        Assert.Equal(new SourcePosition("t.sql", 4, 45), chk.Position);
    }

    [Fact]
    public void Composite_and_self_referencing_foreign_keys()
    {
        var g = Read("""
            CREATE TABLE parent (a int, b int, PRIMARY KEY (a, b));
            CREATE TABLE child (
                id int PRIMARY KEY,
                pa int, pb int,
                boss int REFERENCES child ON DELETE SET NULL,
                CONSTRAINT child_parent_fk FOREIGN KEY (pa, pb) REFERENCES parent (a, b) MATCH FULL ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED
            );
            """);
        var child = g.Table("public", "child");
        var self = child.ForeignKeys[0];
        Assert.True(self.IsSelfReference(child));
        Assert.Equal(["boss"], self.Columns);
        Assert.Equal(["id"], self.RefColumns);
        Assert.Equal(ReferentialAction.SetNull, self.OnDelete);
        var comp = child.ForeignKeys[1];
        Assert.Equal("child_parent_fk", comp.Name);
        Assert.Equal(["pa", "pb"], comp.Columns);
        Assert.Equal(["a", "b"], comp.RefColumns);
        Assert.Equal(ReferentialAction.Cascade, comp.OnUpdate);
        Assert.Equal(ReferentialAction.NoAction, comp.OnDelete);
        Assert.True(comp.Deferrable);
        Assert.True(comp.InitiallyDeferred);
        Assert.Equal(new SourcePosition("t.sql", 6, 5), comp.Position);
        Assert.False(g.Table("public", "parent").Column("b").Nullable);
    }

    [Fact]
    public void Quoted_identifiers_keep_case_and_unquoted_fold()
    {
        var g = Read("CREATE TABLE \"Sales\".\"Order Line\" (\"LineNo\" int, Qty INT, \"a\"\"b\" text, PRIMARY KEY (\"LineNo\"));");
        var t = g.Table("Sales", "Order Line");
        Assert.Equal(["LineNo", "qty", "a\"b"], t.Columns.Select(c => c.Name));
        Assert.Equal(["LineNo"], t.PrimaryKey!.Columns);
    }

    [Fact]
    public void Alter_table_actions_several_in_one_statement()
    {
        var g = Read("""
            CREATE SEQUENCE public.t_id_seq AS integer START WITH 100 INCREMENT BY 2 MINVALUE 100 NO MAXVALUE CACHE 1 CYCLE;
            CREATE TABLE t (id integer, code text, ref integer);
            CREATE TABLE r (id integer PRIMARY KEY);
            ALTER TABLE ONLY t ALTER COLUMN id SET DEFAULT nextval('public.t_id_seq'::regclass);
            ALTER TABLE IF EXISTS t
                ADD CONSTRAINT t_pkey PRIMARY KEY (id),
                ADD UNIQUE (code),
                ADD CONSTRAINT t_ref_fkey FOREIGN KEY (ref) REFERENCES r(id) NOT VALID,
                ADD CONSTRAINT t_code_check CHECK (length(code) <= 10) NOT VALID,
                ALTER COLUMN code SET NOT NULL,
                ADD COLUMN extra date;
            ALTER SEQUENCE public.t_id_seq OWNED BY public.t.id;
            ALTER TABLE t OWNER TO postgres;
            ALTER TABLE t REPLICA IDENTITY FULL, CLUSTER ON t_pkey;
            ALTER TABLE t ENABLE TRIGGER ALL;
            ALTER TABLE IF EXISTS missing ADD COLUMN x int;
            """);
        var t = g.Table("public", "t");
        var id = t.Column("id");
        Assert.Equal("nextval('public.t_id_seq'::regclass)", id.Default);
        Assert.Equal(IdentityKind.Sequence, id.Identity);
        Assert.Equal(P("t_id_seq"), id.Sequence);
        Assert.Equal("t_pkey", t.PrimaryKey!.Name);
        Assert.False(id.Nullable);
        Assert.Equal(["code"], Assert.Single(t.Uniques).Columns);
        Assert.Equal(P("r"), Assert.Single(t.ForeignKeys).RefTable);
        Assert.Equal("length(code) <= 10", PredicateText.Show(Assert.Single(t.Checks).Predicate));
        Assert.False(t.Column("code").Nullable);
        Assert.Equal(TypeKind.Date, t.Column("extra").Type.Kind);
        var seq = Assert.Single(g.Sequences);
        Assert.Equal("integer", seq.DataType);
        Assert.Equal(100, seq.Start);
        Assert.Equal(2, seq.Increment);
        Assert.Equal(100, seq.MinValue);
        Assert.Null(seq.MaxValue);
        Assert.True(seq.Cycle);
        Assert.Equal((P("t"), "id"), seq.OwnedBy);
    }

    [Fact]
    public void Declarative_partitions_partition_of_and_attach()
    {
        var g = Read("""
            CREATE TABLE m (id int NOT NULL, at date NOT NULL, region text, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
            CREATE TABLE m_2024 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
            CREATE TABLE m_2025 (id int NOT NULL, at date NOT NULL, region text);
            ALTER TABLE ONLY m ATTACH PARTITION m_2025 FOR VALUES FROM ('2025-01-01') TO (MAXVALUE);
            CREATE TABLE m_def PARTITION OF m DEFAULT;
            CREATE TABLE l (k text, v int) PARTITION BY LIST (k);
            CREATE TABLE l_ab PARTITION OF l (PRIMARY KEY (k)) FOR VALUES IN ('a', 'b');
            CREATE TABLE h (k int) PARTITION BY HASH (k);
            CREATE TABLE h0 PARTITION OF h FOR VALUES WITH (MODULUS 2, REMAINDER 0);
            """);
        var m = g.Table("public", "m");
        Assert.Equal("RANGE", m.Partitioning!.Strategy);
        Assert.Equal(["at"], m.Partitioning.Columns);
        Assert.Equal(3, m.Partitioning.Partitions.Count);
        var p2024 = m.Partitioning.Partitions[0];
        Assert.Equal(P("m_2024"), p2024.Table);
        Assert.Equal(["'2024-01-01'"], p2024.From);
        Assert.Equal(["'2025-01-01'"], p2024.To);
        Assert.Equal(["MAXVALUE"], m.Partitioning.Partitions[1].To);
        Assert.Equal("DEFAULT", m.Partitioning.Partitions[2].Bound);
        var m2024 = g.Table("public", "m_2024");
        Assert.Equal(P("m"), m2024.PartitionOf);
        Assert.Equal(["id", "at", "region"], m2024.Columns.Select(c => c.Name));
        Assert.Equal(P("m"), g.Table("public", "m_2025").PartitionOf);
        var l = g.Table("public", "l");
        Assert.Equal("LIST", l.Partitioning!.Strategy);
        Assert.Equal(["'a'", "'b'"], l.Partitioning.Partitions.Single().In);
        Assert.Equal(["k"], g.Table("public", "l_ab").PrimaryKey!.Columns);
        Assert.Equal("FOR VALUES WITH (MODULUS 2, REMAINDER 0)", g.Table("public", "h").Partitioning!.Partitions.Single().Bound);
        Assert.Equal(["m", "l", "h"], g.LoadableTables.Select(t => t.Name.Name));
    }

    [Fact]
    public void Enums_and_domains_may_be_used_before_they_are_declared_and_nest()
    {
        var g = Read("""
            CREATE TABLE t (mood mood, age adult_age, ages adult_age[], code us_code);
            CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
            CREATE DOMAIN age AS integer CONSTRAINT age_min CHECK (VALUE >= 0) CHECK (VALUE < 150);
            CREATE DOMAIN adult_age AS age NOT NULL CHECK (VALUE >= 18);
            CREATE DOMAIN us_code AS varchar(5) COLLATE "C" DEFAULT '00000' CHECK (VALUE ~ '^[0-9]+$');
            ALTER TYPE mood ADD VALUE 'great' AFTER 'happy';
            """);
        var t = g.Table("public", "t");
        Assert.Equal(TypeKind.Enum, t.Column("mood").Type.Kind);
        Assert.Equal(["sad", "ok", "happy", "great"], g.FindEnum(P("mood"))!.Labels);
        var age = t.Column("age");
        Assert.Equal(TypeKind.Integer, age.Type.Kind);
        Assert.Equal(P("adult_age"), age.Type.Domain);
        Assert.False(age.Nullable);
        Assert.Equal("adult_age[]", t.Column("ages").Type.ToPgSql());
        Assert.True(t.Column("ages").Nullable);
        var adult = g.FindDomain(P("adult_age"))!;
        Assert.Equal(TypeKind.Integer, adult.BaseType.Kind);
        Assert.Null(adult.BaseType.Domain);
        Assert.True(adult.NotNull);
        var ageDomain = g.FindDomain(P("age"))!;
        Assert.Equal(2, ageDomain.Checks.Count);
        Assert.Equal("age_min", ageDomain.Checks[0].Name);
        Assert.Null(ageDomain.Checks[1].Name);
        Assert.Equal("VALUE < 150", PredicateText.Show(ageDomain.Checks[1].Predicate));
        var us = g.FindDomain(P("us_code"))!;
        Assert.Equal("character varying(5)", us.BaseType.ToPgSql());
        Assert.Equal("'00000'", us.Default);
        Assert.Null(us.Checks.Single().Predicate); // a regex match is beyond the simple forms
        Assert.Equal("VALUE ~ '^[0-9]+$'", us.Checks.Single().Expression);
    }

    [Fact]
    public void Indexes_extensions_schemas_and_skipped_statements()
    {
        var r = ReadResult("""
            -- line comment
            /* block /* nested */ comment */
            SET client_encoding = 'UTF8';
            SELECT pg_catalog.set_config('search_path', '', false);
            CREATE SCHEMA IF NOT EXISTS app AUTHORIZATION admin;
            CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;
            CREATE TABLE app.t (id int, name text);
            CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS t_name_idx ON ONLY app.t USING btree (lower(name)) WHERE (id > 0);
            CREATE INDEX ON app.t (id);
            CREATE OR REPLACE FUNCTION f(a int) RETURNS int LANGUAGE plpgsql AS $body$
            BEGIN
                RETURN a + 1; -- a ; inside the body
            END
            $body$;
            CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;
            CREATE TRIGGER trg BEFORE INSERT ON app.t FOR EACH ROW EXECUTE FUNCTION f();
            CREATE VIEW v AS SELECT 1;
            CREATE MATERIALIZED VIEW mv AS SELECT 1 WITH NO DATA;
            CREATE INDEX mv_idx ON mv (x);
            DO $$ BEGIN PERFORM 1; END $$;
            GRANT SELECT ON app.t TO PUBLIC;
            REVOKE ALL ON app.t FROM bob;
            COMMENT ON TABLE app.t IS 'it''s a table; really';
            BEGIN;
            INSERT INTO app.t VALUES (1, E'it\'s; here');
            COPY app.t (id, name) FROM stdin;
            1	a;b
            \.
            COMMIT;
            \connect other
            DROP TABLE IF EXISTS nothing;
            ALTER FUNCTION f(int) OWNER TO postgres;
            ANALYZE app.t;
            """);
        var g = r.Graph;
        Assert.Single(g.Tables);
        Assert.Equal(["pgcrypto"], g.Extensions);
        Assert.Equal(2, g.Indexes.Count);
        var idx = g.Indexes[0];
        Assert.Equal("t_name_idx", idx.Name);
        Assert.True(idx.Unique);
        Assert.Equal(new QualifiedName("app", "t"), idx.Table);
        Assert.Equal("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS t_name_idx ON ONLY app.t USING btree (lower(name)) WHERE (id > 0)", idx.Sql);
        Assert.Equal("", g.Indexes[1].Name);
        var kinds = r.Notices.Select(n => n.Kind).ToList();
        // COMMENT ON TABLE is read (the ';' inside its string does not end it), no longer skipped.
        Assert.Equal("it's a table; really", g.Tables[0].Comment);
        Assert.Equal(["set", "select", "function", "trigger", "view", "index", "grant", "transaction", "data", "psql-command", "drop", "owner", "maintenance"], kinds);
        var fn = r.Notices.Single(n => n.Kind == "function");
        Assert.Equal(new SourcePosition("t.sql", 10, 1), fn.Position);
        Assert.Contains("and 2 more", fn.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Db2_style_keys_with_a_foreign_schema_qualifier_resolve_to_the_unique_table()
    {
        var g = Read("""
            CONNECT TO TPCD;
            CREATE TABLE REGION (R_REGIONKEY INTEGER NOT NULL, R_NAME CHAR(25));
            CREATE TABLE NATION (N_NATIONKEY INTEGER NOT NULL, N_REGIONKEY INTEGER NOT NULL);
            ALTER TABLE TPCD.REGION ADD PRIMARY KEY (R_REGIONKEY);
            ALTER TABLE TPCD.NATION ADD FOREIGN KEY NATION_FK1 (N_REGIONKEY) references TPCD.REGION;
            COMMIT WORK;
            """);
        var fk = g.Table("public", "nation").ForeignKeys.Single();
        Assert.Equal("nation_fk1", fk.Name);
        Assert.Equal(P("region"), fk.RefTable);
        Assert.Equal(["r_regionkey"], fk.RefColumns);
    }

    [Fact]
    public void A_qualifier_naming_a_schema_with_tables_does_not_fall_back()
    {
        var e = Assert.Throws<SchemaException>(() => Read("""
            CREATE TABLE s.a (id int PRIMARY KEY);
            CREATE TABLE b (id int PRIMARY KEY);
            CREATE TABLE c (x int REFERENCES s.b);
            """));
        Assert.Equal("foreign key references missing table s.b", e.Reason);
        Assert.Equal(new SourcePosition("t.sql", 3, 34), e.Position);
    }

    [Fact]
    public void Extension_types_are_read_as_other_with_a_notice()
    {
        var r = ReadResult("CREATE EXTENSION postgis;\nCREATE TABLE p (geom public.geometry(Point, 4326), v vector(3)[]);");
        var p = r.Graph.Table("public", "p");
        Assert.Equal(TypeKind.Other, p.Column("geom").Type.Kind);
        Assert.Equal(P("geometry"), p.Column("geom").Type.UserType);
        Assert.Equal(1, p.Column("v").Type.ArrayDims);
        Assert.Equal(2, r.Notices.Count(n => n.Kind == "type"));
    }

    [Fact]
    public void Builtin_types_without_a_kind_and_composite_types_are_other()
    {
        var r = ReadResult("CREATE TYPE pair AS (a int, b int);\nCREATE TABLE t (p point, r int4range, x pair, c \"char\");");
        var t = r.Graph.Table("public", "t");
        Assert.All(t.Columns, c => Assert.Equal(TypeKind.Other, c.Type.Kind));
        Assert.Equal(P("pair"), t.Column("x").Type.UserType);
    }

    [Fact]
    public void Exclude_is_kept_and_inherits_gives_a_notice()
    {
        var r = ReadResult("CREATE TABLE base (id int);\nCREATE TABLE b (r tsrange, EXCLUDE USING gist (r WITH &&)) INHERITS (base);");
        Assert.DoesNotContain(r.Notices, n => n.Kind == "exclude");
        var x = Assert.Single(r.Graph.Table("public", "b").Exclusions);
        Assert.Equal(new SourcePosition("t.sql", 2, 28), x.Position);
        Assert.Equal("gist", x.Method);
        Assert.Equal(("r", "r", "&&"), (x.Elements[0].Text, x.Elements[0].Column, x.Elements[0].Operator));
        Assert.Contains(r.Notices, n => n.Kind == "inherits");
        Assert.Single(r.Graph.Table("public", "b").Columns);
    }

    [Fact]
    public void Bom_crlf_and_unterminated_last_statement_are_fine()
    {
        var g = Read("\uFEFFCREATE TABLE a (id int);\r\nCREATE TABLE b (id int)");
        Assert.Equal(2, g.Tables.Count);
        Assert.Equal(new SourcePosition("t.sql", 2, 1), g.Table("public", "b").Position);
        Assert.Equal(new SourcePosition("t.sql", 1, 1), g.Table("public", "a").Position);
    }

    [Fact]
    public void String_forms_are_lexed_correctly()
    {
        var g = Read("""
            CREATE TABLE t (
                a text DEFAULT E'a\'b;c',
                b text DEFAULT U&'d\0061t\+000061',
                c text DEFAULT 'it''s; ok',
                d text DEFAULT $q$ it's $$ ; $q$,
                e bit(3) DEFAULT B'101'
            );
            """);
        var t = g.Table("public", "t");
        Assert.Equal(@"E'a\'b;c'", t.Column("a").Default);
        Assert.Equal("'it''s; ok'", t.Column("c").Default);
        Assert.Equal("$q$ it's $$ ; $q$", t.Column("d").Default);
        Assert.Equal("B'101'", t.Column("e").Default);
    }

    [Fact]
    public void Files_read_together_name_their_own_positions()
    {
        var dir = Directory.CreateTempSubdirectory("plurel-reader-");
        try
        {
            var a = Path.Combine(dir.FullName, "a.sql");
            var b = Path.Combine(dir.FullName, "b.sql");
            File.WriteAllText(a, "CREATE TABLE x (id int PRIMARY KEY);\n");
            File.WriteAllText(b, "\n\nCREATE TABLE y (x_id int REFERENCES x);\nCREATE TABLE z (q int REFERENCES nope);\n");
            var e = Assert.Throws<SchemaException>(() => PgDdlReader.ReadFiles([a, b]));
            Assert.Equal(new SourcePosition(b, 4, 34), e.Position);
            File.WriteAllText(b, "CREATE TABLE y (x_id int REFERENCES x);\n");
            var g = PgDdlReader.ReadFiles([a, b]).Graph;
            Assert.Equal(b, g.Table("public", "y").Position!.Value.File);
            Assert.Equal(["id"], g.Table("public", "y").ForeignKeys.Single().RefColumns);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Search_path_decides_where_unqualified_names_are_created_and_found()
    {
        var g = Read("""
            CREATE TYPE mood AS ENUM ('a', 'b');
            CREATE TABLE base (id int PRIMARY KEY);
            SET search_path TO app, public;
            CREATE TABLE t (id int PRIMARY KEY, m mood, b int REFERENCES base);
            CREATE TABLE u (t_id int REFERENCES t, id serial);
            CREATE INDEX u_idx ON u (t_id);
            SELECT pg_catalog.set_config('search_path', '', false);
            CREATE TABLE v (id int);
            """);
        Assert.Equal(["public.base", "app.t", "app.u", "public.v"], g.Tables.Select(t => t.Name.ToString()));
        var t = g.Table("app", "t");
        Assert.Equal(P("mood"), t.Column("m").Type.UserType);
        Assert.Equal(P("base"), t.ForeignKeys.Single().RefTable);
        Assert.Equal(new QualifiedName("app", "t"), g.Table("app", "u").ForeignKeys.Single().RefTable);
        Assert.Equal(new QualifiedName("app", "u"), g.Indexes.Single().Table);
        Assert.Equal(new QualifiedName("app", "u_id_seq"), g.Table("app", "u").Column("id").Sequence);
    }

    [Fact]
    public void Long_identifiers_are_truncated_like_postgres_and_serial_names_shortened()
    {
        var longTable = new string('t', 40);
        var longColumn = new string('c', 40);
        var g = Read($"CREATE TABLE {longTable}{new string('x', 30)} (id int);\nCREATE TABLE {longTable} ({longColumn} serial, other serial);");
        Assert.Equal(63, g.Tables[0].Name.Name.Length);
        var col = g.Table("public", longTable).Column(longColumn);
        // makeObjectName: 63 - len("_seq") - 1 = 58 characters for both parts, taken from the longer one first.
        Assert.Equal(new string('t', 29) + "_" + new string('c', 29) + "_seq", col.Sequence!.Value.Name);
        Assert.Equal(63, col.Sequence.Value.Name.Length);
        Assert.Equal(P(longTable + "_other_seq"), g.Table("public", longTable).Column("other").Sequence);
    }

    [Fact]
    public void Serial_name_clash_gets_a_numbered_label()
    {
        var g = Read("CREATE SEQUENCE t_id_seq;\nCREATE TABLE t (id serial);");
        Assert.Equal(P("t_id_seq1"), g.Table("public", "t").Column("id").Sequence);
        Assert.Equal("nextval('t_id_seq1'::regclass)", g.Table("public", "t").Column("id").Default);
    }

    [Fact]
    public void Unique_using_index_takes_the_index_columns()
    {
        var g = Read("""
            CREATE TABLE t (a int NOT NULL, b text);
            CREATE UNIQUE INDEX t_a_idx ON t USING btree (a DESC NULLS LAST);
            ALTER TABLE t ADD CONSTRAINT t_pkey PRIMARY KEY USING INDEX t_a_idx;
            CREATE TABLE r (a int REFERENCES t);
            """);
        Assert.Equal(["a"], g.Table("public", "t").PrimaryKey!.Columns);
        Assert.Empty(g.Indexes);
        Assert.Equal(["a"], g.Table("public", "r").ForeignKeys.Single().RefColumns);
    }

    [Fact]
    public void Foreign_key_to_a_unique_index_is_accepted()
    {
        var g = Read("""
            CREATE TABLE t (id int PRIMARY KEY, code text NOT NULL);
            CREATE UNIQUE INDEX t_code ON t (code);
            CREATE TABLE r (code text REFERENCES t (code));
            """);
        Assert.Equal(["code"], g.Table("public", "r").ForeignKeys.Single().RefColumns);
    }

    [Fact]
    public void Partitions_made_with_partition_of_inherit_not_null_from_the_parent_key()
    {
        var g = Read("""
            CREATE TABLE m (id int, at date, note text, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
            CREATE TABLE m1 PARTITION OF m FOR VALUES FROM (MINVALUE) TO ('2024-01-01');
            """);
        var m1 = g.Table("public", "m1");
        Assert.False(m1.Column("id").Nullable);
        Assert.False(m1.Column("at").Nullable);
        Assert.True(m1.Column("note").Nullable);
    }

    [Fact]
    public void Other_statement_forms_are_accepted()
    {
        var r = ReadResult("""
            CREATE UNLOGGED TABLE u (id int);
            CREATE TEMP TABLE tmp (id int);
            CREATE GLOBAL TEMPORARY TABLE g (id int) ON COMMIT DELETE ROWS;
            CREATE TYPE span AS RANGE (subtype = float8);
            CREATE TABLE t (id int PRIMARY KEY, s span, CONSTRAINT id_pos CHECK (id > 0) NO INHERIT) WITHOUT OIDS;
            ALTER INDEX t_pkey ATTACH PARTITION other_idx;
            ALTER TABLE t ALTER COLUMN id SET STATISTICS 100, ALTER COLUMN id DROP DEFAULT;
            ALTER TABLE t ADD COLUMN IF NOT EXISTS id int, ADD COLUMN extra numeric(3);
            ALTER TABLE t RENAME COLUMN extra TO extra2;
            ALTER TYPE span OWNER TO postgres;
            ALTER DOMAIN nothing_here OWNER TO postgres;
            ALTER TABLE t DROP COLUMN IF EXISTS nope, DROP CONSTRAINT IF EXISTS nope;
            REFRESH MATERIALIZED VIEW mv;
            VACUUM ANALYZE t;
            DROP TABLE IF EXISTS gone CASCADE;
            CREATE TABLE "select" ("from" int);
            """);
        var g = r.Graph;
        Assert.True(g.Table("public", "u").Unlogged);
        Assert.False(g.Table("public", "tmp").Unlogged);
        Assert.Equal(TypeKind.Other, g.Table("public", "t").Column("s").Type.Kind);
        Assert.Equal("id > 0", PredicateText.Show(g.Table("public", "t").Checks.Single().Predicate));
        Assert.Equal(TypeKind.Numeric, g.Table("public", "t").Column("extra").Type.Kind);
        Assert.Equal(["from"], g.Table("public", "select").Columns.Select(c => c.Name));
        var kinds = r.Notices.Select(n => n.Kind).ToHashSet();
        Assert.Superset(new HashSet<string> { "type", "alter-index", "alter-table", "rename", "owner", "refresh", "maintenance", "drop" }, kinds);
    }

    [Fact]
    public void Escape_strings_and_non_standard_strings_give_the_right_values()
    {
        var r = ReadResult("""
            CREATE TYPE e AS ENUM (E'a\'b', E'tab\there', E'\x41\101\u00e9', 'plain\');
            SET standard_conforming_strings = off;
            CREATE TYPE f AS ENUM ('it\'s', 'x''y');
            SET standard_conforming_strings TO on;
            CREATE TYPE g AS ENUM ('back\', U&'d\0061t\+000061\\');
            CREATE TABLE U&"\0041bc" (id int);
            \copy e_table from stdin
            this line is data; it'd break SQL
            \.
            """);
        Assert.Equal(["a'b", "tab\there", "AAé", "plain\\"], r.Graph.FindEnum(P("e"))!.Labels);
        Assert.Equal(["it's", "x'y"], r.Graph.FindEnum(P("f"))!.Labels);
        Assert.Equal(["back\\", "data\\"], r.Graph.FindEnum(P("g"))!.Labels);
        Assert.NotNull(r.Graph.FindTable(P("Abc")));
        Assert.Contains(r.Notices, n => n.Kind == "psql-command");
    }

    [Fact]
    public void Temporal_keys_of_postgres_18_are_read()
    {
        var g = Read("""
            CREATE TABLE room (id int, valid_at tstzrange, PRIMARY KEY (id, valid_at WITHOUT OVERLAPS));
            CREATE TABLE booking (room_id int, valid_at tstzrange,
                FOREIGN KEY (room_id, PERIOD valid_at) REFERENCES room (id, PERIOD valid_at));
            """);
        Assert.Equal(["id", "valid_at"], g.Table("public", "room").PrimaryKey!.Columns);
        var fk = g.Table("public", "booking").ForeignKeys.Single();
        Assert.Equal(["room_id", "valid_at"], fk.Columns);
        Assert.Equal(["id", "valid_at"], fk.RefColumns);
    }
}
