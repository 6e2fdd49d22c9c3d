using System.Globalization;

namespace PluRelSql.Schema.Dialects;

/// <summary>The simple CHECK forms of an expression tree as a <see cref="CheckPredicate"/>: comparisons of a column
/// (or length(column)) with a constant or a column, [NOT] BETWEEN, [NOT] IN lists, IS [NOT] NULL, LIKE patterns and
/// AND / OR / NOT of those, with casts stripped. Anything else gives null, and the generator falls back to rejection
/// on the SQL text.</summary>
internal static class CheckForms
{
    /// <summary>The forms as PostgreSQL CHECKs have them: casts stripped, length / octet_length, any column.</summary>
    public static CheckPredicate? Predicate(SqlExpr e) => Bounded(ExprDepth.OnLargeStackIfDeep(e, () => new Reading(null).Predicate(e)));

    /// <summary>The forms as T-SQL CHECKs have them: no casts, LEN only, only columns the table declares, a 0 / 1
    /// next to a bit column a boolean, a parenthesised AND / OR one term.</summary>
    public static CheckPredicate? TSqlPredicate(SqlExpr e, Func<string, ColumnDef?> column) =>
        Bounded(ExprDepth.OnLargeStackIfDeep(e, () => new Reading(column).Predicate(e)));

    /// <summary>Predicates nested deeper than this stay text: their walkers (CheckText's canonical key, the generator's
    /// compiled checks) recurse once per level on whatever thread they run. PostgreSQL CHECKs are read to 65 levels
    /// anyway; a T-SQL CHECK of thousands of NOTs would otherwise overflow a 1 MiB stack.</summary>
    public const int MaxPredicateDepth = 200;

    private static CheckPredicate? Bounded(CheckPredicate? p)
    {
        if (p is null) return null;
        var stack = new Stack<(CheckPredicate, int)>();
        stack.Push((p, 1));
        while (stack.Count > 0)
        {
            var (x, d) = stack.Pop();
            if (d > MaxPredicateDepth) return null;
            var children = x switch
            {
                AndPredicate a => a.Terms,
                OrPredicate o => o.Terms,
                NotPredicate n => [n.Inner],
                _ => (IReadOnlyList<CheckPredicate>)[],
            };
            foreach (var child in children) stack.Push((child, d + 1));
        }
        return p;
    }

    /// <param name="tsql">The table's columns when reading T-SQL's forms; null for PostgreSQL's.</param>
    private sealed class Reading(Func<string, ColumnDef?>? tsql)
    {
        private bool Unusual(SqlExpr e) => e.Unusual || tsql is not null && e.UnusualInTSql;

        public CheckPredicate? Predicate(SqlExpr e)
        {
            if (Unusual(e)) return null;
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
                    return left is null || right is null ? null : new ComparePredicate(AsBool(left, right), op, AsBool(right, left));
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
                        values.Add(((ConstOperand)AsBool(k, operand)).Value);
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
        private CheckPredicate? Junction(Binary top)
        {
            var rights = new Stack<SqlExpr>();
            rights.Push(top.Right);
            var e = top.Left;
            while (Flattens(e, top.Op) && e is Binary b)
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
                // PostgreSQL's forms flatten through parentheses; T-SQL's only an unparenthesised chain.
                var flatten = tsql is null || Flattens(x, top.Op);
                if (flatten && p is AndPredicate a && top.Op == "and") terms.AddRange(a.Terms);
                else if (flatten && p is OrPredicate o && top.Op == "or") terms.AddRange(o.Terms);
                else terms.Add(p);
                return true;
            }
        }

        private bool Flattens(SqlExpr e, string op) =>
            e is Binary { Unusual: false } b && b.Op == op && !(tsql is not null && b.Parenthesized);

        /// <summary>T-SQL has no boolean constants: a 0 / 1 compared with a bit column is a boolean.</summary>
        private CheckOperand AsBool(CheckOperand value, CheckOperand other)
        {
            if (tsql is not null && value is ConstOperand { Value: NumberValue n } && (n.Value == 0 || n.Value == 1) &&
                other is ColumnOperand c && tsql(c.Column)?.Type.Kind == TypeKind.Boolean)
                return new ConstOperand(new BoolValue(n.Value == 1));
            return value;
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

        private CheckOperand? Operand(SqlExpr e)
        {
            // T-SQL's forms take no cast (nor DATALENGTH, nor a bytes constant).
            while (tsql is null && e is CastExpr { Unusual: false } c) e = c.Operand;
            if (Unusual(e)) return null;
            switch (e)
            {
                case ColumnRef c when tsql is null:
                    return new ColumnOperand(c.Name);
                case ColumnRef c:
                    return tsql!(c.Name) is { } declared ? new ColumnOperand(declared.Name) : null;
                case Call { Name: Fn.Length or Fn.OctetLength, Args: [var arg] } call when tsql is null || call.Name == Fn.Length:
                    return Operand(arg) is ColumnOperand lc ? new LengthOperand(lc.Column) : null;
                case Unary when tsql is not null:
                    return null;
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
                    var text = tsql is null ? b.CastFrom : b.FromString;
                    return new ConstOperand(text is not null ? new StringValue(text) : new BoolValue(b.Value));
                case NullLit:
                    return new ConstOperand(new NullValue());
                case BytesLit when tsql is not null:
                    return null;
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
}
