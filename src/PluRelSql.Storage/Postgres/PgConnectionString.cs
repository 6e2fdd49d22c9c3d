using Npgsql;

namespace PluRelSql.Storage.Postgres;

/// <summary>Turns what users type after <c>--db</c> into an Npgsql connection string: a libpq URI
/// (<c>postgresql://user:pw@host:port/db?sslmode=require</c>), libpq keywords (<c>host=x dbname=y</c>) or an Npgsql
/// connection string (<c>Host=x;Database=y</c>). PG* environment variables fill what the text leaves out, as libpq does.</summary>
public static class PgConnectionString
{
    public static NpgsqlConnectionStringBuilder Parse(string text, Func<string, string?>? env = null)
    {
        env ??= Environment.GetEnvironmentVariable;
        var b = new NpgsqlConnectionStringBuilder();
        text = text.Trim();
        if (text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) ||
            text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase))
            ParseUri(text, b);
        else if (text.Contains('=') && !text.Contains(';'))
            ParseKeywords(text, b);
        else if (text.Length > 0)
        {
            try { b.ConnectionString = text; }
            catch (ArgumentException e) { throw new FormatException($"not a connection string: {e.Message}"); }
        }

        if (string.IsNullOrEmpty(b.Host)) b.Host = env("PGHOST") ?? "localhost";
        if (!Has(b, "Port") && int.TryParse(env("PGPORT"), out var port)) b.Port = port;
        if (string.IsNullOrEmpty(b.Username)) b.Username = env("PGUSER") ?? Environment.UserName;
        if (string.IsNullOrEmpty(b.Password) && env("PGPASSWORD") is { } pw) b.Password = pw;
        if (string.IsNullOrEmpty(b.Database)) b.Database = env("PGDATABASE") ?? b.Username;
        if (!Has(b, "SSL Mode") && env("PGSSLMODE") is { } ssl) b["SSL Mode"] = MapSslMode(ssl);
        return b;
    }

    private static bool Has(NpgsqlConnectionStringBuilder b, string key) =>
        b.ConnectionString.Contains(key + "=", StringComparison.OrdinalIgnoreCase);

    private static void ParseUri(string uri, NpgsqlConnectionStringBuilder b)
    {
        var rest = uri[(uri.IndexOf("://", StringComparison.Ordinal) + 3)..];
        string? query = null;
        var q = rest.IndexOf('?');
        if (q >= 0) { query = rest[(q + 1)..]; rest = rest[..q]; }
        string? path = null;
        var slash = rest.IndexOf('/');
        if (slash >= 0) { path = rest[(slash + 1)..]; rest = rest[..slash]; }
        var at = rest.LastIndexOf('@');
        if (at >= 0)
        {
            var userInfo = rest[..at];
            rest = rest[(at + 1)..];
            var colon = userInfo.IndexOf(':');
            if (colon >= 0)
            {
                b.Username = Uri.UnescapeDataString(userInfo[..colon]);
                b.Password = Uri.UnescapeDataString(userInfo[(colon + 1)..]);
            }
            else if (userInfo.Length > 0) b.Username = Uri.UnescapeDataString(userInfo);
        }
        if (rest.Length > 0)
        {
            // host, [ipv6], host:port, or a comma list (Npgsql takes the same list syntax).
            string host = rest, port = "";
            if (rest.StartsWith('['))
            {
                var end = rest.IndexOf(']');
                if (end < 0) throw new FormatException("unclosed '[' in the host of the URI");
                host = rest[1..end];
                if (end + 1 < rest.Length && rest[end + 1] == ':') port = rest[(end + 2)..];
            }
            else if (!rest.Contains(',') && rest.LastIndexOf(':') is var c and >= 0)
            {
                host = rest[..c];
                port = rest[(c + 1)..];
            }
            if (host.Length > 0) b.Host = Uri.UnescapeDataString(host);
            if (port.Length > 0)
                b.Port = int.TryParse(port, out var p) ? p : throw new FormatException($"bad port '{port}' in the URI");
        }
        if (!string.IsNullOrEmpty(path)) b.Database = Uri.UnescapeDataString(path);
        if (query is null) return;
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            if (eq < 0) throw new FormatException($"bad URI parameter '{pair}'");
            Apply(b, Uri.UnescapeDataString(pair[..eq]), Uri.UnescapeDataString(pair[(eq + 1)..]));
        }
    }

    private static void ParseKeywords(string text, NpgsqlConnectionStringBuilder b)
    {
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            if (i >= text.Length) break;
            var eq = text.IndexOf('=', i);
            if (eq < 0) throw new FormatException($"expected key=value at '{text[i..]}'");
            var key = text[i..eq].Trim();
            i = eq + 1;
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            var value = new System.Text.StringBuilder();
            if (i < text.Length && text[i] == '\'')
            {
                i++;
                while (i < text.Length && text[i] != '\'')
                {
                    if (text[i] == '\\' && i + 1 < text.Length) i++;
                    value.Append(text[i++]);
                }
                if (i >= text.Length) throw new FormatException($"unterminated quoted value for '{key}'");
                i++;
            }
            else
                while (i < text.Length && !char.IsWhiteSpace(text[i])) value.Append(text[i++]);
            Apply(b, key, value.ToString());
        }
    }

    // The libpq keywords Apply converts to Npgsql's (any other key goes to Npgsql's builder as it is).
    private static readonly HashSet<string> LibpqKeywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "host", "hostaddr", "port", "dbname", "user", "password", "sslmode", "application_name", "connect_timeout",
        "options", "target_session_attrs",
    };

    /// <summary>True for a libpq keyword that this converter maps to an Npgsql one.</summary>
    internal static bool IsLibpqKeyword(string key) => LibpqKeywords.Contains(key.Trim());

    private static void Apply(NpgsqlConnectionStringBuilder b, string key, string value)
    {
        switch (key.ToLowerInvariant())
        {
            case "host": case "hostaddr": b.Host = value; break;
            case "port": b.Port = int.TryParse(value, out var p) ? p : throw new FormatException($"bad port '{value}'"); break;
            case "dbname": b.Database = value; break;
            case "user": b.Username = value; break;
            case "password": b.Password = value; break;
            case "sslmode": b["SSL Mode"] = MapSslMode(value); break;
            case "application_name": b.ApplicationName = value; break;
            case "connect_timeout": b.Timeout = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case "options": b.Options = value; break;
            case "target_session_attrs": b["Target Session Attributes"] = value; break;
            default:
                // Npgsql keywords are accepted too (e.g. ?Pooling=false).
                try { b[key] = value; }
                catch (ArgumentException) { throw new FormatException($"unknown connection parameter '{key}'"); }
                break;
        }
    }

    private static string MapSslMode(string libpq) => libpq.ToLowerInvariant() switch
    {
        "disable" => "Disable",
        "allow" => "Allow",
        "prefer" => "Prefer",
        "require" => "Require",
        "verify-ca" => "VerifyCA",
        "verify-full" => "VerifyFull",
        _ => throw new FormatException($"unknown sslmode '{libpq}'"),
    };
}
