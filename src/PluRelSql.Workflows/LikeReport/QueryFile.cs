using System.Globalization;
using System.Text;

namespace PluRelSql.Workflows.LikeReport;

/// <summary>One query of a query file: its name (the first word of the last comment line before it, e.g. <c>Q3</c>,
/// else <c>#n</c>), that comment line as its title, and its text.</summary>
public sealed record NamedQuery(string Name, string Title, string Sql);

/// <summary>Reads a file of SQL queries separated by <c>;</c> (outside quotes, dollar quotes and comments), each named by
/// the <c>--</c> comment line before it.</summary>
public static class QueryFile
{
    public static IReadOnlyList<NamedQuery> Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"query file {path}: no such file", path);
        var queries = Split(File.ReadAllText(path));
        return queries.Count > 0 ? queries : throw new UsageException($"query file {path}: it holds no query");
    }

    public static IReadOnlyList<NamedQuery> Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new List<NamedQuery>();
        var sql = new StringBuilder();
        string? comment = null;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '-' && At(text, i, "--"))
            {
                var end = text.IndexOf('\n', i);
                if (end < 0) end = text.Length;
                // A comment before the statement starts names it; one inside it is part of its text.
                if (sql.ToString().Trim().Length == 0) comment = text[(i + 2)..end].Trim();
                else sql.Append(text, i, end - i);
                i = end;
                continue;
            }
            if (c == '/' && At(text, i, "/*"))
            {
                var end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                end = end < 0 ? text.Length : end + 2;
                sql.Append(text, i, end - i);
                i = end;
                continue;
            }
            if (c is '\'' or '"')
            {
                var end = i + 1;
                while (end < text.Length)
                {
                    if (text[end] == c)
                    {
                        if (end + 1 < text.Length && text[end + 1] == c) { end += 2; continue; }
                        break;
                    }
                    end++;
                }
                end = Math.Min(end + 1, text.Length);
                sql.Append(text, i, end - i);
                i = end;
                continue;
            }
            if (c == '$' && DollarTag(text, i) is { } tag)
            {
                var end = text.IndexOf(tag, i + tag.Length, StringComparison.Ordinal);
                end = end < 0 ? text.Length : end + tag.Length;
                sql.Append(text, i, end - i);
                i = end;
                continue;
            }
            if (c == ';')
            {
                Add(result, sql, ref comment);
                i++;
                continue;
            }
            sql.Append(c);
            i++;
        }
        Add(result, sql, ref comment);
        return result;
    }

    private static void Add(List<NamedQuery> result, StringBuilder sql, ref string? comment)
    {
        var text = sql.ToString().Trim();
        sql.Clear();
        if (text.Length == 0) return;
        var n = result.Count + 1;
        var title = comment ?? "";
        var first = title.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        var name = first ?? "#" + n.ToString(CultureInfo.InvariantCulture);
        result.Add(new NamedQuery(name, title, text));
        comment = null;
    }

    private static bool At(string text, int i, string s) => string.CompareOrdinal(text, i, s, 0, s.Length) == 0;

    /// <summary>A dollar-quote opening (<c>$$</c>, <c>$tag$</c>) at <paramref name="i"/>, or null (a parameter such as $1).</summary>
    private static string? DollarTag(string text, int i)
    {
        var j = i + 1;
        while (j < text.Length && (char.IsLetterOrDigit(text[j]) || text[j] == '_')) j++;
        if (j >= text.Length || text[j] != '$') return null;
        if (j > i + 1 && char.IsDigit(text[i + 1])) return null;
        return text[i..(j + 1)];
    }
}
