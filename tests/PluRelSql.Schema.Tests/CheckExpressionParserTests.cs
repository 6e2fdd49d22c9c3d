using PluRelSql.Schema.Dialects;
using PluRelSql.Schema.Postgres;

namespace PluRelSql.Schema.Tests;

public sealed class CheckExpressionParserTests
{
    [Theory]
    [InlineData("a > 0", "a > 0")]
    [InlineData("a >= -5", "a >= -5")]
    [InlineData("a <> b", "a <> b")]
    [InlineData("a != 'x'", "a <> 'x'")]
    [InlineData("0 < a", "0 < a")]
    [InlineData("price <= 99.95", "price <= 99.95")]
    [InlineData("\"Qty\" = 1", "Qty = 1")]
    [InlineData("VALUE >= 1901", "VALUE >= 1901")]
    [InlineData("((VALUE >= 1901) AND (VALUE <= 2155))", "and(VALUE >= 1901, VALUE <= 2155)")]
    [InlineData("a BETWEEN 1 AND 10", "a between 1 and 10")]
    [InlineData("a NOT BETWEEN 1 AND 10 AND b > 0", "and(a not between 1 and 10, b > 0)")]
    [InlineData("status IN ('new', 'done')", "status in ('new', 'done')")]
    [InlineData("status NOT IN (1, 2, 3)", "status not in (1, 2, 3)")]
    [InlineData("((rating)::text = ANY ((ARRAY['G'::character varying, 'PG'::character varying, 'NC-17'::character varying])::text[]))", "rating in ('G', 'PG', 'NC-17')")]
    [InlineData("(kind <> ALL (ARRAY[1, 2]))", "kind not in (1, 2)")]
    [InlineData("k = ANY ('{a,\"b c\",NULL}'::text[])", "k in ('a', 'b c', NULL)")]
    [InlineData("k = ANY ('{1,2}'::integer[])", "k in (1, 2)")]
    [InlineData("length(code) = 5", "length(code) = 5")]
    [InlineData("(char_length((name)::text) > 0)", "length(name) > 0")]
    [InlineData("octet_length(b) < 100", "length(b) < 100")]
    [InlineData("a IS NULL OR a > 0", "or(a is null, a > 0)")]
    [InlineData("a IS NOT NULL", "a is not null")]
    [InlineData("NOT (a = 1)", "not(a = 1)")]
    [InlineData("NOT a = 1 AND b = 2", "and(not(a = 1), b = 2)")]
    [InlineData("a = 1 OR b = 2 AND c = 3", "or(a = 1, and(b = 2, c = 3))")]
    [InlineData("(((a = 1) OR (b = 2)) OR (c = 3))", "or(a = 1, b = 2, c = 3)")]
    [InlineData("(amount >= (0)::numeric)", "amount >= 0")]
    [InlineData("CAST(a AS integer) > CAST('3' AS integer)", "a > '3'")]
    [InlineData("d >= '2020-01-01'::date", "d >= '2020-01-01'")]
    [InlineData("d < '2020-01-01'::timestamp without time zone", "d < '2020-01-01'")]
    [InlineData("flag = true", "flag = true")]
    [InlineData("x > (- 1)", "x > -1")]
    [InlineData("start_date <= end_date", "start_date <= end_date")]
    public void Simple_forms_parse(string expression, string expected) =>
        Assert.Equal(expected, PredicateText.Show(CheckExpressionParser.TryParse(expression)));

    [Theory]
    [InlineData("")]
    [InlineData("a ~ '^x'")]
    [InlineData("a + b > 0")]
    [InlineData("lower(a) = a")]
    [InlineData("active")]
    [InlineData("a > 0 AND")]
    [InlineData("a IN (SELECT 1)")]
    [InlineData("t.a > 0")]
    [InlineData("a > 0)")]
    [InlineData("(a > 0")]
    [InlineData("a LIKE 'x%' ESCAPE '!'")]
    [InlineData("a ~ '^x+$'")]
    [InlineData("lower(a) LIKE 'x%'")]
    [InlineData("length(a || b) > 1")]
    [InlineData("'unterminated")]
    [InlineData("a = ANY (b)")]
    [InlineData("a < ANY (ARRAY[1])")]
    [InlineData("a BETWEEN SYMMETRIC 1 AND 2")]
    public void Other_forms_give_null(string expression) =>
        Assert.Null(CheckExpressionParser.TryParse(expression));

    [Theory]
    [InlineData("a LIKE 'x%'", "x%", false)]
    [InlineData("a NOT LIKE 'x\\_y'", "x[_]y", true)]
    [InlineData("(a)::text ~~ '%Trailers%'::text", "%Trailers%", false)]
    [InlineData("a !~~ 'b_'", "b_", true)]
    [InlineData("(a)::text ~ '^[0-9][A-Z]-.*$'::text", "[0-9][A-Z]-%", false)]
    [InlineData("a !~ '^\\[x.$'", "[[]x_", true)]
    public void Like_and_like_shaped_regular_expressions_are_patterns(string expression, string pattern, bool negated)
    {
        var like = Assert.IsType<LikePredicate>(CheckExpressionParser.TryParse(expression));
        Assert.Equal("a", like.Column);
        Assert.Equal(pattern, like.Pattern.ToString());
        Assert.Equal(negated, like.Negated);
    }

    [Fact]
    public void Deep_nesting_gives_null_instead_of_overflowing_the_stack()
    {
        var deep = new string('(', 20_000) + "a > 0" + new string(')', 20_000);
        Assert.Null(CheckExpressionParser.TryParse(deep));
        var fine = new string('(', 20) + "a > 0" + new string(')', 20);
        Assert.Equal("a > 0", PredicateText.Show(CheckExpressionParser.TryParse(fine)));
    }

    [Fact]
    public void Columns_lists_what_the_predicate_mentions()
    {
        var p = CheckExpressionParser.TryParse("a > b AND length(c) < 3 AND d IS NOT NULL")!;
        Assert.Equal(["a", "b", "c", "d"], p.Columns());
    }

    [Fact]
    public void A_table_check_keeps_a_column_named_value()
    {
        var g = PgDdlReader.Read("CREATE TABLE t (value int CHECK (value > 0));", "t.sql").Graph;
        Assert.Equal("value > 0", PredicateText.Show(g.Table("public", "t").Checks.Single().Predicate));
    }

    [Fact]
    public void Pg_dump_check_in_a_table_is_parsed()
    {
        var g = PgDdlReader.Read("""
            CREATE TABLE film (rating character varying(5),
                CONSTRAINT film_rating_check CHECK (((rating)::text = ANY ((ARRAY['G'::character varying, 'PG'::character varying])::text[]))));
            """, "t.sql").Graph;
        var chk = g.Table("public", "film").Checks.Single();
        Assert.Equal("film_rating_check", chk.Name);
        Assert.Equal("((rating)::text = ANY ((ARRAY['G'::character varying, 'PG'::character varying])::text[]))", chk.Expression);
        Assert.Equal("rating in ('G', 'PG')", PredicateText.Show(chk.Predicate));
    }

    // One reader serves both CHECK predicates and translation; where the two used to disagree, each keeps what it did.
    [Theory]
    [InlineData("flag IS TRUE", "null")]
    [InlineData("a.b > 0", "null")]
    [InlineData("d > date '2020-01-01'", "null")]
    [InlineData("x > -(5)", "null")]
    [InlineData("x > - -5", "null")]
    [InlineData("x > -5::numeric(3,0)", "x > -5")]
    [InlineData("flag = 't'::boolean", "flag = 't'")]
    [InlineData("b <> '\\x01'::bytea", "b <> '\\x01'")]
    [InlineData("ip <> '0.0.0.0'::inet", "ip <> '0.0.0.0'")]
    [InlineData("a::my_enum = 'x'", "a = 'x'")]
    [InlineData("pg_catalog.length(a) > 1", "null")]
    [InlineData("current_time > a", "null")]
    [InlineData("d > '2020-01-01'::timestamp(3) without time zone", "null")]
    [InlineData("d > '2020-01-01'::timestamp(3)", "d > '2020-01-01'")]
    public void Forms_the_translator_reads_differently_keep_their_predicates(string expression, string expected) =>
        Assert.Equal(expected, PredicateText.Show(CheckExpressionParser.TryParse(expression)));

    [Theory]
    [InlineData("k = ANY ('{1,2}'::integer[])", "an array other than ARRAY[…] is not translated", true)]
    [InlineData("a::my_enum = 'x'", "cast to public.my_enum is not translated", true)]
    [InlineData("a::my_enum = 'x' AND b ILIKE 'y'", "cast to public.my_enum is not translated", false)]
    public void What_reads_as_a_check_form_but_has_no_counterpart_is_still_refused(string expression, string reason, bool form)
    {
        Assert.Equal(form, CheckExpressionParser.TryParse(expression) is not null);
        var e = Assert.Throws<UntranslatableException>(() => PgExpressions.Read(expression, _ => null));
        Assert.Equal(reason, e.Message);
    }
}
