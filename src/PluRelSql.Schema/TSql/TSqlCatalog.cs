using System.Globalization;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using PluRelSql.Schema.Dialects;

namespace PluRelSql.Schema.TSql;

/// <summary>A column type as SQL Server's catalog stores it, mapped to the graph.</summary>
public sealed record TSqlCatalogType(SqlType Type, bool ServerGenerated, bool Unknown);

/// <summary>What a live SQL Server's catalog (sys.columns, sys.check_constraints, …) says, read the way
/// <see cref="TSqlDdlReader"/> reads a script: the same type mapping, the same CHECK predicates, the same default and
/// computed-column texts. So introspecting a database made from a script gives the graph reading the script gives.</summary>
public static class TSqlCatalog
{
    /// <summary>Maps a system type (sys.types name of the column's system_type_id) with sys.columns' max_length
    /// (bytes; −1 for max), precision and scale.</summary>
    public static TSqlCatalogType MapType(string systemType, int maxLength, int precision, int scale)
    {
        ArgumentNullException.ThrowIfNull(systemType);
        var name = systemType.ToLowerInvariant();
        var args = new List<Literal>();
        static Literal Int(int v) => new IntegerLiteral { Value = v.ToString(CultureInfo.InvariantCulture) };
        switch (name)
        {
            case "char" or "varchar" or "binary" or "varbinary":
                args.Add(maxLength < 0 ? new MaxLiteral { Value = "max" } : Int(maxLength));
                break;
            case "nchar" or "nvarchar":
                args.Add(maxLength < 0 ? new MaxLiteral { Value = "max" } : Int(maxLength / 2));
                break;
            case "decimal" or "numeric":
                args.Add(Int(precision));
                args.Add(Int(scale));
                break;
            case "float":
                args.Add(Int(precision));
                break;
            // The catalog always stores a fractional precision; 7 is the default a script leaves unwritten.
            case "datetime2" or "datetimeoffset" or "time" when scale != 7:
                args.Add(Int(scale));
                break;
        }
        if (TSqlTypeMapper.Builtin(name, args) is { } mapped) return new(mapped.Type, mapped.ServerGenerated, false);
        return new(new SqlType { Kind = TypeKind.Other, UserType = new QualifiedName("sys", name) }, false, true);
    }

    /// <summary>A CHECK as sys.check_constraints.definition has it (<c>([Price]&gt;=(0))</c>): the expression
    /// without its outer parentheses, parsed into a predicate where the simple forms allow.</summary>
    public static CheckConstraint ParseCheck(string? name, string definition, TableDef table)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(table);
        var parser = new TSql170Parser(initialQuotedIdentifiers: true);
        BooleanExpression? condition;
        IList<ParseError> errors;
        using (var reader = new StringReader(definition))
            condition = parser.ParseBooleanExpression(reader, out errors);
        if (condition is null || errors.Count > 0)
            return new CheckConstraint { Name = name, Expression = StripParentheses(definition) };
        while (condition is BooleanParenthesisExpression p) condition = p.Expression;
        return new CheckConstraint
        {
            Name = name,
            Expression = definition.Substring(condition.StartOffset, condition.FragmentLength),
            Predicate = RestoreIn(TSqlExpressions.ReadCheck(condition,
                n => table.Columns.FirstOrDefault(c => c.Name.Equals(n, StringComparison.OrdinalIgnoreCase)))),
        };
    }

    /// <summary>SQL Server stores <c>x IN ('a','b')</c> as <c>([x]='a' OR [x]='b')</c>: such an OR of equalities of
    /// one column with constants is read back as the IN list it was written as.</summary>
    private static CheckPredicate? RestoreIn(CheckPredicate? p)
    {
        switch (p)
        {
            case OrPredicate alternatives when alternatives.Terms.Count > 1 &&
                                     alternatives.Terms.All(t => t is ComparePredicate { Op: CompareOp.Eq, Left: ColumnOperand, Right: ConstOperand }):
            {
                var terms = alternatives.Terms.Cast<ComparePredicate>().ToList();
                var column = ((ColumnOperand)terms[0].Left).Column;
                if (terms.Any(t => ((ColumnOperand)t.Left).Column != column)) return p;
                return new InPredicate(terms[0].Left, terms.Select(t => ((ConstOperand)t.Right).Value).ToList(), Negated: false);
            }
            case AndPredicate both:
                return new AndPredicate(both.Terms.Select(t => RestoreIn(t)!).ToList());
            case OrPredicate either:
                return new OrPredicate(either.Terms.Select(t => RestoreIn(t)!).ToList());
            case NotPredicate negated:
                return new NotPredicate(RestoreIn(negated.Inner)!);
            default:
                return p;
        }
    }

    /// <summary>Default and computed-column definitions come wrapped in parentheses (<c>((0))</c>,
    /// <c>(getdate())</c>); a script's reader keeps the bare expression.</summary>
    public static string StripParentheses(string definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var s = definition.Trim();
        while (s.Length >= 2 && s[0] == '(' && s[^1] == ')' && Encloses(s)) s = s[1..^1].Trim();
        return s;
    }

    /// <summary>True when the first '(' closes at the last character (not "(a)+(b)"); quotes and brackets skipped.</summary>
    private static bool Encloses(string s)
    {
        var depth = 0;
        for (var i = 0; i < s.Length; i++)
        {
            switch (s[i])
            {
                case '\'':
                    i = s.IndexOf('\'', i + 1);
                    while (i > 0 && i + 1 < s.Length && s[i + 1] == '\'') i = s.IndexOf('\'', i + 2);
                    if (i < 0) return false;
                    break;
                case '[':
                    i = s.IndexOf(']', i + 1);
                    while (i > 0 && i + 1 < s.Length && s[i + 1] == ']') i = s.IndexOf(']', i + 2);
                    if (i < 0) return false;
                    break;
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    if (depth == 0 && i != s.Length - 1) return false;
                    break;
            }
        }
        return depth == 0;
    }
}
