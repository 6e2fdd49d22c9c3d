using System.Text.RegularExpressions;
using PluRelSql.Schema;
using PluRelSql.Schema.Dialects;
using PluRelSql.Schema.Postgres;
using PluRelSql.Schema.TSql;

namespace PluRelSql.Cli;

/// <summary>Reads the <c>--schema</c> files into one graph and prints the reader's notices (one line per kind).
/// T-SQL scripts (GO batch separators, [bracketed] names) go through the ScriptDom reader, everything else through the
/// PostgreSQL reader; all files of one call must be of one dialect.</summary>
public static partial class SchemaFiles
{
    /// <summary>Reads the files and converts the graph to <paramref name="dialect"/> (expressions translated, see
    /// docs/type-mapping.md), printing one warning line per thing the conversion approximated or left out.</summary>
    public static SchemaGraph Read(IReadOnlyList<string> paths, TextWriter notices, SqlDialect dialect)
    {
        var graph = Read(paths, notices);
        var conversion = DialectConverter.Convert(graph, dialect);
        foreach (var w in conversion.Warnings) notices.WriteLine($"warning: {w}");
        return conversion.Graph;
    }

    public static SchemaGraph Read(IReadOnlyList<string> paths, TextWriter notices)
    {
        if (paths.Count == 0) throw new UsageException("--schema FILE is required");
        // Before any byte is read (IsTSql reads too): a directory, device, FIFO or oversized file is refused here.
        foreach (var p in paths)
        {
            SchemaSource.Check(p);
            if (!File.Exists(p)) throw new FileNotFoundException($"{p}: no such file");
        }
        var tsql = paths.Select(IsTSql).ToList();
        if (tsql.Distinct().Count() > 1)
            throw new UsageException("--schema files mix T-SQL and PostgreSQL: " +
                                     string.Join(", ", paths.Select((p, i) => $"{p} ({(tsql[i] ? "T-SQL" : "PostgreSQL")})")));
        if (tsql[0])
        {
            var t = TSqlDdlReader.ReadFiles(paths);
            foreach (var group in t.Notices.GroupBy(n => n.Kind))
                notices.WriteLine($"note: {group.First()}{(group.Count() > 1 ? $" (and {group.Count() - 1} more)" : "")}");
            return t.Graph;
        }
        var result = PgDdlReader.ReadFiles(paths);
        foreach (var group in result.Notices.GroupBy(n => n.Kind))
        {
            var first = group.First();
            var more = group.Count() > 1 ? $" (and {group.Count() - 1} more)" : "";
            notices.WriteLine($"note: {first.Position}: skipped {group.Key}: {first.Message}{more}");
        }
        return result.Graph;
    }

    /// <summary>A script is T-SQL when a line holds only GO, or names are bracketed like [dbo].[t].</summary>
    internal static bool IsTSql(string path)
    {
        using var reader = new StreamReader(path);
        var buffer = new char[256 * 1024];
        var text = new string(buffer, 0, reader.ReadBlock(buffer, 0, buffer.Length));
        return GoLine().IsMatch(text) || BracketedName().IsMatch(text);
    }

    [GeneratedRegex(@"^\s*GO\s*;?\s*$", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex GoLine();

    [GeneratedRegex(@"\[\w+\]\s*\.\s*\[\w+\]")]
    private static partial Regex BracketedName();
}
