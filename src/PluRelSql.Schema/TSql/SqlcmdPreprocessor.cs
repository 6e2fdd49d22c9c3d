using System.Text;
using System.Text.RegularExpressions;

namespace PluRelSql.Schema.TSql;

/// <summary>A script made parseable by ScriptDom: sqlcmd command lines turned into <c>--</c> comments (line numbers
/// stay), <c>$(Var)</c> replaced by the <c>:setvar</c> values in force at that line, every U+FEFF removed (a BOM in
/// the middle of concatenated files would otherwise glue itself to the next token). Columns are counted in
/// characters of the original line without U+FEFF; <see cref="ToOriginal"/> undoes the shifts of substitutions.</summary>
internal sealed partial class SqlcmdScript
{
    public required string Text { get; init; }
    /// <summary>Per 1-based line: (first column after a substitution in the output, output minus original length so far).</summary>
    private readonly Dictionary<int, List<(int OutColumn, int Shift)>> _shifts = [];
    public List<(int Line, int Column, string Message)> Problems { get; } = [];

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

    [GeneratedRegex(@"\$\(([A-Za-z_][\w\-]*)\)", RegexOptions.CultureInvariant)]
    private static partial Regex VarRef();

    public static SqlcmdScript Preprocess(string text)
    {
        text = text.Replace("\uFEFF", "", StringComparison.Ordinal);
        var vars = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var output = new StringBuilder(text.Length + 64);
        var shifts = new Dictionary<int, List<(int, int)>>();
        var problems = new List<(int, int, string)>();
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
                    line.Append(body, last, v.Index - last);
                    last = v.Index + v.Length;
                    if (vars.TryGetValue(v.Groups[1].Value, out var value))
                    {
                        line.Append(value);
                        list.Add((line.Length + 1, line.Length - last));
                    }
                    else
                    {
                        line.Append(v.Value);
                        problems.Add((lineNo, v.Index + 1, $"sqlcmd variable $({v.Groups[1].Value}) is not defined by any :setvar before it; left as written"));
                    }
                }
                line.Append(body, last, body.Length - last);
                if (list.Count > 0) shifts[lineNo] = list;
                output.Append(line).Append(eol);
            }
            if (nl < 0) break;
            start = end;
        }
        var script = new SqlcmdScript { Text = output.ToString() };
        foreach (var (k, v) in shifts) script._shifts[k] = v;
        script.Problems.AddRange(problems);
        return script;
    }
}
