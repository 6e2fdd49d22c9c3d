using System.Diagnostics;
using PluRelSql.LocalServer;
using PluRelSql.TestSupport;

namespace PluRelSql.Cli.Tests;

/// <summary><c>plurel db …</c> in a project folder of its own (not the shared fixture's cluster).</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DbCommandTests
{
    [Fact]
    public void Db_start_prints_no_password_url_carries_it_and_psql_gets_in_with_it()
    {
        var project = Path.Combine("/tmp", $"plurel-cli-db-{Environment.ProcessId}");
        Directory.CreateDirectory(project);
        try
        {
            var start = PlurelIn(project, "db", "start");
            Assert.True(start.ExitCode == 0, start.ToString());
            var passwordFile = Path.Combine(project, ".plurel", "pg", "password");
            var password = File.ReadAllText(passwordFile).Trim();
            Assert.Matches("^[A-Za-z0-9]{32}$", password);
            Assert.DoesNotContain(password, start.StdOut, StringComparison.Ordinal);
            Assert.Contains(passwordFile, start.StdOut, StringComparison.Ordinal);

            var url = PlurelIn(project, "db", "url", "--database", "template1");
            Assert.True(url.ExitCode == 0, url.ToString());
            Assert.Matches($"^postgresql://postgres:{password}@127\\.0\\.0\\.1:[0-9]+/template1$", url.StdOut.Trim());

            var psql = ClusterFixture.Run(Path.Combine(EmbeddedCluster.At(project).BinDirectory, "psql"),
                ["-X", "-w", "-A", "-t", url.StdOut.Trim(), "-c", "select current_database()"], TimeSpan.FromMinutes(1));
            Assert.True(psql.ExitCode == 0, psql.ToString());
            Assert.Equal("template1", psql.StdOut.Trim());

            var status = PlurelIn(project, "db", "status");
            Assert.True(status.ExitCode == 0, status.ToString());
            Assert.Contains("Running = True", status.StdOut, StringComparison.Ordinal);
        }
        finally
        {
            PlurelIn(project, "db", "stop");
            Directory.Delete(project, recursive: true);
        }
    }

    [Fact]
    public void Db_status_as_root_refuses_a_symlink_planted_at_the_var_tmp_fallback_and_leaves_its_target_alone()
    {
        if (!Environment.IsPrivilegedProcess) return; // the fallback exists for root only (CI runs tests as root)
        var project = Path.Combine("/tmp", $"plurel-cli-unreachable-{Environment.ProcessId}");
        var victim = Path.Combine("/tmp", $"plurel-cli-victim-{Environment.ProcessId}");
        Directory.CreateDirectory(project, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.CreateDirectory(victim);
        File.SetUnixFileMode(victim, (UnixFileMode)0b111_101_101);
        var fallback = EmbeddedCluster.FallbackDirectoryFor(Path.Combine(project, ".plurel", "pg"));
        File.CreateSymbolicLink(fallback, victim);
        try
        {
            var status = PlurelIn(project, "db", "status");
            Assert.True(status.ExitCode == ExitCodes.Database, status.ToString());
            Assert.Contains(fallback + " is a symbolic link", status.StdErr, StringComparison.Ordinal);
            Assert.Contains("postgres user can traverse", status.StdErr, StringComparison.Ordinal);
            var owner = ClusterFixture.Run("stat", ["--printf", "%u %a %F", "--", victim], TimeSpan.FromMinutes(1));
            Assert.Equal("0 755 directory", owner.StdOut);
            Assert.Empty(Directory.EnumerateFileSystemEntries(victim));
        }
        finally
        {
            File.Delete(fallback);
            Directory.Delete(victim, recursive: true);
            Directory.Delete(project, recursive: true);
        }
    }

    /// <summary>The CLI with <paramref name="directory"/> as its working directory (so ./.plurel/pg is there).</summary>
    private static ProcessResult PlurelIn(string directory, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        foreach (var a in (string[])[Repo.PlurelDll, .. args]) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"plurel {string.Join(' ', args)} ran over 3 minutes");
        }
        return new ProcessResult(p.ExitCode, stdout.Result, stderr.Result);
    }
}
