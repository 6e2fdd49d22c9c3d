using System.Text;
using System.Text.RegularExpressions;

namespace PluRelSql.Schema;

/// <summary>One element of a LIKE-style pattern, whatever the dialect spelled it as.</summary>
public abstract record PatternElement;

/// <summary>A character that must appear as is.</summary>
public sealed record PatternChar(char Value) : PatternElement;

/// <summary>Exactly one character (<c>_</c>).</summary>
public sealed record PatternAnyChar : PatternElement;

/// <summary>Any run of characters, possibly empty (<c>%</c>).</summary>
public sealed record PatternAnyString : PatternElement;

/// <summary>One character from (or, negated, outside) a set of ranges: T-SQL's <c>[a-z0-9]</c> / <c>[^x]</c>, a
/// regular expression's bracket expression. A single character is a range from itself to itself.</summary>
public sealed record PatternClass(IReadOnlyList<(char From, char To)> Ranges, bool Negated) : PatternElement
{
    public bool Contains(char c) => Ranges.Any(r => c >= r.From && c <= r.To) != Negated;
}

/// <summary>A LIKE pattern as a sequence of elements, so that it can be written in either dialect (T-SQL LIKE with
/// character classes, PostgreSQL LIKE or an anchored regular expression) and generated from. Matching is
/// case-sensitive: stricter than SQL Server's case-insensitive default collations, so a value that matches here
/// matches there too.</summary>
public sealed class LikePattern
{
    public LikePattern(IReadOnlyList<PatternElement> elements)
    {
        // Adjacent % are one %.
        var list = new List<PatternElement>();
        foreach (var e in elements)
            if (!(e is PatternAnyString && list.Count > 0 && list[^1] is PatternAnyString)) list.Add(e);
        Elements = list;
    }

    public IReadOnlyList<PatternElement> Elements { get; }

    public bool HasClasses => Elements.Any(e => e is PatternClass);

    /// <summary>The pattern as a .NET regular expression anchored at both ends.</summary>
    public string ToRegex()
    {
        var sb = new StringBuilder("^");
        foreach (var e in Elements)
            sb.Append(e switch
            {
                PatternChar c => Regex.Escape(c.Value.ToString()),
                PatternAnyChar => ".",
                PatternAnyString => ".*",
                PatternClass k => ClassText(k, regex: true),
                _ => throw new InvalidOperationException(e.ToString()),
            });
        return sb.Append('$').ToString();
    }

    private Regex? _regex;

    public bool IsMatch(string value) =>
        (_regex ??= new Regex(ToRegex(), RegexOptions.Singleline | RegexOptions.CultureInvariant)).IsMatch(value);

    /// <summary>The bracket expression <c>[a-z0-9]</c> / <c>[^x]</c>; in a regular expression the characters that
    /// are special inside brackets are escaped.</summary>
    public static string ClassText(PatternClass k, bool regex)
    {
        var sb = new StringBuilder("[");
        if (k.Negated) sb.Append('^');
        foreach (var (from, to) in k.Ranges)
        {
            sb.Append(Member(from, regex));
            if (to != from) sb.Append('-').Append(Member(to, regex));
        }
        return sb.Append(']').ToString();

        static string Member(char c, bool regex) => regex && c is '\\' or ']' or '[' or '^' or '-' ? "\\" + c : c.ToString();
    }

    /// <summary>A canonical text (T-SQL LIKE spelling with every literal bracket-escaped), used as the pattern's key.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var e in Elements)
            sb.Append(e switch
            {
                PatternChar { Value: '%' or '_' or '[' } c => "[" + c.Value + "]",
                PatternChar c => c.Value.ToString(),
                PatternAnyChar => "_",
                PatternAnyString => "%",
                PatternClass k => ClassText(k, regex: false),
                _ => "",
            });
        return sb.ToString();
    }

    public override bool Equals(object? obj) => obj is LikePattern p && p.ToString() == ToString();

    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);

    /// <summary>How many values of exactly this shape there are when every % stands for the empty string and _ for one
    /// of the 36 lower-case letters and digits; saturates at long.MaxValue.</summary>
    public long Count()
    {
        long n = 1;
        foreach (var e in Elements)
        {
            var k = e switch
            {
                PatternAnyChar => AnyAlphabet.Length,
                PatternClass c => Alphabet(c).Length,
                _ => 1,
            };
            if (k == 0) return 0;
            n = n > long.MaxValue / k ? long.MaxValue : n * k;
        }
        return n;
    }

    /// <summary>The <paramref name="index"/>-th value of <see cref="Count"/> (mixed radix, last element fastest).</summary>
    public string Value(long index)
    {
        var chars = new char[Elements.Count(e => e is not PatternAnyString)];
        var pos = chars.Length;
        for (var i = Elements.Count - 1; i >= 0; i--)
        {
            var e = Elements[i];
            if (e is PatternAnyString) continue;
            var alphabet = e switch
            {
                PatternChar c => c.Value.ToString(),
                PatternAnyChar => AnyAlphabet,
                PatternClass k => Alphabet(k),
                _ => "",
            };
            chars[--pos] = alphabet[(int)(index % alphabet.Length)];
            index /= alphabet.Length;
        }
        return new string(chars);
    }

    private const string AnyAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>The printable ASCII characters a class admits, in code order.</summary>
    public static string Alphabet(PatternClass k)
    {
        var sb = new StringBuilder();
        for (var c = ' '; c <= '~'; c++)
            if (k.Contains(c)) sb.Append(c);
        return sb.ToString();
    }

    /// <summary>Reads a T-SQL LIKE pattern: <c>%</c>, <c>_</c>, <c>[set]</c>, <c>[^set]</c>, and the ESCAPE character
    /// when one is given. Returns null for a malformed pattern (an unclosed bracket).</summary>
    public static LikePattern? FromTSql(string pattern, char? escape = null)
    {
        var elements = new List<PatternElement>();
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (escape is { } esc && c == esc)
            {
                if (++i >= pattern.Length) return null;
                elements.Add(new PatternChar(pattern[i]));
            }
            else if (c == '%') elements.Add(new PatternAnyString());
            else if (c == '_') elements.Add(new PatternAnyChar());
            else if (c == '[')
            {
                var close = pattern.IndexOf(']', i + 2 <= pattern.Length ? i + 2 : i + 1);
                if (close < 0) return null;
                var body = pattern[(i + 1)..close];
                i = close;
                var negated = body.Length > 1 && body[0] == '^';
                if (negated) body = body[1..];
                var ranges = new List<(char, char)>();
                for (var j = 0; j < body.Length; j++)
                {
                    if (j + 2 < body.Length && body[j + 1] == '-') { ranges.Add((body[j], body[j + 2])); j += 2; }
                    else ranges.Add((body[j], body[j]));
                }
                // [%], [_], [[] are how T-SQL escapes its own special characters.
                if (!negated && ranges.Count == 1 && ranges[0].Item1 == ranges[0].Item2) elements.Add(new PatternChar(ranges[0].Item1));
                else elements.Add(new PatternClass(ranges, negated));
            }
            else elements.Add(new PatternChar(c));
        }
        return new LikePattern(elements);
    }

    /// <summary>Reads a PostgreSQL LIKE pattern with its default escape character, the backslash.</summary>
    public static LikePattern? FromPgLike(string pattern)
    {
        var elements = new List<PatternElement>();
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\')
            {
                if (++i >= pattern.Length) return null;
                elements.Add(new PatternChar(pattern[i]));
            }
            else if (c == '%') elements.Add(new PatternAnyString());
            else if (c == '_') elements.Add(new PatternAnyChar());
            else elements.Add(new PatternChar(c));
        }
        return new LikePattern(elements);
    }

    /// <summary>Reads the anchored regular expressions <see cref="ToPgRegex"/> writes (<c>^…$</c> over escaped
    /// characters, <c>.</c>, <c>.*</c> and bracket expressions); null for anything else.</summary>
    public static LikePattern? FromPgRegex(string regex)
    {
        if (regex.Length < 2 || regex[0] != '^' || regex[^1] != '$' || (regex.Length >= 3 && regex[^2] == '\\' && !EvenBackslashesBefore(regex, regex.Length - 2)))
            return null;
        var body = regex[1..^1];
        var elements = new List<PatternElement>();
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            switch (c)
            {
                case '\\':
                    if (++i >= body.Length) return null;
                    if (char.IsLetterOrDigit(body[i])) return null; // \d, \w, \1 …: classes and back-references
                    elements.Add(new PatternChar(body[i]));
                    break;
                case '.':
                    if (i + 1 < body.Length && body[i + 1] == '*') { elements.Add(new PatternAnyString()); i++; }
                    else elements.Add(new PatternAnyChar());
                    break;
                case '[':
                {
                    var j = i + 1;
                    var negated = j < body.Length && body[j] == '^';
                    if (negated) j++;
                    var ranges = new List<(char, char)>();
                    while (j < body.Length && body[j] != ']')
                    {
                        var from = body[j];
                        if (from == '\\') { if (++j >= body.Length) return null; from = body[j]; }
                        j++;
                        var to = from;
                        if (j + 1 < body.Length && body[j] == '-' && body[j + 1] != ']')
                        {
                            to = body[j + 1];
                            j += 2;
                            if (to == '\\') { if (j >= body.Length) return null; to = body[j++]; }
                        }
                        ranges.Add((from, to));
                    }
                    if (j >= body.Length || ranges.Count == 0) return null;
                    i = j;
                    elements.Add(new PatternClass(ranges, negated));
                    break;
                }
                case '*' or '+' or '?' or '{' or '}' or '(' or ')' or '|' or '^' or '$' or ']':
                    return null;
                default:
                    elements.Add(new PatternChar(c));
                    break;
            }
        }
        return new LikePattern(elements);
    }

    private static bool EvenBackslashesBefore(string s, int index)
    {
        var n = 0;
        for (var i = index; i >= 0 && s[i] == '\\'; i--) n++;
        return n % 2 == 0;
    }

    /// <summary>The pattern as a PostgreSQL advanced regular expression anchored at both ends (for <c>~</c>).</summary>
    public string ToPgRegex()
    {
        var sb = new StringBuilder("^");
        foreach (var e in Elements)
            sb.Append(e switch
            {
                PatternChar c when char.IsLetterOrDigit(c.Value) || c.Value is ' ' or '-' or '_' or '@' or ',' or ':' or '/' or '#' or '%' or '=' or '<' or '>' or '\'' or '"' or '!' or '&' or '~' or ';' or '`' => c.Value.ToString(),
                PatternChar c => "\\" + c.Value,
                PatternAnyChar => ".",
                PatternAnyString => ".*",
                PatternClass k => ClassText(k, regex: true),
                _ => "",
            });
        return sb.Append('$').ToString();
    }

    /// <summary>The pattern as a PostgreSQL LIKE pattern (backslash escapes); null when it has character classes.</summary>
    public string? ToPgLike()
    {
        if (HasClasses) return null;
        var sb = new StringBuilder();
        foreach (var e in Elements)
            sb.Append(e switch
            {
                PatternChar { Value: '%' or '_' or '\\' } c => "\\" + c.Value,
                PatternChar c => c.Value.ToString(),
                PatternAnyChar => "_",
                _ => "%",
            });
        return sb.ToString();
    }

    /// <summary>The pattern as a T-SQL LIKE pattern (brackets escape %, _ and [).</summary>
    public string ToTSqlLike() => ToString();
}

/// <summary><c>column [NOT] LIKE pattern</c> (or the regular expression PostgreSQL is given for a pattern with
/// character classes).</summary>
public sealed record LikePredicate(string Column, LikePattern Pattern, bool Negated) : CheckPredicate
{
    public override IEnumerable<string> Columns() => [Column];
}
