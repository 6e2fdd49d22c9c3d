namespace PluRelSql.Schema.Postgres;

/// <summary>Checks that a CHECK expression is well formed — operands and operators alternate, parentheses and CASE
/// close, nothing dangles — without understanding it: any operator, function or type name is accepted, and
/// function arguments are only checked for balance. What is well formed here may still be beyond what
/// <see cref="CheckExpressionParser"/> understands (a warning later); what is not is an error when reading, as the
/// server would reject the DDL after the data is loaded.</summary>
internal static class ExpressionSyntax
{
    private const int MaxDepth = 200;

    /// <summary>The offending token and what was expected there, or null when the tokens form one expression.
    /// <paramref name="tokens"/> ends with a token standing for the end of the expression.</summary>
    public static (Token At, string Expected)? Check(IReadOnlyList<Token> tokens)
    {
        var v = new Validator(tokens);
        try
        {
            v.Expr(0);
            if (!v.AtEnd) return (v.Peek(), "an operator or the end of the expression");
            return null;
        }
        catch (SyntaxError e)
        {
            return (e.At, e.Expected);
        }
    }

    private sealed class SyntaxError(Token at, string expected) : Exception(expected)
    {
        public Token At { get; } = at;
        public string Expected { get; } = expected;
    }

    // Words that continue an expression after an operand (so they never start a type name's trailing words).
    private static readonly HashSet<string> Infix = new(StringComparer.Ordinal)
    {
        "and", "or", "is", "isnull", "notnull", "not", "in", "like", "ilike", "similar", "between", "collate", "at",
        "overlaps", "escape", "then", "else", "end", "when", "from", "for", "as",
    };

    // Words that may follow a type name: double precision, character varying, timestamp with time zone, interval day to second.
    private static readonly HashSet<string> TypeWords = new(StringComparer.Ordinal)
    {
        "precision", "varying", "with", "without", "time", "zone", "year", "month", "day", "hour", "minute", "second", "to",
    };

    // Typed constants: date '2020-01-01', interval '1 day', …
    private static readonly HashSet<string> TypedLiteral = new(StringComparer.Ordinal)
    {
        "date", "time", "timestamp", "timestamptz", "interval", "bit", "boolean", "int", "integer", "numeric", "text",
        "varchar", "char", "character", "uuid", "json", "jsonb", "money", "inet", "cidr", "point", "real", "float",
        "bigint", "smallint", "double", "decimal",
    };

    private sealed class Validator(IReadOnlyList<Token> tokens)
    {
        private int _i;

        public Token Peek(int k = 0) => tokens[Math.Min(_i + k, tokens.Count - 1)];
        public bool AtEnd => Peek().Kind == TokKind.End;
        private void Next() { if (_i < tokens.Count - 1) _i++; }
        private bool TryWord(string w) { if (!Peek().IsWord(w)) return false; Next(); return true; }
        private bool TryOp(string op) { if (!Peek().IsOp(op)) return false; Next(); return true; }
        private void ExpectOp(string op) { if (!TryOp(op)) throw new SyntaxError(Peek(), $"'{op}'"); }
        private void ExpectWord(string w) { if (!TryWord(w)) throw new SyntaxError(Peek(), w.ToUpperInvariant()); }

        private static bool IsPunct(Token t) =>
            t.Kind == TokKind.Op && t.Text is "(" or ")" or "[" or "]" or "," or ";" or "." or "::" or ":";

        private static bool IsBinaryOp(Token t) => t.Kind == TokKind.Op && !IsPunct(t);

        /// <summary>operand { operator operand }.</summary>
        public void Expr(int depth)
        {
            if (depth > MaxDepth) throw new SyntaxError(Peek(), "a less deeply nested expression");
            Operand(depth);
            while (true)
            {
                var t = Peek();
                if (IsBinaryOp(t)) { Next(); Operand(depth); continue; }
                if (t.IsWord("operator") && Peek(1).IsOp("(")) { Next(); Balanced(); Operand(depth); continue; }
                if (t.IsWord("and") || t.IsWord("or") || t.IsWord("overlaps") || t.IsWord("escape")) { Next(); Operand(depth); continue; }
                if (t.IsWord("not") && (Peek(1).IsWord("like") || Peek(1).IsWord("ilike") || Peek(1).IsWord("between")
                                        || Peek(1).IsWord("in") || Peek(1).IsWord("similar")))
                {
                    Next();
                    continue;
                }
                if (TryWord("like") || TryWord("ilike")) { Operand(depth); continue; }
                if (TryWord("similar")) { ExpectWord("to"); Operand(depth); continue; }
                if (TryWord("between")) { TryWord("symmetric"); TryWord("asymmetric"); Operand(depth); continue; }
                if (TryWord("in"))
                {
                    if (!Peek().IsOp("(")) throw new SyntaxError(Peek(), "'(' after IN");
                    Operand(depth);
                    continue;
                }
                if (TryWord("is"))
                {
                    TryWord("not");
                    if (TryWord("distinct")) { ExpectWord("from"); Operand(depth); continue; }
                    if (TryWord("null") || TryWord("true") || TryWord("false") || TryWord("unknown") || TryWord("document")) continue;
                    if (TryWord("json"))
                    {
                        if (!TryWord("value") && !TryWord("array") && !TryWord("object")) TryWord("scalar");
                        continue;
                    }
                    TryWord("nfc"); TryWord("nfd"); TryWord("nfkc"); TryWord("nfkd");
                    if (TryWord("normalized")) continue;
                    throw new SyntaxError(Peek(), "NULL, TRUE, FALSE, UNKNOWN or DISTINCT FROM after IS");
                }
                if (TryWord("isnull") || TryWord("notnull")) continue;
                if (Postfix()) continue;
                return;
            }
        }

        /// <summary>:: type, [subscript], COLLATE name, AT TIME ZONE operand. False when none follows.</summary>
        private bool Postfix()
        {
            if (TryOp("::")) { TypeName(); return true; }
            if (Peek().IsOp("[")) { Balanced(); return true; }
            if (TryWord("collate")) { Name(); return true; }
            if (Peek().IsWord("at") && Peek(1).IsWord("time"))
            {
                Next(); Next();
                ExpectWord("zone");
                Operand(0);
                return true;
            }
            if (Peek().IsWord("at") && Peek(1).IsWord("local")) { Next(); Next(); return true; }
            return false;
        }

        private void Operand(int depth)
        {
            if (depth > MaxDepth) throw new SyntaxError(Peek(), "a less deeply nested expression");
            var t = Peek();
            // Prefix operators: NOT, unary minus and the like.
            if (t.IsWord("not")) { Next(); Operand(depth + 1); return; }
            if (IsBinaryOp(t)) { Next(); Operand(depth + 1); return; }
            switch (t.Kind)
            {
                case TokKind.Number or TokKind.String or TokKind.Param:
                    Next();
                    break;
                case TokKind.QuotedIdent:
                    Next();
                    NameTail();
                    break;
                case TokKind.Op when t.Text == "(":
                    Next();
                    if (Peek().IsWord("select") || Peek().IsWord("with") || Peek().IsWord("values"))
                    {
                        // A subquery: PostgreSQL rejects it in a CHECK with its own message; only its balance is ours.
                        _i--;
                        Balanced();
                        break;
                    }
                    Expr(depth + 1);
                    while (TryOp(",")) Expr(depth + 1);
                    ExpectOp(")");
                    // (composite).field
                    while (Peek().IsOp(".") && (Peek(1).IsIdent || Peek(1).IsOp("*"))) { Next(); Next(); }
                    break;
                case TokKind.Word:
                    Word(depth);
                    break;
                default:
                    throw new SyntaxError(t, "an operand");
            }
        }

        private void Word(int depth)
        {
            var t = Peek();
            if (Infix.Contains(t.Text) && t.Text is not ("not" or "from" or "for" or "as"))
                throw new SyntaxError(t, "an operand");
            Next();
            switch (t.Text)
            {
                case "case":
                    if (!Peek().IsWord("when")) Expr(depth + 1);
                    if (!Peek().IsWord("when")) throw new SyntaxError(Peek(), "WHEN");
                    while (TryWord("when"))
                    {
                        Expr(depth + 1);
                        ExpectWord("then");
                        Expr(depth + 1);
                    }
                    if (TryWord("else")) Expr(depth + 1);
                    ExpectWord("end");
                    return;
                case "array":
                    if (Peek().IsOp("[") || Peek().IsOp("(")) { Balanced(); return; }
                    throw new SyntaxError(Peek(), "'[' or '(' after ARRAY");
                case "exists":
                    if (!Peek().IsOp("(")) throw new SyntaxError(Peek(), "'(' after EXISTS");
                    Balanced();
                    return;
            }
            // A typed constant: date '2020-01-01', interval '1' day, double precision '1.5'.
            if (TypedLiteral.Contains(t.Text) && Peek().Kind == TokKind.String)
            {
                Next();
                while (Peek().Kind == TokKind.Word && TypeWords.Contains(Peek().Text)) Next();
                return;
            }
            if (Peek().Kind == TokKind.Word && TypeWords.Contains(Peek().Text) && t.Text is "double" or "character" or "timestamp" or "time"
                && Peek(1).Kind == TokKind.String)
            {
                while (Peek().Kind == TokKind.Word && TypeWords.Contains(Peek().Text)) Next();
                if (Peek().Kind == TokKind.String) Next();
                return;
            }
            NameTail();
        }

        /// <summary>.name… then an optional call: ( balanced ) with FILTER / OVER / WITHIN GROUP tails left to the server.</summary>
        private void NameTail()
        {
            while (Peek().IsOp(".") && (Peek(1).IsIdent || Peek(1).IsOp("*"))) { Next(); Next(); }
            if (Peek().IsOp("(")) Balanced();
        }

        private void Name()
        {
            if (Peek().Kind is TokKind.Word or TokKind.QuotedIdent or TokKind.String) Next();
            else throw new SyntaxError(Peek(), "a name");
            while (Peek().IsOp(".") && Peek(1).IsIdent) { Next(); Next(); }
        }

        private void TypeName()
        {
            if (!Peek().IsIdent) throw new SyntaxError(Peek(), "a type name");
            Next();
            while (Peek().IsOp(".") && Peek(1).IsIdent) { Next(); Next(); }
            while (Peek().Kind == TokKind.Word && TypeWords.Contains(Peek().Text)) Next();
            if (Peek().IsOp("(")) Balanced();
            while (Peek().Kind == TokKind.Word && TypeWords.Contains(Peek().Text)) Next();
            while (Peek().IsOp("[")) Balanced();
            TryWord("array");
        }

        /// <summary>( … ) or [ … ]: skipped with only their nesting checked.</summary>
        private void Balanced()
        {
            var stack = new Stack<string>();
            do
            {
                var t = Peek();
                if (t.Kind == TokKind.End) throw new SyntaxError(t, stack.Count > 0 ? $"'{stack.Peek()}'" : "an operand");
                if (t.IsOp("(")) stack.Push(")");
                else if (t.IsOp("[")) stack.Push("]");
                else if (t.IsOp(")") || t.IsOp("]"))
                {
                    if (stack.Count == 0 || stack.Peek() != t.Text) throw new SyntaxError(t, stack.Count > 0 ? $"'{stack.Peek()}'" : "an operand");
                    stack.Pop();
                }
                Next();
            }
            while (stack.Count > 0);
        }
    }
}
