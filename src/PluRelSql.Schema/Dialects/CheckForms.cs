using System.Globalization;

namespace PluRelSql.Schema.Dialects;

/// <summary>The simple CHECK forms of an expression tree as a <see cref="CheckPredicate"/>: comparisons of a column
/// (or length(column)) with a constant or a column, [NOT] BETWEEN, [NOT] IN lists, IS [NOT] NULL, LIKE patterns and
/// AND / OR / NOT of those, with casts stripped. Anything else gives null, and the generator falls back to rejection
/// on the SQL text.</summary>
internal static class CheckForms
{
    public static CheckPredicate? Predicate(SqlExpr e)
    {
        if (e.Unusual) return null;
        switch (e)
        {
            case Binary { Op: "and" or "or" } b:
                return Junction(b);
            case Unary { Op: "not" } n:
                return Predicate(n.Operand) is { } inner ? new NotPredicate(inner) : null;
            case Binary b when Compare(b.Op) is { } op:
            {
                var left = Operand(b.Left);
                var right = Operand(b.Right);
                return left is null || right is null ? null : new ComparePredicate(left, op, right);
            }
            case IsNullExpr i:
                return Operand(i.Operand) is ColumnOperand c ? new IsNullPredicate(c.Column, i.Negated) : null;
            case BetweenExpr b:
            {
                var operand = Operand(b.Operand);
                var low = Operand(b.Low);
                var high = Operand(b.High);
                return operand is null || low is null || high is null ? null : new BetweenPredicate(operand, low, high, b.Negated);
            }
            case InExpr i:
            {
                var operand = Operand(i.Operand);
                if (operand is null) return null;
                var values = new List<CheckValue>(i.Values.Count);
                foreach (var v in i.Values)
                {
                    if (Operand(v) is not ConstOperand k) return null;
                    values.Add(k.Value);
                }
                return new InPredicate(operand, values, i.Negated);
            }
            case LikeExpr l:
                return Operand(l.Operand) is ColumnOperand lc ? new LikePredicate(lc.Column, l.Pattern, l.Negated) : null;
            default:
                return null;
        }
    }

    /// <summary>a AND b AND c (however parenthesised) is one AND of three terms. Operator chains nest on the left
    /// spine, which is walked without recursing.</summary>
    private static CheckPredicate? Junction(Binary top)
    {
        var rights = new Stack<SqlExpr>();
        SqlExpr e = top;
        while (e is Binary { Op: var op, Unusual: false } b && op == top.Op)
        {
            rights.Push(b.Right);
            e = b.Left;
        }
        var terms = new List<CheckPredicate>();
        if (!Add(e)) return null;
        while (rights.Count > 0)
            if (!Add(rights.Pop())) return null;
        return top.Op == "and" ? new AndPredicate(terms) : new OrPredicate(terms);

        bool Add(SqlExpr x)
        {
            var p = Predicate(x);
            if (p is null) return false;
            if (p is AndPredicate a && top.Op == "and") terms.AddRange(a.Terms);
            else if (p is OrPredicate o && top.Op == "or") terms.AddRange(o.Terms);
            else terms.Add(p);
            return true;
        }
    }

    private static CompareOp? Compare(string op) => op switch
    {
        "=" => CompareOp.Eq,
        "<>" or "!=" => CompareOp.Ne,
        "<" => CompareOp.Lt,
        "<=" => CompareOp.Le,
        ">" => CompareOp.Gt,
        ">=" => CompareOp.Ge,
        _ => null,
    };

    private static CheckOperand? Operand(SqlExpr e)
    {
        while (e is CastExpr { Unusual: false } c) e = c.Operand;
        if (e.Unusual) return null;
        switch (e)
        {
            case ColumnRef c:
                return new ColumnOperand(c.Name);
            case Call { Name: Fn.Length or Fn.OctetLength, Args: [var arg] }:
                return Operand(arg) is ColumnOperand lc ? new LengthOperand(lc.Column) : null;
            case Unary { Op: "-" or "+" } u:
            {
                // -5::numeric(3): the sign of a number whose cast the reader kept.
                var inner = u.Operand;
                while (inner is CastExpr { Unusual: false } c) inner = c.Operand;
                return inner is NumberLit { Unusual: false } n && Number(n.Text) is { } d
                    ? new ConstOperand(new NumberValue(u.Op == "-" ? -d : d))
                    : null;
            }
            case NumberLit n:
                return Number(n.Text) is { } v ? new ConstOperand(new NumberValue(v)) : null;
            case StringLit s:
                return new ConstOperand(new StringValue(s.Value));
            case BoolLit b:
                return new ConstOperand(b.CastFrom is { } text ? new StringValue(text) : new BoolValue(b.Value));
            case NullLit:
                return new ConstOperand(new NullValue());
            case BytesLit h:
                // '\x…'::bytea: the constant as PostgreSQL spells it.
                return new ConstOperand(new StringValue("\\x" + h.Hex));
            default:
                return null;
        }
    }

    private static decimal? Number(string text) =>
        decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
}
