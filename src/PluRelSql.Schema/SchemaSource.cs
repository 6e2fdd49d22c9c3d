using System.Globalization;

namespace PluRelSql.Schema;

/// <summary>The one door schema files come in by: what is not a regular file (a directory, /dev/zero, a FIFO, a socket)
/// or is above the size limit is refused before a byte is read, with the file named.</summary>
public static class SchemaSource
{
    /// <summary>Environment variable that sets the limit: bytes, or with a K, M or G suffix (binary units).</summary>
    public const string SizeVariable = "PLUREL_MAX_SCHEMA_SIZE";

    /// <summary>256 MiB: far above any real schema dump without data, far below what runs a process out of memory
    /// (the text is held as UTF-16, the tokens and the graph beside it).</summary>
    public const long DefaultMaxBytes = 256L << 20;

    /// <summary>The limit in force: <see cref="SizeVariable"/> when set, else <see cref="DefaultMaxBytes"/>.</summary>
    public static long MaxBytes => ParseSize(Environment.GetEnvironmentVariable(SizeVariable));

    internal static long ParseSize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return DefaultMaxBytes;
        var t = text.Trim();
        var shift = char.ToUpperInvariant(t[^1]) switch { 'K' => 10, 'M' => 20, 'G' => 30, _ => 0 };
        var digits = shift == 0 ? t : t[..^1];
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1 || n > long.MaxValue >> shift)
            throw new SchemaException($"{SizeVariable}={text}: expected a size in bytes, e.g. 268435456 or 256M");
        return n << shift;
    }

    /// <summary>Refuses <paramref name="path"/> unless it is a regular file (a link to one is fine) within the limit.
    /// A missing file passes: opening it reports that.</summary>
    public static void Check(string path) => Check(path, MaxBytes);

    internal static void Check(string path, long max)
    {
        ArgumentNullException.ThrowIfNull(path);
        FileFacts facts;
        try { facts = FileFacts.Of(path, followLinks: true); }
        catch (IOException e) { throw new SchemaException($"cannot read file: {e.Message}", new SourcePosition(path, 1, 1)); }
        if (facts.Kind == FileKind.Missing) return;
        if (facts.Kind != FileKind.Regular)
            throw new SchemaException($"{path}: is {facts.Describe()}, not a regular file; a schema must be a file of SQL text");
        if (facts.Size > max) throw TooLarge(path, facts.Size, max);
    }

    /// <summary>The bytes of <paramref name="path"/> after <see cref="Check"/>; never more than the limit, even when the
    /// file grows while it is read.</summary>
    public static byte[] ReadAllBytes(string path) => ReadAllBytes(path, MaxBytes);

    internal static byte[] ReadAllBytes(string path, long max)
    {
        Check(path, max);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1);
            var buffer = new byte[(int)Math.Min(Math.Max(stream.Length, 0) + 1, Math.Min(max + 1, Array.MaxLength))];
            var total = 0;
            while (true)
            {
                if (total == buffer.Length)
                {
                    if (total > max) throw TooLarge(path, total, max);
                    Array.Resize(ref buffer, (int)Math.Min(Math.Min((long)total * 2, max + 1), Array.MaxLength));
                }
                var read = stream.Read(buffer, total, buffer.Length - total);
                if (read == 0) break;
                total += read;
            }
            if (total > max) throw TooLarge(path, total, max);
            return total == buffer.Length ? buffer : buffer[..total];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new SchemaException($"cannot read file: {e.Message}", new SourcePosition(path, 1, 1));
        }
    }

    private static SchemaException TooLarge(string path, long size, long max) => new(
        $"{path}: {Size(size)} is above the {Size(max)} limit for schema files (set {SizeVariable}, e.g. {SizeVariable}=1G, to allow more)");

    private static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 when bytes % (1L << 30) == 0 => $"{bytes >> 30} GiB",
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:0.#} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes:N0} bytes"),
    };
}
