using Microsoft.SqlServer.TransactSql.ScriptDom;
using PluRelSql.Schema.Dialects;
using PluRelSql.Schema.Postgres;

namespace PluRelSql.Schema;

/// <summary>The columns of its table that a CHECK's expression mentions, read from the expression tree.</summary>
public static class CheckColumns
{
    /// <param name="dialect">The dialect the expression is written in (the graph's).</param>
    public static IReadOnlyList<string> Of(CheckConstraint check, TableDef table, SqlDialect dialect)
    {
        if (check.Predicate is { } p) return p.Columns().Distinct(StringComparer.Ordinal).ToList();
        ColumnDef? Column(string name) => table.FindColumn(name);
        SqlExpr tree;
        try
        {
            tree = dialect == SqlDialect.TSql
                ? TSqlExpressions.ReadCondition(check.Expression, Column)
                : PgExpressions.ReadTree(check.Expression, Column);
        }
        catch (UntranslatableException)
        {
            // Beyond the tree (a T-SQL function with no PostgreSQL counterpart, a PostgreSQL construct the reader
            // does not take): the identifiers among its tokens.
            return Known(Identifiers(check.Expression, dialect), table);
        }
        var names = new List<string>();
        var stack = new Stack<SqlExpr>();
        stack.Push(tree);
        while (stack.Count > 0)
        {
            var e = stack.Pop();
            if (e is ColumnRef c) names.Add(c.Name);
            foreach (var child in ExprDepth.Children(e).Reverse()) stack.Push(child);
        }
        return Known(names, table);
    }

    private static List<string> Known(IEnumerable<string> names, TableDef table) =>
        names.Select(n => table.FindColumn(n)?.Name).OfType<string>().Distinct(StringComparer.Ordinal).ToList();

    private static IEnumerable<string> Identifiers(string text, SqlDialect dialect)
    {
        if (dialect == SqlDialect.TSql)
        {
            var tokens = new TSql170Parser(initialQuotedIdentifiers: true).GetTokenStream(new StringReader(text), out _);
            return tokens.Where(t => t.TokenType is TSqlTokenType.Identifier or TSqlTokenType.QuotedIdentifier)
                .Select(t => t.TokenType == TSqlTokenType.QuotedIdentifier ? Unquote(t.Text) : t.Text);
        }
        try
        {
            return new PgLexer(text, "").TokenizeAll().Where(t => t.IsIdent).Select(t => t.Text).ToList();
        }
        catch (SchemaException)
        {
            return [];
        }
    }

    private static string Unquote(string quoted) =>
        quoted.Length >= 2 && quoted[0] == '[' ? quoted[1..^1].Replace("]]", "]", StringComparison.Ordinal)
        : quoted.Length >= 2 && quoted[0] == '"' ? quoted[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal)
        : quoted;
}
