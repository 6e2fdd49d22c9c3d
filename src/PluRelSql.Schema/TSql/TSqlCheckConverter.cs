using System.Globalization;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using InPredicate = PluRelSql.Schema.InPredicate;
using LikePredicate = PluRelSql.Schema.LikePredicate;
using TSqlIn = Microsoft.SqlServer.TransactSql.ScriptDom.InPredicate;
using TSqlLike = Microsoft.SqlServer.TransactSql.ScriptDom.LikePredicate;

namespace PluRelSql.Schema.TSql;

/// <summary>ScriptDom's CHECK condition → <see cref="CheckPredicate"/> for the simple forms (comparisons, BETWEEN,
/// IN lists, LEN(col), IS [NOT] NULL, col LIKE 'pattern', AND / OR / NOT). Anything else (functions, arithmetic, subqueries)
/// makes the whole predicate null: the generator then falls back to rejection on the SQL text. Column names come
/// back as the table declares them; 0/1 compared with a bit column become booleans.</summary>
internal static class TSqlCheckConverter
{
    public static CheckPredicate? Convert(BooleanExpression e, Func<string, ColumnDef?> column) =>
        Predicate(e, column);

    /// <summary>Parses a CHECK condition's text first; null when it does not parse or is beyond the simple forms.</summary>
    public static CheckPredicate? ConvertText(string condition, Func<string, ColumnDef?> column)
    {
        var parser = new TSql170Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(condition);
        var e = parser.ParseBooleanExpression(reader, out var errors);
        return errors.Count > 0 || e is null ? null : Convert(e, column);
    }

    private static CheckPredicate? Predicate(BooleanExpression e, Func<string, ColumnDef?> column)
    {
        switch (e)
        {
            case BooleanParenthesisExpression p:
                return Predicate(p.Expression, column);
            case BooleanNotExpression n:
                return Predicate(n.Expression, column) is { } inner ? new NotPredicate(inner) : null;
            case BooleanBinaryExpression b:
            {
                var terms = new List<CheckPredicate>();
                if (!Flatten(b, b.BinaryExpressionType, terms, column)) return null;
                return b.BinaryExpressionType == BooleanBinaryExpressionType.And ? new AndPredicate(terms) : new OrPredicate(terms);
            }
            case BooleanComparisonExpression c:
            {
                CompareOp? op = c.ComparisonType switch
                {
                    BooleanComparisonType.Equals => CompareOp.Eq,
                    BooleanComparisonType.NotEqualToBrackets or BooleanComparisonType.NotEqualToExclamation => CompareOp.Ne,
                    BooleanComparisonType.LessThan => CompareOp.Lt,
                    BooleanComparisonType.LessThanOrEqualTo or BooleanComparisonType.NotGreaterThan => CompareOp.Le,
                    BooleanComparisonType.GreaterThan => CompareOp.Gt,
                    BooleanComparisonType.GreaterThanOrEqualTo or BooleanComparisonType.NotLessThan => CompareOp.Ge,
                    _ => null,
                };
                var left = Operand(c.FirstExpression, column);
                var right = Operand(c.SecondExpression, column);
                if (op is null || left is null || right is null) return null;
                (left, right) = (AsBool(left, right, column), AsBool(right, left, column));
                return new ComparePredicate(left, op.Value, right);
            }
            case BooleanTernaryExpression t:
            {
                var operand = Operand(t.FirstExpression, column);
                var low = Operand(t.SecondExpression, column);
                var high = Operand(t.ThirdExpression, column);
                if (operand is null || low is null || high is null) return null;
                return new BetweenPredicate(operand, low, high, t.TernaryExpressionType == BooleanTernaryExpressionType.NotBetween);
            }
            case TSqlIn i when i.Subquery is null:
            {
                var operand = Operand(i.Expression, column);
                if (operand is null) return null;
                var values = new List<CheckValue>();
                foreach (var v in i.Values)
                {
                    if (Operand(v, column) is not ConstOperand k) return null;
                    values.Add(AsBool(k, operand, column) is ConstOperand b ? b.Value : k.Value);
                }
                return new InPredicate(operand, values, i.NotDefined);
            }
            case BooleanIsNullExpression n:
                return Operand(n.Expression, column) is ColumnOperand col ? new IsNullPredicate(col.Column, n.IsNot) : null;
            case TSqlLike { OdbcEscape: false } like:
            {
                if (Operand(like.FirstExpression, column) is not ColumnOperand lc ||
                    Operand(like.SecondExpression, column) is not ConstOperand { Value: StringValue pattern }) return null;
                char? escape = null;
                if (like.EscapeExpression is not null)
                {
                    if (Operand(like.EscapeExpression, column) is not ConstOperand { Value: StringValue { Value.Length: 1 } esc }) return null;
                    escape = esc.Value[0];
                }
                return LikePattern.FromTSql(pattern.Value, escape) is { } parsed ? new LikePredicate(lc.Column, parsed, like.NotDefined) : null;
            }
            default:
                return null;
        }
    }

    private static bool Flatten(BooleanExpression e, BooleanBinaryExpressionType type, List<CheckPredicate> terms,
        Func<string, ColumnDef?> column)
    {
        if (e is BooleanBinaryExpression b && b.BinaryExpressionType == type)
            return Flatten(b.FirstExpression, type, terms, column) && Flatten(b.SecondExpression, type, terms, column);
        var p = Predicate(e, column);
        if (p is null) return false;
        terms.Add(p);
        return true;
    }

    private static CheckOperand? Operand(ScalarExpression e, Func<string, ColumnDef?> column)
    {
        switch (e)
        {
            case ParenthesisExpression p:
                return Operand(p.Expression, column);
            case ColumnReferenceExpression { ColumnType: ColumnType.Regular, MultiPartIdentifier: { } id }:
                return column(id.Identifiers[^1].Value) is { } c ? new ColumnOperand(c.Name) : null;
            case FunctionCall { CallTarget: null } f when f.Parameters.Count == 1 &&
                                                        f.FunctionName.Value.Equals("LEN", StringComparison.OrdinalIgnoreCase):
                return Operand(f.Parameters[0], column) is ColumnOperand lc ? new LengthOperand(lc.Column) : null;
            case NullLiteral:
                return new ConstOperand(new NullValue());
            case StringLiteral s:
                return new ConstOperand(new StringValue(s.Value));
            case IntegerLiteral or NumericLiteral or MoneyLiteral or RealLiteral:
                return Number(((Literal)e).Value, negate: false);
            case UnaryExpression { UnaryExpressionType: UnaryExpressionType.Negative or UnaryExpressionType.Positive } u
                when u.Expression is IntegerLiteral or NumericLiteral or MoneyLiteral or RealLiteral:
                return Number(((Literal)u.Expression).Value, u.UnaryExpressionType == UnaryExpressionType.Negative);
            default:
                return null;
        }
    }

    private static ConstOperand? Number(string text, bool negate)
    {
        text = text.TrimStart('$');
        if (!decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return null;
        return new ConstOperand(new NumberValue(negate ? -d : d));
    }

    /// <summary>bit has no literal of its own in T-SQL: a 0/1 compared with a bit column is a boolean.</summary>
    private static CheckOperand AsBool(CheckOperand value, CheckOperand other, Func<string, ColumnDef?> column)
    {
        if (value is ConstOperand { Value: NumberValue n } && (n.Value == 0 || n.Value == 1) &&
            other is ColumnOperand c && column(c.Column)?.Type.Kind == TypeKind.Boolean)
            return new ConstOperand(new BoolValue(n.Value == 1));
        return value;
    }
}
