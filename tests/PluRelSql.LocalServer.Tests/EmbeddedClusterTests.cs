using System.Diagnostics;
using Npgsql;
using PluRelSql.LocalServer;

using PluRelSql.TestSupport;

namespace PluRelSql.LocalServer.Tests;

[Collection(ClusterCollection.Name)]
public sealed class EmbeddedClusterTests(ClusterFixture fx)
{
    [Fact]
    public async Task Status_reports_running_port_and_version()
    {
        var status = await fx.Cluster.StatusAsync();
        Assert.True(status.Running);
        Assert.Equal(fx.Cluster.Port, status.Port);
        // This assembly's own range (the tests moved here from Storage, whose range was 55500-55699).
        Assert.InRange(status.Port!.Value, TestAssembly.PortBase, TestAssembly.PortBase + 199);
        Assert.Equal(Path.Combine(fx.Directory, "data"), status.DataDirectory);
        Assert.Contains("PostgreSQL", status.Version, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Psql_connects_with_the_url()
    {
        var psi = new ProcessStartInfo(Path.Combine(fx.Cluster.BinDirectory, "psql"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { fx.Cluster.Url(), "-X", "-A", "-t", "-c", "select 40 + 2" }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = await p.StandardOutput.ReadToEndAsync();
        var error = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, error);
        Assert.Equal("42", output.Trim());
    }

    [Fact]
    public async Task Url_has_the_libpq_form_with_the_password()
    {
        var password = (await File.ReadAllTextAsync(fx.Cluster.PasswordFile)).Trim();
        Assert.Matches("^[A-Za-z0-9]{32}$", password);
        Assert.Equal($"postgresql://postgres:{password}@127.0.0.1:{fx.Cluster.Port}/shop", fx.Cluster.Url("shop"));
        Assert.Contains($"Password={password}", fx.Cluster.ConnectionString("shop"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pg_hba_trusts_nobody_the_server_listens_on_loopback_and_its_socket_directory_is_private()
    {
        var hba = await File.ReadAllTextAsync(Path.Combine(fx.Cluster.DataDirectory, "pg_hba.conf"));
        var rules = hba.Split('\n').Select(l => l.Split('#')[0].Trim()).Where(l => l.Length > 0).ToList();
        Assert.NotEmpty(rules);
        Assert.All(rules, r => Assert.EndsWith("scram-sha-256", r, StringComparison.Ordinal));
        Assert.DoesNotContain(rules, r => r.Contains("trust", StringComparison.OrdinalIgnoreCase));
        Assert.False(EmbeddedCluster.HbaTrustsAnyone(hba));

        Assert.Equal("127.0.0.1", await fx.Scalar<string>("postgres", "show listen_addresses"));
        Assert.Equal("scram-sha-256", await fx.Scalar<string>("postgres", "show password_encryption"));
        var socketDir = await fx.Scalar<string>("postgres", "show unix_socket_directories");
        Assert.Equal(fx.Cluster.SocketDirectory, socketDir);
        var server = Environment.IsPrivilegedProcess ? Ids.Of("postgres") : Ids.Of(null);
        Assert.Equal($"{server} 700 directory", Ids.Stat(socketDir));
        Assert.Equal($"{server} 700 directory", Ids.Stat(fx.Cluster.DataDirectory));
        Assert.Equal($"{Ids.Of(null)} 600 regular file", Ids.Stat(fx.Cluster.PasswordFile));
        Assert.Equal($"{Ids.Of(null)} {(Environment.IsPrivilegedProcess ? "711" : "700")} directory", Ids.Stat(fx.Directory));
    }

    [Fact]
    public void Another_local_account_cannot_connect_over_tcp_or_the_socket_nor_read_the_password()
    {
        if (!Environment.IsPrivilegedProcess) return; // creating an account needs root (CI runs tests as root)
        var probe = $"plurel-probe-{Environment.ProcessId}";
        var add = ClusterFixture.Run("useradd", ["-M", "-s", "/usr/sbin/nologin", probe], TimeSpan.FromMinutes(1));
        Assert.True(add.ExitCode == 0, add.ToString());
        try
        {
            var psql = Path.Combine(fx.Cluster.BinDirectory, "psql");
            var port = fx.Cluster.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            ProcessResult AsProbe(params string[] command) => ClusterFixture.Run("runuser",
                ["-u", probe, "--", "env", "PGPASSFILE=/dev/null", "PGPASSWORD=", .. command], TimeSpan.FromMinutes(1));
            string[] Psql(string host) => [psql, "-X", "-w", "-h", host, "-p", port, "-U", "postgres", "-d", "postgres", "-c", "select 1"];

            var tcp = AsProbe(Psql("127.0.0.1"));
            Assert.True(tcp.ExitCode != 0, tcp.ToString());
            Assert.Contains("no password supplied", tcp.StdErr, StringComparison.Ordinal);

            var wrong = AsProbe(["env", "PGPASSWORD=wrong", .. Psql("127.0.0.1")]);
            Assert.True(wrong.ExitCode != 0, wrong.ToString());
            Assert.Contains("password authentication failed", wrong.StdErr, StringComparison.Ordinal);

            var socket = AsProbe(Psql(fx.Cluster.SocketDirectory));
            Assert.True(socket.ExitCode != 0, socket.ToString());
            Assert.Contains("Permission denied", socket.StdErr, StringComparison.Ordinal);

            var read = AsProbe("cat", fx.Cluster.PasswordFile);
            Assert.True(read.ExitCode != 0, read.ToString());
            Assert.Contains("Permission denied", read.StdErr, StringComparison.Ordinal);

            // Control: the same account gets in with the password, so the refusals above are authentication's doing.
            var withPassword = AsProbe(psql, "-X", "-w", "-A", "-t", fx.Cluster.Url(), "-c", "select 40 + 2");
            Assert.True(withPassword.ExitCode == 0, withPassword.ToString());
            Assert.Equal("42", withPassword.StdOut.Trim());
        }
        finally
        {
            ClusterFixture.Run("userdel", [probe], TimeSpan.FromMinutes(1));
        }
    }

    [Fact]
    public async Task Start_is_idempotent_and_a_second_instance_reuses_the_remembered_port()
    {
        await fx.Cluster.StartAsync();
        var other = EmbeddedCluster.At(fx.Directory, preferredPort: 55500);
        await other.StartAsync();
        Assert.Equal(fx.Cluster.Port, other.Port);
        Assert.False(other.UsesFallbackDirectory);
    }

    [Fact]
    public async Task EnsureDatabase_creates_once()
    {
        await fx.Cluster.EnsureDatabaseAsync("ensure_me");
        await fx.Cluster.EnsureDatabaseAsync("ensure_me");
        var n = await ClusterFixture.ScalarAsync<long>(fx.Cluster.ConnectionString(),
            "select count(*) from pg_database where datname = 'ensure_me'");
        Assert.Equal(1L, n);
    }
}

/// <summary>Clusters of their own (not the shared fixture's): concurrent start, directory fallback, socket path.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class EmbeddedClusterLayoutTests
{
    [Fact]
    public async Task Two_concurrent_starts_of_a_new_cluster_make_one_cluster()
    {
        var dir = Path.Combine("/tmp", $"plurel-storage-race-{Environment.ProcessId}");
        var a = EmbeddedCluster.At(dir, 55700);
        var b = EmbeddedCluster.At(dir, 55700);
        try
        {
            await Task.WhenAll(Task.Run(() => a.StartAsync()), Task.Run(() => b.StartAsync()));
            Assert.Equal(a.Port, b.Port);
            Assert.True((await b.StatusAsync()).Running);
            Assert.Equal(1L, await ClusterFixture.ScalarAsync<long>(a.ConnectionString(), "select count(*) from pg_database where datname = 'postgres'"));
            await a.StopAsync();
            Assert.False((await b.StatusAsync()).Running);
            await b.StopAsync(); // stopping a stopped cluster is fine
        }
        finally
        {
            await a.StopAsync();
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_directory_the_postgres_user_cannot_reach_falls_back_to_var_tmp()
    {
        var root = Path.Combine("/tmp", $"plurel-storage-private-{Environment.ProcessId}");
        Directory.CreateDirectory(root);
        try
        {
            File.SetUnixFileMode(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var cluster = EmbeddedCluster.At(Path.Combine(root, "pg"));
            if (Environment.IsPrivilegedProcess)
            {
                Assert.True(cluster.UsesFallbackDirectory);
                Assert.StartsWith("/var/tmp/plurel-", cluster.ClusterDirectory, StringComparison.Ordinal);
                Assert.EndsWith("/pg", cluster.ClusterDirectory, StringComparison.Ordinal);
                Assert.Equal(Path.Combine(cluster.ClusterDirectory, "data"), cluster.DataDirectory);
                // The same request resolves to the same fallback, so later commands find the cluster.
                Assert.Equal(cluster.ClusterDirectory, EmbeddedCluster.At(Path.Combine(root, "pg")).ClusterDirectory);
                Directory.Delete(Path.GetDirectoryName(cluster.ClusterDirectory)!, recursive: true);
            }
            else
            {
                // Not root: the server runs as us, so our own private directory is fine.
                Assert.False(cluster.UsesFallbackDirectory);
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void A_long_directory_puts_the_socket_under_tmp()
    {
        var shortOne = EmbeddedCluster.At("/tmp/plurel-short/pg");
        Assert.Equal("/tmp/plurel-short/pg/run", shortOne.SocketDirectory);
        var longDir = "/tmp/" + new string('d', 120) + "/pg";
        var longOne = EmbeddedCluster.At(longDir);
        try
        {
            Assert.StartsWith("/tmp/plurel-", longOne.SocketDirectory, StringComparison.Ordinal);
            Assert.True(longOne.SocketDirectory.Length < 40);
        }
        finally
        {
            if (Directory.Exists("/tmp/plurel-short")) Directory.Delete("/tmp/plurel-short", recursive: true);
            if (Directory.Exists("/tmp/" + new string('d', 120))) Directory.Delete("/tmp/" + new string('d', 120), recursive: true);
        }
    }

    [Fact]
    public void A_symlink_planted_at_the_var_tmp_fallback_is_refused_and_its_target_keeps_owner_and_mode()
    {
        if (!Environment.IsPrivilegedProcess) return; // the fallback exists for root only
        var root = Path.Combine("/tmp", $"plurel-storage-unreachable-{Environment.ProcessId}");
        var victim = Path.Combine("/tmp", $"plurel-storage-victim-{Environment.ProcessId}");
        Directory.CreateDirectory(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.CreateDirectory(victim);
        File.SetUnixFileMode(victim, (UnixFileMode)0b111_101_101);
        var requested = Path.Combine(root, "pg");
        var fallback = EmbeddedCluster.FallbackDirectoryFor(requested);
        // What a local user can do: /var/tmp is world-writable, the name is predictable.
        File.CreateSymbolicLink(fallback, victim);
        try
        {
            var e = Assert.Throws<ClusterException>(() => EmbeddedCluster.At(requested).ClusterDirectory);
            Assert.Contains(fallback + " is a symbolic link", e.Message, StringComparison.Ordinal);
            Assert.Contains("postgres user can traverse", e.Message, StringComparison.Ordinal);
            Assert.Equal("0 755 directory", Ids.Stat(victim));
            Assert.Empty(Directory.EnumerateFileSystemEntries(victim));
            Assert.Equal("0 777 symbolic link", Ids.Stat(fallback));
        }
        finally
        {
            File.Delete(fallback);
            Directory.Delete(victim, recursive: true);
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void A_var_tmp_fallback_an_older_plurel_gave_to_postgres_is_taken_back_by_root()
    {
        if (!Environment.IsPrivilegedProcess) return;
        var root = Path.Combine("/tmp", $"plurel-storage-unreachable3-{Environment.ProcessId}");
        Directory.CreateDirectory(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var requested = Path.Combine(root, "pg");
        var fallback = EmbeddedCluster.FallbackDirectoryFor(requested);
        Directory.CreateDirectory(Path.Combine(fallback, "pg"));
        Assert.Equal(0, ClusterFixture.Run("chown", ["-R", "postgres:postgres", fallback], TimeSpan.FromMinutes(1)).ExitCode);
        try
        {
            var cluster = EmbeddedCluster.At(requested);
            Assert.Equal(Path.Combine(fallback, "pg"), cluster.ClusterDirectory);
            Assert.Equal("0 711 directory", Ids.Stat(fallback));
            Assert.Equal("0 711 directory", Ids.Stat(cluster.ClusterDirectory));
        }
        finally
        {
            Directory.Delete(fallback, recursive: true);
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void A_var_tmp_fallback_directory_of_another_user_is_refused()
    {
        if (!Environment.IsPrivilegedProcess) return;
        var root = Path.Combine("/tmp", $"plurel-storage-unreachable2-{Environment.ProcessId}");
        Directory.CreateDirectory(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var requested = Path.Combine(root, "pg");
        var fallback = EmbeddedCluster.FallbackDirectoryFor(requested);
        Directory.CreateDirectory(fallback, (UnixFileMode)0b111_101_101);
        Assert.Equal(0, ClusterFixture.Run("chown", ["nobody:nogroup", fallback], TimeSpan.FromMinutes(1)).ExitCode);
        try
        {
            var e = Assert.Throws<ClusterException>(() => EmbeddedCluster.At(requested).ClusterDirectory);
            Assert.Contains(fallback + " belongs to another user", e.Message, StringComparison.Ordinal);
            Assert.Equal($"{Ids.Of("nobody")} 755 directory", Ids.Stat(fallback));
            Assert.Empty(Directory.EnumerateFileSystemEntries(fallback));
        }
        finally
        {
            Directory.Delete(fallback, recursive: true);
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task A_symlink_planted_at_the_tmp_socket_directory_is_refused_and_its_target_keeps_owner_and_mode()
    {
        var parent = Path.Combine("/tmp", $"plurel-storage-{new string('s', 100)}-{Environment.ProcessId}");
        var victim = Path.Combine("/tmp", $"plurel-storage-socket-victim-{Environment.ProcessId}");
        var cluster = EmbeddedCluster.At(Path.Combine(parent, "pg"), 55770);
        var socketDir = cluster.SocketDirectory;
        Assert.StartsWith("/tmp/plurel-", socketDir, StringComparison.Ordinal);
        Directory.CreateDirectory(victim);
        File.SetUnixFileMode(victim, (UnixFileMode)0b111_101_101);
        File.CreateSymbolicLink(socketDir, victim);
        try
        {
            var e = await Assert.ThrowsAsync<ClusterException>(() => cluster.StartAsync());
            Assert.Contains($"the socket directory {socketDir}", e.Message, StringComparison.Ordinal);
            Assert.Equal($"{Ids.Of(null)} 755 directory", Ids.Stat(victim));
            Assert.Empty(Directory.EnumerateFileSystemEntries(victim));
            Assert.False(File.Exists(Path.Combine(cluster.DataDirectory, "PG_VERSION"))); // refused before initdb
        }
        finally
        {
            File.Delete(socketDir);
            Directory.Delete(victim, recursive: true);
            Directory.Delete(parent, recursive: true);
        }
    }

    [Fact]
    public async Task A_long_project_path_gets_a_private_tmp_socket_directory_even_one_an_older_plurel_left_open()
    {
        var parent = Path.Combine("/tmp", $"plurel-storage-{new string('l', 100)}-{Environment.ProcessId}");
        var cluster = EmbeddedCluster.At(Path.Combine(parent, "pg"), 55775);
        var socketDir = cluster.SocketDirectory;
        // An older plurel made it with mode 0755 and gave it to postgres.
        var made = AsServer("mkdir", "-m", "0755", socketDir);
        Assert.True(made.ExitCode == 0, made.ToString());
        try
        {
            await cluster.StartAsync();
            var server = Environment.IsPrivilegedProcess ? Ids.Of("postgres") : Ids.Of(null);
            Assert.Equal($"{server} 700 directory", Ids.Stat(socketDir));
            Assert.Equal(socketDir, await ClusterFixture.ScalarAsync<string>(cluster.ConnectionString(), "show unix_socket_directories"));
            var psql = Run(Path.Combine(cluster.BinDirectory, "psql"), "-X", "-w", "-A", "-t",
                $"host={socketDir} port={cluster.Port} user=postgres dbname=postgres password={File.ReadAllText(cluster.PasswordFile).Trim()}",
                "-c", "select 1");
            Assert.True(psql.ExitCode == 0, psql.ToString());
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await cluster.StopAsync();
            Directory.Delete(socketDir, recursive: true);
            Directory.Delete(parent, recursive: true);
        }
    }

    [Fact]
    public async Task A_cluster_made_by_an_older_plurel_with_trust_is_given_a_password_when_started()
    {
        var dir = Path.Combine("/tmp", $"plurel-storage-legacy-{Environment.ProcessId}");
        var data = Path.Combine(dir, "data");
        var bin = EmbeddedCluster.At(dir).BinDirectory;
        var port = FreePort(55780);
        var trust = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=false";
        Directory.CreateDirectory(dir);
        try
        {
            // What an older plurel made: the cluster directory given to postgres, initdb -A trust, a trust pg_hba,
            // the socket in the cluster directory; running.
            if (Environment.IsPrivilegedProcess) Assert.Equal(0, Run("chown", "postgres:postgres", dir).ExitCode);
            var init = AsServer(Path.Combine(bin, "initdb"), "-D", data, "-A", "trust", "-U", "postgres", "--encoding=UTF8", "--locale=C");
            Assert.True(init.ExitCode == 0, init.ToString());
            await File.AppendAllTextAsync(Path.Combine(data, "postgresql.conf"), "fsync = off\ninclude_if_exists = 'plurel.conf'\n");
            await File.WriteAllTextAsync(Path.Combine(data, "pg_hba.conf"),
                "local all all trust\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n");
            await File.WriteAllTextAsync(Path.Combine(data, "plurel.conf"),
                $"port = {port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{dir}'\n");
            if (Environment.IsPrivilegedProcess) Assert.Equal(0, Run("chown", "postgres:postgres", Path.Combine(data, "plurel.conf")).ExitCode);
            var start = AsServer(Path.Combine(bin, "pg_ctl"), "-D", data, "-w", "-l", Path.Combine(dir, "server.log"), "start");
            Assert.True(start.ExitCode == 0, start.ToString());
            await File.WriteAllTextAsync(Path.Combine(dir, "port"), port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await ClusterFixture.ExecAsync(trust, "create table kept (x int); insert into kept values (7)");

            var cluster = EmbeddedCluster.At(dir, port);
            await cluster.StartAsync();

            Assert.False(EmbeddedCluster.HbaTrustsAnyone(await File.ReadAllTextAsync(Path.Combine(data, "pg_hba.conf"))));
            Assert.Equal($"{Ids.Of(null)} 600 regular file", Ids.Stat(cluster.PasswordFile));
            Assert.Equal($"{Ids.Of(null)} {(Environment.IsPrivilegedProcess ? "711" : "700")} directory", Ids.Stat(dir));
            var refused = await Assert.ThrowsAnyAsync<NpgsqlException>(() => ClusterFixture.ExecAsync(trust, "select 1"));
            Assert.Contains("password", refused.Message, StringComparison.OrdinalIgnoreCase);
            // The data survived; the password works.
            Assert.Equal(7, await ClusterFixture.ScalarAsync<int>(cluster.ConnectionString(), "select x from kept"));
            // A second start finds it secured and running: nothing to do.
            var again = EmbeddedCluster.At(dir, port);
            await again.StartAsync();
            Assert.Equal(cluster.Url(), again.Url());
            NpgsqlConnection.ClearAllPools();
            await cluster.StopAsync();
        }
        finally
        {
            AsServer(Path.Combine(bin, "pg_ctl"), "-D", data, "-m", "immediate", "stop");
            Directory.Delete(dir, recursive: true);
        }
    }

    private static ProcessResult Run(string file, params string[] args) => ClusterFixture.Run(file, args, TimeSpan.FromMinutes(2));

    private static ProcessResult AsServer(string file, params string[] args) => Environment.IsPrivilegedProcess
        ? Run("runuser", ["-u", "postgres", "--", file, .. args])
        : Run(file, args);

    private static int FreePort(int from)
    {
        for (var p = from; ; p++)
        {
            try
            {
                var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, p);
                l.Start();
                l.Stop();
                return p;
            }
            catch (System.Net.Sockets.SocketException) when (p < from + 100)
            {
            }
        }
    }
}

/// <summary>Owners and modes, as lstat reports them.</summary>
internal static class Ids
{
    /// <summary>The uid of <paramref name="user"/>, or ours when null.</summary>
    public static string Of(string? user)
    {
        var r = ClusterFixture.Run("id", user is null ? ["-u"] : ["-u", user], TimeSpan.FromMinutes(1));
        Assert.True(r.ExitCode == 0, r.ToString());
        return r.StdOut.Trim();
    }

    /// <summary>"uid mode type" of the path itself (not following a link).</summary>
    public static string Stat(string path)
    {
        var r = ClusterFixture.Run("stat", ["--printf", "%u %a %F", "--", path], TimeSpan.FromMinutes(1));
        Assert.True(r.ExitCode == 0, r.ToString());
        return r.StdOut;
    }
}
