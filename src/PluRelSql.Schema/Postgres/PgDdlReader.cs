using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace PluRelSql.Schema.Postgres;

/// <summary>Something the reader skipped or read only in part, e.g. functions, grants, data, an extension type.</summary>
public sealed record ReaderNotice(string Kind, string Message, SourcePosition Position)
{
    public override string ToString() => $"{Position}: {Kind}: {Message}";
}

/// <summary>One statement (or psql meta-command) that does not shape tables and was skipped. <see cref="What"/> is a
/// singular noun for the summary ("function", "event trigger", "\connect command"), <see cref="Text"/> its head.</summary>
public sealed record SkippedStatement(string What, string Text, SourcePosition Position)
{
    public override string ToString() => $"{Position}: {Text}";
}

public sealed class SchemaReadResult
{
    public required SchemaGraph Graph { get; init; }
    /// <summary>One notice per skipped kind (the first, with "and N more"), plus every note on what was read in part.</summary>
    public required IReadOnlyList<ReaderNotice> Notices { get; init; }
    /// <summary>Every skipped statement, in file order.</summary>
    public IReadOnlyList<SkippedStatement> Skipped { get; init; } = [];
    /// <summary>The notices about things read in part (unknown types, INHERITS, renames …), without the skip counts.</summary>
    public IReadOnlyList<ReaderNotice> Notes { get; init; } = [];

    /// <summary>"12 functions, 3 triggers, 40 grants" in order of first appearance; empty when nothing was skipped.</summary>
    public string SkipSummary() => Summarize(Skipped);

    public static string Summarize(IEnumerable<SkippedStatement> skipped) =>
        string.Join(", ", skipped.GroupBy(s => s.What).Select(g => $"{g.Count()} {(g.Count() == 1 ? g.Key : Plural(g.Key))}"));

    /// <summary>English plural of a summary noun: policy → policies, index → indexes, INSERT → INSERTs.</summary>
    public static string Plural(string noun)
    {
        if (noun.EndsWith("y", StringComparison.Ordinal) && !noun.EndsWith("ey", StringComparison.Ordinal)) return noun[..^1] + "ies";
        if (noun.EndsWith("x", StringComparison.Ordinal) || noun.EndsWith("s", StringComparison.Ordinal) || noun.EndsWith("ch", StringComparison.Ordinal)) return noun + "es";
        return noun + "s";
    }
}

/// <summary>Reads PostgreSQL DDL (pg_dump output, hand-written scripts, psql scripts with data) into a
/// <see cref="SchemaGraph"/>. Every problem with the input is a <see cref="SchemaException"/> with file:line:col.</summary>
public static class PgDdlReader
{
    public static SchemaReadResult Read(string sqlText, string fileName)
    {
        ArgumentNullException.ThrowIfNull(sqlText);
        var builder = new PgSchemaBuilder();
        builder.ReadText(sqlText, fileName ?? "");
        return builder.Finish();
    }

    /// <summary>Reads several files into one graph (e.g. tables in one file, keys in another), in the given order.</summary>
    public static SchemaReadResult ReadFiles(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var builder = new PgSchemaBuilder();
        foreach (var path in paths) builder.ReadText(ReadFileText(path), path, strictUtf8: true);
        return builder.Finish();
    }

    /// <summary>UTF-8 file text (a regular file within <see cref="SchemaSource"/>'s limit); invalid UTF-8 is reported at the offending byte's line and column.</summary>
    internal static string ReadFileText(string path)
    {
        var bytes = SchemaSource.ReadAllBytes(path);
        var chars = new char[bytes.Length];
        var status = Utf8.ToUtf16(bytes, chars, out int read, out int written, replaceInvalidSequences: false);
        if (status != OperationStatus.Done)
        {
            var before = new string(chars, 0, written);
            int line = 1 + before.Count(ch => ch == '\n');
            int col = written - (before.LastIndexOf('\n') + 1) + 1;
            if (line == 1 && before.StartsWith('\uFEFF')) col--; // the lexer does not count a BOM either
            throw new SchemaException($"not a SQL text file: byte 0x{bytes[read]:X2} is not valid UTF-8", new SourcePosition(path, line, col));
        }
        return new string(chars, 0, written);
    }
}
