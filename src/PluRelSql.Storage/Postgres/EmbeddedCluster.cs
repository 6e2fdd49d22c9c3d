using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace PluRelSql.Storage.Postgres;

/// <summary>Whether a private cluster runs, where, and which server version it is.</summary>
public sealed record ClusterStatus(bool Running, int? Port, string DataDirectory, string? Version);

/// <summary>A private PostgreSQL cluster for development and tests, kept under one directory
/// (default <c>&lt;cwd&gt;/.plurel/pg</c>): <c>data/</c> (the cluster), <c>port</c> (the port it was last started on,
/// so later commands reuse it), <c>server.log</c> and the Unix socket.</summary>
/// <remarks>As root the server runs as the <c>postgres</c> OS user (initdb refuses root). When that user cannot reach
/// the requested directory (a project under /root, mode 700) the cluster lives in <c>/var/tmp/plurel-&lt;hash&gt;/pg</c>
/// instead; <see cref="ClusterDirectory"/> and <see cref="DataDirectory"/> tell where it actually is.</remarks>
public sealed class EmbeddedCluster
{
    private const string MissingBinaries =
        "PostgreSQL server binaries not found: install them with `sudo apt-get install postgresql` (or run `make setup`)";

    private readonly int _preferredPort;
    private string? _binDir;
    private string? _clusterDir;
    private int? _port;

    private EmbeddedCluster(string requestedDirectory, int preferredPort)
    {
        RequestedDirectory = Path.GetFullPath(requestedDirectory);
        _preferredPort = preferredPort;
    }

    /// <summary>The cluster under <paramref name="directory"/>; nothing happens until <see cref="StartAsync"/>.</summary>
    public static EmbeddedCluster At(string directory, int preferredPort = 55432) => new(directory, preferredPort);

    /// <summary>The cluster under <c>&lt;cwd&gt;/.plurel/pg</c>.</summary>
    public static EmbeddedCluster Default(int preferredPort = 55432) =>
        At(Path.Combine(Environment.CurrentDirectory, ".plurel", "pg"), preferredPort);

    /// <summary>The directory the caller asked for.</summary>
    public string RequestedDirectory { get; }

    /// <summary>The directory the cluster really lives in: <see cref="RequestedDirectory"/>, or the /var/tmp fallback
    /// when the postgres user cannot reach it.</summary>
    public string ClusterDirectory => _clusterDir ??= ResolveClusterDirectory();

    public string DataDirectory => Path.Combine(ClusterDirectory, "data");

    public string LogFile => Path.Combine(ClusterDirectory, "server.log");

    /// <summary>True when <see cref="ClusterDirectory"/> is the fallback, not the requested directory.</summary>
    public bool UsesFallbackDirectory => ClusterDirectory != RequestedDirectory;

    /// <summary>Where the server binaries (initdb, pg_ctl, postgres, psql) are.</summary>
    public string BinDirectory => _binDir ??= FindBinDirectory();

    /// <summary>The port the cluster listens on (the remembered one when started by an earlier process).</summary>
    public int Port => _port ??= ReadPortFile() ?? throw new ClusterException(
        $"the cluster in {ClusterDirectory} has not been started (no port recorded)");

    private string PortFile => Path.Combine(ClusterDirectory, "port");

    /// <summary>Where the server puts its Unix socket: the cluster directory, or /tmp/plurel-    private string SocketDirectorylt;hash    private string SocketDirectorygt; when that path
    /// would be too long for a socket name.</summary>
    internal string SocketDirectory
    {
        get
        {
            // A Unix socket path is limited to ~107 bytes: the socket file adds "/.s.PGSQL.NNNNN".
            if (ClusterDirectory.Length <= 100) return ClusterDirectory;
            return "/tmp/plurel-" + Hash(ClusterDirectory);
        }
    }

    private static bool IsRoot => Environment.IsPrivilegedProcess;

    /// <summary>libpq URI that psql and other libpq clients accept.</summary>
    public string Url(string database = "postgres") =>
        $"postgresql://postgres@127.0.0.1:{Port}/{Uri.EscapeDataString(database)}";

    /// <summary>Npgsql connection string.</summary>
    public string ConnectionString(string database = "postgres") =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = "postgres",
            Database = database,
        }.ConnectionString;

    /// <summary>Creates the cluster when missing and starts it when stopped. Safe to call concurrently from several
    /// processes: init and start happen under an exclusive lock file in the cluster directory.</summary>
    public async Task StartAsync(CancellationToken ct = default)
    {
        _ = BinDirectory; // fail early and clearly when the server is not installed
        var dir = ClusterDirectory;
        PrepareDirectory(dir);

        using var fileLock = await AcquireLockAsync(ct).ConfigureAwait(false);

        if (!File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
            await InitAsync(ct).ConfigureAwait(false);

        if (await IsRunningAsync(ct).ConfigureAwait(false))
        {
            _port = ReadPortFile() ?? throw new ClusterException(
                $"the cluster in {DataDirectory} runs but its port file {PortFile} is missing; stop it with pg_ctl");
            return;
        }

        var port = ChoosePort();
        var socketDir = SocketDirectory;
        if (socketDir != dir)
        {
            Directory.CreateDirectory(socketDir);
            await ChownAsync(socketDir, ct).ConfigureAwait(false);
        }
        var runtimeConf = Path.Combine(DataDirectory, "plurel.conf");
        await File.WriteAllTextAsync(runtimeConf,
            "# written by plurel at each start\n" +
            $"port = {port}\n" +
            "listen_addresses = '127.0.0.1'\n" +
            $"unix_socket_directories = '{socketDir.Replace("'", "''", StringComparison.Ordinal)}'\n" +
            // Bulk-load tuning for a scratch cluster: COPY into a table created or truncated in the same transaction
            // writes no WAL at wal_level=minimal; fewer checkpoints; index builds and FK validation sort and hash
            // in memory.
            "wal_level = minimal\n" +
            "max_wal_senders = 0\n" +
            "max_wal_size = '4GB'\n" +
            "checkpoint_timeout = '30min'\n" +
            "shared_buffers = '256MB'\n" +
            "maintenance_work_mem = '512MB'\n" +
            "work_mem = '64MB'\n", ct)
            .ConfigureAwait(false);
        await ChownAsync(runtimeConf, ct).ConfigureAwait(false);

        var (code, output) = await RunServerToolAsync("pg_ctl",
            ["-D", DataDirectory, "-w", "-t", "60", "-l", LogFile, "start"], ct).ConfigureAwait(false);
        if (code != 0)
            throw new ClusterException(
                $"pg_ctl start failed for {DataDirectory} (exit {code}): {output.Trim()}\n{TailOfLog()}");
        await File.WriteAllTextAsync(PortFile, port.ToString(CultureInfo.InvariantCulture), ct).ConfigureAwait(false);
        _port = port;
    }

    public async Task StopAsync(CancellationToken ct = default)
    {
        if (!File.Exists(Path.Combine(DataDirectory, "PG_VERSION"))) return;
        using var fileLock = await AcquireLockAsync(ct).ConfigureAwait(false);
        if (!await IsRunningAsync(ct).ConfigureAwait(false)) return;
        var (code, output) = await RunServerToolAsync("pg_ctl",
            ["-D", DataDirectory, "-w", "-t", "60", "-m", "fast", "stop"], ct).ConfigureAwait(false);
        if (code != 0)
            throw new ClusterException($"pg_ctl stop failed for {DataDirectory} (exit {code}): {output.Trim()}");
    }

    public async Task<ClusterStatus> StatusAsync(CancellationToken ct = default)
    {
        var versionFile = Path.Combine(DataDirectory, "PG_VERSION");
        if (!File.Exists(versionFile)) return new ClusterStatus(false, null, DataDirectory, null);
        var running = await IsRunningAsync(ct).ConfigureAwait(false);
        string? version;
        try
        {
            var (code, output) = await RunAsync(Path.Combine(BinDirectory, "postgres"), ["--version"], false, ct)
                .ConfigureAwait(false);
            version = code == 0 ? output.Trim() : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            version = null;
        }
        version ??= "PostgreSQL " + (await File.ReadAllTextAsync(versionFile, ct).ConfigureAwait(false)).Trim();
        return new ClusterStatus(running, ReadPortFile(), DataDirectory, version);
    }

    /// <summary>CREATE DATABASE <paramref name="name"/> unless it exists.</summary>
    public async Task EnsureDatabaseAsync(string name, CancellationToken ct = default)
    {
        await using var conn = new NpgsqlConnection(ConnectionString("postgres"));
        await conn.OpenAsync(ct).ConfigureAwait(false);
        await using (var check = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", conn))
        {
            check.Parameters.AddWithValue(name);
            if (await check.ExecuteScalarAsync(ct).ConfigureAwait(false) is not null) return;
        }
        try
        {
            await using var create = new NpgsqlCommand("CREATE DATABASE " + Schema.SqlIdent.Quote(name), conn);
            await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
            // Another process created it between our check and CREATE.
        }
    }

    // ---- init -------------------------------------------------------------------------------------------------

    private async Task InitAsync(CancellationToken ct)
    {
        if (Directory.Exists(DataDirectory))
            Directory.Delete(DataDirectory, recursive: true); // a half-made cluster from an interrupted initdb

        var (code, output) = await RunServerToolAsync("initdb",
            ["-D", DataDirectory, "-A", "trust", "-U", "postgres", "--encoding=UTF8", "--locale=C"], ct)
            .ConfigureAwait(false);
        if (code != 0)
            throw new ClusterException($"initdb failed in {DataDirectory} (exit {code}): {output.Trim()}");

        // A scratch development cluster: durability is traded for load speed. A crash may lose the cluster's
        // recent data, which can always be regenerated; never use these settings for data you need to keep.
        await File.AppendAllTextAsync(Path.Combine(DataDirectory, "postgresql.conf"),
            "\n# --- plurel: scratch development cluster (not crash-safe) ---\n" +
            "fsync = off\n" +
            "synchronous_commit = off\n" +
            "full_page_writes = off\n" +
            "include_if_exists = 'plurel.conf'\n", ct).ConfigureAwait(false);

        // Trust, but only for local sockets and loopback.
        await File.WriteAllTextAsync(Path.Combine(DataDirectory, "pg_hba.conf"),
            "# written by plurel: trust for the local socket and loopback only\n" +
            "local   all             all                     trust\n" +
            "host    all             all     127.0.0.1/32    trust\n" +
            "host    all             all     ::1/128         trust\n" +
            "local   replication     all                     trust\n" +
            "host    replication     all     127.0.0.1/32    trust\n", ct).ConfigureAwait(false);
    }

    private async Task<bool> IsRunningAsync(CancellationToken ct)
    {
        var (code, _) = await RunServerToolAsync("pg_ctl", ["-D", DataDirectory, "status"], ct).ConfigureAwait(false);
        return code == 0;
    }

    private int ChoosePort()
    {
        if (ReadPortFile() is { } remembered && IsPortFree(remembered)) return remembered;
        for (var p = _preferredPort; p < _preferredPort + 200 && p <= 65535; p++)
            if (IsPortFree(p)) return p;
        throw new ClusterException($"no free TCP port in {_preferredPort}..{_preferredPort + 199} on 127.0.0.1");
    }

    private static bool IsPortFree(int port)
    {
        try
        {
            var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private int? ReadPortFile()
    {
        try
        {
            return int.TryParse(File.ReadAllText(PortFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var p)
                ? p : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private string TailOfLog()
    {
        try
        {
            var lines = File.ReadAllLines(LogFile);
            return "server.log:\n" + string.Join('\n', lines.Skip(Math.Max(0, lines.Length - 15)));
        }
        catch (IOException)
        {
            return "";
        }
    }

    // ---- directories, users, lock ------------------------------------------------------------------------------

    private string ResolveClusterDirectory()
    {
        if (!IsRoot) return RequestedDirectory;
        EnsurePostgresUser();
        Directory.CreateDirectory(RequestedDirectory);
        Chown(RequestedDirectory);
        if (PostgresCanUse(RequestedDirectory)) return RequestedDirectory;

        // The postgres user cannot traverse to the requested directory (e.g. it is under /root, mode 700).
        var fallback = Path.Combine("/var/tmp", "plurel-" + Hash(RequestedDirectory), "pg");
        Directory.CreateDirectory(fallback);
        Chown(Path.GetDirectoryName(fallback)!);
        Chown(fallback);
        Console.Error.WriteLine(
            $"plurel: the postgres user cannot reach {RequestedDirectory}; the cluster lives in {fallback} instead");
        return fallback;
    }

    private void PrepareDirectory(string dir)
    {
        Directory.CreateDirectory(dir);
        if (IsRoot) Chown(dir);
    }

    private static void EnsurePostgresUser()
    {
        var (code, _) = RunSync("id", ["-u", "postgres"]);
        if (code != 0)
            throw new ClusterException(
                "running as root, the cluster must run as the `postgres` OS user, which does not exist: " +
                "install PostgreSQL with `sudo apt-get install postgresql` (or run `make setup`)");
    }

    private static bool PostgresCanUse(string dir) =>
        RunSync("runuser", ["-u", "postgres", "--", "test", "-w", dir, "-a", "-x", dir]).Code == 0;

    private static void Chown(string path)
    {
        var (code, output) = RunSync("chown", ["postgres:postgres", path]);
        if (code != 0) throw new ClusterException($"chown postgres {path} failed: {output.Trim()}");
    }

    private static async Task ChownAsync(string path, CancellationToken ct)
    {
        if (!IsRoot) return;
        var (code, output) = await RunAsync("chown", ["postgres:postgres", path], false, ct).ConfigureAwait(false);
        if (code != 0) throw new ClusterException($"chown postgres {path} failed: {output.Trim()}");
    }

    private async Task<FileStream> AcquireLockAsync(CancellationToken ct)
    {
        var path = Path.Combine(ClusterDirectory, ".lock");
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            try
            {
                // FileShare.None takes an exclusive advisory lock (flock) that other processes respect.
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, ct).ConfigureAwait(false);
            }
        }
    }

    private static string Hash(string s) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(s)))[..12];

    // ---- binaries and processes --------------------------------------------------------------------------------

    private static string FindBinDirectory()
    {
        static bool HasServer(string? d) => d is not null && File.Exists(Path.Combine(d, "initdb")) &&
                                            File.Exists(Path.Combine(d, "pg_ctl"));
        try
        {
            var (code, output) = RunSync("pg_config", ["--bindir"]);
            var d = output.Trim();
            if (code == 0 && HasServer(d)) return d;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // no pg_config on PATH
        }

        if (Directory.Exists("/usr/lib/postgresql"))
        {
            var newest = Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => (Dir: Path.Combine(d, "bin"), Version: double.TryParse(Path.GetFileName(d),
                    NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : -1))
                .Where(x => HasServer(x.Dir))
                .OrderByDescending(x => x.Version)
                .Select(x => x.Dir)
                .FirstOrDefault();
            if (newest is not null) return newest;
        }

        foreach (var d in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
            if (HasServer(d)) return d;

        throw new ClusterException(MissingBinaries);
    }

    /// <summary>Runs a server tool from <see cref="BinDirectory"/>, as the postgres user when we are root.</summary>
    private Task<(int Code, string Output)> RunServerToolAsync(string tool, IReadOnlyList<string> args, CancellationToken ct) =>
        RunAsync(Path.Combine(BinDirectory, tool), args, IsRoot, ct);

    private static async Task<(int Code, string Output)> RunAsync(
        string file, IReadOnlyList<string> args, bool asPostgres, CancellationToken ct)
    {
        using var p = new Process { StartInfo = StartInfo(file, args, asPostgres) };
        p.Start();
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct).ConfigureAwait(false);
        return (p.ExitCode, await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false));
    }

    private static (int Code, string Output) RunSync(string file, IReadOnlyList<string> args)
    {
        using var p = new Process { StartInfo = StartInfo(file, args, false) };
        p.Start();
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout + stderr.GetAwaiter().GetResult());
    }

    private static ProcessStartInfo StartInfo(string file, IReadOnlyList<string> args, bool asPostgres)
    {
        var psi = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            // A directory every user can enter: initdb/postgres fail when the cwd is unreachable for them.
            WorkingDirectory = "/",
        };
        if (asPostgres)
        {
            psi.FileName = "runuser";
            psi.ArgumentList.Add("-u");
            psi.ArgumentList.Add("postgres");
            psi.ArgumentList.Add("--");
            psi.ArgumentList.Add(file);
        }
        else
        {
            psi.FileName = file;
        }
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["LC_ALL"] = "C";
        return psi;
    }
}

/// <summary>The embedded cluster could not be set up, started or stopped (missing binaries, initdb or pg_ctl
/// failure, no free port). The message says what to do; the CLI maps it to exit code 3.</summary>
public sealed class ClusterException(string message) : Exception(message);
