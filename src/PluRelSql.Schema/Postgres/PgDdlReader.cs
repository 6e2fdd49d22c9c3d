using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace PluRelSql.Schema.Postgres;

/// <summary>Something the reader skipped or read only in part, e.g. functions, grants, data, an extension type.</summary>
public sealed record ReaderNotice(string Kind, string Message, SourcePosition Position)
{
    public override string ToString() => $"{Position}: {Kind}: {Message}";
}

public sealed class SchemaReadResult
{
    public required SchemaGraph Graph { get; init; }
    public required IReadOnlyList<ReaderNotice> Notices { get; init; }
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
        foreach (var path in paths) builder.ReadText(ReadFileText(path), path);
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
