using System.Diagnostics;
using PluRelSql.Schema.Postgres;
using PluRelSql.Schema.TSql;

namespace PluRelSql.Schema.Tests;

/// <summary>Both readers' file entry points refuse what is not a regular file, or too large, before reading it.</summary>
public sealed class SchemaSourceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("plurel-source-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string> Readers => ["postgres", "tsql"];

    private static SchemaException Refused(string reader, string path)
    {
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<SchemaException>(() =>
        {
            if (reader == "tsql") TSqlDdlReader.ReadFiles([path]);
            else PgDdlReader.ReadFiles([path]);
        });
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"{path}: took {clock.Elapsed}");
        return e;
    }

    [Theory]
    [MemberData(nameof(Readers))]
    public void Devices_fifos_and_directories_are_refused_at_once(string reader)
    {
        var fifo = Path.Combine(_dir, "pipe.sql");
        using (var mk = Process.Start("mkfifo", [fifo])) mk.WaitForExit();
        Assert.Equal($"/dev/zero: is a character device, not a regular file; a schema must be a file of SQL text", Refused(reader, "/dev/zero").Message);
        Assert.Contains("is a FIFO", Refused(reader, fifo).Message, StringComparison.Ordinal);
        Assert.StartsWith($"{_dir}: is a directory", Refused(reader, _dir).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_above_the_limit_is_refused_and_one_within_it_is_read()
    {
        var path = Path.Combine(_dir, "a.sql");
        File.WriteAllText(path, "CREATE TABLE t (id int PRIMARY KEY);\n");
        var e = Assert.Throws<SchemaException>(() => SchemaSource.ReadAllBytes(path, 10));
        Assert.Equal($"{path}: 37 bytes is above the 10 bytes limit for schema files (set {SchemaSource.SizeVariable}, e.g. {SchemaSource.SizeVariable}=1G, to allow more)", e.Message);
        Assert.Equal(37, SchemaSource.ReadAllBytes(path, 37).Length);
    }

    [Theory]
    [InlineData(null, 256L << 20)]
    [InlineData("1000", 1000L)]
    [InlineData("64k", 64L << 10)]
    [InlineData("2G", 2L << 30)]
    public void The_limit_is_read_from_the_environment_value(string? text, long bytes) => Assert.Equal(bytes, SchemaSource.ParseSize(text));

    [Theory]
    [InlineData("abc")]
    [InlineData("-5")]
    [InlineData("0")]
    public void A_bad_limit_is_an_error(string text) => Assert.Throws<SchemaException>(() => SchemaSource.ParseSize(text));
}
