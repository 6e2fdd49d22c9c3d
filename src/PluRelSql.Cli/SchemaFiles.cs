using PluRelSql.Schema;
using PluRelSql.Schema.Postgres;

namespace PluRelSql.Cli;

/// <summary>Reads the <c>--schema</c> files into one graph and prints the reader's notices (one line per kind).</summary>
public static class SchemaFiles
{
    public static SchemaGraph Read(IReadOnlyList<string> paths, TextWriter notices)
    {
        if (paths.Count == 0) throw new UsageException("--schema FILE is required");
        foreach (var p in paths)
            if (!File.Exists(p)) throw new FileNotFoundException($"{p}: no such file");
        var result = PgDdlReader.ReadFiles(paths);
        foreach (var group in result.Notices.GroupBy(n => n.Kind))
        {
            var first = group.First();
            var more = group.Count() > 1 ? $" (and {group.Count() - 1} more)" : "";
            notices.WriteLine($"note: {first.Position}: skipped {group.Key}: {first.Message}{more}");
        }
        return result.Graph;
    }
}
