using System.Text;

namespace PluRelSql.Schema.Postgres;

/// <summary>What psql keeps across the files of one read: variables (<c>\set</c>), and how <c>\i</c> is followed. The
/// lexer asks it to substitute <c>:var</c>, <c>:'var'</c> and <c>:"var"</c>, and hands it the meta-commands that
/// change state; everything else psql does (<c>\pset</c>, <c>\echo</c>, <c>\connect</c> …) has no effect offline.</summary>
internal sealed class PsqlSession
{
    private readonly Dictionary<string, string> _variables = new(StringComparer.Ordinal);

    /// <summary>Reads an included file: (path as written, resolved against the including file, position of the \i).</summary>
    public required Action<string, bool, SourcePosition> Include { get; init; }

    /// <summary>Counts a meta-command that has no offline effect (or that the reader cannot follow).</summary>
    public required Action<string, string, SourcePosition> Skipped { get; init; }

    public bool TryGet(string name, out string value) => _variables.TryGetValue(name, out value!);

    /// <summary>psql's variable name characters: letters, digits, underscore and any non-ASCII character.</summary>
    public static bool IsNameChar(char c) => c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '_' || c >= '\u0080';

    /// <summary>Runs one meta-command line (without its leading backslash). Returns what the lexer must do next.</summary>
    public MetaAction Run(string name, string args, SourcePosition at)
    {
        switch (name)
        {
            case "set":
            {
                var parts = Arguments(args, at);
                if (parts.Count == 0) { Skipped(name, "\\set (lists variables)", at); return MetaAction.None; }
                if (parts.Exists(p => p.Shell))
                {
                    Skipped(name, $"\\set {parts[0].Text}: a `shell command` is not run offline; the variable stays undefined", at);
                    return MetaAction.None;
                }
                _variables[parts[0].Text] = string.Concat(parts.Skip(1).Select(p => p.Text));
                return MetaAction.None;
            }
            case "unset":
            {
                var parts = Arguments(args, at);
                if (parts.Count > 0) _variables.Remove(parts[0].Text);
                return MetaAction.None;
            }
            case "i" or "include" or "ir" or "include_relative":
            {
                var parts = Arguments(args, at);
                if (parts.Count == 0 || parts[0].Text.Length == 0)
                    throw new SchemaException($"\\{name}: missing required argument (the file to include)", at);
                Include(parts[0].Text, name is "ir" or "include_relative", at);
                return MetaAction.None;
            }
            case "q" or "quit":
                return MetaAction.Quit;
            case "g" or "gx" or "gset" or "gexec" or "gdesc" or "crosstabview" or "watch":
                // These send the query buffer: the statement before them ends here.
                Skipped(name, $"\\{name}{(args.Length > 0 ? " " + args : "")}", at);
                return MetaAction.EndStatement;
            case "if":
                return MetaAction.SkipConditional;
            case "elif" or "else" or "endif":
                throw new SchemaException($"\\{name} without a matching \\if", at);
            default:
                Skipped(name, $"\\{name}{(args.Length > 0 ? " " + args : "")}", at);
                return MetaAction.None;
        }
    }

    private readonly record struct Argument(string Text, bool Shell);

    /// <summary>psql's argument rules for \set and \i: whitespace separates; 'quoted' text has '' and \-escapes;
    /// "quoted" text keeps its quotes; :var, :'var' and :"var" are replaced when the variable is set (and kept as
    /// written when not, as psql does).</summary>
    private List<Argument> Arguments(string text, SourcePosition at)
    {
        var list = new List<Argument>();
        int i = 0;
        while (true)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            if (i >= text.Length) return list;
            var sb = new StringBuilder();
            bool shell = false;
            while (i < text.Length && !char.IsWhiteSpace(text[i]))
            {
                char c = text[i];
                if (c == '\'')
                {
                    i++;
                    while (true)
                    {
                        if (i >= text.Length) throw new SchemaException("unterminated quoted string in a psql meta-command", at);
                        if (text[i] == '\'')
                        {
                            if (i + 1 < text.Length && text[i + 1] == '\'') { sb.Append('\''); i += 2; continue; }
                            i++;
                            break;
                        }
                        if (text[i] == '\\' && i + 1 < text.Length)
                        {
                            char e = text[i + 1];
                            sb.Append(e switch { 'n' => '\n', 't' => '\t', 'r' => '\r', 'b' => '\b', 'f' => '\f', _ => e });
                            i += 2;
                            continue;
                        }
                        sb.Append(text[i++]);
                    }
                }
                else if (c == '"')
                {
                    int close = text.IndexOf('"', i + 1);
                    if (close < 0) throw new SchemaException("unterminated quoted identifier in a psql meta-command", at);
                    sb.Append(text, i, close - i + 1);
                    i = close + 1;
                }
                else if (c == '`')
                {
                    int close = text.IndexOf('`', i + 1);
                    shell = true;
                    i = close < 0 ? text.Length : close + 1;
                }
                else if (c == ':' && i + 1 < text.Length && Reference(text, i) is { } r)
                {
                    sb.Append(r.Value ?? text[i..r.End]);
                    i = r.End;
                }
                else sb.Append(text[i++]);
            }
            list.Add(new Argument(sb.ToString(), shell));
        }
    }

    /// <summary>The variable reference :name, :'name' or :"name" at <paramref name="i"/> (a ':'): its end, and its
    /// substituted text (a quoted literal or identifier for the quoted forms), or null when the variable is not set.</summary>
    public (int End, string Name, string? Value)? Reference(string text, int i)
    {
        char q = i + 1 < text.Length ? text[i + 1] : '\0';
        if (q is '\'' or '"')
        {
            int j = i + 2;
            while (j < text.Length && IsNameChar(text[j])) j++;
            if (j == i + 2 || j >= text.Length || text[j] != q) return null;
            var name = text[(i + 2)..j];
            string? value = _variables.TryGetValue(name, out var v)
                ? q == '\'' ? "'" + v.Replace("'", "''", StringComparison.Ordinal) + "'" : "\"" + v.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
                : null;
            return (j + 1, name, value);
        }
        int k = i + 1;
        while (k < text.Length && IsNameChar(text[k])) k++;
        if (k == i + 1) return null;
        var n = text[(i + 1)..k];
        return (k, n, _variables.GetValueOrDefault(n));
    }
}

/// <summary>What the lexer does after a meta-command.</summary>
internal enum MetaAction { None, EndStatement, SkipConditional, Quit }
