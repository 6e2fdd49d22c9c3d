using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using PluRelSql.Schema;

namespace PluRelSql.LocalServer;

/// <summary>Whether a private cluster runs, where, and which server version it is.</summary>
public sealed record ClusterStatus(bool Running, int? Port, string DataDirectory, string? Version);

/// <summary>A private PostgreSQL cluster for development and tests, kept under one directory
/// (default <c>&lt;cwd&gt;/.plurel/pg</c>, owned by the invoking user, mode 0700; 0711 as root so that the postgres
/// user can pass through it): <c>data/</c> (the cluster) and <c>run/</c> (the Unix socket and <c>server.log</c>), both
/// owned by the server's OS user, mode 0700; and the invoking user's own files: <c>password</c> (0600, the superuser's
/// password, which <see cref="Url"/> and <see cref="ConnectionString"/> carry), <c>port</c> (the port it was last
/// started on, so later commands reuse it) and <c>.lock</c>.</summary>
/// <remarks>Password authentication (scram-sha-256) on the socket and on 127.0.0.1 only: another local account cannot
/// connect without the password file. As root the server runs as the <c>postgres</c> OS user (initdb refuses root),
/// and root never writes, chowns or chmods through a path that another user (postgres included) could have created or
/// redirected: the files in data/ and run/ are written by the postgres user itself, and every directory is created by
/// us or checked with lstat (a real directory, ours, not group/world-writable) before use. When postgres cannot reach
/// the requested directory (a project under /root, mode 700) the cluster lives in <c>/var/tmp/plurel-&lt;hash&gt;/pg</c>
/// instead, under the same checks; <see cref="ClusterDirectory"/> and <see cref="DataDirectory"/> tell where.</remarks>
public sealed class EmbeddedCluster
{
    private const string MissingBinaries =
        "PostgreSQL server binaries not found: install them with `sudo apt-get install postgresql` (or run `make setup`)";

    private const string SuperUser = "postgres";

    // libpq and the server append "/.s.PGSQL.<port>" (15 bytes) to the socket directory; the whole must fit in 107.
    private const int MaxSocketDirectoryLength = 107 - 15;

    private const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode TraversableDirectory = PrivateDirectory | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
    private const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PlainDirectory = TraversableDirectory | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private static readonly Lazy<(int Uid, int Gid)> Me = new(() => (IdOf(["-u"]), IdOf(["-g"])));
    private static readonly Lazy<(int Uid, int Gid)> ServerIds = new(LookUpServerUser);

    private readonly int _preferredPort;
    private string? _binDir;
    private string? _clusterDir;
    private int? _port;
    private string? _password;

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
    /// when the postgres user cannot reach it. Resolving it creates and checks the directories (see remarks).</summary>
    public string ClusterDirectory => _clusterDir ??= ResolveClusterDirectory();

    public string DataDirectory => Path.Combine(ClusterDirectory, "data");

    /// <summary>The server's own directory (socket and log), owned by the server's OS user, mode 0700.</summary>
    public string RunDirectory => Path.Combine(ClusterDirectory, "run");

    public string LogFile => Path.Combine(RunDirectory, "server.log");

    /// <summary>The superuser's password: one line, mode 0600, owned by the invoking user.</summary>
    public string PasswordFile => Path.Combine(ClusterDirectory, "password");

    /// <summary>True when <see cref="ClusterDirectory"/> is the fallback, not the requested directory.</summary>
    public bool UsesFallbackDirectory => ClusterDirectory != RequestedDirectory;

    /// <summary>Where the server binaries (initdb, pg_ctl, postgres, psql) are.</summary>
    public string BinDirectory => _binDir ??= FindBinDirectory();

    /// <summary>The port the cluster listens on (the remembered one when started by an earlier process).</summary>
    public int Port => _port ??= ReadPortFile() ?? throw new ClusterException(
        $"the cluster in {ClusterDirectory} has not been started (no port recorded)");

    private string PortFile => Path.Combine(ClusterDirectory, "port");

    private string LockFile => Path.Combine(ClusterDirectory, ".lock");

    /// <summary>Where the server puts its Unix socket: <see cref="RunDirectory"/>, or <c>/tmp/plurel-&lt;hash&gt;</c>
    /// (owned by the server's OS user, mode 0700) when that path would be too long for a socket name.</summary>
    internal string SocketDirectory =>
        RunDirectory.Length <= MaxSocketDirectoryLength ? RunDirectory : "/tmp/plurel-" + Hash(ClusterDirectory);

    /// <summary>The per-project directory under /var/tmp that holds the cluster when postgres cannot reach
    /// <paramref name="requestedDirectory"/> (as root).</summary>
    internal static string FallbackDirectoryFor(string requestedDirectory) =>
        Path.Combine("/var/tmp", "plurel-" + Hash(Path.GetFullPath(requestedDirectory)));

    private static bool IsRoot => Environment.IsPrivilegedProcess;

    /// <summary>libpq URI with the password (<c>postgresql://postgres:PASSWORD@127.0.0.1:PORT/db</c>) that psql and
    /// other libpq clients accept.</summary>
    public string Url(string database = "postgres") =>
        $"postgresql://{SuperUser}:{Uri.EscapeDataString(Password)}@127.0.0.1:{Port}/{Uri.EscapeDataString(database)}";

    /// <summary>Npgsql connection string (with the password).</summary>
    public string ConnectionString(string database = "postgres") =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = SuperUser,
            Password = Password,
            Database = database,
        }.ConnectionString;

    private string Password => _password ??= ReadPasswordFile() ?? throw new ClusterException(
        $"the cluster in {ClusterDirectory} has no password file ({PasswordFile}): start it with `plurel db start`");

    /// <summary>Creates the cluster when missing and starts it when stopped; a cluster made by an older plurel (trust
    /// authentication, no password file) is stopped if it runs, given a new password and restarted. Safe to call
    /// concurrently from several processes: init and start happen under an exclusive lock file.</summary>
    public async Task StartAsync(CancellationToken ct = default)
    {
        _ = BinDirectory; // fail early and clearly when the server is not installed
        var dir = ClusterDirectory;

        using var fileLock = await AcquireLockAsync(ct).ConfigureAwait(false);
        EnsureServerDirectory(DataDirectory);
        EnsureServerDirectory(RunDirectory);
        var socketDir = PrepareSocketDirectory();

        if (!File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
            await InitAsync(ct).ConfigureAwait(false);

        var secured = await IsSecuredAsync(ct).ConfigureAwait(false);
        if (await IsRunningAsync(ct).ConfigureAwait(false))
        {
            if (secured)
            {
                _port = ReadPortFile() ?? throw new ClusterException(
                    $"the cluster in {DataDirectory} runs but its port file {PortFile} is missing; stop it with pg_ctl");
                return;
            }
            Console.Error.WriteLine(
                $"plurel: the cluster in {dir} was made by an older plurel and lets every local user in; restarting it with a password");
            await StopServerAsync(ct).ConfigureAwait(false);
        }
        if (!secured) await SecureAsync(ct).ConfigureAwait(false);

        var port = ChoosePort();
        await WriteServerFileAsync(Path.Combine(DataDirectory, "plurel.conf"),
            "# written by plurel at each start\n" +
            $"port = {port}\n" +
            "listen_addresses = '127.0.0.1'\n" +
            $"unix_socket_directories = '{socketDir.Replace("'", "''", StringComparison.Ordinal)}'\n" +
            "unix_socket_permissions = 0700\n" +
            "password_encryption = 'scram-sha-256'\n" +
            // Bulk-load tuning for a scratch cluster: COPY into a table created or truncated in the same transaction
            // writes no WAL at wal_level=minimal; fewer checkpoints; index builds and FK validation sort and hash
            // in memory.
            "wal_level = minimal\n" +
            "max_wal_senders = 0\n" +
            "max_wal_size = '4GB'\n" +
            "checkpoint_timeout = '30min'\n" +
            "shared_buffers = '256MB'\n" +
            "maintenance_work_mem = '512MB'\n" +
            "work_mem = '64MB'\n", append: false, ct).ConfigureAwait(false);

        var (code, output) = await RunServerToolAsync("pg_ctl",
            ["-D", DataDirectory, "-w", "-t", "60", "-l", LogFile, "start"], ct).ConfigureAwait(false);
        if (code != 0)
            throw new ClusterException(
                $"pg_ctl start failed for {DataDirectory} (exit {code}): {output.Trim()}\n{await TailOfLogAsync(ct).ConfigureAwait(false)}");
        WritePrivateFile(PortFile, port.ToString(CultureInfo.InvariantCulture));
        _port = port;
    }

    public async Task StopAsync(CancellationToken ct = default)
    {
        if (!File.Exists(Path.Combine(DataDirectory, "PG_VERSION"))) return;
        using var fileLock = await AcquireLockAsync(ct).ConfigureAwait(false);
        if (!await IsRunningAsync(ct).ConfigureAwait(false)) return;
        await StopServerAsync(ct).ConfigureAwait(false);
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
        version ??= "PostgreSQL " + (await ReadServerFileAsync(versionFile, ct).ConfigureAwait(false))?.Trim();
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
            await using var create = new NpgsqlCommand("CREATE DATABASE " + SqlIdent.Quote(name), conn);
            await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
            // Another process created it between our check and CREATE.
        }
    }

    // ---- init, authentication ------------------------------------------------------------------------------------

    private const string HbaConf =
        "# written by plurel: the superuser's password (scram-sha-256) on the local socket and loopback; nothing else\n" +
        "local   all             all                                     scram-sha-256\n" +
        "host    all             all             127.0.0.1/32            scram-sha-256\n" +
        "host    all             all             ::1/128                 scram-sha-256\n" +
        "local   replication     all                                     scram-sha-256\n" +
        "host    replication     all             127.0.0.1/32            scram-sha-256\n";

    private async Task InitAsync(CancellationToken ct)
    {
        // A half-made cluster from an interrupted initdb: emptied by the server's user, whose files these are.
        var (cleared, clearOutput) = await RunAsync("find", [DataDirectory, "-mindepth", "1", "-delete"], IsRoot, ct)
            .ConfigureAwait(false);
        if (cleared != 0) throw new ClusterException($"could not empty {DataDirectory}: {clearOutput.Trim()}");

        var password = NewPassword();
        // initdb reads the password from a file: one only the server's user reads, in our directory, gone right after.
        var pwFile = Path.Combine(ClusterDirectory, ".initdb-pw-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)));
        try
        {
            using (var f = new FileStream(pwFile, PrivateFileOptions(FileMode.CreateNew, FileAccess.Write, FileShare.Read)))
                f.Write(Encoding.UTF8.GetBytes(password + "\n"));
            if (IsRoot) ChownNoFollow(pwFile, ServerIds.Value);

            var (code, output) = await RunServerToolAsync("initdb",
                ["-D", DataDirectory, "-U", SuperUser, "--auth=scram-sha-256", "--pwfile=" + pwFile,
                 "--encoding=UTF8", "--locale=C"], ct).ConfigureAwait(false);
            if (code != 0)
                throw new ClusterException($"initdb failed in {DataDirectory} (exit {code}): {output.Trim()}");
        }
        finally
        {
            File.Delete(pwFile);
        }

        // A scratch development cluster: durability is traded for load speed. A crash may lose the cluster's
        // recent data, which can always be regenerated; never use these settings for data you need to keep.
        await WriteServerFileAsync(Path.Combine(DataDirectory, "postgresql.conf"),
            "\n# --- plurel: scratch development cluster (not crash-safe) ---\n" +
            "fsync = off\n" +
            "synchronous_commit = off\n" +
            "full_page_writes = off\n" +
            "include_if_exists = 'plurel.conf'\n", append: true, ct).ConfigureAwait(false);
        await WriteServerFileAsync(Path.Combine(DataDirectory, "pg_hba.conf"), HbaConf, append: false, ct)
            .ConfigureAwait(false);
        // Last: a cluster without the password file is treated as unsecured and gets a new password (SecureAsync).
        WritePrivateFile(PasswordFile, password);
        _password = password;
    }

    /// <summary>The password file is there and pg_hba.conf trusts nobody.</summary>
    private async Task<bool> IsSecuredAsync(CancellationToken ct)
    {
        if (ReadPasswordFile() is null) return false;
        var hba = await ReadServerFileAsync(Path.Combine(DataDirectory, "pg_hba.conf"), ct).ConfigureAwait(false);
        return hba is not null && !HbaTrustsAnyone(hba);
    }

    internal static bool HbaTrustsAnyone(string hba) =>
        hba.Split('\n').Select(l => l.Split('#')[0])
            .Any(l => l.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Contains("trust", StringComparer.OrdinalIgnoreCase));

    /// <summary>Gives the superuser a new password in single-user mode (no connection at all: the server is stopped),
    /// then allows password logins only. Upgrades clusters made by an older plurel with trust authentication.</summary>
    private async Task SecureAsync(CancellationToken ct)
    {
        var password = NewPassword();
        var (code, output) = await RunAsync(Path.Combine(BinDirectory, "postgres"),
            ["--single", "-D", DataDirectory, "-c", "password_encryption=scram-sha-256", SuperUser], IsRoot, ct,
            stdin: $"ALTER ROLE {SuperUser} PASSWORD '{password}';\n").ConfigureAwait(false);
        output = output.Replace(password, "***", StringComparison.Ordinal);
        if (code != 0 || output.Contains("ERROR:", StringComparison.Ordinal) || output.Contains("FATAL:", StringComparison.Ordinal))
            throw new ClusterException(
                $"could not set a password on the cluster in {DataDirectory} (exit {code}): {output.Trim()}\n" +
                $"it was made by an older plurel; remove {ClusterDirectory} (scratch data) and run `plurel db start` again");
        await WriteServerFileAsync(Path.Combine(DataDirectory, "pg_hba.conf"), HbaConf, append: false, ct)
            .ConfigureAwait(false);
        WritePrivateFile(PasswordFile, password);
        _password = password;
    }

    private static string NewPassword() =>
        RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 32);

    private string? ReadPasswordFile()
    {
        var info = Lstat(PasswordFile);
        if (!info.Exists) return null;
        if (!info.IsRegularFile || info.Uid != Me.Value.Uid)
            throw Refuse(PasswordFile, "is not a regular file of ours");
        if ((info.Mode & 0b111_111) != 0) Chmod(PasswordFile, PrivateFile);
        var password = File.ReadAllText(PasswordFile).Trim();
        return password.Length > 0 ? password : null;
    }

    private async Task<bool> IsRunningAsync(CancellationToken ct)
    {
        var (code, _) = await RunServerToolAsync("pg_ctl", ["-D", DataDirectory, "status"], ct).ConfigureAwait(false);
        return code == 0;
    }

    private async Task StopServerAsync(CancellationToken ct)
    {
        var (code, output) = await RunServerToolAsync("pg_ctl",
            ["-D", DataDirectory, "-w", "-t", "60", "-m", "fast", "stop"], ct).ConfigureAwait(false);
        if (code != 0)
            throw new ClusterException($"pg_ctl stop failed for {DataDirectory} (exit {code}): {output.Trim()}");
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

    private async Task<string> TailOfLogAsync(CancellationToken ct)
    {
        var log = await ReadServerFileAsync(LogFile, ct).ConfigureAwait(false);
        if (log is null) return "";
        var lines = log.Split('\n');
        return "server.log:\n" + string.Join('\n', lines.Skip(Math.Max(0, lines.Length - 15)));
    }

    // ---- directories, users, lock ------------------------------------------------------------------------------

    private string ResolveClusterDirectory()
    {
        if (IsRoot) _ = ServerIds.Value; // fails clearly when there is no postgres user
        var mode = IsRoot ? TraversableDirectory : PrivateDirectory;
        PrepareDirectoryChain(RequestedDirectory, mode);
        var dir = RequestedDirectory;
        if (IsRoot && !PostgresCanTraverse(dir))
        {
            // The postgres user cannot pass through to the requested directory (e.g. a project under /root, mode 700).
            // Kept rather than refused, as root with a project under /root is common in containers. It is safe: the
            // per-project directory under the sticky /var/tmp is made by us, or used only when lstat shows a real
            // directory of ours (or one an older plurel gave to postgres, which we take back with chown -h), and the
            // sticky bit keeps other users from renaming or replacing it afterwards. A symlink or someone else's
            // directory there is refused.
            dir = Path.Combine(FallbackDirectoryFor(RequestedDirectory), "pg");
            PrepareDirectoryChain(Path.GetDirectoryName(dir)!, mode);
            PrepareDirectoryChain(dir, mode);
            Console.Error.WriteLine(
                $"plurel: the postgres user cannot reach {RequestedDirectory}; the cluster lives in {dir} instead");
        }
        // Our own files in our directory: anything else under those names (a symlink an older, postgres-owned layout
        // could have held) is removed, so opening and renaming them never follows a link.
        foreach (var name in new[] { ".lock", "port", "password" })
        {
            var path = Path.Combine(dir, name);
            var info = Lstat(path);
            if (!info.Exists || (info.IsRegularFile && info.Uid == Me.Value.Uid)) continue;
            if (info.IsDirectory) throw Refuse(path, "is a directory");
            File.Delete(path);
        }
        return dir;
    }

    /// <summary>Creates <paramref name="dir"/> and its missing parents one at a time and checks the chain: below a
    /// world-writable (so sticky) directory every entry must be a real directory of ours; no world-writable directory
    /// without the sticky bit; <paramref name="dir"/> itself a real directory of ours, not writable by group or
    /// others, then set to <paramref name="mode"/>. As root, a directory an older plurel gave to postgres is taken back
    /// with chown -h.</summary>
    private static void PrepareDirectoryChain(string dir, UnixFileMode mode)
    {
        var parts = dir.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var current = "/";
        var parentOpen = false;
        for (var i = 0; i < parts.Length; i++)
        {
            var path = Path.Combine(current, parts[i]);
            var last = i == parts.Length - 1;
            var info = Lstat(path);
            if (!info.Exists)
            {
                try
                {
                    // The parent exists, so this makes exactly one directory (mkdir never follows a link at the end).
                    MakeDirectory(path, last ? mode : PlainDirectory);
                }
                catch (IOException)
                {
                    // Made meanwhile by a concurrent start, or a dangling link: lstat below decides.
                }
                info = Lstat(path);
                if (!info.Exists) throw new ClusterException($"could not create {path} for the embedded cluster");
            }
            if (parentOpen || last)
            {
                if (info.IsSymbolicLink) throw Refuse(path, "is a symbolic link");
                if (!info.IsDirectory) throw Refuse(path, "is not a directory");
                if (info.Uid != Me.Value.Uid)
                {
                    if (!(last && IsRoot && info.Uid == ServerIds.Value.Uid))
                        throw Refuse(path, $"belongs to another user (uid {info.Uid})");
                    // Made by an older plurel, which gave it to postgres: take it back without following links.
                    ChownNoFollow(path, Me.Value);
                    info = Lstat(path);
                    if (info.IsSymbolicLink || !info.IsDirectory || info.Uid != Me.Value.Uid)
                        throw Refuse(path, "changed while plurel took it back from the postgres user");
                }
                if (last && (info.Mode & 0b000_010_010) != 0) throw Refuse(path, "is writable by group or others");
            }
            if (!info.IsDirectory && !info.IsSymbolicLink) throw Refuse(path, "is not a directory");
            var bits = info.IsSymbolicLink ? StatFollowingLinks(path).Mode : info.Mode;
            parentOpen = (bits & 0b000_000_010) != 0;
            if (parentOpen && (bits & 0b1_000_000_000) == 0)
                throw Refuse(path, "is writable by every user and not sticky");
            current = path;
        }
        Chmod(dir, mode);
    }

    /// <summary>data/ or run/ in our cluster directory: a real directory of the server's user, mode 0700.</summary>
    private static void EnsureServerDirectory(string path)
    {
        var info = Lstat(path);
        if (!info.Exists)
        {
            try { MakeDirectory(path, PrivateDirectory); }
            catch (IOException) { } // made meanwhile; lstat decides
            info = Lstat(path);
        }
        if (info.IsSymbolicLink || !info.IsDirectory) throw Refuse(path, "is not a real directory");
        var server = ServerIds.Value;
        if (info.Uid != server.Uid)
        {
            if (info.Uid != Me.Value.Uid) throw Refuse(path, $"belongs to another user (uid {info.Uid})");
            ChownNoFollow(path, server); // ours, in our own directory: no one else can have swapped it
        }
        // Safe to chmod: the entry lives in our directory, so it cannot have been replaced since lstat.
        if ((info.Mode & 0b111_111) != 0) Chmod(path, PrivateDirectory);
    }

    /// <summary>The socket directory when it is not run/ (a long project path): made by the server's user itself
    /// with mode 0700, or used only when lstat shows exactly that; a symlink or another user's directory is refused.</summary>
    private string PrepareSocketDirectory()
    {
        var dir = SocketDirectory;
        if (dir == RunDirectory) return dir;
        var info = Lstat(dir);
        if (!info.Exists)
        {
            RunSync("mkdir", ["-m", "0700", "--", dir], asServer: IsRoot); // fails harmlessly when it exists meanwhile
            info = Lstat(dir);
        }
        if (info.IsDirectory && info.Uid == ServerIds.Value.Uid && (info.Mode & 0b111_111) != 0)
        {
            // An older plurel made it 0755: tightened by its owner (as postgres, a link could lead only to its own files).
            RunSync("chmod", ["0700", "--", dir], asServer: IsRoot);
            info = Lstat(dir);
        }
        if (info.IsSymbolicLink || !info.IsDirectory || info.Uid != ServerIds.Value.Uid || (info.Mode & 0b111_111) != 0)
            throw new ClusterException(
                $"the socket directory {dir} (used because {RunDirectory} is too long for a Unix socket path) " +
                $"exists but is not a private directory of the server's user ({info.Describe()}): " +
                "remove it if it is not yours, or move the project to a shorter path");
        return dir;
    }

    private static ClusterException Refuse(string path, string why) => new(
        $"{path} {why}; plurel will not put the embedded cluster there, as another local user could redirect it. " +
        "Remove it if it is not yours, or put the project in a folder of your own that the postgres user can " +
        "traverse (not under /root or a shared /tmp folder), or use --db with a server of your own.");

    private static (int Uid, int Gid) LookUpServerUser()
    {
        if (!IsRoot) return Me.Value;
        try
        {
            return (IdOf(["-u", "postgres"]), IdOf(["-g", "postgres"]));
        }
        catch (ClusterException)
        {
            throw new ClusterException(
                "running as root, the cluster must run as the `postgres` OS user, which does not exist: " +
                "install PostgreSQL with `sudo apt-get install postgresql` (or run `make setup`)");
        }
    }

    private static int IdOf(IReadOnlyList<string> args)
    {
        var (code, output) = RunSync("id", args);
        return code == 0 && int.TryParse(output.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw new ClusterException($"id {string.Join(' ', args)} failed: {output.Trim()}");
    }

    private static bool PostgresCanTraverse(string dir) =>
        RunSync("runuser", ["-u", "postgres", "--", "test", "-x", dir]).Code == 0;

    private static void ChownNoFollow(string path, (int Uid, int Gid) owner)
    {
        var (code, output) = RunSync("chown", ["-h", $"{owner.Uid}:{owner.Gid}", "--", path]);
        if (code != 0) throw new ClusterException($"chown -h {owner.Uid}:{owner.Gid} {path} failed: {output.Trim()}");
    }

    /// <summary>What lstat says of a path (the link itself for a symbolic link).</summary>
    private readonly record struct PathInfo(FileFacts Facts)
    {
        public bool Exists => Facts.Kind != FileKind.Missing;
        public bool IsSymbolicLink => Facts.Kind == FileKind.SymbolicLink;
        public bool IsDirectory => Facts.Kind == FileKind.Directory;
        public bool IsRegularFile => Facts.Kind == FileKind.Regular;
        public int Uid => Facts.Uid;
        public int Mode => Facts.Mode;
        public string Describe() => Exists ? $"{Facts.Describe()}, uid {Uid}, mode {Convert.ToString(Mode, 8)}" : "missing";
    }

    private static PathInfo Lstat(string path) => Stat(path, followLinks: false);

    private static PathInfo StatFollowingLinks(string path) => Stat(path, followLinks: true);

    // statx(2) through FileFacts: no process per look-up, and the same reading of the file system as the CLI's file checks.
    private static PathInfo Stat(string path, bool followLinks)
    {
        try { return new PathInfo(FileFacts.Of(path, followLinks)); }
        catch (IOException e) { throw new ClusterException($"cannot stat {path}: {e.Message}"); }
    }

    /// <summary>Writes one of our own files in our own directory: a new file (never an existing one, never through a
    /// link) renamed over the old name.</summary>
    private static void WritePrivateFile(string path, string content)
    {
        var tmp = path + "." + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)) + ".tmp";
        try
        {
            using (var f = new FileStream(tmp, PrivateFileOptions(FileMode.CreateNew, FileAccess.Write, FileShare.Read)))
                f.Write(Encoding.UTF8.GetBytes(content + "\n"));
            File.Move(tmp, path, overwrite: true);
        }
        finally
        {
            File.Delete(tmp);
        }
    }

    /// <summary>Writes a file in data/ as the server's user (as root: by a shell run as postgres, so a link there can
    /// lead only where postgres may write anyway).</summary>
    private static async Task WriteServerFileAsync(string path, string content, bool append, CancellationToken ct)
    {
        if (!IsRoot)
        {
            if (append) await File.AppendAllTextAsync(path, content, ct).ConfigureAwait(false);
            else await File.WriteAllTextAsync(path, content, ct).ConfigureAwait(false);
            return;
        }
        // A new file renamed over the old one (postgres owns data/, so this works even over a file it does not own).
        const string Script = "umask 077; if [ \"$1\" = append ]; then cat >> \"$2\"; " +
                              "else cat > \"$2.plurel-new\" && mv -f -- \"$2.plurel-new\" \"$2\"; fi";
        var (code, output) = await RunAsync("sh", ["-c", Script, "sh", append ? "append" : "replace", path], true, ct,
            stdin: content).ConfigureAwait(false);
        if (code != 0) throw new ClusterException($"could not write {path} as the postgres user: {output.Trim()}");
    }

    /// <summary>Reads a file of the server's user (as root: as that user), or null when it cannot be read.</summary>
    private static async Task<string?> ReadServerFileAsync(string path, CancellationToken ct)
    {
        try
        {
            if (!IsRoot) return await File.ReadAllTextAsync(path, ct).ConfigureAwait(false);
            var (code, output) = await RunAsync("cat", ["--", path], true, ct).ConfigureAwait(false);
            return code == 0 ? output : null;
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

    private async Task<FileStream> AcquireLockAsync(CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            try
            {
                // FileShare.None takes an exclusive advisory lock (flock) that other processes respect.
                return new FileStream(LockFile, PrivateFileOptions(FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, ct).ConfigureAwait(false);
            }
        }
    }

    // The cluster is Unix-only (runuser, stat, Unix sockets); these keep the platform analyzer satisfied.
    private static void Chmod(string path, UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, mode);
    }

    private static void MakeDirectory(string path, UnixFileMode mode)
    {
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path);
        else Directory.CreateDirectory(path, mode);
    }

    private static FileStreamOptions PrivateFileOptions(FileMode mode, FileAccess access, FileShare share)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access, Share = share };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = PrivateFile;
        return options;
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
        string file, IReadOnlyList<string> args, bool asPostgres, CancellationToken ct, string? stdin = null)
    {
        using var p = new Process { StartInfo = StartInfo(file, args, asPostgres) };
        p.StartInfo.RedirectStandardInput = stdin is not null;
        p.Start();
        if (stdin is not null)
        {
            await p.StandardInput.WriteAsync(stdin.AsMemory(), ct).ConfigureAwait(false);
            p.StandardInput.Close();
        }
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct).ConfigureAwait(false);
        return (p.ExitCode, await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false));
    }

    private static (int Code, string Output) RunSync(string file, IReadOnlyList<string> args, bool asServer = false)
    {
        using var p = new Process { StartInfo = StartInfo(file, args, asServer) };
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
