using PluRelSql.Schema.Output;

namespace PluRelSql.Schema.Tests.Output;

public sealed class CheckTextTests
{
    // Left: as a DDL file writes it. Right: what PostgreSQL 15's pg_get_constraintdef printed for it.
    [Theory]
    [InlineData("price >= 0", "CHECK ((price >= (0)::numeric))")]
    [InlineData("rating IN ('G','PG','PG-13')",
        "(((rating)::text = ANY ((ARRAY['G'::character varying, 'PG'::character varying, 'PG-13'::character varying])::text[])))")]
    [InlineData("code NOT IN ('XXX', 'YYY')", "((code <> ALL (ARRAY['XXX'::bpchar, 'YYY'::bpchar])))")]
    [InlineData("qty BETWEEN 1 AND 5", "(((qty >= 1) AND (qty <= 5)))")]
    [InlineData("d > '2000-01-01'", "((d > '2000-01-01'::date))")]
    [InlineData("ts < '2100-01-01 00:00:00'", "((ts < '2100-01-01 00:00:00'::timestamp(3) without time zone))")]
    [InlineData("s <> 'Bad Value' and length(s) < 10", "(((s <> 'Bad Value'::text) AND (length(s) < 10)))")]
    [InlineData("x != 3 OR x IS NULL", "(((x <> 3) OR (x IS NULL)))")]
    [InlineData("\"MixedCol\" > 0", "((\"MixedCol\" > 0))")]
    [InlineData("\"plain\" > 0", "((plain > 0))")]
    [InlineData("f > 1.5", "((f > (1.5)::double precision))")]
    [InlineData("n::numeric(10,2) > 0", "(((n)::numeric(10,2) > (0)::numeric))")]
    [InlineData("(f IS NULL) OR (f LIKE '%Trailers%')", "((f IS NULL) OR ((f)::text ~~ '%Trailers%'::text))")]
    [InlineData("f NOT LIKE 'a%'", "((f)::text !~~ 'a%'::text)")]
    public void File_text_and_catalog_text_normalize_the_same(string file, string catalog)
    {
        Assert.Equal(CheckText.Normalize(file), CheckText.Normalize(catalog));
    }

    [Theory]
    [InlineData("s <> 'Bad Value'", "s <> 'bad value'")] // literals keep their case
    [InlineData("\"MixedCol\" > 0", "mixedcol > 0")] // quoted identifiers keep theirs
    [InlineData("qty BETWEEN 1 AND 5", "qty BETWEEN 1 AND 6")]
    [InlineData("qty NOT BETWEEN 1 AND 5", "qty BETWEEN 1 AND 5")]
    [InlineData("a > b::integer AND c > 0", "a > b AND d > 0")] // a cast never swallows what follows it
    public void Different_checks_stay_different(string a, string b)
    {
        Assert.NotEqual(CheckText.Normalize(a), CheckText.Normalize(b));
    }

    [Fact]
    public void Normalized_text_drops_spacing_parentheses_and_casts()
    {
        Assert.Equal("a>0andb<'X y'", CheckText.Normalize("(A > (0)::bigint) AND (b < 'X y'::character varying)"));
        Assert.Equal("value~'^[0-9]{5}$'", CheckText.Normalize("VALUE ~ '^[0-9]{5}$'::text"));
    }

    [Fact]
    public void Predicate_key_ignores_term_order_nesting_and_operand_side()
    {
        CheckPredicate Cmp(string col, CompareOp op, decimal v) =>
            new ComparePredicate(new ColumnOperand(col), op, new ConstOperand(new NumberValue(v)));
        var a = new AndPredicate([Cmp("x", CompareOp.Ge, 1), new AndPredicate([Cmp("y", CompareOp.Lt, 2.50m), Cmp("x", CompareOp.Le, 9)])]);
        var b = new AndPredicate(
        [
            new BetweenPredicate(new ColumnOperand("x"), new ConstOperand(new NumberValue(1)), new ConstOperand(new NumberValue(9)), false),
            new ComparePredicate(new ConstOperand(new NumberValue(2.5m)), CompareOp.Gt, new ColumnOperand("y")),
        ]);
        Assert.Equal(CheckText.PredicateKey(a), CheckText.PredicateKey(b));

        var notIn = new NotPredicate(new InPredicate(new ColumnOperand("r"), [new StringValue("G")], false));
        Assert.Equal(CheckText.PredicateKey(new ComparePredicate(new ColumnOperand("r"), CompareOp.Ne, new ConstOperand(new StringValue("G")))),
            CheckText.PredicateKey(notIn));

        Assert.NotEqual(CheckText.PredicateKey(Cmp("x", CompareOp.Ge, 1)), CheckText.PredicateKey(Cmp("x", CompareOp.Gt, 1)));
        Assert.NotEqual(CheckText.PredicateKey(new AndPredicate([Cmp("x", CompareOp.Ge, 1), Cmp("y", CompareOp.Ge, 1)])),
            CheckText.PredicateKey(new OrPredicate([Cmp("x", CompareOp.Ge, 1), Cmp("y", CompareOp.Ge, 1)])));
    }
}
