using System.Text;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using PluRelSql.Schema.TSql;
using TSqlIn = Microsoft.SqlServer.TransactSql.ScriptDom.InPredicate;
using TSqlLike = Microsoft.SqlServer.TransactSql.ScriptDom.LikePredicate;

namespace PluRelSql.Schema.Dialects;

/// <summary>T-SQL expression text ⇄ <see cref="SqlExpr"/>, read with ScriptDom. T-SQL has no boolean values: a 0/1
/// next to a bit column (compared with it, or the DEFAULT of one) is read as false/true, and written back as 0/1;
/// a boolean column where a condition is expected is written <c>[c] = 1</c>.</summary>
internal static class TSqlExpressions
{
    /// <summary>Reads a scalar expression (a DEFAULT, a computed column). <paramref name="target"/> is the column type a
    /// DEFAULT is for, so that 0/1 become booleans for bit columns. With <paramref name="styles"/>, CONVERT(char type,
    /// date, style) becomes to_char with the style's format (see <see cref="StyleFormat"/>), which is not immutable.</summary>
    public static SqlExpr ReadScalar(string text, Func<string, ColumnDef?> column, SqlType? target = null, bool styles = false) =>
        LargeStack.Run(() => ExprDepth.Check(ReadScalarHere(text, column, target, styles)));

    /// <summary>The to_char format of a CONVERT date style to character types; null when the style is not mapped.</summary>
    internal static string? StyleFormat(int style) => style switch
    {
        23 => "YYYY-MM-DD",
        112 => "YYYYMMDD",
        120 => "YYYY-MM-DD HH24:MI:SS",
        121 => "YYYY-MM-DD HH24:MI:SS.MS",
        126 => "YYYY-MM-DD\"T\"HH24:MI:SS.MS",
        _ => null,
    };

    private static SqlExpr ReadScalarHere(string text, Func<string, ColumnDef?> column, SqlType? target, bool styles = false)
    {
        var parser = new TSql170Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(text);
        var e = parser.ParseExpression(reader, out var errors);
        if (errors.Count > 0 || e is null) throw new UntranslatableException($"cannot read the expression: {errors.FirstOrDefault()?.Message}");
        var read = new Reader(column) { Styles = styles }.Scalar(e);
        return target?.Kind == TypeKind.Boolean && !target.IsArray ? AsBool(read) : read;
    }

    /// <summary>Reads a condition (a CHECK).</summary>
    public static SqlExpr ReadCondition(string text, Func<string, ColumnDef?> column) =>
        LargeStack.Run(() => ExprDepth.Check(ReadConditionHere(text, column)));

    private static SqlExpr ReadConditionHere(string text, Func<string, ColumnDef?> column)
    {
        var parser = new TSql170Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(text);
        var e = parser.ParseBooleanExpression(reader, out var errors);
        if (errors.Count > 0 || e is null) throw new UntranslatableException($"cannot read the condition: {errors.FirstOrDefault()?.Message}");
        return new Reader(column).Condition(e);
    }

    /// <summary>The simple CHECK forms of a condition ScriptDom has read (see <see cref="CheckForms.TSqlPredicate"/>);
    /// null when it is beyond them.</summary>
    public static CheckPredicate? ReadCheck(BooleanExpression condition, Func<string, ColumnDef?> column)
    {
        try
        {
            return LargeStack.Run(() => CheckForms.TSqlPredicate(new Reader(column).Condition(condition), column));
        }
        catch (UntranslatableException)
        {
            return null;
        }
    }

    /// <summary>As <see cref="ReadCheck(BooleanExpression, Func{string, ColumnDef?})"/> for a condition's text; null
    /// when it does not parse.</summary>
    public static CheckPredicate? ReadCheck(string condition, Func<string, ColumnDef?> column)
    {
        var parser = new TSql170Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(condition);
        var e = parser.ParseBooleanExpression(reader, out var errors);
        return errors.Count > 0 || e is null ? null : ReadCheck(e, column);
    }

    internal static SqlExpr AsBool(SqlExpr e) => e switch
    {
        NumberLit { Text: "0" } => new BoolLit(false),
        NumberLit { Text: "1" } => new BoolLit(true),
        StringLit s when s.Value.Trim().ToUpperInvariant() is "TRUE" or "FALSE" => new BoolLit(s.Value.Trim().Equals("TRUE", StringComparison.OrdinalIgnoreCase)) { FromString = s.Value },
        _ => e,
    };

    private sealed class Reader(Func<string, ColumnDef?> column)
    {
        /// <summary>CONVERT with a date style becomes to_char (only where a non-immutable expression is acceptable).</summary>
        public bool Styles { get; init; }

        private bool IsDateTime(SqlExpr e) => e switch
        {
            ColumnRef c => column(c.Name)?.Type is { Kind: TypeKind.Date or TypeKind.Timestamp or TypeKind.TimestampTz, IsArray: false },
            CastExpr c => c.Type is { Kind: TypeKind.Date or TypeKind.Timestamp or TypeKind.TimestampTz, IsArray: false },
            Call { Name: Fn.Now or Fn.UtcNow or Fn.CurrentDate } => true,
            _ => false,
        };

        private bool IsBoolColumn(SqlExpr e) => e is ColumnRef c && column(c.Name)?.Type is { Kind: TypeKind.Boolean, IsArray: false };

        private bool IsText(SqlExpr e) => e switch
        {
            StringLit => true,
            ColumnRef c => column(c.Name)?.Type.Kind is TypeKind.Text or TypeKind.Varchar or TypeKind.Char,
            Binary { Op: "||" } => true,
            Call c => c.Name is "upper" or "lower" or "ltrim" or "rtrim" or "replace" or "reverse" or "left" or "right" or "substring" or "concat",
            CastExpr c => c.Type.Kind is TypeKind.Text or TypeKind.Varchar or TypeKind.Char,
            _ => false,
        };

        public SqlExpr Condition(BooleanExpression e)
        {
            switch (e)
            {
                case BooleanParenthesisExpression p:
                {
                    var inner = Condition(p.Expression);
                    return inner is Binary { Op: "and" or "or" } b ? b with { Parenthesized = true } : inner;
                }
                case BooleanNotExpression n:
                    return new Unary("not", Condition(n.Expression));
                case BooleanBinaryExpression b:
                    return new Binary(b.BinaryExpressionType == BooleanBinaryExpressionType.And ? "and" : "or",
                        Condition(b.FirstExpression), Condition(b.SecondExpression));
                case BooleanComparisonExpression c:
                {
                    var op = c.ComparisonType switch
                    {
                        BooleanComparisonType.Equals => "=",
                        BooleanComparisonType.NotEqualToBrackets or BooleanComparisonType.NotEqualToExclamation => "<>",
                        BooleanComparisonType.LessThan => "<",
                        BooleanComparisonType.LessThanOrEqualTo or BooleanComparisonType.NotGreaterThan => "<=",
                        BooleanComparisonType.GreaterThan => ">",
                        BooleanComparisonType.GreaterThanOrEqualTo or BooleanComparisonType.NotLessThan => ">=",
                        _ => throw new UntranslatableException($"comparison {c.ComparisonType} has no counterpart"),
                    };
                    var (l, r) = BoolPair(Scalar(c.FirstExpression), Scalar(c.SecondExpression));
                    return new Binary(op, l, r);
                }
                case BooleanTernaryExpression t:
                {
                    if (t.TernaryExpressionType is not (BooleanTernaryExpressionType.Between or BooleanTernaryExpressionType.NotBetween))
                        throw new UntranslatableException($"{t.TernaryExpressionType} has no counterpart");
                    return new BetweenExpr(Scalar(t.FirstExpression), Scalar(t.SecondExpression), Scalar(t.ThirdExpression),
                        t.TernaryExpressionType == BooleanTernaryExpressionType.NotBetween);
                }
                case TSqlIn i when i.Subquery is null:
                {
                    var operand = Scalar(i.Expression);
                    var values = i.Values.Select(v => IsBoolColumn(operand) ? AsBool(Scalar(v)) : Scalar(v)).ToList();
                    return new InExpr(operand, values, i.NotDefined);
                }
                case BooleanIsNullExpression n:
                    return new IsNullExpr(Scalar(n.Expression), n.IsNot);
                case TSqlLike l:
                {
                    if (l.OdbcEscape) throw new UntranslatableException("ODBC LIKE escapes are not translated");
                    if (Scalar(l.SecondExpression) is not StringLit pattern)
                        throw new UntranslatableException("LIKE with a pattern that is not a constant");
                    char? escape = null;
                    if (l.EscapeExpression is not null)
                    {
                        if (Scalar(l.EscapeExpression) is not StringLit { Value.Length: 1 } esc)
                            throw new UntranslatableException("LIKE … ESCAPE needs a one-character constant");
                        escape = esc.Value[0];
                    }
                    var parsed = LikePattern.FromTSql(pattern.Value, escape)
                        ?? throw new UntranslatableException($"LIKE pattern '{pattern.Value}' has an unclosed [ or a trailing escape");
                    return new LikeExpr(Scalar(l.FirstExpression), parsed, l.NotDefined);
                }
                default:
                    throw new UntranslatableException($"{Describe(e)} has no counterpart");
            }
        }

        private (SqlExpr, SqlExpr) BoolPair(SqlExpr l, SqlExpr r) =>
            (IsBoolColumn(r) ? AsBool(l) : l, IsBoolColumn(l) ? AsBool(r) : r);

        public SqlExpr Scalar(ScalarExpression e)
        {
            switch (e)
            {
                case ParenthesisExpression p:
                    return Scalar(p.Expression);
                case IntegerLiteral or NumericLiteral or RealLiteral:
                    return new NumberLit(((Literal)e).Value);
                case MoneyLiteral m:
                    return new NumberLit(m.Value.TrimStart('$'));
                case StringLiteral s:
                    return new StringLit(s.Value);
                case NullLiteral:
                    return new NullLit();
                case BinaryLiteral b:
                    return new BytesLit(b.Value.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? b.Value[2..] : b.Value);
                case ColumnReferenceExpression { ColumnType: ColumnType.Regular, MultiPartIdentifier: { } id }:
                {
                    var name = id.Identifiers[^1].Value;
                    return new ColumnRef(column(name)?.Name ?? name);
                }
                case UnaryExpression u:
                {
                    var operand = Scalar(u.Expression);
                    // Only a sign right before a number is part of a constant in T-SQL's CHECK forms.
                    var direct = u.Expression is IntegerLiteral or NumericLiteral or MoneyLiteral or RealLiteral;
                    return u.UnaryExpressionType switch
                    {
                        UnaryExpressionType.Negative when operand is NumberLit n =>
                            new NumberLit(n.Text.StartsWith('-') ? n.Text[1..] : "-" + n.Text) { UnusualInTSql = !direct || n.UnusualInTSql },
                        // -CAST(5 AS numeric(3,0)) is not a constant of the simple CHECK forms.
                        UnaryExpressionType.Negative => new Unary("-", operand) { Unusual = true },
                        UnaryExpressionType.Positive => operand with { UnusualInTSql = !direct || operand.UnusualInTSql },
                        _ => throw new UntranslatableException("bitwise NOT (~) is not translated"),
                    };
                }
                case BinaryExpression b:
                {
                    var l = Scalar(b.FirstExpression);
                    var r = Scalar(b.SecondExpression);
                    var op = b.BinaryExpressionType switch
                    {
                        BinaryExpressionType.Add => IsText(l) || IsText(r) ? "||" : "+",
                        BinaryExpressionType.Subtract => "-",
                        BinaryExpressionType.Multiply => "*",
                        BinaryExpressionType.Divide => "/",
                        BinaryExpressionType.Modulo => "%",
                        _ => throw new UntranslatableException($"operator {b.BinaryExpressionType} is not translated"),
                    };
                    return new Binary(op, l, r);
                }
                case ParameterlessCall p:
                    return p.ParameterlessCallType switch
                    {
                        ParameterlessCallType.CurrentTimestamp => new Call(Fn.Now, []),
                        ParameterlessCallType.CurrentUser or ParameterlessCallType.SessionUser or ParameterlessCallType.SystemUser
                            or ParameterlessCallType.User => new Call(Fn.CurrentUser, []),
                        _ => throw new UntranslatableException($"{p.ParameterlessCallType} is not translated"),
                    };
                case CoalesceExpression c:
                    return new Call("coalesce", c.Expressions.Select(Scalar).ToList());
                case NullIfExpression n:
                    return new Call("nullif", [Scalar(n.FirstExpression), Scalar(n.SecondExpression)]);
                case IIfCall iif:
                    return new CaseExpr(null, [(Condition(iif.Predicate), Scalar(iif.ThenExpression))], Scalar(iif.ElseExpression));
                case SearchedCaseExpression sc:
                    return new CaseExpr(null, sc.WhenClauses.Select(w => (Condition(w.WhenExpression), Scalar(w.ThenExpression))).ToList(),
                        sc.ElseExpression is null ? null : Scalar(sc.ElseExpression));
                case SimpleCaseExpression sc:
                    return new CaseExpr(Scalar(sc.InputExpression), sc.WhenClauses.Select(w => (Scalar(w.WhenExpression), Scalar(w.ThenExpression))).ToList(),
                        sc.ElseExpression is null ? null : Scalar(sc.ElseExpression));
                case CastCall c:
                    return CastTo(Scalar(c.Parameter), c.DataType);
                case ConvertCall c when c.Style is null:
                    return CastTo(Scalar(c.Parameter), c.DataType);
                case ConvertCall c when Styles:
                {
                    var operand = Scalar(c.Parameter);
                    var cast = CastTo(operand, c.DataType);
                    // A date style to a character type is to_char's format; any other style is a plain cast.
                    return c.Style is IntegerLiteral { Value: var v } && int.TryParse(v, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var style) && StyleFormat(style) is { } format
                           && cast is CastExpr { Type.Kind: TypeKind.Text or TypeKind.Varchar or TypeKind.Char } text && IsDateTime(operand)
                        ? text with { Operand = new Call(Fn.ToChar, [operand, new StringLit(format)]) }
                        : cast;
                }
                case ConvertCall:
                    throw new UntranslatableException("CONVERT with a style has no counterpart");
                case NextValueForExpression next:
                    return new NextValue(TSqlNames.Of(next.SequenceName));
                case LeftFunctionCall l:
                    return new Call("left", l.Parameters.Select(Scalar).ToList());
                case RightFunctionCall r:
                    return new Call("right", r.Parameters.Select(Scalar).ToList());
                case FunctionCall { CallTarget: null } f:
                    return Function(f);
                case GlobalVariableExpression g:
                    throw new UntranslatableException($"{g.Name} has no counterpart");
                default:
                    throw new UntranslatableException($"{Describe(e)} has no counterpart");
            }
        }

        private static SqlExpr CastTo(SqlExpr operand, DataTypeReference type)
        {
            var mapped = TSqlTypeMapper.Map(type, _ => null);
            if (mapped.Unknown || mapped.Type.Kind == TypeKind.Other)
                throw new UntranslatableException($"cast to {type.Name?.BaseIdentifier?.Value} is not translated");
            // A cast PostgreSQL spells past one type name (timestamp(3) without time zone) was never a simple CHECK form.
            return new CastExpr(operand, mapped.Type) { Unusual = !PgExpressions.SpellsSimply(mapped.Type) };
        }

        private SqlExpr Function(FunctionCall f)
        {
            var name = f.FunctionName.Value.ToLowerInvariant();
            var args = f.Parameters;
            SqlExpr Arg(int i) => Scalar(args[i]);
            List<SqlExpr> All() => args.Select(Scalar).ToList();
            switch (name)
            {
                case "getdate" or "sysdatetime" or "sysdatetimeoffset" or "current_timestamp" when args.Count == 0:
                    return new Call(Fn.Now, []);
                case "getutcdate" or "sysutcdatetime" when args.Count == 0:
                    return new Call(Fn.UtcNow, []);
                case "newid" or "newsequentialid" when args.Count == 0:
                    return new Call(Fn.Uuid, []);
                case "len" when args.Count == 1:
                    return new Call(Fn.Length, All());
                case "datalength" when args.Count == 1:
                    return new Call(Fn.OctetLength, All());
                case "isnull" when args.Count == 2:
                    return new Call("coalesce", All());
                case "charindex" when args.Count == 2:
                    return new Call(Fn.Position, [Arg(1), Arg(0)]);
                case "ceiling" when args.Count == 1:
                    return new Call(Fn.Ceiling, All());
                case "log" when args.Count == 1:
                    return new Call(Fn.Ln, All());
                case "log10" when args.Count == 1:
                    return new Call(Fn.Log10, All());
                case "rand" when args.Count == 0:
                    return new Call(Fn.Random, []);
                case "db_name" when args.Count == 0:
                    return new Call(Fn.CurrentDatabase, []);
                case "user_name" or "suser_sname" or "suser_name" or "original_login" when args.Count == 0:
                    return new Call(Fn.CurrentUser, []);
                case "year" or "month" or "day" when args.Count == 1:
                    return new Call(name, All());
                case "round" when args.Count == 2:
                    return new Call("round", All());
                case "dateadd" when args.Count == 3 && args[0] is ColumnReferenceExpression { MultiPartIdentifier.Identifiers: [var part] }:
                {
                    var p = part.Value.ToLowerInvariant() switch
                    {
                        "yy" or "yyyy" or "year" => "year",
                        "mm" or "m" or "month" => "month",
                        "dd" or "d" or "day" => "day",
                        "hh" or "hour" => "hour",
                        "mi" or "n" or "minute" => "minute",
                        "ss" or "s" or "second" => "second",
                        var other => throw new UntranslatableException($"dateadd part '{other}' is not translated"),
                    };
                    return new Call(Fn.DateAdd, [new StringLit(p), Arg(1), Arg(2)]);
                }
            }
            if (Fn.Shared.Contains(name) && name != "round") return new Call(name, All());
            throw new UntranslatableException($"function {f.FunctionName.Value}() has no known PostgreSQL counterpart");
        }

        private static string Describe(TSqlFragment f) => f.GetType().Name;
    }

    // ---- writing ---------------------------------------------------------------------------------------------

    /// <summary>T-SQL text for a scalar (a DEFAULT, a computed column). <paramref name="target"/> is the column type a
    /// DEFAULT is for.</summary>
    public static string WriteScalar(SqlExpr e, Func<string, ColumnDef?> column, SqlType? target = null) =>
        ExprDepth.OnLargeStackIfDeep(e, () => new Writer(column, target).Scalar(e));

    /// <summary>T-SQL text for a condition (a CHECK).</summary>
    public static string WriteCondition(SqlExpr e, Func<string, ColumnDef?> column) =>
        ExprDepth.OnLargeStackIfDeep(e, () => new Writer(column, null).Condition(e));

    private sealed class Writer(Func<string, ColumnDef?> column, SqlType? target)
    {
        private bool IsBool(SqlExpr e) => e is BoolLit || e is ColumnRef c && column(c.Name)?.Type is { Kind: TypeKind.Boolean, IsArray: false }
                                        || e is CastExpr { Type.Kind: TypeKind.Boolean };

        private static bool IsCondition(SqlExpr e) => e is Binary { Op: "and" or "or" or "=" or "<>" or "<" or "<=" or ">" or ">=" }
            or Unary { Op: "not" } or IsNullExpr or BetweenExpr or InExpr or LikeExpr;

        public string Condition(SqlExpr e)
        {
            switch (e)
            {
                case Binary { Op: "and" or "or" } b:
                    return $"{CondOperand(b.Op, b.Left)} {b.Op.ToUpperInvariant()} {CondOperand(b.Op, b.Right)}";
                case Unary { Op: "not" } n:
                    return "NOT " + CondOperand("not", n.Operand);
                case Binary b when IsCondition(b):
                    // bit has no boolean operators: compare bit columns with 0/1.
                    return $"{Operand(b.Left)} {b.Op} {Operand(b.Right)}";
                case IsNullExpr i:
                    return $"{Operand(i.Operand)} IS {(i.Negated ? "NOT " : "")}NULL";
                case BetweenExpr b:
                    return $"{Operand(b.Operand)} {(b.Negated ? "NOT " : "")}BETWEEN {Operand(b.Low)} AND {Operand(b.High)}";
                case InExpr i:
                    return $"{Operand(i.Operand)} {(i.Negated ? "NOT " : "")}IN ({string.Join(", ", i.Values.Select(Scalar))})";
                case LikeExpr l:
                    return $"{Operand(l.Operand)} {(l.Negated ? "NOT " : "")}LIKE {Literal(l.Pattern.ToTSqlLike())}";
                case BoolLit b:
                    return b.Value ? "1 = 1" : "1 = 0";
                case var x when IsBool(x):
                    return $"{Operand(x)} = 1";
                default:
                    throw new UntranslatableException($"{e.GetType().Name} is not a condition T-SQL can check");
            }
        }

        // a OR b OR c needs no parentheses inside one junction; anything compound under NOT or the other junction does.
        private string CondOperand(string op, SqlExpr e) =>
            e is Binary { Op: "and" or "or" } b && b.Op != op || e is Binary { Op: "and" or "or" } && op == "not" || e is Unary { Op: "not" }
                ? "(" + Condition(e) + ")"
                : Condition(e);

        public string Scalar(SqlExpr e)
        {
            switch (e)
            {
                case NumberLit n: return n.Text;
                case StringLit s: return "N" + Literal(s.Value);
                case BoolLit b: return b.Value ? "1" : "0";
                case NullLit: return "NULL";
                case BytesLit h: return "0x" + h.Hex;
                case ColumnRef c: return TSqlIdent.Quote(c.Name);
                case Unary { Op: "-" or "+" } u: return u.Op + Operand(u.Operand);
                case Binary { Op: "||" } b: return $"{Operand(b.Left)} + {Operand(b.Right)}";
                case Binary { Op: "+" or "-" or "*" or "/" or "%" } b: return $"{Operand(b.Left)} {b.Op} {Operand(b.Right)}";
                case CastExpr c: return $"CAST({Scalar(c.Operand)} AS {TSqlTypes.Name(TSqlTypes.Normalize(c.Type, key: false, out _))})";
                case CaseExpr c: return Case(c);
                case NextValue n: return "NEXT VALUE FOR " + TSqlIdent.Quote(n.Sequence);
                case Call c: return Function(c);
                case var x when IsCondition(x):
                    // A condition used as a value (a boolean DEFAULT or computed column) is 1 or 0 in T-SQL.
                    return $"CASE WHEN {Condition(x)} THEN 1 ELSE 0 END";
                default:
                    throw new UntranslatableException($"cannot write {e.GetType().Name} in T-SQL");
            }
        }

        private string Operand(SqlExpr e) =>
            e is NumberLit or StringLit or BoolLit or NullLit or BytesLit or ColumnRef or Call or CastExpr or CaseExpr or NextValue
                ? Scalar(e)
                : "(" + Scalar(e) + ")";

        private string Case(CaseExpr c)
        {
            var sb = new StringBuilder("CASE");
            if (c.Operand is { } o) sb.Append(' ').Append(Operand(o));
            foreach (var (when, then) in c.Whens)
                sb.Append(" WHEN ").Append(c.Operand is null ? Condition(when) : Scalar(when)).Append(" THEN ").Append(Scalar(then));
            if (c.Else is { } e) sb.Append(" ELSE ").Append(Scalar(e));
            return sb.Append(" END").ToString();
        }

        private string Function(Call c)
        {
            string Args() => string.Join(", ", c.Args.Select(Scalar));
            return c.Name switch
            {
                // datetimeoffset columns keep the offset; everything else reads the local clock like now() does.
                Fn.Now => target?.Kind == TypeKind.TimestampTz ? "sysdatetimeoffset()" : "sysdatetime()",
                Fn.UtcNow => "sysutcdatetime()",
                Fn.CurrentDate => "CAST(sysdatetime() AS date)",
                Fn.Uuid => "newid()",
                Fn.Length => $"len({Args()})",
                Fn.OctetLength => $"datalength({Args()})",
                Fn.CurrentUser => "CURRENT_USER",
                Fn.CurrentDatabase => "db_name()",
                Fn.Random => "rand()",
                Fn.Position => $"charindex({Scalar(c.Args[1])}, {Scalar(c.Args[0])})",
                Fn.Ceiling => $"ceiling({Args()})",
                Fn.Ln => $"log({Args()})",
                Fn.Log10 => $"log10({Args()})",
                Fn.Year or Fn.Month or Fn.Day => $"{c.Name}({Args()})",
                Fn.DateAdd when c.Args is [StringLit part, var n, var d] => $"dateadd({part.Value}, {Scalar(n)}, {Scalar(d)})",
                "substring" when c.Args.Count == 2 => $"substring({Scalar(c.Args[0])}, {Scalar(c.Args[1])}, 2147483647)",
                "round" when c.Args.Count == 1 => $"round({Scalar(c.Args[0])}, 0)",
                "coalesce" or "nullif" or "upper" or "lower" or "ltrim" or "rtrim" or "abs" or "floor" or "round" or "power"
                    or "sqrt" or "sign" or "replace" or "reverse" or "left" or "right" or "exp" or "concat" or "substring"
                    => $"{c.Name}({Args()})",
                _ => throw new UntranslatableException($"function {c.Name}() has no known T-SQL counterpart"),
            };
        }
    }

    public static string Literal(string s) => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'";
}

/// <summary>T-SQL identifiers: always bracketed, <c>]</c> doubled.</summary>
public static class TSqlIdent
{
    public static string Quote(string ident) => "[" + ident.Replace("]", "]]", StringComparison.Ordinal) + "]";

    public static string Quote(QualifiedName name) => Quote(name.Schema) + "." + Quote(name.Name);
}
