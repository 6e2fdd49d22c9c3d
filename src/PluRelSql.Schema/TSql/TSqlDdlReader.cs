using System.Text;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace PluRelSql.Schema.TSql;

/// <summary>Reads SQL Server DDL scripts (as SSMS, SSDT or sample databases ship them: sqlcmd commands, GO batches,
/// drop guards, data, procedures) into the same <see cref="SchemaGraph"/> the PostgreSQL reader produces.
/// Names keep their schema (unqualified → <c>dbo</c>) and their case as written; lookups are case-insensitive as
/// in SQL Server's default collations. Every syntax error of every batch is reported in one
/// <see cref="SchemaException"/>: a partial parse is never taken as the schema.</summary>
public static class TSqlDdlReader
{
    public static TSqlReadResult Read(string text, string fileName)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(fileName);
        return ReadSources([(text, fileName)]);
    }

    /// <summary>Reads the files in the given order, as one script (a later file may alter an earlier file's tables).</summary>
    public static TSqlReadResult ReadFiles(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var sources = new List<(string, string)>();
        foreach (var path in paths)
        {
            // A regular file within the size limit; UTF-8/UTF-16 byte order marks are honoured (SSMS saves scripts as UTF-16).
            using var reader = new StreamReader(new MemoryStream(SchemaSource.ReadAllBytes(path)), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            sources.Add((reader.ReadToEnd(), path));
        }
        return ReadSources(sources);
    }

    private static TSqlReadResult ReadSources(IReadOnlyList<(string Text, string File)> sources)
    {
        var parsed = new List<TSqlSource>();
        var errors = new List<(SourcePosition Position, string Message)>();
        foreach (var (text, file) in sources)
        {
            var script = SqlcmdScript.Preprocess(text);
            var parser = new TSql170Parser(initialQuotedIdentifiers: true);
            TSqlFragment fragment;
            IList<ParseError> parseErrors;
            using (var reader = new StringReader(script.Text))
                fragment = parser.Parse(reader, out parseErrors);
            var source = new TSqlSource(file, script, (TSqlScript)fragment);
            foreach (var e in parseErrors)
                errors.Add((source.Position(e.Line, e.Column), $"{e.Message} (error {e.Number})"));
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

/// <summary>One parsed script with what is needed to point back into the original file.</summary>
internal sealed class TSqlSource(string file, SqlcmdScript script, TSqlScript tree)
{
    public string File { get; } = file;
    public SqlcmdScript Script { get; } = script;
    public TSqlScript Tree { get; } = tree;

    public SourcePosition Position(int line, int column)
    {
        var (l, c) = Script.ToOriginal(line, column);
        return new SourcePosition(File, l, c);
    }

    public SourcePosition Position(TSqlFragment f) => Position(f.StartLine, f.StartColumn);

    /// <summary>The fragment's text as written (after sqlcmd substitution).</summary>
    public string Text(TSqlFragment f) => Script.Text.Substring(f.StartOffset, f.FragmentLength);
}
