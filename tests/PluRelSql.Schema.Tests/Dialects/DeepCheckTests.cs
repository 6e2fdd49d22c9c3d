using PluRelSql.Schema.Dialects;
using PluRelSql.Schema.Output;
using PluRelSql.Schema.Postgres;
using PluRelSql.Schema.Tests.TSql;
using PluRelSql.Schema.TSql;

namespace PluRelSql.Schema.Tests.Dialects;

/// <summary>Long AND / OR chains and deep parentheses in a CHECK, through both readers, the conversion both ways and
/// both DDL writers, on a 1 MiB stack (less than any thread the CLI works on). The fuzzer once crashed the test host
/// with ~930 chained ANDs in a T-SQL CHECK converted to PostgreSQL: the writer recursed once per operand. A CHECK
/// nested up to <see cref="ExprDepth.Max"/> levels (a chain of n terms nests n + 1) goes through; beyond, the converter leaves it out with a warning at its
/// position, and nesting beyond the readers' limits is a SchemaException at file:line:col — never a stack overflow.</summary>
public sealed class DeepCheckTests
{
    private const string File = "deep.sql";

    private static string Chain(string op, int n) =>
        string.Join($" {op} ", Enumerable.Repeat(op == "AND" ? "a > 0" : "a = 1", n));

    private static string TSqlTable(string condition) => $"CREATE TABLE t (a int, CONSTRAINT ck CHECK ({condition}));";

    private static string PgTable(string condition) => $"CREATE TABLE t (a integer, CONSTRAINT ck CHECK ({condition}));";

    private static (string, int) Terms(CheckPredicate? p) => p switch
    {
        AndPredicate a => ("AND", a.Terms.Count),
        OrPredicate o => ("OR", o.Terms.Count),
        _ => ("", 0),
    };

    private static T Small<T>(Func<T> work) => TSqlDdlReaderTests.OnSmallStack(work);

    [Theory]
    [InlineData("AND", 930)]
    [InlineData("AND", ExprDepth.Max - 1)]
    [InlineData("OR", ExprDepth.Max - 1)]
    public void A_long_TSql_check_converts_to_PostgreSql_and_back(string op, int n)
    {
        var graph = Small(() => TSqlDdlReader.Read(TSqlTable(Chain(op, n)), File).Graph);
        var toPg = Small(() => DialectConverter.Convert(graph, SqlDialect.PostgreSql));
        Assert.Empty(toPg.Warnings);
        var check = Assert.Single(toPg.Graph.Tables[0].Checks);
        Assert.Equal(string.Join($" {op} ", Enumerable.Repeat(op == "AND" ? "(a > 0)" : "(a = 1)", n)), check.Expression);
        Assert.Equal((op, n), Terms(check.Predicate));

        var pg = Small(() => PgDdlWriter.Script(toPg.Graph));
        var back = Small(() => PgDdlReader.Read(pg, File).Graph);
        Assert.Equal(check.Expression, Assert.Single(back.Tables[0].Checks).Expression);
        var toTSql = Small(() => DialectConverter.Convert(back, SqlDialect.TSql));
        Assert.Empty(toTSql.Warnings);
        var tsql = Small(() => TSqlDdlWriter.Script(toTSql.Graph));
        var again = Small(() => TSqlDdlReader.Read(tsql, File).Graph);
        Assert.NotNull(Assert.Single(again.Tables[0].Checks).Predicate);
    }

    [Theory]
    [InlineData("AND")]
    [InlineData("OR")]
    public void A_TSql_check_longer_than_the_limit_is_left_out_of_the_conversion_with_a_positioned_warning(string op)
    {
        var graph = Small(() => TSqlDdlReader.Read(TSqlTable(Chain(op, 2_000)), File).Graph);
        var toPg = Small(() => DialectConverter.Convert(graph, SqlDialect.PostgreSql));
        Assert.Empty(toPg.Graph.Tables[0].Checks);
        var warning = Assert.Single(toPg.Warnings);
        Assert.Equal(File, warning.Position?.File);
        Assert.Equal(1, warning.Position?.Line);
        Assert.Contains($"nested more than {ExprDepth.Max} levels deep", warning.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AND")]
    [InlineData("OR")]
    public void A_long_PostgreSql_check_reads_writes_and_converts_to_TSql_or_is_left_out_with_a_positioned_warning(string op)
    {
        foreach (var n in new[] { ExprDepth.Max - 1, 2_000 })
        {
            var graph = Small(() => PgDdlReader.Read(PgTable(Chain(op, n)), File).Graph);
            Assert.Equal((op, n), Terms(Assert.Single(graph.Tables[0].Checks).Predicate));
            Assert.Contains(Chain(op, n), Small(() => PgDdlWriter.Script(graph)), StringComparison.Ordinal);
            var toTSql = Small(() => DialectConverter.Convert(graph, SqlDialect.TSql));
            if (n <= ExprDepth.Max)
            {
                Assert.Empty(toTSql.Warnings);
                var tsql = Small(() => TSqlDdlWriter.Script(toTSql.Graph));
                Assert.NotNull(Assert.Single(Small(() => TSqlDdlReader.Read(tsql, File).Graph).Tables[0].Checks).Predicate);
            }
            else
            {
                Assert.Empty(toTSql.Graph.Tables[0].Checks);
                Assert.Equal(File, Assert.Single(toTSql.Warnings).Position?.File);
            }
        }
    }

    [Fact]
    public void Two_thousand_nested_parentheses_in_a_check_are_refused_at_a_position_by_both_readers()
    {
        var deep = new string('(', 2_000) + "a > 0" + new string(')', 2_000);
        var t = Assert.Throws<SchemaException>(() => Small(() => TSqlDdlReader.Read(TSqlTable(deep), File)));
        Assert.Equal(File, t.Position?.File);
        Assert.Equal(1, t.Position?.Line);
        var p = Assert.Throws<SchemaException>(() => Small(() => PgDdlReader.Read(PgTable(deep), File)));
        Assert.Equal(File, p.Position?.File);
        Assert.Equal(1, p.Position?.Line);
    }

    /// <summary>Trees as deep as the readers let through, in each shape the writers and CheckForms recurse on.</summary>
    public static TheoryData<string> Shapes() => ["left and", "right or", "plus", "not", "alternating"];

    private static SqlExpr Tree(string shape, int depth)
    {
        SqlExpr leaf = new Binary(">", new ColumnRef("a"), new NumberLit("0"));
        SqlExpr e = shape == "plus" ? new NumberLit("1") : leaf;
        for (int i = 1; i < depth - 1; i++)
            e = shape switch
            {
                "left and" => new Binary("and", e, leaf),
                "right or" => new Binary("or", leaf, e),
                "plus" => new Binary("+", e, new NumberLit("1")),
                "not" => new Unary("not", e),
                _ => new Binary(i % 2 == 0 ? "and" : "or", leaf, e),
            };
        return shape == "plus" ? new Binary(">", new ColumnRef("a"), e) : e;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Writers_and_check_forms_take_the_deepest_tree_a_reader_lets_through_on_a_small_stack(string shape)
    {
        var tree = ExprDepth.Check(Tree(shape, ExprDepth.Max));
        var pg = Small(() => PgExpressions.Write(tree));
        Assert.Equal(pg, PgExpressions.Write(tree)); // the same text on the large stack as on this thread
        var tsql = Small(() => TSqlExpressions.WriteCondition(tree, _ => null));
        Assert.Equal(tsql, TSqlExpressions.WriteCondition(tree, _ => null));
        _ = Small(() => TSqlExpressions.WriteScalar(tree, _ => null));
        _ = Small(() => CheckForms.Predicate(tree));
        _ = Small(() => CheckForms.TSqlPredicate(tree, _ => null));
    }

    private static int NotDepth(CheckPredicate? p)
    {
        int d = 0;
        for (; p is NotPredicate n; p = n.Inner) d++;
        return d;
    }

    /// <summary>T-SQL CHECKs may chain NOTs without parentheses, past any reader limit: a predicate nested deeper than
    /// <see cref="CheckForms.MaxPredicateDepth"/> stays text, so CheckText's key and the generator never recurse on it
    /// (1,500 NOTs overflowed CheckText.PredicateKey on a 1 MiB stack).</summary>
    [Theory]
    [InlineData(CheckForms.MaxPredicateDepth - 1, true)]
    [InlineData(1_500, false)]
    [InlineData(5_000, false)]
    public void A_TSql_check_of_chained_NOTs_gets_a_predicate_only_as_deep_as_its_walkers_go(int nots, bool predicate)
    {
        var condition = string.Concat(Enumerable.Repeat("NOT ", nots)) + "a > 0";
        var graph = Small(() => TSqlDdlReader.Read(TSqlTable(condition), File).Graph);
        var check = Assert.Single(graph.Tables[0].Checks);
        Assert.Equal(condition, check.Expression);
        Assert.Equal(predicate ? nots : 0, NotDepth(check.Predicate));
        if (check.Predicate is { } p)
        {
            Assert.Equal(nots % 2 == 0 ? "a > 0" : "a <= 0", Small(() => CheckText.PredicateKey(p)));
            Assert.Equal(["a"], Small(() => p.Columns().Distinct().ToList()));
        }
    }
}
