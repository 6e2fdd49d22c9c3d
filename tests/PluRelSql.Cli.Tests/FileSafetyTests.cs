using System.Diagnostics;
using System.Text.Json;
using PluRelSql.TestSupport;

namespace PluRelSql.Cli.Tests;

/// <summary>Files named on the command line are read and written with care: outputs never overwrite an input, never
/// go through a link and replace a file whole (saying so); inputs that are not regular files, or too large, are
/// refused before a byte is read.</summary>
public sealed class FileSafetyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("plurel-files-").FullName;
    private static readonly string Shop = Path.Combine(Repo.Root, "schemas", "shop.sql");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string CopyOfShop(string name = "in.sql")
    {
        var path = Path.Combine(_dir, name);
        File.Copy(Shop, path);
        return path;
    }

    [Fact]
    public void Convert_out_equal_to_the_schema_is_refused_and_the_input_is_unchanged()
    {
        var input = CopyOfShop();
        var before = File.ReadAllBytes(input);
        // The same file under its own name and under another spelling of it.
        foreach (var output in new[] { input, Path.Combine(_dir, ".", "sub", "..", "in.sql") })
        {
            Directory.CreateDirectory(Path.Combine(_dir, "sub"));
            var run = Cli.Plurel("convert", "--schema", input, "--to", "tsql", "--out", output);
            Assert.True(run.ExitCode == 2, run.ToString());
            Assert.Contains("is the --schema input", run.StdErr);
            Assert.Equal(before, File.ReadAllBytes(input));
        }
    }

    [Fact]
    public void Convert_out_through_a_symlink_is_refused_and_the_link_target_is_unchanged()
    {
        var input = CopyOfShop();
        var victim = Path.Combine(_dir, "victim.txt");
        File.WriteAllText(victim, "keep me");
        var link = Path.Combine(_dir, "out.sql");
        File.CreateSymbolicLink(link, victim);
        var run = Cli.Plurel("convert", "--schema", input, "--to", "tsql", "--out", link);
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("is a symbolic link", run.StdErr);
        Assert.Equal("keep me", File.ReadAllText(victim));
        Assert.NotNull(new FileInfo(link).LinkTarget);

        // A link to the input itself is refused the same way, before the input could be touched.
        var toInput = Path.Combine(_dir, "again.sql");
        File.CreateSymbolicLink(toInput, input);
        Assert.Equal(2, Cli.Plurel("convert", "--schema", input, "--to", "tsql", "--out", toInput).ExitCode);
        Assert.Equal(File.ReadAllBytes(Shop), File.ReadAllBytes(input));
    }

    [Fact]
    public void Replacing_an_existing_file_says_so_and_writes_it_whole()
    {
        var input = CopyOfShop();
        var expected = Cli.Plurel("convert", "--schema", input, "--to", "tsql");
        Assert.True(expected.ExitCode == 0, expected.ToString());
        var output = Path.Combine(_dir, "out.sql");

        var first = Cli.Plurel("convert", "--schema", input, "--to", "tsql", "--out", output);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.DoesNotContain("replaced existing", first.StdErr);
        Assert.Equal(expected.StdOut, File.ReadAllText(output));

        // Longer than the DDL: a write in place that did not truncate would leave its tail behind.
        File.WriteAllText(output, new string('x', expected.StdOut.Length * 2));
        // The tests run on Linux: the replaced file's mode is kept.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(output, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var second = Cli.Plurel("convert", "--schema", input, "--to", "tsql", "--out", output);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains($"replaced existing {output}", second.StdErr);
        Assert.Equal(expected.StdOut, File.ReadAllText(output));
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(output));
        // No temporary file left beside it.
        Assert.Equal(["in.sql", "out.sql"], Directory.GetFiles(_dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("populate")]
    [InlineData("inspect")]
    [InlineData("convert")]
    public void Non_regular_schema_inputs_are_refused_at_once(string command)
    {
        var fifo = Path.Combine(_dir, "pipe.sql");
        Assert.Equal(0, ClusterFixture.Run("mkfifo", [fifo], TimeSpan.FromSeconds(10)).ExitCode);
        // A directory stands for its *.sql files (issue 14): here the FIFO in it is what is refused.
        foreach (var (input, refused, kind) in new[] { ("/dev/zero", "/dev/zero", "character device"), (fifo, fifo, "FIFO"), (_dir, fifo, "FIFO") })
        {
            // --db names a closed port: nothing may get as far as connecting.
            string[] args = command switch
            {
                "populate" => ["populate", "--db", "postgresql://postgres@127.0.0.1:1/x?connect_timeout=2", "--schema", input],
                "convert" => ["convert", "--to", "tsql", "--schema", input],
                _ => ["inspect", "--schema", input],
            };
            var clock = Stopwatch.StartNew();
            var run = Cli.Plurel(args);
            Assert.True(run.ExitCode == 2, $"{input}: {run}");
            Assert.Contains($"{refused}: is a", run.StdErr);
            Assert.Contains(kind, run.StdErr);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"{input}: took {clock.Elapsed}");
        }
    }

    [Fact]
    public void A_schema_above_the_size_limit_is_refused_and_the_message_says_how_to_raise_it()
    {
        var input = CopyOfShop();
        var size = new FileInfo(input).Length;
        var run = ClusterFixture.Run("env", ["PLUREL_MAX_SCHEMA_SIZE=1k", "dotnet", Repo.PlurelDll, "inspect", "--schema", input],
            TimeSpan.FromMinutes(2));
        Assert.True(size > 1024);
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains($"{input}: {size:N0} bytes is above the 1,024 bytes limit", run.StdErr);
        Assert.Contains("PLUREL_MAX_SCHEMA_SIZE", run.StdErr);
        // Raised, the same file reads.
        var raised = ClusterFixture.Run("env", [$"PLUREL_MAX_SCHEMA_SIZE={size}", "dotnet", Repo.PlurelDll, "inspect", "--schema", input],
            TimeSpan.FromMinutes(2));
        Assert.True(raised.ExitCode == 0, raised.ToString());
    }

    [Fact]
    public void Output_directories_are_not_followed_through_a_link()
    {
        var real = Directory.CreateDirectory(Path.Combine(_dir, "real")).FullName;
        var link = Path.Combine(_dir, "ckpt");
        Directory.CreateSymbolicLink(link, real);
        foreach (var args in new string[][]
                 {
                     ["train", "--db", "postgresql://postgres@127.0.0.1:1/x?connect_timeout=2", "--steps", "1", "--out", link],
                     ["scaling", "--quick", "--db", "postgresql://postgres@127.0.0.1:1/x?connect_timeout=2", "--out", link + "/"],
                 })
        {
            var run = Cli.Plurel(args);
            Assert.True(run.ExitCode == 2, run.ToString());
            Assert.Contains("is a symbolic link", run.StdErr);
            Assert.Empty(Directory.GetFileSystemEntries(real));
        }
    }

    [Fact]
    public void An_output_failure_after_the_commit_says_the_data_is_committed()
    {
        var dir = Directory.CreateDirectory(Path.Combine(_dir, "gone")).FullName;
        var file = OutputFile.Prepare("--report", "the report", Path.Combine(dir, "r.json"), []);
        // The directory passed the check before the load and is gone when the report is written.
        Directory.Delete(dir);
        var log = new StringWriter();
        Assert.Equal(ExitCodes.Failure, file.WriteAfterCommit("{}", "localhost:5432/shop", log));
        Assert.Contains($"the data is loaded and committed in localhost:5432/shop; could not write the report {Path.Combine(dir, "r.json")}: ",
            log.ToString());

        var ok = OutputFile.Prepare("--report", "the report", Path.Combine(_dir, "r.json"), []);
        Assert.Equal(ExitCodes.Ok, ok.WriteAfterCommit("{}", "x", log));
        Assert.Equal("{}", File.ReadAllText(Path.Combine(_dir, "r.json")));
    }
}

/// <summary>Output paths are checked before anything is loaded, and the report of a committed load is written whole.</summary>
[Collection(ClusterCollection.Name)]
public sealed class OutputBeforeLoadTests(ClusterFixture pg)
{
    [Fact]
    public async Task Populate_report_in_a_missing_directory_fails_before_the_database_is_made()
    {
        await pg.Execute("postgres", "DROP DATABASE IF EXISTS report_precheck WITH (FORCE)");
        var run = Cli.Plurel("populate", "--db", pg.Url("postgres"), "--database", "report_precheck", "--create",
            "--schema", Path.Combine(Repo.Root, "schemas", "shop.sql"), "--rows", "5", "--report", "/nonexistent/dir/r.json");
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("--report /nonexistent/dir/r.json: the directory /nonexistent/dir does not exist", run.StdErr);
        Assert.DoesNotContain("populating", run.StdErr);
        Assert.Equal(0L, await pg.Scalar<long>("postgres", "SELECT count(*) FROM pg_database WHERE datname = 'report_precheck'"));
    }

    [Fact]
    public async Task Sample_emit_ddl_in_a_missing_directory_fails_before_the_database_is_made()
    {
        await pg.Execute("postgres", "DROP DATABASE IF EXISTS emit_precheck WITH (FORCE)");
        var run = Cli.Plurel("sample", "--db", pg.Url("postgres"), "--database", "emit_precheck", "--seed", "1", "--tables", "3",
            "--scale", "0.1", "--emit-ddl", "/nonexistent/dir/s.sql");
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("--emit-ddl /nonexistent/dir/s.sql: the directory /nonexistent/dir does not exist", run.StdErr);
        Assert.Equal(0L, await pg.Scalar<long>("postgres", "SELECT count(*) FROM pg_database WHERE datname = 'emit_precheck'"));
    }

    [Fact]
    public async Task Populate_replaces_an_existing_report_whole_and_says_so()
    {
        var report = Path.Combine(Path.GetTempPath(), $"plurel-report-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(report, new string('x', 100_000));
        try
        {
            await pg.Execute("postgres", "DROP DATABASE IF EXISTS report_replace WITH (FORCE)");
            var run = Cli.Plurel("populate", "--db", pg.Url("postgres"), "--database", "report_replace", "--create",
                "--schema", Path.Combine(Repo.Root, "schemas", "shop.sql"), "--rows", "5", "--report", report);
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains($"replaced existing {report}", run.StdErr);
            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(report));
            Assert.Equal(JsonValueKind.Object, json.RootElement.ValueKind);
        }
        finally { File.Delete(report); }
    }
}
