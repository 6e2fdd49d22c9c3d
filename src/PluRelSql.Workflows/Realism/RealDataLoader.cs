using System.Data.Common;
using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace PluRelSql.Workflows.Realism;

/// <summary>Loads a SQL file WITH its data (COPY … FROM stdin, INSERTs) into an existing PostgreSQL database by running
/// psql (<c>-v ON_ERROR_STOP=1</c>), the way its authors meant it to be run: the real side of the realism measure.
/// The file's own DROP/CREATE DATABASE and <c>\c</c>/<c>\connect</c> lines are left out, so it lands in the database
/// given.</summary>
public static partial class RealDataLoader
{
    [GeneratedRegex(@"^\s*((DROP|CREATE)\s+DATABASE\b|\\c(onnect)?(\s|;|$))", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DatabaseLine();

    [GeneratedRegex(@"^\s*COPY\b.*\bFROM\s+stdin\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CopyFromStdin();

    /// <summary>The script without the lines that would leave the target database (COPY data is passed through as is).</summary>
    public static string Filter(string script)
    {
        ArgumentNullException.ThrowIfNull(script);
        var sb = new StringBuilder(script.Length);
        var inCopy = false;
        foreach (var line in script.Split('\n'))
        {
            if (inCopy)
            {
                if (line.TrimEnd('\r') == "\\.") inCopy = false;
            }
            else if (CopyFromStdin().IsMatch(line)) inCopy = true;
            else if (DatabaseLine().IsMatch(line))
            {
                sb.Append("-- (left out by plurel) ").Append(line.TrimEnd('\r')).Append('\n');
                continue;
            }
            sb.Append(line).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>Runs <paramref name="file"/> through psql into the database of <paramref name="connectionString"/>
    /// (host, port, user, password and database go to psql through PG* variables, not its command line).</summary>
    public static async Task LoadAsync(string psql, string connectionString, string file, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(psql);
        if (!File.Exists(file)) throw new UsageException($"{file}: no such file");
        var script = Filter(await File.ReadAllTextAsync(file, ct).ConfigureAwait(false));
        var csb = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var psi = new ProcessStartInfo(psql)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", "-" }) psi.ArgumentList.Add(a);
        Set(psi, "PGHOST", csb, "Host", "Server");
        Set(psi, "PGPORT", csb, "Port");
        Set(psi, "PGUSER", csb, "Username", "User Id", "User ID", "UserId", "User Name", "User");
        Set(psi, "PGPASSWORD", csb, "Password", "PWD");
        Set(psi, "PGDATABASE", csb, "Database", "DB");
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {psql}");
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        await p.StandardInput.WriteAsync(script.AsMemory(), ct).ConfigureAwait(false);
        p.StandardInput.Close();
        try { await p.WaitForExitAsync(ct).ConfigureAwait(false); }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw;
        }
        await stdout.ConfigureAwait(false);
        var err = await stderr.ConfigureAwait(false);
        if (p.ExitCode != 0)
            throw new RealDataLoadException($"psql could not load {file} (exit {p.ExitCode}): {err.Trim()}");
    }

    private static void Set(ProcessStartInfo psi, string variable, DbConnectionStringBuilder csb, params string[] keys)
    {
        foreach (var k in keys)
            if (csb.TryGetValue(k, out var v) && v?.ToString() is { Length: > 0 } s)
            {
                psi.Environment[variable] = s;
                return;
            }
    }
}

/// <summary>psql refused the real data file; the message carries psql's own words.</summary>
public sealed class RealDataLoadException(string message) : Exception(message);
