using System.Globalization;
using System.Text;
using PluRelSql.Schema.Postgres;

namespace PluRelSql.Schema.Dialects;

/// <summary>PostgreSQL expression text ⇄ <see cref="SqlExpr"/>. The reader takes what pg_dump and hand-written DDL put
/// in defaults and CHECKs (casts, <c>= ANY (ARRAY[…])</c>, <c>nextval('s'::regclass)</c>, LIKE, anchored regular
/// expressions of the LIKE kind); the writer always parenthesises compound operands, so precedence never depends on
/// the dialect.</summary>
internal static class PgExpressions
{
    /// <param name="column">Resolves a column name of the table the expression belongs to (null: none known).</param>
    public static SqlExpr Read(string text, Func<string, ColumnDef?> column)
    {
        var (e, refusal, _) = Parse(text, column, domain: false);
        if (refusal is not null) throw new UntranslatableException(refusal);
        return ExprDepth.Check(e); // operator chains nest without recursing here, but the writers recurse on them
    }

    /// <summary>The tree of an expression, including what has no T-SQL counterpart (casts to user types, array
    /// constants); throws <see cref="UntranslatableException"/> only where the text does not read.</summary>
    public static SqlExpr ReadTree(string text, Func<string, ColumnDef?> column) => Parse(text, column, domain: false).Tree;

    /// <summary>The simple CHECK forms of a CHECK expression (without the CHECK keyword); null when it does not read
    /// or says more than those forms. In a domain CHECK an unquoted <c>value</c> is the column <c>VALUE</c>.</summary>
    public static CheckPredicate? ReadCheck(string? text, bool domain)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        try
        {
            var (e, _, depth) = Parse(text, _ => null, domain);
            return depth > CheckDepth ? null : CheckForms.Predicate(e);
        }
        catch (UntranslatableException)
        {
            return null;
        }
    }

    /// <summary>CHECKs have always been read to 64 levels of parentheses, NOTs and signs (one more here: the whole
    /// expression counts one); deeper ones stay text.</summary>
    private const int CheckDepth = 65;

    /// <summary>The tree, the first thing in it that has no T-SQL counterpart (null: none) and the deepest nesting
    /// met. A construct that has no counterpart but still reads as a simple CHECK form (a cast to a user type, an
    /// array constant '{…}') is kept in the tree with its reason; what does not read at all throws, with the first
    /// reason met before it where there was one.</summary>
    private static (SqlExpr Tree, string? Refusal, int Depth) Parse(string text, Func<string, ColumnDef?> column, bool domain)
    {
        List<Token> tokens;
        try { tokens = new PgLexer(text, "").TokenizeAll(); }
        catch (SchemaException ex) { throw new UntranslatableException($"cannot read the expression: {ex.Reason}"); }
        var p = new Parser(tokens, text, column, domain);
        try
        {
            var e = p.Or();
            if (!p.AtEnd) throw new UntranslatableException($"cannot read the expression past '{p.Rest()}'");
            return (e, p.Refusal, p.MaxDepth);
        }
        catch (UntranslatableException) when (p.Refusal is not null)
        {
            throw new UntranslatableException(p.Refusal);
        }
    }

    private sealed class Parser(List<Token> tokens, string text, Func<string, ColumnDef?> column, bool domain)
    {
        private int _i;
        private int _depth;

        /// <summary>The first construct read that has no T-SQL counterpart.</summary>
        public string? Refusal { get; private set; }

        public int MaxDepth { get; private set; }

        private void Refuse(string reason) => Refusal ??= reason;

        private Token Peek(int k = 0) => tokens[Math.Min(_i + k, tokens.Count - 1)];
        private Token Next() { var t = Peek(); if (_i < tokens.Count - 1) _i++; return t; }
        public bool AtEnd => Peek().Kind == TokKind.End;
        public string Rest() => text[Peek().Start..].Trim();
        private bool TryWord(string w) { if (!Peek().IsWord(w)) return false; Next(); return true; }
        private bool TryOp(string op) { if (!Peek().IsOp(op)) return false; Next(); return true; }

        private void Expect(string op)
        {
            if (!TryOp(op)) throw new UntranslatableException($"expected '{op}' at '{Rest()}'");
        }

        /// <summary>Parentheses, NOTs and signs recurse here: each counts one level.</summary>
        private void Deeper()
        {
            if (++_depth > 200) throw new UntranslatableException("expression nested too deeply");
            MaxDepth = Math.Max(MaxDepth, _depth);
        }

        public SqlExpr Or()
        {
            Deeper();
            try
            {
                var left = And();
                while (TryWord("or")) left = new Binary("or", left, And());
                return left;
            }
            finally { _depth--; }
        }

        private SqlExpr And()
        {
            var left = Not();
            while (TryWord("and")) left = new Binary("and", left, Not());
            return left;
        }

        private SqlExpr Not()
        {
            if (!TryWord("not")) return Predicate();
            Deeper();
            try { return new Unary("not", Not()); }
            finally { _depth--; }
        }

        private static readonly HashSet<string> Comparisons = ["=", "<>", "!=", "<", "<=", ">", ">="];

        private SqlExpr Predicate()
        {
            var left = Other();
            while (true)
            {
                var t = Peek();
                if (TryWord("is"))
                {
                    var negated = TryWord("not");
                    if (TryWord("null")) { left = new IsNullExpr(left, negated); continue; }
                    // IS TRUE is never NULL, unlike =: not a simple CHECK form.
                    if (TryWord("true")) { left = new Binary(negated ? "<>" : "=", left, new BoolLit(true)) { Unusual = true }; continue; }
                    if (TryWord("false")) { left = new Binary(negated ? "<>" : "=", left, new BoolLit(false)) { Unusual = true }; continue; }
                    throw new UntranslatableException($"IS {(negated ? "NOT " : "")}{Peek().Text} has no counterpart");
                }
                if (TryWord("isnull")) { left = new IsNullExpr(left, false); continue; }
                if (TryWord("notnull")) { left = new IsNullExpr(left, true); continue; }
                var not = t.IsWord("not") && Peek(1).Kind == TokKind.Word && Peek(1).Text is "between" or "in" or "like" or "ilike" or "similar";
                if (not) Next();
                if (TryWord("between"))
                {
                    if (TryWord("symmetric")) throw new UntranslatableException("BETWEEN SYMMETRIC has no counterpart");
                    TryWord("asymmetric");
                    var low = Other();
                    if (!TryWord("and")) throw new UntranslatableException("BETWEEN without AND");
                    left = new BetweenExpr(left, low, Other(), not);
                    continue;
                }
                if (TryWord("in"))
                {
                    Expect("(");
                    var values = new List<SqlExpr> { Or() };
                    while (TryOp(",")) values.Add(Or());
                    Expect(")");
                    left = new InExpr(left, values, not);
                    continue;
                }
                var likeOp = !not && (t.IsOp("~~") || t.IsOp("!~~"));
                if (likeOp) { Next(); not = t.Text == "!~~"; }
                if (likeOp || TryWord("like"))
                {
                    var plain = Peek().Kind == TokKind.String;
                    var odd = _oddTypes;
                    var pattern = PatternLiteral("LIKE");
                    if (Peek().IsWord("escape")) throw new UntranslatableException("LIKE … ESCAPE is not translated");
                    left = new LikeExpr(left, LikePattern.FromPgLike(pattern)
                        ?? throw new UntranslatableException($"LIKE pattern '{pattern}' ends in an escape character"), not)
                    { Unusual = !plain || _oddTypes != odd };
                    continue;
                }
                if (Peek().IsWord("ilike") || Peek().IsWord("similar"))
                    throw new UntranslatableException($"{Peek().Text.ToUpperInvariant()} has no T-SQL counterpart");
                if (not) throw new UntranslatableException($"NOT {Peek().Text} is not understood");
                if (t.Kind == TokKind.Op && Comparisons.Contains(t.Text))
                {
                    Next();
                    var op = t.Text == "!=" ? "<>" : t.Text;
                    if (Peek().Kind == TokKind.Word && Peek().Text is "any" or "some" or "all" && Peek(1).IsOp("("))
                    {
                        var all = Next().Text == "all";
                        Next();
                        var odd = _oddTypes;
                        var values = ArrayItems();
                        Expect(")");
                        left = (op, all) switch
                        {
                            ("=", false) => new InExpr(left, values, false) { Unusual = _oddTypes != odd },
                            ("<>", true) => new InExpr(left, values, true) { Unusual = _oddTypes != odd },
                            _ => throw new UntranslatableException($"{op} {(all ? "ALL" : "ANY")} (array) has no counterpart"),
                        };
                        continue;
                    }
                    left = new Binary(op, left, Other());
                    continue;
                }
                if (t.IsOp("~") || t.IsOp("!~"))
                {
                    Next();
                    var plain = Peek().Kind == TokKind.String;
                    var odd = _oddTypes;
                    var regex = PatternLiteral("~");
                    left = new LikeExpr(left, LikePattern.FromPgRegex(regex)
                        ?? throw new UntranslatableException($"regular expression '{regex}' is beyond what a LIKE pattern can say"), t.Text == "!~")
                    { Unusual = !plain || _oddTypes != odd };
                    continue;
                }
                if (t.IsOp("~*") || t.IsOp("!~*"))
                    throw new UntranslatableException("case-insensitive regular expressions (~*) have no counterpart");
                return left;
            }
        }

        /// <summary>The string constant a LIKE / ~ compares with (casts to text allowed).</summary>
        private string PatternLiteral(string what)
        {
            var e = Other();
            while (e is CastExpr c) e = c.Operand;
            if (e is StringLit s) return s.Value;
            var refusal = $"{what} with a pattern that is not a constant";
            // 'x'::bytea, 't'::boolean: the simple CHECK forms take the string constant as written.
            var written = e switch { BytesLit b => "\\x" + b.Hex, BoolLit { CastFrom: { } f } => f, _ => throw new UntranslatableException(refusal) };
            Refuse(refusal);
            return written;
        }

        private List<SqlExpr> ArrayItems()
        {
            if (TryOp("("))
            {
                var inner = ArrayItems();
                Expect(")");
                SkipCasts();
                return inner;
            }
            if (TryWord("array"))
            {
                Expect("[");
                var values = new List<SqlExpr> { Or() };
                while (TryOp(",")) values.Add(Or());
                Expect("]");
                SkipCasts();
                return values;
            }
            if (Peek().Kind == TokKind.String)
            {
                // '{a,b}'::text[]: read for the CHECK forms, not translated.
                Refuse("an array other than ARRAY[…] is not translated");
                var literal = Next().Text;
                return ArrayLiteral(literal, SkipCasts()) ?? throw new UntranslatableException($"cannot read the array constant '{literal}'");
            }
            throw new UntranslatableException("an array other than ARRAY[…] is not translated");
        }

        /// <summary>Skips any number of ::type casts; returns the last type, or null when there was none.</summary>
        private SqlType? SkipCasts()
        {
            SqlType? type = null;
            while (TryOp("::")) type = ParseType();
            return type;
        }

        /// <summary>A one-dimensional array constant such as '{a,"b c",NULL}'; its elements are numbers when it is
        /// cast to a number type, strings otherwise.</summary>
        private static List<SqlExpr>? ArrayLiteral(string s, SqlType? type)
        {
            s = s.Trim();
            if (s.Length < 2 || s[0] != '{' || s[^1] != '}') return null;
            var inner = s[1..^1];
            var values = new List<SqlExpr>();
            if (inner.Trim().Length == 0) return values;
            bool numeric = type?.Kind is TypeKind.SmallInt or TypeKind.Integer or TypeKind.BigInt or TypeKind.Numeric
                or TypeKind.Real or TypeKind.Double;
            int i = 0;
            while (true)
            {
                while (i < inner.Length && char.IsWhiteSpace(inner[i])) i++;
                if (i < inner.Length && inner[i] == '"')
                {
                    var sb = new StringBuilder();
                    i++;
                    while (i < inner.Length && inner[i] != '"')
                    {
                        if (inner[i] == '\\' && i + 1 < inner.Length) i++;
                        sb.Append(inner[i++]);
                    }
                    if (i >= inner.Length) return null;
                    i++;
                    values.Add(new StringLit(sb.ToString()));
                    while (i < inner.Length && char.IsWhiteSpace(inner[i])) i++;
                }
                else
                {
                    int start = i;
                    while (i < inner.Length && inner[i] != ',') i++;
                    var raw = inner[start..i].Trim();
                    if (raw.Length == 0 || raw.IndexOfAny(['{', '}', '"', '\\']) >= 0) return null;
                    if (raw.Equals("null", StringComparison.OrdinalIgnoreCase)) values.Add(new NullLit());
                    else if (numeric)
                    {
                        if (!decimal.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out _)) return null;
                        values.Add(new NumberLit(raw));
                    }
                    else values.Add(new StringLit(raw));
                }
                if (i >= inner.Length) return values;
                if (inner[i] != ',') return null;
                i++;
            }
        }

        // "Any other operator": ||.
        private SqlExpr Other()
        {
            var left = Additive();
            while (TryOp("||")) left = new Binary("||", left, Additive());
            return left;
        }

        private SqlExpr Additive()
        {
            var left = Multiplicative();
            while (Peek().IsOp("+") || Peek().IsOp("-"))
            {
                var op = Next().Text;
                left = new Binary(op, left, Multiplicative());
            }
            return left;
        }

        private SqlExpr Multiplicative()
        {
            var left = UnaryExpr();
            while (Peek().IsOp("*") || Peek().IsOp("/") || Peek().IsOp("%"))
            {
                var op = Next().Text;
                left = new Binary(op, left, UnaryExpr());
            }
            return left;
        }

        private SqlExpr UnaryExpr()
        {
            if (Peek().IsOp("-") || Peek().IsOp("+"))
            {
                var op = Next().Text;
                // Only a sign right before a number is part of a constant in the simple CHECK forms.
                var unusual = Peek().Kind != TokKind.Number;
                Deeper();
                SqlExpr operand;
                try { operand = UnaryExpr(); }
                finally { _depth--; }
                // "- -1" is 1: prefixing a minus to a negative literal would write "--1", a comment.
                return operand is NumberLit n && op == "-" ? new NumberLit(n.Text.StartsWith('-') ? n.Text[1..] : "-" + n.Text) { Unusual = unusual || n.Unusual }
                    : operand is NumberLit ? operand with { Unusual = unusual || operand.Unusual } : new Unary(op, operand) { Unusual = unusual };
            }
            return Postfix(Primary());
        }

        private SqlExpr Postfix(SqlExpr e)
        {
            while (true)
            {
                if (TryOp("::"))
                {
                    var odd = _oddTypes;
                    e = Cast(e, ParseType());
                    if (_oddTypes != odd) e = e with { Unusual = true };
                }
                else if (Peek().IsWord("collate")) throw new UntranslatableException("COLLATE in an expression is not translated");
                else if (Peek().IsWord("at") && Peek(1).IsWord("time") && Peek(2).IsWord("zone"))
                {
                    Next(); Next(); Next();
                    var zone = Primary();
                    if (e is Call { Name: Fn.Now } && zone is StringLit { Value: var z } &&
                        z.Equals("utc", StringComparison.OrdinalIgnoreCase))
                        e = new Call(Fn.UtcNow, []);
                    else throw new UntranslatableException("AT TIME ZONE is only translated as now() AT TIME ZONE 'utc'");
                }
                else return e;
            }
        }

        /// <summary>A cast, with the no-op ones PostgreSQL adds itself (a text constant or text column to a text type,
        /// a number to a numeric type) dropped.</summary>
        private SqlExpr Cast(SqlExpr e, SqlType type)
        {
            // The casts below have no counterpart; the simple CHECK forms strip them.
            if (type.IsArray) return Refused(e, type, "array casts are not translated");
            // 'G'::mpaa_rating: an enum or domain constant is its text (enums become strings in T-SQL).
            if (type.Kind == TypeKind.Other && e is StringLit or NumberLit && type.UserType is { Name: not "regclass" }) return e;
            if (type.Kind == TypeKind.Other && type.UserType is { Name: "regclass" } && e is StringLit) return e;
            if (type.Kind == TypeKind.Other) return Refused(e, type, $"cast to {type.UserType} is not translated");
            var textual = type.Kind is TypeKind.Text or TypeKind.Varchar or TypeKind.Char;
            if (e is StringLit && textual && type.Length is null) return e;
            if (e is StringLit s && type.Kind == TypeKind.Boolean)
                return s.Value.Trim().ToLowerInvariant() switch
                {
                    "t" or "true" or "y" or "yes" or "on" or "1" => new BoolLit(true) { CastFrom = s.Value },
                    "f" or "false" or "n" or "no" or "off" or "0" => new BoolLit(false) { CastFrom = s.Value },
                    _ => Refused(e, type, $"'{s.Value}' is not a boolean"),
                };
            if (e is StringLit { Value: var v } && type.Kind == TypeKind.Bytea && v.StartsWith("\\x", StringComparison.Ordinal))
                return new BytesLit(v[2..]);
            if (e is ColumnRef c && textual && type.Length is null && column(c.Name)?.Type.Kind is TypeKind.Text or TypeKind.Varchar or TypeKind.Char)
                return e;
            if (e is NumberLit && type.Kind is TypeKind.Numeric or TypeKind.Integer or TypeKind.BigInt or TypeKind.SmallInt
                    or TypeKind.Double or TypeKind.Real && type.Precision is null)
                return e;
            return new CastExpr(e, type);
        }

        private CastExpr Refused(SqlExpr e, SqlType type, string reason)
        {
            Refuse(reason);
            return new CastExpr(e, type);
        }

        /// <summary>How many type names so far were spelled past what the simple CHECK forms skip as a type
        /// (timestamp(3) without time zone, interval day to second).</summary>
        private int _oddTypes;

        private SqlType ParseType()
        {
            var start = _i;
            try { return ParseTypeHere(); }
            finally { if (SimpleTypeEnd(tokens, start) != _i) _oddTypes++; }
        }

        private SqlType ParseTypeHere()
        {
            var rest = tokens.GetRange(_i, tokens.Count - _i);
            var cursor = new Cursor(new Statement(rest, text, ""));
            TypeSpec spec;
            try { spec = PgTypeParser.Parse(cursor); }
            catch (SchemaException e) { throw new UntranslatableException($"cannot read the type at '{Rest()}': {e.Reason}"); }
            var consumed = rest.FindIndex(t => t.Start == cursor.Peek().Start && t.Kind == cursor.Peek().Kind);
            _i += consumed < 0 ? rest.Count - 1 : consumed;
            if (spec.Builtin is { } b) return b;
            if (spec.UserName is { } user) return new SqlType { Kind = TypeKind.Other, UserType = user };
            Refuse($"cast to {spec.Text} is not translated");
            return SqlType.Of(TypeKind.Other);
        }

        private SqlExpr Primary()
        {
            var t = Peek();
            switch (t.Kind)
            {
                case TokKind.Number:
                    Next();
                    return new NumberLit(t.Text.Replace("_", "", StringComparison.Ordinal));
                case TokKind.String:
                    Next();
                    return new StringLit(t.Text);
                case TokKind.Op when t.Text == "(":
                {
                    Next();
                    var inner = Or();
                    Expect(")");
                    return inner;
                }
                case TokKind.QuotedIdent:
                    return ColumnName();
                case TokKind.Word:
                    break;
                default:
                    throw new UntranslatableException($"unexpected '{t.Text}' at '{Rest()}'");
            }

            switch (t.Text)
            {
                case "true" or "false":
                    Next();
                    return new BoolLit(t.Text == "true");
                case "null":
                    Next();
                    return new NullLit();
                case "current_timestamp" or "localtimestamp" when !Peek(1).IsOp("("):
                    Next();
                    return new Call(Fn.Now, []);
                case "current_date":
                    Next();
                    return new Call(Fn.CurrentDate, []);
                case "current_user" or "session_user" or "user" when !Peek(1).IsOp("("):
                    Next();
                    return new Call(Fn.CurrentUser, []);
                case "cast" when Peek(1).IsOp("("):
                {
                    Next(); Next();
                    var operand = Or();
                    if (!TryWord("as")) throw new UntranslatableException("CAST without AS");
                    var odd = _oddTypes;
                    var type = ParseType();
                    Expect(")");
                    var cast = Cast(operand, type);
                    return _oddTypes != odd ? cast with { Unusual = true } : cast;
                }
                case "case":
                    return Case();
                case "interval" or "date" or "timestamp" or "time" when Peek(1).Kind == TokKind.String:
                {
                    if (t.Text == "interval") throw new UntranslatableException("interval constants have no T-SQL counterpart");
                    Next();
                    var literal = Next().Text;
                    return new CastExpr(new StringLit(literal), SqlType.Of(t.Text switch
                    {
                        "date" => TypeKind.Date,
                        "time" => TypeKind.Time,
                        _ => TypeKind.Timestamp,
                    }))
                    { Unusual = true };
                }
                case "extract" when Peek(1).IsOp("("):
                {
                    Next(); Next();
                    var field = Next();
                    var name = field.Kind == TokKind.String ? field.Text.ToLowerInvariant() : field.Text;
                    if (!TryWord("from")) throw new UntranslatableException("EXTRACT without FROM");
                    var operand = Or();
                    Expect(")");
                    return DatePart(name, operand);
                }
                case "array":
                    throw new UntranslatableException("arrays have no T-SQL counterpart");
            }
            if (Peek(1).IsOp("(")) return Function();
            return ColumnName();
        }

        private SqlExpr ColumnName()
        {
            var name = Next();
            // table.column: the column is what matters inside one table's expression.
            var unusual = name.Kind == TokKind.Word && NotColumns.Contains(name.Text);
            while (Peek().IsOp(".") && Peek(1).IsIdent) { Next(); name = Next(); unusual = true; }
            if (domain && !unusual && name.Kind == TokKind.Word && name.Text == "value") return new ColumnRef("VALUE");
            var found = column(name.Text);
            return new ColumnRef(found?.Name ?? name.Text) { Unusual = unusual };
        }

        /// <summary>Words the simple CHECK forms never take for a column.</summary>
        private static readonly HashSet<string> NotColumns = new(StringComparer.Ordinal)
        {
            "and", "or", "not", "is", "in", "between", "any", "some", "all", "array", "case", "when", "then", "else",
            "end", "select", "like", "ilike", "similar", "cast", "true", "false", "null", "isnull", "notnull",
            "current_date", "current_timestamp", "current_time", "localtime", "localtimestamp", "current_user",
            "session_user", "user", "distinct", "from", "as", "collate", "exists",
        };

        private static SqlExpr DatePart(string field, SqlExpr operand) => field switch
        {
            "year" => new Call(Fn.Year, [operand]),
            "month" => new Call(Fn.Month, [operand]),
            "day" => new Call(Fn.Day, [operand]),
            _ => throw new UntranslatableException($"date part '{field}' is not translated"),
        };

        private SqlExpr Case()
        {
            Next();
            SqlExpr? operand = Peek().IsWord("when") ? null : Or();
            var whens = new List<(SqlExpr, SqlExpr)>();
            while (TryWord("when"))
            {
                var when = Or();
                if (!TryWord("then")) throw new UntranslatableException("CASE WHEN without THEN");
                whens.Add((when, Or()));
            }
            SqlExpr? otherwise = TryWord("else") ? Or() : null;
            if (!TryWord("end")) throw new UntranslatableException("CASE without END");
            return new CaseExpr(operand, whens, otherwise);
        }

        private SqlExpr Function()
        {
            var nameTok = Next();
            var name = nameTok.Text;
            var qualified = false;
            while (Peek().IsOp(".") && Peek(1).IsIdent) { Next(); name = Next().Text; qualified = true; } // pg_catalog.now()
            Expect("(");
            if (name == "substring")
            {
                var s = Or();
                if (TryWord("from"))
                {
                    var from = Or();
                    var args = new List<SqlExpr> { s, from };
                    if (TryWord("for")) args.Add(Or());
                    Expect(")");
                    return new Call("substring", args);
                }
                var rest = new List<SqlExpr> { s };
                while (TryOp(",")) rest.Add(Or());
                Expect(")");
                return new Call("substring", rest);
            }
            if (name == "position")
            {
                var needle = Other();
                if (!TryWord("in")) throw new UntranslatableException("POSITION without IN");
                var haystack = Or();
                Expect(")");
                return new Call(Fn.Position, [haystack, needle]);
            }
            var list = new List<SqlExpr>();
            if (!Peek().IsOp(")"))
            {
                if (Peek().IsWord("distinct")) throw new UntranslatableException("aggregates are not translated");
                list.Add(Or());
                while (TryOp(",")) list.Add(Or());
            }
            Expect(")");
            var call = MapFunction(name, list);
            return qualified ? call with { Unusual = true } : call;
        }

        private static SqlExpr MapFunction(string name, List<SqlExpr> args)
        {
            switch (name)
            {
                case "now" or "transaction_timestamp" or "statement_timestamp" or "clock_timestamp" when args.Count == 0:
                    return new Call(Fn.Now, []);
                case "gen_random_uuid" or "uuid_generate_v4" or "uuidv4" or "uuidv7" or "uuid_generate_v1" when args.Count == 0:
                    return new Call(Fn.Uuid, []);
                case "length" or "char_length" or "character_length" when args.Count == 1:
                    return new Call(Fn.Length, args);
                case "octet_length" when args.Count == 1:
                    return new Call(Fn.OctetLength, args);
                case "substr" when args.Count is 2 or 3:
                    return new Call("substring", args);
                case "strpos" when args.Count == 2:
                    return new Call(Fn.Position, args);
                case "ceil" or "ceiling" when args.Count == 1:
                    return new Call(Fn.Ceiling, args);
                case "ln" when args.Count == 1:
                    return new Call(Fn.Ln, args);
                case "log" when args.Count == 1:
                    return new Call(Fn.Log10, args);
                case "random" when args.Count == 0:
                    return new Call(Fn.Random, []);
                case "current_database" when args.Count == 0:
                    return new Call(Fn.CurrentDatabase, []);
                case "btrim" when args.Count == 1:
                    return new Call("ltrim", [new Call("rtrim", args)]);
                case "date_part" when args.Count == 2 && args[0] is StringLit part:
                    return DatePart(part.Value.ToLowerInvariant(), args[1]);
                case "nextval" when args.Count == 1:
                {
                    var arg = args[0];
                    while (arg is CastExpr c) arg = c.Operand;
                    if (arg is StringLit s && PgSchemaBuilder.ParseNameString(s.Value, "public") is { } seq) return new NextValue(seq);
                    throw new UntranslatableException("nextval() of something other than a sequence name");
                }
            }
            if (Fn.Shared.Contains(name)) return new Call(name, args);
            throw new UntranslatableException($"function {name}() has no known T-SQL counterpart");
        }
    }

    /// <summary>Whether the simple CHECK forms read <paramref name="type"/>'s PostgreSQL spelling as one type name.</summary>
    public static bool SpellsSimply(SqlType type)
    {
        List<Token> tokens;
        try { tokens = new PgLexer(type.ToPgSql(), "").TokenizeAll(); }
        catch (SchemaException) { return false; }
        return SimpleTypeEnd(tokens, 0) == tokens.Count - 1;
    }

    private static readonly HashSet<string> SimpleTypeWords = new(StringComparer.Ordinal)
    {
        "varying", "precision", "with", "without", "time", "zone",
    };

    /// <summary>Where the type name at <paramref name="i"/> ends as CHECKs have always skipped it: [schema.]name,
    /// the trailing words of character varying / double precision / timestamp with time zone, one (…) and array
    /// brackets; -1 where it does not read. A type spelled past that (timestamp(3) without time zone) never was a
    /// simple CHECK form.</summary>
    private static int SimpleTypeEnd(List<Token> tokens, int i)
    {
        Token P(int k) => tokens[Math.Min(i + k, tokens.Count - 1)];
        void Next() { if (i < tokens.Count - 1) i++; }
        var t = P(0);
        if (!t.IsIdent) return -1;
        Next();
        var name = t.Text;
        while (P(0).IsOp(".") && P(1).IsIdent)
        {
            Next();
            name = P(0).Text;
            Next();
        }
        if (t.Kind == TokKind.Word && name is "character" or "char" or "double" or "bit" or "timestamp" or "time" or "national")
            while (P(0).Kind == TokKind.Word && SimpleTypeWords.Contains(P(0).Text)) Next();
        if (P(0).IsOp("("))
        {
            var depth = 0;
            do
            {
                if (P(0).IsOp("(")) depth++;
                else if (P(0).IsOp(")")) depth--;
                else if (P(0).Kind == TokKind.End) return -1;
                Next();
            }
            while (depth > 0);
        }
        while (P(0).IsOp("[") && P(1).IsOp("]") || P(0).IsOp("[") && P(1).Kind == TokKind.Number && P(2).IsOp("]"))
        {
            Next();
            if (P(0).Kind == TokKind.Number) Next();
            Next();
        }
        return i;
    }

    // ---- writing ---------------------------------------------------------------------------------------------

    /// <summary>PostgreSQL text for an expression.</summary>
    public static string Write(SqlExpr e) => ExprDepth.OnLargeStackIfDeep(e, () => new Writer().Expr(e));

    private sealed class Writer
    {
        public string Expr(SqlExpr e) => e switch
        {
            NumberLit n => n.Text,
            StringLit s => Literal(s.Value),
            BoolLit b => b.Value ? "true" : "false",
            NullLit => "NULL",
            BytesLit h => $"'\\x{h.Hex}'::bytea",
            ColumnRef c => SqlIdent.Quote(c.Name),
            Unary { Op: "not" } u => "NOT " + Operand(u.Operand),
            Unary u => u.Op + Operand(u.Operand),
            Binary { Op: "and" or "or" } b => $"{Junct(b.Op, b.Left)} {b.Op.ToUpperInvariant()} {Junct(b.Op, b.Right)}",
            Binary b => $"{Operand(b.Left)} {b.Op} {Operand(b.Right)}",
            IsNullExpr i => $"{Operand(i.Operand)} IS {(i.Negated ? "NOT " : "")}NULL",
            BetweenExpr b => $"{Operand(b.Operand)} {(b.Negated ? "NOT " : "")}BETWEEN {Operand(b.Low)} AND {Operand(b.High)}",
            InExpr i => $"{Operand(i.Operand)} {(i.Negated ? "NOT " : "")}IN ({string.Join(", ", i.Values.Select(Expr))})",
            LikeExpr l => l.Pattern.ToPgLike() is { } like
                ? $"{Operand(l.Operand)} {(l.Negated ? "NOT " : "")}LIKE {Literal(like)}"
                : $"{Operand(l.Operand)} {(l.Negated ? "!~" : "~")} {Literal(l.Pattern.ToPgRegex())}",
            CastExpr c => $"CAST({Expr(c.Operand)} AS {c.Type.ToPgSql()})",
            CaseExpr c => Case(c),
            NextValue n => $"nextval({Literal(n.Sequence.ToSql())}::regclass)",
            Call c => Function(c),
            _ => throw new UntranslatableException($"cannot write {e.GetType().Name} for PostgreSQL"),
        };

        private string Operand(SqlExpr e) => e is NumberLit or StringLit or BoolLit or NullLit or ColumnRef or Call or CastExpr or NextValue or CaseExpr
            ? Expr(e)
            : "(" + Expr(e) + ")";

        // a OR b OR c needs no parentheses inside one junction.
        private string Junct(string op, SqlExpr e) => e is Binary b && b.Op == op ? Expr(e) : Operand(e);

        private string Case(CaseExpr c)
        {
            var sb = new StringBuilder("CASE");
            if (c.Operand is { } o) sb.Append(' ').Append(Operand(o));
            foreach (var (when, then) in c.Whens) sb.Append(" WHEN ").Append(Expr(when)).Append(" THEN ").Append(Expr(then));
            if (c.Else is { } e) sb.Append(" ELSE ").Append(Expr(e));
            return sb.Append(" END").ToString();
        }

        private string Function(Call c)
        {
            string Args() => string.Join(", ", c.Args.Select(Expr));
            return c.Name switch
            {
                // CURRENT_TIMESTAMP is what pg_dump prints for now(); LOCALTIMESTAMP would drop the zone a timestamptz keeps.
                Fn.Now => "CURRENT_TIMESTAMP",
                Fn.UtcNow => "(now() AT TIME ZONE 'utc')",
                Fn.CurrentDate => "CURRENT_DATE",
                Fn.Uuid => "gen_random_uuid()",
                Fn.CurrentUser => "CURRENT_USER",
                Fn.CurrentDatabase => "current_database()",
                Fn.Random => "random()",
                Fn.Position => $"strpos({Args()})",
                Fn.Ceiling => $"ceil({Args()})",
                Fn.Ln => $"ln({Args()})",
                Fn.Log10 => $"log({Args()})",
                Fn.Year or Fn.Month or Fn.Day => $"CAST(EXTRACT({c.Name.ToUpperInvariant()} FROM {Expr(c.Args[0])}) AS integer)",
                Fn.DateAdd when c.Args is [StringLit part, var n, var d] =>
                    $"({Operand(d)} + {Operand(n)} * interval {Literal("1 " + part.Value)})",
                _ => $"{c.Name}({Args()})",
            };
        }
    }

    public static string Literal(string s) => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'";

    internal static string Number(decimal d) => d.ToString(CultureInfo.InvariantCulture);
}
