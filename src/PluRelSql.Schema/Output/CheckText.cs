using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace PluRelSql.Schema.Output;

/// <summary>Canonical forms of CHECK expressions, so that a CHECK as written in a file and the same CHECK as
/// PostgreSQL prints it back (<c>pg_get_constraintdef</c>: extra parentheses, <c>::type</c> casts,
/// <c>= ANY (ARRAY[…])</c> for IN) compare equal.</summary>
internal static partial class CheckText
{
    /// <summary>Lower-cases outside quotes, drops whitespace, parentheses and <c>::type</c> casts, unquotes
    /// identifiers that need no quotes, and spells IN / NOT IN / &lt;&gt; one way.</summary>
    public static string Normalize(string expression)
    {
        // PostgreSQL always prints BETWEEN expanded, and catalog text may still carry the CHECK keyword.
        var s = CheckKeyword().Replace(expression, "");
        s = Between().Replace(s, m =>
            $"{m.Groups["x"].Value} >= {m.Groups["lo"].Value} AND {m.Groups["x"].Value} <= {m.Groups["hi"].Value}");
        var sb = new StringBuilder(s.Length);
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (c == '\'')
            {
                var end = QuotedEnd(s, i, '\'');
                sb.Append(s, i, end - i);
                i = end;
            }
            else if (c == '"')
            {
                var end = QuotedEnd(s, i, '"');
                var ident = s[(i + 1)..Math.Max(i + 1, end - 1)].Replace("\"\"", "\"", StringComparison.Ordinal);
                sb.Append(SqlIdent.Quote(ident));
                i = end;
            }
            else if (c == ':' && i + 1 < s.Length && s[i + 1] == ':')
            {
                i = SkipTypeName(s, i + 2);
            }
            else if (LikeOperator(s, i) is { } like)
            {
                // pg_get_constraintdef prints LIKE as ~~ (NOT LIKE !~~, ILIKE ~~*).
                sb.Append(like.Word);
                i += like.Length;
            }
            else
            {
                if (!char.IsWhiteSpace(c) && c != '(' && c != ')') sb.Append(char.ToLowerInvariant(c));
                i++;
            }
        }
        var text = sb.ToString().Replace("!=", "<>", StringComparison.Ordinal);
        text = AnyArray().Replace(text, "in$1");
        text = AllArray().Replace(text, "notin$1");
        return text;
    }

    private static (string Word, int Length)? LikeOperator(string s, int i)
    {
        foreach (var (op, word) in new[] { ("!~~*", "notilike"), ("~~*", "ilike"), ("!~~", "notlike"), ("~~", "like") })
            if (string.CompareOrdinal(s, i, op, 0, op.Length) == 0) return (word, op.Length);
        return null;
    }

    [GeneratedRegex(@"^\s*CHECK\s*(?=\()", RegexOptions.IgnoreCase)]
    private static partial Regex CheckKeyword();

    // column BETWEEN constant AND constant (not NOT BETWEEN, not SYMMETRIC): the form a file writes and PostgreSQL expands.
    private const string Constant = @"(?:-?\d+(?:\.\d+)?|'(?:[^']|'')*')(?:::\w+)?";

    [GeneratedRegex(@"(?<x>""(?:[^""]|"""")+""|\b(?!not\b)[a-z_][a-z0-9_$]*)\s+between\s+(?<lo>" + Constant + @")\s+and\s+(?<hi>" + Constant + ")",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Between();

    [GeneratedRegex(@"=anyarray\[([^\]]*)\]")]
    private static partial Regex AnyArray();

    [GeneratedRegex(@"<>allarray\[([^\]]*)\]")]
    private static partial Regex AllArray();

    // Index just past the closing quote (doubled quotes are escapes), or the end of the text.
    private static int QuotedEnd(string s, int start, char quote)
    {
        var i = start + 1;
        while (i < s.Length)
        {
            if (s[i] == quote)
            {
                if (i + 1 < s.Length && s[i + 1] == quote) { i += 2; continue; }
                return i + 1;
            }
            i++;
        }
        return s.Length;
    }

    private static readonly HashSet<string> MultiWordTypeStarts = new(StringComparer.Ordinal)
    { "character", "char", "double", "bit", "timestamp", "time", "national" };

    private static readonly HashSet<string> TypeContinuations = new(StringComparer.Ordinal)
    { "varying", "precision", "with", "without", "time", "zone", "character", "char" };

    // Skips the type name after "::": [schema.]name, multi-word names (character varying, timestamp(3) with time zone),
    // modifiers (10,2) and array brackets.
    private static int SkipTypeName(string s, int i)
    {
        i = SkipSpace(s, i);
        var (word, next) = ReadWord(s, i);
        if (word.Length == 0) return i;
        i = next;
        while (true)
        {
            var j = SkipSpace(s, i);
            if (j < s.Length && s[j] == '.')
            {
                (_, next) = ReadWord(s, SkipSpace(s, j + 1));
                i = next;
                continue;
            }
            break;
        }
        if (MultiWordTypeStarts.Contains(word))
        {
            while (true)
            {
                var j = SkipModifiers(s, SkipSpace(s, i));
                var (more, after) = ReadWord(s, SkipSpace(s, j));
                if (!TypeContinuations.Contains(more)) { i = j; break; }
                i = after;
            }
        }
        var beforeModifiers = SkipSpace(s, i);
        var afterModifiers = SkipModifiers(s, beforeModifiers);
        if (afterModifiers != beforeModifiers) i = afterModifiers;
        while (true)
        {
            var j = SkipSpace(s, i);
            if (j < s.Length && s[j] == '[')
            {
                var close = s.IndexOf(']', j);
                if (close < 0) break;
                i = close + 1;
                continue;
            }
            break;
        }
        return i;
    }

    // "(10)" or "(10,2)" right at i: returns the index after it, or i when there is none.
    private static int SkipModifiers(string s, int i)
    {
        if (i >= s.Length || s[i] != '(') return i;
        var close = s.IndexOf(')', i);
        if (close < 0) return i;
        foreach (var ch in s.AsSpan(i + 1, close - i - 1))
            if (!(char.IsDigit(ch) || ch == ',' || char.IsWhiteSpace(ch))) return i;
        return close + 1;
    }

    private static (string Word, int Next) ReadWord(string s, int i)
    {
        if (i < s.Length && s[i] == '"')
        {
            var end = QuotedEnd(s, i, '"');
            return (s[i..end], end);
        }
        var start = i;
        while (i < s.Length && (char.IsLetterOrDigit(s[i]) || s[i] == '_' || s[i] == '$')) i++;
        return (s[start..i].ToLowerInvariant(), i);
    }

    private static int SkipSpace(string s, int i)
    {
        while (i < s.Length && char.IsWhiteSpace(s[i])) i++;
        return i;
    }

    /// <summary>A canonical text of a parsed predicate: AND/OR flattened and their terms sorted, BETWEEN spelled as
    /// two comparisons, constants on the right, NOT pushed into what it negates. Two predicates that say the same
    /// thing in these ways get the same key.</summary>
    public static string PredicateKey(CheckPredicate p) => Canonical(p, negate: false);

    private static string Canonical(CheckPredicate p, bool negate) => p switch
    {
        NotPredicate n => Canonical(n.Inner, !negate),
        AndPredicate a => Junction(negate ? "or" : "and", a.Terms.Select(t => Canonical(t, negate))),
        OrPredicate o => Junction(negate ? "and" : "or", o.Terms.Select(t => Canonical(t, negate))),
        IsNullPredicate n => $"{Ident(n.Column)} is {(n.Negated ^ negate ? "not " : "")}null",
        ComparePredicate c => Compare(c.Left, negate ? Negate(c.Op) : c.Op, c.Right),
        BetweenPredicate b => (b.Negated ^ negate)
            ? Junction("or", [Compare(b.Operand, CompareOp.Lt, b.Low), Compare(b.Operand, CompareOp.Gt, b.High)])
            : Junction("and", [Compare(b.Operand, CompareOp.Ge, b.Low), Compare(b.Operand, CompareOp.Le, b.High)]),
        InPredicate { Values.Count: 1 } one => Compare(one.Operand, one.Negated ^ negate ? CompareOp.Ne : CompareOp.Eq,
            new ConstOperand(one.Values[0])),
        InPredicate @in => $"{Operand(@in.Operand)} {(@in.Negated ^ negate ? "not in" : "in")} ({string.Join(",", @in.Values.Select(Value))})",
        LikePredicate l => $"{Ident(l.Column)} {(l.Negated ^ negate ? "not like" : "like")} {PgDdlWriter.Literal(l.Pattern.ToString())}",
        _ => (negate ? "not " : "") + p,
    };

    // "a AND (b AND c)" and "(c AND b) AND a" both become "and(a;b;c)".
    private static string Junction(string op, IEnumerable<string> terms)
    {
        var flat = new List<string>();
        foreach (var t in terms)
        {
            if (t.StartsWith(op + "(", StringComparison.Ordinal) && t.EndsWith(')'))
                flat.AddRange(SplitTerms(t[(op.Length + 1)..^1]));
            else
                flat.Add(t);
        }
        flat.Sort(StringComparer.Ordinal);
        return flat.Count == 1 ? flat[0] : op + "(" + string.Join(";", flat) + ")";
    }

    // Splits "x;and(y;z);w" at top-level semicolons.
    private static IEnumerable<string> SplitTerms(string body)
    {
        var depth = 0;
        var start = 0;
        var inQuote = false;
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            if (c == '\'') inQuote = !inQuote;
            if (inQuote) continue;
            if (c == '(') depth++;
            else if (c == ')') depth--;
            else if (c == ';' && depth == 0)
            {
                yield return body[start..i];
                start = i + 1;
            }
        }
        yield return body[start..];
    }

    private static string Compare(CheckOperand left, CompareOp op, CheckOperand right)
    {
        // Put the column side on the left: "0 < x" is "x > 0".
        if (left is ConstOperand && right is not ConstOperand) (left, right, op) = (right, left, CompareOps.Flip(op));
        return $"{Operand(left)} {Symbol(op)} {Operand(right)}";
    }

    private static CompareOp Negate(CompareOp op) => op switch
    {
        CompareOp.Eq => CompareOp.Ne,
        CompareOp.Ne => CompareOp.Eq,
        CompareOp.Lt => CompareOp.Ge,
        CompareOp.Le => CompareOp.Gt,
        CompareOp.Gt => CompareOp.Le,
        _ => CompareOp.Lt,
    };

    private static string Symbol(CompareOp op) => op switch
    {
        CompareOp.Eq => "=",
        CompareOp.Ne => "<>",
        CompareOp.Lt => "<",
        CompareOp.Le => "<=",
        CompareOp.Gt => ">",
        _ => ">=",
    };

    private static string Operand(CheckOperand o) => o switch
    {
        ColumnOperand c => Ident(c.Column),
        LengthOperand l => $"length[{Ident(l.Column)}]",
        ConstOperand k => Value(k.Value),
        _ => o.ToString() ?? "",
    };

    private static string Value(CheckValue v) => v switch
    {
        // 1.50 and 1.5 are the same constant.
        NumberValue n => (n.Value / 1.000000000000000000000000000000000m).ToString(CultureInfo.InvariantCulture),
        StringValue s => PgDdlWriter.Literal(s.Value),
        BoolValue b => b.Value ? "true" : "false",
        NullValue => "null",
        _ => v.ToString() ?? "",
    };

    private static string Ident(string column) => column.ToUpperInvariant() == "VALUE" ? "value" : SqlIdent.Quote(column);
}
