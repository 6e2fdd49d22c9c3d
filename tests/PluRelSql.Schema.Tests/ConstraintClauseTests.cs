using PluRelSql.Schema.Dialects;
using PluRelSql.Schema.Output;
using PluRelSql.Schema.Postgres;

namespace PluRelSql.Schema.Tests;

/// <summary>EXCLUDE, UNIQUE NULLS NOT DISTINCT, INCLUDE, DEFERRABLE, MATCH FULL and CHECK … NO INHERIT are read into
/// the model and written back as written; T-SQL conversion warns about what it cannot hold.</summary>
public sealed class ConstraintClauseTests
{
    private const string Ddl = """
        CREATE EXTENSION IF NOT EXISTS btree_gist;
        CREATE TABLE room (
            id int PRIMARY KEY,
            code text UNIQUE NULLS NOT DISTINCT,
            alt int UNIQUE DEFERRABLE INITIALLY DEFERRED
        );
        CREATE TABLE booking (
            id int,
            room_id int,
            room_code text,
            during tsrange,
            note text,
            qty int CHECK (qty > 0) NO INHERIT,
            CONSTRAINT booking_pk PRIMARY KEY (id) INCLUDE (note),
            CONSTRAINT booking_u UNIQUE NULLS NOT DISTINCT (room_id, note) DEFERRABLE,
            CONSTRAINT booking_room FOREIGN KEY (room_id, room_code) REFERENCES other (a, b) MATCH FULL ON DELETE CASCADE,
            CONSTRAINT no_overlap EXCLUDE USING gist (room_id WITH =, during WITH &&) WHERE (note IS NOT NULL) DEFERRABLE INITIALLY DEFERRED,
            CONSTRAINT same_code EXCLUDE (lower(room_code) WITH =) INCLUDE (qty),
            CONSTRAINT note_ok CHECK (note <> '') NO INHERIT
        );
        CREATE TABLE other (a int, b text, PRIMARY KEY (a, b));
        """;

    private static SchemaGraph Graph() => PgDdlReader.Read(Ddl, "c.sql").Graph;

    [Fact]
    public void Every_clause_is_read_into_the_model()
    {
        var g = Graph();
        var room = g.Table("public", "room");
        Assert.True(room.Uniques.Single(u => u.Columns[0] == "code").NullsNotDistinct);
        var alt = room.Uniques.Single(u => u.Columns[0] == "alt");
        Assert.True(alt.Deferrable && alt.InitiallyDeferred && !alt.NullsNotDistinct);

        var b = g.Table("public", "booking");
        Assert.Equal(["note"], b.PrimaryKey!.Include);
        var u = b.Uniques.Single();
        Assert.True(u.NullsNotDistinct && u.Deferrable && !u.InitiallyDeferred);
        Assert.Equal(ForeignKeyMatch.Full, b.ForeignKeys.Single().Match);
        Assert.All(b.Checks, c => Assert.True(c.NoInherit));

        var x = b.Exclusions.Single(e => e.Name == "no_overlap");
        Assert.Equal("gist", x.Method);
        Assert.Equal(["room_id", "during"], x.Elements.Select(e => e.Column));
        Assert.Equal(["=", "&&"], x.Elements.Select(e => e.Operator));
        Assert.Equal("note IS NOT NULL", x.Where);
        Assert.True(x.Deferrable && x.InitiallyDeferred);
        Assert.Null(x.EqualityColumns());
        Assert.Equal(new SourcePosition("c.sql", 17, 5), x.Position);

        var y = b.Exclusions.Single(e => e.Name == "same_code");
        Assert.Null(y.Method);
        Assert.Null(y.Elements[0].Column);
        Assert.Equal("lower(room_code)", y.Elements[0].Text);
        Assert.Equal(["qty"], y.Include);
    }

    [Fact]
    public void The_postgres_writer_emits_each_clause_as_written()
    {
        var post = PgDdlWriter.PostData(Graph());
        Assert.Contains("ALTER TABLE public.room ADD UNIQUE NULLS NOT DISTINCT (code)", post);
        Assert.Contains("ALTER TABLE public.room ADD UNIQUE (alt) DEFERRABLE INITIALLY DEFERRED", post);
        Assert.Contains("ALTER TABLE public.booking ADD CONSTRAINT booking_pk PRIMARY KEY (id) INCLUDE (note)", post);
        Assert.Contains("ALTER TABLE public.booking ADD CONSTRAINT booking_u UNIQUE NULLS NOT DISTINCT (room_id, note) DEFERRABLE", post);
        Assert.Contains("ALTER TABLE public.booking ADD CONSTRAINT booking_room FOREIGN KEY (room_id, room_code) REFERENCES public.other (a, b) MATCH FULL ON DELETE CASCADE", post);
        Assert.Contains("ALTER TABLE public.booking ADD CHECK (qty > 0) NO INHERIT", post);
        Assert.Contains("ALTER TABLE public.booking ADD CONSTRAINT note_ok CHECK (note <> '') NO INHERIT", post);
        Assert.Contains("ALTER TABLE public.booking ADD CONSTRAINT no_overlap EXCLUDE USING gist (room_id WITH =, during WITH &&) WHERE (note IS NOT NULL) DEFERRABLE INITIALLY DEFERRED", post);
        Assert.Contains("ALTER TABLE public.booking ADD CONSTRAINT same_code EXCLUDE (lower(room_code) WITH =) INCLUDE (qty)", post);
    }

    [Fact]
    public void Written_ddl_reads_back_to_the_same_clauses()
    {
        var script = PgDdlWriter.Script(Graph());
        var again = PgDdlReader.Read(script, "again.sql").Graph;
        Assert.Equal(PgDdlWriter.PostData(Graph()), PgDdlWriter.PostData(again));
    }

    [Fact]
    public void Alter_table_add_exclude_is_kept()
    {
        var g = PgDdlReader.Read("CREATE TABLE t (a int, b int);\nALTER TABLE t ADD CONSTRAINT ex EXCLUDE USING btree (a WITH =, b WITH =);", "a.sql").Graph;
        Assert.Equal(["a", "b"], g.Table("public", "t").Exclusions.Single().EqualityColumns());
    }

    [Fact]
    public void An_exclusion_over_a_missing_column_is_an_error()
    {
        var e = Assert.Throws<SchemaException>(() => PgDdlReader.Read("CREATE TABLE t (a int,\n  EXCLUDE (nope WITH =));", "m.sql"));
        Assert.Equal(new SourcePosition("m.sql", 2, 12), e.Position);
    }

    [Fact]
    public void Converting_to_tsql_warns_about_every_clause_it_cannot_hold()
    {
        var conv = DialectConverter.Convert(Graph(), SqlDialect.TSql);
        string Text(ConversionWarning w) => w.Subject + ": " + w.Message;
        var warnings = conv.Warnings.Select(Text).ToList();
        Assert.Contains(warnings, w => w.Contains("exclusion constraint no_overlap", StringComparison.Ordinal) && w.Contains("EXCLUDE USING gist", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("exclusion constraint same_code", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("booking_room", StringComparison.Ordinal) && w.Contains("MATCH FULL", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("booking_pk", StringComparison.Ordinal) && w.Contains("INCLUDE (note)", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("booking_u", StringComparison.Ordinal) && w.Contains("DEFERRABLE", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("note_ok", StringComparison.Ordinal) && w.Contains("NO INHERIT", StringComparison.Ordinal));
        var booking = conv.Graph.Tables.Single(t => t.Name.Name == "booking");
        Assert.Empty(booking.Exclusions);
        Assert.Equal(ForeignKeyMatch.Simple, booking.ForeignKeys.Single().Match);
        // What T-SQL cannot hold is a warning, not silently kept in DDL it cannot run.
        var script = string.Join("\n", TSqlDdlWriter.PostData(conv.Graph));
        Assert.DoesNotContain("EXCLUDE", script, StringComparison.Ordinal);
        Assert.DoesNotContain("INCLUDE", script, StringComparison.Ordinal);
    }

    // ---- malformed CHECKs are errors when reading ----

    private static void Malformed(string sql, int line, int col, string fragment)
    {
        var e = Assert.Throws<SchemaException>(() => PgDdlReader.Read(sql, "bad.sql"));
        Assert.Equal(new SourcePosition("bad.sql", line, col), e.Position);
        Assert.StartsWith($"bad.sql:{line}:{col}: malformed CHECK expression", e.Message, StringComparison.Ordinal);
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_check_ending_in_an_operator_is_an_error_at_the_closing_parenthesis() =>
        Malformed("CREATE TABLE t (\n  x int CHECK (x >)\n);", 2, 19, "unexpected end of the expression (expected an operand)");

    [Fact]
    public void A_table_check_with_two_operators_in_a_row_is_an_error() =>
        Malformed("CREATE TABLE t (x int, CONSTRAINT c CHECK (x > AND x < 3));", 1, 48, "unexpected 'AND'");

    [Fact]
    public void A_check_with_two_operands_in_a_row_is_an_error() =>
        Malformed("CREATE TABLE t (x int, y int, CHECK (x > 1 y));", 1, 44, "unexpected 'y'");

    [Fact]
    public void A_domain_check_and_an_alter_table_check_are_checked_too()
    {
        Malformed("CREATE DOMAIN d AS int CHECK (VALUE IN ());", 1, 41, "expected an operand");
        Malformed("CREATE TABLE t (x int);\nALTER TABLE t ADD CHECK (x BETWEEN 1 AND);", 2, 41, "end of the expression");
        Malformed("CREATE DOMAIN d AS int;\nALTER DOMAIN d ADD CHECK (CASE WHEN VALUE > 0 THEN true);", 2, 56, "expected END");
    }

    [Theory]
    [InlineData("x > 0 AND x <> ALL (ARRAY[1, 2]) AND x::numeric(10,2) >= 0.5")]
    [InlineData("(s)::text ~ '^[a-z]+$'::text AND s IS NOT NULL AND s NOT LIKE 'x%' ESCAPE '!'")]
    [InlineData("d BETWEEN SYMMETRIC date '2020-01-01' AND CURRENT_DATE + interval '1' day")]
    [InlineData("CASE WHEN x > 0 THEN s IS DISTINCT FROM 'a' ELSE NOT (x IS NULL) END")]
    [InlineData("char_length(s) <= 10 AND position('a' IN s) = 0 AND extract(year FROM d) > 2000")]
    [InlineData("ts AT TIME ZONE 'UTC' > '2020-01-01'::timestamp without time zone AND s COLLATE \"C\" > 'a'")]
    [InlineData("x = ANY ('{1,2}'::integer[]) AND (x, x) OVERLAPS (x, x) AND -x < +x AND x % 2 = 0 AND s IN ('a', 'b')")]
    [InlineData("j ->> 'a' IS NOT NULL AND j @> '{}'::jsonb AND x::double precision > 0 AND s IS NOT NORMALIZED")]
    public void Well_formed_checks_beyond_the_generator_still_read(string check)
    {
        var g = PgDdlReader.Read($"CREATE TABLE t (x int, s text, d date, ts timestamptz, j jsonb, CHECK ({check}));", "ok.sql").Graph;
        Assert.Equal(check, g.Table("public", "t").Checks.Single().Expression);
    }
}
