using System.Text;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using PluRelSql.Schema.Dialects;

namespace PluRelSql.Schema.TSql;

/// <summary>Reads SQL Server DDL scripts (as SSMS, SSDT or sample databases ship them: sqlcmd commands, GO batches,
/// drop guards, data, procedures) into the same <see cref="SchemaGraph"/> the PostgreSQL reader produces.
/// Names keep their schema (unqualified → <c>dbo</c>) and their case as written; lookups are case-insensitive as
/// in SQL Server's default collations. Every syntax error of every batch is reported in one
/// <see cref="SchemaException"/>: a partial parse is never taken as the schema.</summary>
public static class TSqlDdlReader
{
    public static TSqlReadResult Read(string text, string fileName, IReadOnlyDictionary<string, string>? variables = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(fileName);
        return ReadSources([(text, fileName)], variables);
    }

    /// <summary>Reads the files in the given order, as one script (a later file may alter an earlier file's tables).</summary>
    /// <param name="paths">The files.</param>
    /// <param name="variables"><c>--var NAME=VALUE</c>: sqlcmd variables (over the script's :setvar) and template placeholders.</param>
    public static TSqlReadResult ReadFiles(IEnumerable<string> paths, IReadOnlyDictionary<string, string>? variables = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var sources = new List<(string, string)>();
        foreach (var path in paths)
        {
            // A regular file within the size limit; UTF-8/UTF-16 byte order marks are honoured (SSMS saves scripts as UTF-16).
            using var reader = new StreamReader(new MemoryStream(SchemaSource.ReadAllBytes(path)), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            sources.Add((reader.ReadToEnd(), path));
        }
        return ReadSources(sources, variables);
    }

    /// <summary>ScriptDom recurses per level of nesting: it runs on a large stack, and nesting beyond
    /// <see cref="TSqlNesting.MaxDepth"/> is refused before it sees it.</summary>
    private static TSqlReadResult ReadSources(IReadOnlyList<(string Text, string File)> sources, IReadOnlyDictionary<string, string>? variables) =>
        LargeStack.Run(() => ReadSourcesOnThisThread(sources, variables));

    private static TSqlReadResult ReadSourcesOnThisThread(IReadOnlyList<(string Text, string File)> sources, IReadOnlyDictionary<string, string>? variables)
    {
        var parsed = new List<TSqlSource>();
        var errors = new List<(SourcePosition Position, string Message)>();
        foreach (var (text, file) in sources)
        {
            var script = SqlcmdScript.Preprocess(text, file, variables);
            if (TSqlNesting.TooDeep(script.Text) is { } deep)
            {
                var (l, c) = script.ToOriginal(deep.Line, deep.Column);
                throw new SchemaException($"nested more than {TSqlNesting.MaxDepth} levels deep (parentheses or comments)", new SourcePosition(file, l, c));
            }
            var parser = new TSql170Parser(initialQuotedIdentifiers: true);
            TSqlFragment fragment;
            IList<ParseError> parseErrors;
            using (var reader = new StringReader(script.Text))
                fragment = parser.Parse(reader, out parseErrors);
            var source = new TSqlSource(file, script, (TSqlScript)fragment);
            foreach (var e in parseErrors)
                errors.Add((source.Position(e.Offset), $"{e.Message} (error {e.Number})"));
            parsed.Add(source);
        }
        if (errors.Count > 0)
        {
            var list = string.Join("", errors.Select(e => $"\n  {e.Position}: {e.Message}"));
            throw new SchemaException(
                $"{errors.Count} T-SQL syntax error{(errors.Count == 1 ? "" : "s")} (only the first of each batch is known; " +
                $"those batches were not read):{list}", errors[0].Position);
        }

        var builder = new TSqlSchemaBuilder();
        foreach (var source in parsed) builder.Add(source);
        return builder.Finish();
    }
}

/// <summary>One parsed script with what is needed to point back into the original file. A dynamic-SQL literal
/// (<c>EXEC(N'…')</c>) is a source of its own whose offsets map back into the script that holds it.</summary>
internal sealed class TSqlSource
{
    private readonly string _text;
    private readonly TSqlSource? _outer;
    private readonly int[]? _toOuter;

    public TSqlSource(string file, SqlcmdScript script, TSqlScript tree)
    {
        File = file;
        Script = script;
        Tree = tree;
        _text = script.Text;
    }

    private TSqlSource(TSqlSource outer, string text, int[] toOuter, TSqlScript tree)
    {
        File = outer.File;
        Script = outer.Script;
        Tree = tree;
        _text = text;
        _outer = outer;
        _toOuter = toOuter;
    }

    /// <summary>The T-SQL inside string literals written one after the other (<c>''</c> read as one quote), parsed;
    /// null with the parser's first error when it does not parse.</summary>
    public (TSqlSource? Source, string? Error) Inner(IReadOnlyList<StringLiteral> literals)
    {
        var text = new StringBuilder();
        var map = new List<int>();
        foreach (var literal in literals)
        {
            var at = literal.StartOffset;
            var end = at + literal.FragmentLength;
            while (at < end && _text[at] != '\'') at++;
            for (int i = at + 1; i < end - 1; i++)
            {
                map.Add(i);
                text.Append(_text[i]);
                if (_text[i] == '\'' && i + 1 < end - 1 && _text[i + 1] == '\'') i++;
            }
        }
        map.Add(literals.Count > 0 ? literals[^1].StartOffset + literals[^1].FragmentLength - 1 : 0);
        var parser = new TSql170Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(text.ToString());
        var tree = parser.Parse(reader, out var errors);
        var inner = new TSqlSource(this, text.ToString(), [.. map], (TSqlScript)tree);
        return errors.Count > 0 ? (null, $"{inner.Position(errors[0].Offset)}: {errors[0].Message}") : (inner, null);
    }

    public string File { get; }
    public SqlcmdScript Script { get; }
    public TSqlScript Tree { get; }

    public SourcePosition Position(int line, int column)
    {
        var (l, c) = Script.ToOriginal(line, column);
        return new SourcePosition(File, l, c);
    }

    /// <summary>ScriptDom also ends a line at a lone CR; positions count only LF, as editors and the PostgreSQL
    /// reader do, so they are taken from the offset.</summary>
    public SourcePosition Position(int offset)
    {
        if (_outer is not null)
            return _outer.Position(_toOuter![Math.Clamp(offset, 0, _toOuter.Length - 1)]);
        if (_lineStarts is null)
        {
            var starts = new List<int> { 0 };
            for (int i = _text.IndexOf('\n'); i >= 0; i = _text.IndexOf('\n', i + 1)) starts.Add(i + 1);
            _lineStarts = [.. starts];
        }
        offset = Math.Clamp(offset, 0, _text.Length);
        int line = Array.BinarySearch(_lineStarts, offset);
        if (line < 0) line = ~line - 1;
        return Position(line + 1, offset - _lineStarts[line] + 1);
    }

    private int[]? _lineStarts;

    public SourcePosition Position(TSqlFragment f) => Position(f.StartOffset);

    /// <summary>The fragment's text as written (after sqlcmd substitution).</summary>
    public string Text(TSqlFragment f) => _text.Substring(f.StartOffset, f.FragmentLength);
}

/// <summary>Finds where parentheses or nested block comments go deeper than ScriptDom can safely recurse.</summary>
internal static class TSqlNesting
{
    /// <summary>Far beyond what a schema script needs; SQL Server itself refuses much less deeply nested queries.</summary>
    public const int MaxDepth = 200;

    /// <summary>The 1-based line and column of the first parenthesis or comment opener beyond <see cref="MaxDepth"/>,
    /// outside strings, quoted names and line comments; null when there is none.</summary>
    public static (int Line, int Column)? TooDeep(string text)
    {
        int line = 1, lineStart = 0, parens = 0, comments = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            char next = i + 1 < text.Length ? text[i + 1] : '\0';
            if (c == '\n') { line++; lineStart = i + 1; continue; }
            if (comments > 0)
            {
                if (c == '/' && next == '*') { if (++comments > MaxDepth) return (line, i - lineStart + 1); i++; }
                else if (c == '*' && next == '/') { comments--; i++; }
                continue;
            }
            switch (c)
            {
                case '/' when next == '*':
                    comments = 1;
                    i++;
                    break;
                case '-' when next == '-':
                    while (i + 1 < text.Length && text[i + 1] != '\n') i++;
                    break;
                case '\'' or '"' or '[':
                {
                    char close = c == '[' ? ']' : c;
                    // Doubled closers are escapes; newlines inside still count as lines.
                    for (i++; i < text.Length; i++)
                    {
                        if (text[i] == '\n') { line++; lineStart = i + 1; }
                        else if (text[i] == close)
                        {
                            if (i + 1 < text.Length && text[i + 1] == close) i++;
                            else break;
                        }
                    }
                    break;
                }
                case '(':
                    if (++parens > MaxDepth) return (line, i - lineStart + 1);
                    break;
                case ')':
                    if (parens > 0) parens--;
                    break;
            }
        }
        return null;
    }
}
