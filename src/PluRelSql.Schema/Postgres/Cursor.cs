namespace PluRelSql.Schema.Postgres;

/// <summary>A position in one statement's tokens. It never moves past the terminator, so running out of tokens
/// shows up as "unexpected ';'" or "unexpected end of file" at the right place.</summary>
internal sealed class Cursor(Statement statement)
{
    private int _i;

    public Statement Statement { get; } = statement;

    /// <summary>The search_path in effect for this statement; unqualified names are created in its first schema.</summary>
    public IReadOnlyList<string> SearchPath { get; init; } = ["public"];

    public string DefaultSchema => SearchPath.Count > 0 ? SearchPath[0] : "public";

    public Token Peek(int k = 0)
    {
        var toks = Statement.Tokens;
        return _i + k < toks.Count ? toks[_i + k] : toks[^1];
    }

    public Token Next()
    {
        var t = Peek();
        if (_i < Statement.Tokens.Count - 1) _i++;
        return t;
    }

    /// <summary>The last token consumed (or the first token when nothing was consumed).</summary>
    public Token Last => Statement.Tokens[Math.Max(0, _i - 1)];

    public bool AtEnd => Peek().Kind == TokKind.End;

    public SourcePosition Pos(Token t) => new(Statement.File, t.Line, t.Col);

    public bool PeekWord(string w, int k = 0) => Peek(k).IsWord(w);

    public bool TryWord(string w)
    {
        if (!Peek().IsWord(w)) return false;
        Next();
        return true;
    }

    /// <summary>Consumes the words only when all of them follow in order.</summary>
    public bool TryWords(params string[] words)
    {
        for (int k = 0; k < words.Length; k++)
            if (!Peek(k).IsWord(words[k])) return false;
        for (int k = 0; k < words.Length; k++) Next();
        return true;
    }

    public Token ExpectWord(string w)
    {
        if (!Peek().IsWord(w)) throw Unexpected(Peek(), w.ToUpperInvariant());
        return Next();
    }

    public bool TryOp(string op)
    {
        if (!Peek().IsOp(op)) return false;
        Next();
        return true;
    }

    public Token ExpectOp(string op)
    {
        if (!Peek().IsOp(op)) throw Unexpected(Peek(), "'" + op + "'");
        return Next();
    }

    /// <summary>An identifier (unquoted words are already folded).</summary>
    public string Ident(string what = "a name")
    {
        var t = Peek();
        if (!t.IsIdent) throw Unexpected(t, what);
        Next();
        return t.Text;
    }

    public (string Text, SourcePosition Pos) IdentAt(string what = "a name")
    {
        var t = Peek();
        return (Ident(what), Pos(t));
    }

    /// <summary>[catalog.][schema.]name; an unqualified name is in the first schema of the search path.</summary>
    public (QualifiedName Name, bool ExplicitSchema, SourcePosition Pos) QualifiedName(string what = "a name")
    {
        var first = Peek();
        var parts = new List<string> { Ident(what) };
        while (Peek().IsOp(".") && parts.Count < 3)
        {
            Next();
            parts.Add(Ident(what));
        }
        var pos = Pos(first);
        return parts.Count switch
        {
            1 => (new QualifiedName(DefaultSchema, parts[0]), false, pos),
            _ => (new QualifiedName(parts[^2], parts[^1]), true, pos),
        };
    }

    /// <summary>( name, name, … ) with each name's position.</summary>
    public List<(string Name, SourcePosition Pos)> ColumnList()
    {
        ExpectOp("(");
        var cols = new List<(string, SourcePosition)>();
        do cols.Add(IdentAt("a column name"));
        while (TryOp(","));
        ExpectOp(")");
        return cols;
    }

    public string Text(Token from, Token to) =>
        to.End <= from.Start ? "" : Statement.Source[from.Start..to.End];

    /// <summary>Skips tokens up to (not including) a depth-0 token for which <paramref name="stop"/> is true or the terminator.
    /// Returns the source text of what was skipped, trimmed (empty when nothing).</summary>
    public string SkipUntil(Func<Token, bool> stop, bool atLeastOne = false)
    {
        int depth = 0;
        Token? first = null, last = null;
        while (!AtEnd)
        {
            var t = Peek();
            if (depth == 0 && stop(t) && !(atLeastOne && first is null)) break;
            if (t.IsOp("(") || t.IsOp("[")) depth++;
            else if (t.IsOp(")") || t.IsOp("]"))
            {
                if (depth == 0) break;
                depth--;
            }
            first ??= t;
            last = t;
            Next();
        }
        if (depth > 0) throw Unexpected(Peek());
        return first is null ? "" : Text(first.Value, last!.Value).Trim();
    }

    /// <summary>( … ): returns the text inside the parentheses, as written and trimmed.</summary>
    public (string Text, Token Open) Parenthesized()
    {
        var open = ExpectOp("(");
        int depth = 1;
        Token? first = null, last = null;
        while (true)
        {
            var t = Peek();
            if (t.Kind == TokKind.End) throw Unexpected(t, "')'");
            if (t.IsOp("(") || t.IsOp("[")) depth++;
            else if (t.IsOp(")") || t.IsOp("]"))
            {
                depth--;
                if (depth == 0)
                {
                    Next();
                    break;
                }
            }
            first ??= t;
            last = t;
            Next();
        }
        return (first is null ? "" : Text(first.Value, last!.Value).Trim(), open);
    }

    /// <summary>( a, b, … ): the depth-0 elements as written.</summary>
    public List<string> ParenthesizedList()
    {
        ExpectOp("(");
        var items = new List<string>();
        if (TryOp(")")) return items;
        do
        {
            var item = SkipUntil(t => t.IsOp(","));
            if (item.Length == 0) throw Unexpected(Peek(), "a value");
            items.Add(item);
        }
        while (TryOp(","));
        ExpectOp(")");
        return items;
    }

    public SchemaException Unexpected(Token t, string? expected = null)
    {
        var pos = Pos(t);
        if (t.Kind == TokKind.End)
            return new SchemaException(t.Text.Length == 0 ? "unexpected end of file" : "unexpected ';'" + Expecting(expected), pos);
        return new SchemaException($"unexpected '{Show(t)}'" + Expecting(expected), pos);
    }

    private static string Expecting(string? expected) => expected is null ? "" : $" (expected {expected})";

    public string Show(Token t)
    {
        var s = Statement.Source[t.Start..t.End];
        int nl = s.IndexOf('\n', StringComparison.Ordinal);
        if (nl >= 0) s = s[..nl] + "…";
        return s.Length > 40 ? s[..40] + "…" : s;
    }

    /// <summary>The first words of the statement, for notices.</summary>
    public string Head()
    {
        // Up to six tokens, stopping before a '(' or the terminator: "CREATE FUNCTION public.last_day".
        var toks = Statement.Tokens;
        var last = toks[0];
        for (int i = 1; i < Math.Min(toks.Count, 6); i++)
        {
            if (toks[i].Kind == TokKind.End || toks[i].IsOp("(")) break;
            last = toks[i];
        }
        var s = string.Join(' ', Statement.Source[toks[0].Start..last.End]
            .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return s.Length > 60 ? s[..60] + "…" : s;
    }
}
