using System.Text;
using System.Text.RegularExpressions;

namespace PluRelSql.Schema.TSql;

/// <summary>A script made parseable by ScriptDom: sqlcmd command lines turned into <c>--</c> comments (line numbers
/// stay), <c>$(Var)</c> replaced by the <c>--var</c> value or else the <c>:setvar</c> value in force at that line,
/// SqlRender placeholders (<c>@cdmDatabaseSchema.person</c>) replaced by a schema name, every U+FEFF removed (a BOM
/// in the middle of concatenated files would otherwise glue itself to the next token). Columns are counted in
/// characters of the original line without U+FEFF; <see cref="ToOriginal"/> undoes the shifts of substitutions.</summary>
internal sealed partial class SqlcmdScript
{
    public required string Text { get; init; }
    /// <summary>Per 1-based line: (first column after a substitution in the output, output minus original length so far).</summary>
    private readonly Dictionary<int, List<(int OutColumn, int Shift)>> _shifts = [];
    public List<(int Line, int Column, string Message)> Problems { get; } = [];

    /// <summary>Substitution may multiply the size (a long value referenced many times): beyond this many characters
    /// (and beyond 16 times the script) the script is refused rather than built.</summary>
    public const int MaxExpandedChars = 64 << 20;

    public (int Line, int Column) ToOriginal(int line, int column)
    {
        if (!_shifts.TryGetValue(line, out var list)) return (line, column);
        var shift = 0;
        foreach (var (outColumn, s) in list)
            if (column >= outColumn) shift = s;
        return (line, Math.Max(1, column - shift));
    }

    [GeneratedRegex(@"^[ \t]*(:(setvar|on[ \t]+error|r|connect|out|error|listvar|reset|exit|quit|perftrace|serverlist|xml|help|ed)\b|!!)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CommandLine();

    [GeneratedRegex(@"^[ \t]*:setvar[ \t]+([A-Za-z_][\w\-]*)(?:[ \t]+(?:""((?:[^""]|"""")*)""|(\S+)))?[ \t]*$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SetVar();

    [GeneratedRegex(@"^[ \t]*:r\b[ \t]*(.*?)[ \t]*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Include();

    /// <summary>A sqlcmd reference <c>$(Name)</c>, or a SqlRender placeholder <c>@name</c> standing where a schema
    /// name goes (followed by <c>.identifier</c> but not by a method call such as <c>@xml.value(</c>).</summary>
    /// <para>Also SSMS template parameters <c>&lt;name, type, default&gt;</c> (group 3 name, 4 default) and brace
    /// placeholders <c>{name}</c> / <c>{{name}}</c> (group 5) that scaffolding tools leave for a schema name.</para>
    [GeneratedRegex(@"\$\(([A-Za-z_][\w\-]*)\)|(?<![\w@#$])@([A-Za-z_]\w*)(?=[ \t]*\.[ \t]*(?:\[|[A-Za-z_])(?![\w]*\())" +
                    @"|<[ \t]*([A-Za-z_][\w ]*?)[ \t]*,[ \t]*[A-Za-z_][\w ().]*?[ \t]*,[ \t]*([^<>,\r\n]*?)[ \t]*>" +
                    @"|\{\{([A-Za-z_]\w*)\}\}|\{([A-Za-z_]\w*)\}", RegexOptions.CultureInvariant)]
    private static partial Regex VarRef();

    [GeneratedRegex(@"\bDECLARE\s+@([A-Za-z_]\w*)|@([A-Za-z_]\w*)\s+(?:AS\s+)?(?:\[?\w+\]?\.)?\[?(?:int|bigint|smallint|tinyint|bit|n?varchar|n?char|n?text|sysname|xml|uniqueidentifier|datetime2?|date|time|decimal|numeric|float|real|money|varbinary|binary|table)\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Declared();

    /// <param name="text">The script.</param>
    /// <param name="variables"><c>--var NAME=VALUE</c>: wins over the script's <c>:setvar</c>, and fills SqlRender placeholders.</param>
    public static SqlcmdScript Preprocess(string text, string file = "", IReadOnlyDictionary<string, string>? variables = null)
    {
        text = text.Replace("\uFEFF", "", StringComparison.Ordinal);
        var given = new Dictionary<string, string>(variables ?? new Dictionary<string, string>(), StringComparer.OrdinalIgnoreCase);
        var vars = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        // Variables of the script itself (DECLARE @x, parameters) are never placeholders.
        var declared = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (Match d in Declared().Matches(text)) declared.Add(d.Groups[1].Success ? d.Groups[1].Value : d.Groups[2].Value);
        var comments = CommentSpans(text);
        var limit = (long)Math.Min(MaxExpandedChars, Math.Max(1L << 20, 16L * text.Length));
        var output = new StringBuilder(text.Length + 64);
        var shifts = new Dictionary<int, List<(int, int)>>();
        var problems = new List<(int, int, string)>();
        var placeholdersNoted = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var lineNo = 0;
        var start = 0;
        while (start <= text.Length)
        {
            var nl = text.IndexOf('\n', start);
            var end = nl < 0 ? text.Length : nl + 1;
            var raw = text[start..end];
            lineNo++;
            var body = raw.TrimEnd('\n', '\r');
            var eol = raw[body.Length..];
            if (CommandLine().IsMatch(body))
            {
                if (SetVar().Match(body) is { Success: true } m)
                {
                    if (m.Groups[2].Success) vars[m.Groups[1].Value] = m.Groups[2].Value.Replace("\"\"", "\"", StringComparison.Ordinal);
                    else if (m.Groups[3].Success) vars[m.Groups[1].Value] = m.Groups[3].Value;
                    else vars.Remove(m.Groups[1].Value);
                }
                else if (Include().Match(body) is { Success: true } inc)
                    problems.Add((lineNo, body.IndexOf(':', StringComparison.Ordinal) + 1,
                        $"sqlcmd include ':r {inc.Groups[1].Value}' is not followed: read that file too if it holds tables"));
                output.Append("--").Append(body).Append(eol);
            }
            else
            {
                var line = new StringBuilder(body.Length);
                var list = new List<(int, int)>();
                var last = 0;
                foreach (Match v in VarRef().Matches(body))
                {
                    var sqlcmd = v.Groups[1].Success;
                    var name = sqlcmd ? v.Groups[1].Value : v.Groups[2].Value;
                    var inComment = InSpan(comments, start + v.Index);
                    string? value;
                    if (v.Groups[3].Success)
                    {
                        // SSMS's "Specify Values for Template Parameters" puts the default in everywhere, strings and comments too.
                        name = v.Groups[3].Value;
                        var fallback = v.Groups[4].Value;
                        value = given.TryGetValue(name, out var g) ? g : fallback;
                        if (placeholdersNoted.Add("<" + name))
                            problems.Add((lineNo, v.Index + 1, given.ContainsKey(name)
                                ? $"template parameter <{name}, …> (SSMS) read as {value} (--var)"
                                : $"template parameter <{name}, …> (SSMS) read as its default {value}; give another with --var {name}=VALUE"));
                    }
                    else if (v.Groups[5].Success || v.Groups[6].Success)
                    {
                        name = v.Groups[5].Success ? v.Groups[5].Value : v.Groups[6].Value;
                        if (inComment || InString(body, v.Index)) continue;
                        var braces = v.Groups[5].Success ? "{{" + name + "}}" : "{" + name + "}";
                        // No default is written: a schema placeholder stands for dbo, any other name for itself.
                        value = given.TryGetValue(name, out var g) ? g
                            : name.Contains("schema", StringComparison.OrdinalIgnoreCase) ? TSqlNames.DefaultSchema : name;
                        if (placeholdersNoted.Add(braces))
                            problems.Add((lineNo, v.Index + 1, given.ContainsKey(name)
                                ? $"template placeholder {braces} read as {value} (--var)"
                                : $"template placeholder {braces} is not filled in: read as {value}; give another with --var {name}=VALUE"));
                    }
                    else if (sqlcmd)
                    {
                        value = given.TryGetValue(name, out var g) ? g : vars.GetValueOrDefault(name);
                        // sqlcmd refuses an undefined variable; one inside a comment changes nothing.
                        if (value is null && !inComment)
                            throw new SchemaException(
                                $"sqlcmd variable $({name}) is not defined: no :setvar before it sets it; give its value with --var {name}=VALUE",
                                new SourcePosition(file, lineNo, v.Index + 1));
                    }
                    else
                    {
                        if (inComment || declared.Contains(name) || InString(body, v.Index)) continue;
                        if (!given.TryGetValue(name, out value))
                        {
                            value = TSqlNames.DefaultSchema;
                            if (placeholdersNoted.Add(name))
                                problems.Add((lineNo, v.Index + 1,
                                    $"template placeholder @{name} (SqlRender) stands for a schema name: read as {value}; give another with --var {name}=SCHEMA"));
                        }
                        else if (placeholdersNoted.Add(name))
                            problems.Add((lineNo, v.Index + 1, $"template placeholder @{name} (SqlRender) read as {value} (--var)"));
                    }
                    if (value is null) continue;
                    line.Append(body, last, v.Index - last);
                    last = v.Index + v.Length;
                    line.Append(value);
                    list.Add((line.Length + 1, line.Length - last));
                }
                line.Append(body, last, body.Length - last);
                if (list.Count > 0) shifts[lineNo] = list;
                output.Append(line).Append(eol);
                if (output.Length > limit)
                    throw new SchemaException(
                        $"substituting sqlcmd variables makes the script longer than {limit} characters (a long value referenced many times?)",
                        new SourcePosition(file, lineNo, 1));
            }
            if (nl < 0) break;
            start = end;
        }
        var script = new SqlcmdScript { Text = output.ToString() };
        foreach (var (k, v) in shifts) script._shifts[k] = v;
        script.Problems.AddRange(problems);
        return script;
    }

    /// <summary>Whether the position in the line is inside a '…' literal opened on that line (SqlRender placeholders
    /// inside strings are data, not names).</summary>
    private static bool InString(string line, int index)
    {
        var inside = false;
        for (int i = 0; i < index; i++)
            if (line[i] == '\'') inside = !inside;
        return inside;
    }

    private static bool InSpan(List<(int Start, int End)> spans, int offset)
    {
        foreach (var (s, e) in spans)
        {
            if (offset < s) return false;
            if (offset < e) return true;
        }
        return false;
    }

    /// <summary>The [start, end) offsets of -- and /* */ comments (nested as T-SQL nests them), outside strings and names.</summary>
    private static List<(int, int)> CommentSpans(string text)
    {
        var spans = new List<(int, int)>();
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            char next = i + 1 < text.Length ? text[i + 1] : '\0';
            if (c == '-' && next == '-')
            {
                var e = text.IndexOf('\n', i);
                e = e < 0 ? text.Length : e;
                spans.Add((i, e));
                i = e;
            }
            else if (c == '/' && next == '*')
            {
                int depth = 1, j = i + 2;
                for (; j < text.Length && depth > 0; j++)
                {
                    if (text[j] == '/' && j + 1 < text.Length && text[j + 1] == '*') { depth++; j++; }
                    else if (text[j] == '*' && j + 1 < text.Length && text[j + 1] == '/') { depth--; j++; }
                }
                spans.Add((i, j));
                i = j - 1;
            }
            else if (c is '\'' or '"' or '[')
            {
                char close = c == '[' ? ']' : c;
                for (i++; i < text.Length; i++)
                    if (text[i] == close)
                    {
                        if (i + 1 < text.Length && text[i + 1] == close) i++;
                        else break;
                    }
            }
        }
        return spans;
    }
}
