using System.Globalization;

namespace PluRelSql.Schema.Postgres;

/// <summary>Parses the simple CHECK forms into a <see cref="CheckPredicate"/>: comparisons of a column (or
/// length(column)) with a constant or a column, [NOT] BETWEEN, [NOT] IN lists, <c>= ANY (ARRAY[…])</c> and
/// <c>&lt;&gt; ALL (ARRAY[…])</c> (pg_dump's spelling of IN / NOT IN), IS [NOT] NULL, AND / OR / NOT, with
/// <c>col [NOT] LIKE 'pattern'</c> and <c>col ~ '^…$'</c> with a LIKE-shaped regular expression, with
/// redundant parentheses and casts stripped. Anything else gives null: the caller keeps the text.</summary>
public static class CheckExpressionParser
{
    /// <summary>Parses a CHECK expression (without the CHECK keyword). An unquoted <c>VALUE</c> is the domain's
    /// pseudo-column and comes back as the column <c>VALUE</c>.</summary>
    public static CheckPredicate? TryParse(string expression) => TryParse(expression, domain: true);

    /// <summary>Parses a table CHECK expression, where an unquoted <c>value</c> is an ordinary column.</summary>
    public static CheckPredicate? TryParseTableCheck(string expression) => TryParse(expression, domain: false);

    /// <param name="domain">True for a domain CHECK, where an unquoted <c>value</c> is the pseudo-column <c>VALUE</c>.</param>
    internal static CheckPredicate? TryParse(string? expression, bool domain)
    {
        if (string.IsNullOrWhiteSpace(expression)) return null;
        List<Token> tokens;
        try
        {
            tokens = new PgLexer(expression, "").TokenizeAll();
        }
        catch (SchemaException)
        {
            return null;
        }
        var p = new Parser(tokens, domain);
        var result = p.Or(0);
        return result is not null && p.AtEnd ? result : null;
    }

    private sealed class Parser(List<Token> tokens, bool domain)
    {
        private const int MaxDepth = 64;
        private int _i;

        private Token Peek(int k = 0) => tokens[Math.Min(_i + k, tokens.Count - 1)];
        private void Next() { if (_i < tokens.Count - 1) _i++; }
        public bool AtEnd => Peek().Kind == TokKind.End;

        private bool TryWord(string w)
        {
            if (!Peek().IsWord(w)) return false;
            Next();
            return true;
        }

        private bool TryOp(string op)
        {
            if (!Peek().IsOp(op)) return false;
            Next();
            return true;
        }

        public CheckPredicate? Or(int depth)
        {
            var first = And(depth);
            if (first is null) return null;
            if (!Peek().IsWord("or")) return first;
            var terms = new List<CheckPredicate>();
            Add(terms, first);
            while (TryWord("or"))
            {
                var next = And(depth);
                if (next is null) return null;
                Add(terms, next);
            }
            return new OrPredicate(terms);

            static void Add(List<CheckPredicate> list, CheckPredicate p)
            {
                if (p is OrPredicate o) list.AddRange(o.Terms);
                else list.Add(p);
            }
        }

        private CheckPredicate? And(int depth)
        {
            var first = Not(depth);
            if (first is null) return null;
            if (!Peek().IsWord("and")) return first;
            var terms = new List<CheckPredicate>();
            Add(terms, first);
            while (TryWord("and"))
            {
                var next = Not(depth);
                if (next is null) return null;
                Add(terms, next);
            }
            return new AndPredicate(terms);

            static void Add(List<CheckPredicate> list, CheckPredicate p)
            {
                if (p is AndPredicate a) list.AddRange(a.Terms);
                else list.Add(p);
            }
        }

        private CheckPredicate? Not(int depth)
        {
            if (depth > MaxDepth) return null;
            if (TryWord("not"))
            {
                var inner = Not(depth + 1);
                return inner is null ? null : new NotPredicate(inner);
            }
            return Primary(depth);
        }

        private CheckPredicate? Primary(int depth)
        {
            if (depth > MaxDepth) return null;
            int save = _i;
            var cmp = Comparison(depth);
            if (cmp is not null) return cmp;
            _i = save;
            if (!TryOp("(")) return null;
            var inner = Or(depth + 1);
            if (inner is null || !TryOp(")")) return null;
            return inner;
        }

        private static readonly Dictionary<string, CompareOp> Ops = new(StringComparer.Ordinal)
        {
            ["="] = CompareOp.Eq, ["<>"] = CompareOp.Ne, ["!="] = CompareOp.Ne,
            ["<"] = CompareOp.Lt, ["<="] = CompareOp.Le, [">"] = CompareOp.Gt, [">="] = CompareOp.Ge,
        };

        private CheckPredicate? Comparison(int depth)
        {
            var left = Operand(depth);
            if (left is null) return null;
            var t = Peek();
            if (TryWord("is"))
            {
                bool neg = TryWord("not");
                if (!TryWord("null") || left is not ColumnOperand col) return null;
                return new IsNullPredicate(col.Column, neg);
            }
            if (TryWord("isnull")) return left is ColumnOperand c1 ? new IsNullPredicate(c1.Column, false) : null;
            if (TryWord("notnull")) return left is ColumnOperand c2 ? new IsNullPredicate(c2.Column, true) : null;
            bool negated = false;
            if (t.IsWord("not") && (Peek(1).IsWord("between") || Peek(1).IsWord("in") || Peek(1).IsWord("like")))
            {
                Next();
                negated = true;
            }
            // pg_get_constraintdef prints LIKE / NOT LIKE as the operators ~~ / !~~.
            if (!negated && (t.IsOp("~~") || t.IsOp("!~~")))
            {
                Next();
                negated = t.Text == "!~~";
                return LikeTail(left, negated);
            }
            if (TryWord("like")) return LikeTail(left, negated);
            if (!negated && (t.IsOp("~") || t.IsOp("!~")))
            {
                // col ~ '^…$': the anchored regular expressions a LIKE with character classes is written as.
                Next();
                if (left is not ColumnOperand rc || Peek().Kind != TokKind.String) return null;
                var regex = Peek().Text;
                Next();
                SkipCasts();
                return LikePattern.FromPgRegex(regex) is { } re ? new LikePredicate(rc.Column, re, t.Text == "!~") : null;
            }
            if (TryWord("between"))
            {
                if (TryWord("symmetric")) return null;
                TryWord("asymmetric");
                var low = Operand(depth);
                if (low is null || !TryWord("and")) return null;
                var high = Operand(depth);
                return high is null ? null : new BetweenPredicate(left, low, high, negated);
            }
            if (TryWord("in"))
            {
                if (!TryOp("(")) return null;
                var values = new List<CheckValue>();
                do
                {
                    if (Operand(depth) is not ConstOperand v) return null;
                    values.Add(v.Value);
                }
                while (TryOp(","));
                return TryOp(")") ? new InPredicate(left, values, negated) : null;
            }
            if (negated || t.Kind != TokKind.Op || !Ops.TryGetValue(t.Text, out var op)) return null;
            Next();
            if (Peek().Kind == TokKind.Word && Peek().Text is "any" or "some" or "all" && Peek(1).IsOp("("))
            {
                bool all = Peek().Text == "all";
                Next();
                Next();
                var values = ArrayValues(depth + 1);
                if (values is null || !TryOp(")")) return null;
                return (op, all) switch
                {
                    (CompareOp.Eq, false) => new InPredicate(left, values, false),
                    (CompareOp.Ne, true) => new InPredicate(left, values, true),
                    _ => null,
                };
            }
            var right = Operand(depth);
            return right is null ? null : new ComparePredicate(left, op, right);
        }

        /// <summary>col LIKE 'pattern' (backslash escapes), the form a T-SQL LIKE without classes is written in.</summary>
        private CheckPredicate? LikeTail(CheckOperand left, bool negated)
        {
            if (left is not ColumnOperand lc || Peek().Kind != TokKind.String) return null;
            var pattern = Peek().Text;
            Next();
            SkipCasts();
            if (Peek().IsWord("escape")) return null;
            return LikePattern.FromPgLike(pattern) is { } like ? new LikePredicate(lc.Column, like, negated) : null;
        }

        /// <summary>ARRAY[c, …], '{a,b}' or a parenthesised, cast form of those.</summary>
        private List<CheckValue>? ArrayValues(int depth)
        {
            if (depth > MaxDepth) return null;
            List<CheckValue>? values;
            if (TryOp("("))
            {
                values = ArrayValues(depth + 1);
                if (values is null || !TryOp(")")) return null;
                SkipCasts();
                return values;
            }
            if (TryWord("array"))
            {
                if (!TryOp("[")) return null;
                values = [];
                do
                {
                    if (Operand(depth + 1) is not ConstOperand v) return null;
                    values.Add(v.Value);
                }
                while (TryOp(","));
                if (!TryOp("]")) return null;
                SkipCasts();
                return values;
            }
            if (Peek().Kind == TokKind.String)
            {
                var literal = Peek().Text;
                Next();
                var type = SkipCasts();
                return ArrayLiteral(literal, type);
            }
            return null;
        }

        private static readonly HashSet<string> NumericTypes = new(StringComparer.Ordinal)
        {
            "int", "integer", "int2", "int4", "int8", "smallint", "bigint", "numeric", "decimal", "real", "float4",
            "float8", "double precision", "float",
        };

        /// <summary>A one-dimensional array literal such as '{a,"b c",NULL}'.</summary>
        private static List<CheckValue>? ArrayLiteral(string s, string? type)
        {
            s = s.Trim();
            if (s.Length < 2 || s[0] != '{' || s[^1] != '}') return null;
            var inner = s[1..^1];
            var values = new List<CheckValue>();
            if (inner.Trim().Length == 0) return values;
            bool numeric = type is not null && NumericTypes.Contains(type);
            int i = 0;
            while (true)
            {
                while (i < inner.Length && char.IsWhiteSpace(inner[i])) i++;
                if (i < inner.Length && inner[i] == '"')
                {
                    var sb = new System.Text.StringBuilder();
                    i++;
                    while (i < inner.Length && inner[i] != '"')
                    {
                        if (inner[i] == '\\' && i + 1 < inner.Length) i++;
                        sb.Append(inner[i++]);
                    }
                    if (i >= inner.Length) return null;
                    i++;
                    values.Add(new StringValue(sb.ToString()));
                    while (i < inner.Length && char.IsWhiteSpace(inner[i])) i++;
                }
                else
                {
                    int start = i;
                    while (i < inner.Length && inner[i] != ',') i++;
                    var raw = inner[start..i].Trim();
                    if (raw.Length == 0 || raw.IndexOfAny(['{', '}', '"', '\\']) >= 0) return null;
                    if (raw.Equals("null", StringComparison.OrdinalIgnoreCase)) values.Add(new NullValue());
                    else if (numeric)
                    {
                        if (!decimal.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return null;
                        values.Add(new NumberValue(d));
                    }
                    else values.Add(new StringValue(raw));
                }
                if (i >= inner.Length) return values;
                if (inner[i] != ',') return null;
                i++;
            }
        }

        private static readonly HashSet<string> LengthFunctions = new(StringComparer.Ordinal)
        {
            "length", "char_length", "character_length", "octet_length",
        };

        private static readonly HashSet<string> NotColumns = new(StringComparer.Ordinal)
        {
            "and", "or", "not", "is", "in", "between", "any", "some", "all", "array", "case", "when", "then", "else",
            "end", "select", "like", "ilike", "similar", "cast", "true", "false", "null", "isnull", "notnull",
            "current_date", "current_timestamp", "current_time", "localtime", "localtimestamp", "current_user",
            "session_user", "user", "distinct", "from", "as", "collate", "exists",
        };

        private CheckOperand? Operand(int depth)
        {
            if (depth > MaxDepth) return null;
            var t = Peek();
            CheckOperand? result;
            if (t.IsOp("("))
            {
                Next();
                result = Operand(depth + 1);
                if (result is null || !TryOp(")")) return null;
            }
            else if (t.IsWord("cast") && Peek(1).IsOp("("))
            {
                Next();
                Next();
                result = Operand(depth + 1);
                if (result is null || !TryWord("as") || SkipType() is null || !TryOp(")")) return null;
            }
            else if ((t.IsOp("-") || t.IsOp("+")) && Peek(1).Kind == TokKind.Number)
            {
                Next();
                var n = Number(Peek().Text);
                if (n is null) return null;
                Next();
                result = new ConstOperand(new NumberValue(t.Text == "-" ? -n.Value : n.Value));
            }
            else if (t.Kind == TokKind.Number)
            {
                var n = Number(t.Text);
                if (n is null) return null;
                Next();
                result = new ConstOperand(new NumberValue(n.Value));
            }
            else if (t.Kind == TokKind.String)
            {
                Next();
                result = new ConstOperand(new StringValue(t.Text));
            }
            else if (t.IsWord("true") || t.IsWord("false"))
            {
                Next();
                result = new ConstOperand(new BoolValue(t.Text == "true"));
            }
            else if (t.IsWord("null"))
            {
                Next();
                result = new ConstOperand(new NullValue());
            }
            else if (t.Kind == TokKind.Word && LengthFunctions.Contains(t.Text) && Peek(1).IsOp("("))
            {
                Next();
                Next();
                if (Operand(depth + 1) is not ColumnOperand col || !TryOp(")")) return null;
                result = new LengthOperand(col.Column);
            }
            else if (t.IsIdent && !Peek(1).IsOp("(") && !Peek(1).IsOp(".") && !(t.Kind == TokKind.Word && NotColumns.Contains(t.Text)))
            {
                Next();
                result = new ColumnOperand(domain && t.Kind == TokKind.Word && t.Text == "value" ? "VALUE" : t.Text);
            }
            else return null;
            SkipCasts();
            return result;
        }

        private static decimal? Number(string text)
        {
            text = text.Replace("_", "", StringComparison.Ordinal);
            return decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
        }

        /// <summary>Skips any number of ::type casts; returns the last type's base name (lower case), or null.</summary>
        private string? SkipCasts()
        {
            string? type = null;
            while (Peek().IsOp("::"))
            {
                Next();
                type = SkipType();
                if (type is null) return null;
            }
            return type;
        }

        private static readonly HashSet<string> TypeWords = new(StringComparer.Ordinal)
        {
            "varying", "precision", "with", "without", "time", "zone",
        };

        private string? SkipType()
        {
            var t = Peek();
            if (!t.IsIdent) return null;
            Next();
            string name = t.Text;
            while (Peek().IsOp(".") && Peek(1).IsIdent)
            {
                Next();
                name = Peek().Text;
                Next();
            }
            if (t.Kind == TokKind.Word && name is "character" or "char" or "double" or "bit" or "timestamp" or "time" or "national")
                while (Peek().Kind == TokKind.Word && TypeWords.Contains(Peek().Text))
                {
                    if (Peek().Text == "precision") name = "double precision";
                    Next();
                }
            if (Peek().IsOp("("))
            {
                int depth = 0;
                do
                {
                    if (Peek().IsOp("(")) depth++;
                    else if (Peek().IsOp(")")) depth--;
                    else if (Peek().Kind == TokKind.End) return null;
                    Next();
                }
                while (depth > 0);
            }
            while (Peek().IsOp("[") && Peek(1).IsOp("]") || Peek().IsOp("[") && Peek(1).Kind == TokKind.Number && Peek(2).IsOp("]"))
            {
                Next();
                if (Peek().Kind == TokKind.Number) Next();
                Next();
            }
            return name;
        }
    }
}
