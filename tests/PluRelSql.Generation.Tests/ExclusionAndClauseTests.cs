using PluRelSql.Schema;
using PluRelSql.Schema.Postgres;
using PluRelSql.Schema.TSql;
using static PluRelSql.Generation.Tests.S;

namespace PluRelSql.Generation.Tests;

/// <summary>Rows honour EXCLUDE, MATCH FULL and UNIQUE NULLS NOT DISTINCT; a schema the generator cannot satisfy is a
/// SchemaException (exit 2) naming table, column and file:line:col, raised while planning — before any load.</summary>
public sealed class ExclusionAndClauseTests
{
    private static SchemaGraph Pg(string ddl) => PgDdlReader.Read(ddl, "x.sql").Graph;

    private static IndependentValueGenerator Gen(SchemaGraph g, long rows, double nullRate = 0.2) => S.Gen(g, rows, nullRate: nullRate);

    [Fact]
    public void An_equality_exclusion_is_a_unique_key()
    {
        // 30 × 40 = 1200 combinations for 1000 rows: independent draws would repeat pairs many times.
        var g = Pg("""
            CREATE TABLE slot (a smallint NOT NULL CHECK (a BETWEEN 1 AND 30), b int NOT NULL CHECK (b BETWEEN 1 AND 40), note text,
              CONSTRAINT one_per_ab EXCLUDE USING btree (a WITH =, b WITH =));
            """);
        var t = g.Table("public", "slot");
        var rows = All(Gen(g, 1000), t);
        Assert.Equal(1000, Tuples(rows, "a", "b").Distinct().Count());
        // The planner knows the key's capacity too: it refuses more rows, or fits them when asked.
        Assert.Throws<RowCountException>(() => GenerationPlanner.Create(g, new GenerationOptions { DefaultRows = 5000 }));
        Assert.Equal(1200, GenerationPlanner.Create(g, new GenerationOptions { DefaultRows = 5000, FitRows = true }).Rows(t));
    }

    [Fact]
    public void A_range_exclusion_with_an_equality_element_keeps_each_equality_group_to_one_row()
    {
        // room WITH = and tags WITH && (array overlap): rows of distinct rooms never conflict, whatever their tags.
        var g = Pg("CREATE TABLE booking (id int PRIMARY KEY, room int NOT NULL, tags int[] NOT NULL,\n" +
                   "  EXCLUDE USING gist (room WITH =, tags WITH &&));");
        var rows = All(Gen(g, 2000), g.Table("public", "booking"));
        Assert.DoesNotContain(null, rows["tags"]);
        Assert.Equal(2000, rows["room"].Select(Canon).Distinct().Count());
    }

    [Fact]
    public void A_range_exclusion_over_a_nullable_range_column_is_met_by_its_nulls()
    {
        // tsrange cannot be generated: a nullable one is loaded NULL, and NULL never overlaps, so rooms may repeat.
        var g = Pg("CREATE TABLE booking (room int NOT NULL CHECK (room BETWEEN 1 AND 5), during tsrange,\n" +
                   "  EXCLUDE USING gist (room WITH =, during WITH &&));");
        var rows = All(Gen(g, 500), g.Table("public", "booking"));
        Assert.Equal(500, rows["room"].Count);
        Assert.All(rows["during"], Assert.Null);
    }

    [Fact]
    public void An_exclusion_without_an_equality_element_is_refused_before_loading()
    {
        var g = Pg("CREATE TABLE t (id int PRIMARY KEY, tags int[] NOT NULL,\n  CONSTRAINT no_shared_tag EXCLUDE USING gist (tags WITH &&));");
        var e = Assert.Throws<SchemaException>(() => Gen(g, 10));
        Assert.Equal(new SourcePosition("x.sql", 2, 3), e.Position);
        Assert.Contains("public.t: exclusion constraint no_shared_tag (EXCLUDE USING gist (tags WITH &&))", e.Message, StringComparison.Ordinal);
        // One row cannot conflict with another.
        Assert.Single(All(Gen(g, 1), g.Table("public", "t"))["tags"]);
    }

    [Fact]
    public void Match_full_keys_are_all_null_or_all_set_even_when_they_share_a_column_with_another_key()
    {
        var g = Pg("""
            CREATE TABLE p1 (id int PRIMARY KEY);
            CREATE TABLE p2 (x int, y int, PRIMARY KEY (x, y));
            CREATE TABLE c (id int PRIMARY KEY, a int REFERENCES p1, b int,
              FOREIGN KEY (a, b) REFERENCES p2 (x, y) MATCH FULL);
            CREATE TABLE d (id int PRIMARY KEY, a int, b int, FOREIGN KEY (a, b) REFERENCES p2 MATCH FULL);
            """);
        var gen = Gen(g, 3000, nullRate: 0.3);
        foreach (var name in new[] { "c", "d" })
        {
            var pairs = Tuples(All(gen, g.Table("public", name)), "a", "b");
            Assert.All(pairs, p => Assert.True(!p.Contains('∅') || p == "∅|∅", $"{name}: {p}"));
            Assert.Contains(pairs, p => !p.Contains('∅'));
        }
        Assert.Contains(Tuples(All(gen, g.Table("public", "d")), "a", "b"), p => p == "∅|∅");
    }

    [Fact]
    public void Unique_nulls_not_distinct_allows_at_most_one_null_key()
    {
        var g = Pg("""
            CREATE TABLE parent (id int PRIMARY KEY);
            CREATE TABLE child (id int PRIMARY KEY, parent_id int REFERENCES parent, code text,
              UNIQUE NULLS NOT DISTINCT (parent_id), UNIQUE NULLS NOT DISTINCT (code));
            """);
        var gen = S.Gen(g, 2000, nullRate: 0.5, tableRows: new Dictionary<string, long> { ["parent"] = 3000 });
        var rows = All(gen, g.Table("public", "child"));
        Assert.True(rows["parent_id"].Count(v => v is null) <= 1);
        Assert.True(rows["code"].Count(v => v is null) <= 1);
        Assert.Equal(2000, rows["parent_id"].Select(Canon).Distinct().Count());
    }

    // ---- item 7: CHECKs and types the generator cannot satisfy ----

    private static SchemaException Refused(string ddl, long rows = 100) =>
        Assert.Throws<SchemaException>(() => Gen(Pg(ddl), rows));

    [Fact]
    public void A_contradictory_check_is_an_error_at_the_check()
    {
        var e = Refused("CREATE TABLE t (id int PRIMARY KEY,\n  x int CHECK (x > 5 AND x < 3));");
        Assert.Equal(new SourcePosition("x.sql", 2, 9), e.Position);
        Assert.StartsWith("x.sql:2:9: public.t.x: the CHECK / partition bounds leave no integer value", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_contradictory_check_on_a_key_column_is_an_error_at_the_check()
    {
        var e = Refused("CREATE TABLE t (id int PRIMARY KEY,\n  CONSTRAINT id_range CHECK (id > 5 AND id < 3));");
        Assert.Equal(new SourcePosition("x.sql", 2, 3), e.Position);
        Assert.Contains("public.t.id: the CHECK bounds leave no integer value", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_contradictory_tsql_check_is_an_error_at_the_check()
    {
        var g = TSqlDdlReader.Read("CREATE TABLE [dbo].[t] ([id] int NOT NULL PRIMARY KEY,\n  [x] int NULL CHECK ([x] > 5 AND [x] < 3));", "x.sql").Graph;
        var e = Assert.Throws<SchemaException>(() => Gen(g, 10));
        Assert.Equal("x.sql", e.Position!.Value.File);
        Assert.Equal(2, e.Position.Value.Line);
        Assert.Contains("dbo.t.x", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_numeric_check_beyond_the_precision_is_an_error() =>
        Assert.Contains("public.t.x: the CHECK / partition bounds leave no numeric(3,0) value",
            Refused("CREATE TABLE t (x numeric(3,0) CHECK (x > 1000));").Message, StringComparison.Ordinal);

    [Fact]
    public void A_length_check_beyond_the_varchar_length_is_an_error()
    {
        var e = Refused("CREATE TABLE t (\n  x varchar(2) CHECK (length(x) > 5));");
        Assert.Equal(new SourcePosition("x.sql", 2, 16), e.Position);
        Assert.Contains("public.t.x: CHECK length bounds (6..2) leave no character varying(2) value", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_enum_check_excluding_every_label_is_an_error() =>
        Assert.Contains("public.t.m: CHECK allows no mood value",
            Refused("CREATE TYPE mood AS ENUM ('a', 'b');\nCREATE TABLE t (m mood CHECK (m NOT IN ('a', 'b')));").Message, StringComparison.Ordinal);

    [Fact]
    public void A_date_check_beyond_the_type_range_is_an_error()
    {
        var e = Refused("CREATE TABLE t (d date CHECK (d > '9999-12-31'));");
        Assert.Equal(new SourcePosition("x.sql", 1, 24), e.Position);
        Assert.Contains("public.t.d: the CHECK / partition bounds leave no date value", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_integer_check_beyond_the_type_range_is_an_error() =>
        Assert.Contains("public.t.s: the CHECK / partition bounds leave no smallint value",
            Refused("CREATE TABLE t (s smallint CHECK (s > 40000));").Message, StringComparison.Ordinal);

    [Fact]
    public void A_foreign_key_to_a_generated_column_is_an_error_at_that_column()
    {
        var e = Refused("CREATE TABLE p (a int PRIMARY KEY,\n  g int GENERATED ALWAYS AS (a * 2) STORED UNIQUE);\n" +
                        "CREATE TABLE c (id int PRIMARY KEY, x int NOT NULL REFERENCES p (g));");
        Assert.Equal(new SourcePosition("x.sql", 2, 3), e.Position);
        Assert.Contains("public.p.g is referenced by a foreign key but is computed by the server", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cross_column_check_no_row_can_meet_is_an_error_before_loading()
    {
        var e = Refused("CREATE TABLE t (id int PRIMARY KEY, a int NOT NULL, b int NOT NULL,\n  CONSTRAINT ab CHECK (a > b AND b > a));");
        Assert.Equal(new SourcePosition("x.sql", 2, 3), e.Position);
        Assert.Contains("cannot satisfy CHECK ab", e.Message, StringComparison.Ordinal);
    }
}
