using System.Data.Common;
using System.Text.RegularExpressions;
using Microsoft.Data.SqlClient;
using Npgsql;
using PluRelSql.Storage.Postgres;

namespace PluRelSql.Storage;

/// <summary>The servers PluRelSql loads into and reads from.</summary>
public enum DatabaseProvider
{
    Postgres,
    SqlServer,
}

/// <summary>Picks the provider for what users type after <c>--db</c>: a libpq URI or libpq keywords or an Npgsql
/// string mean PostgreSQL; SqlClient keywords (<c>Server=</c>, <c>Data Source=</c>, <c>Initial Catalog=</c>, …)
/// mean SQL Server. An explicit provider wins when the text does not contradict it. Text that names keywords of both,
/// or of neither, is refused with a <see cref="ProviderDetectionException"/> that says which words decided (the CLI
/// words it with its option names and maps it to exit code 2).</summary>
public static partial class ProviderDetection
{
    // A key decides when only one server knows it: Npgsql's builder or the libpq keywords PgConnectionString
    // converts (dbname, user, sslmode …) for PostgreSQL, SqlClient's builder for SQL Server. Keys both accept
    // (Database, Password, User Id, Pooling, Timeout…) decide nothing.
    private static readonly NpgsqlConnectionStringBuilder PostgresKeys = new();
    private static readonly SqlConnectionStringBuilder SqlServerKeys = new();

    private static bool IsPostgresKey(string key) => PgConnectionString.IsLibpqKeyword(key) || PostgresKeys.ContainsKey(key);

    private static bool IsSqlServerKey(string key) => SqlServerKeys.ContainsKey(key);

    /// <summary>The server a key belongs to, or null when both or neither know it. Server, which Npgsql takes as a
    /// synonym of Host, counts as SQL Server's here: next to PostgreSQL-only keys (Server=h;Port=5432) it means PostgreSQL.</summary>
    private static DatabaseProvider? Owner(string key) =>
        Normalize(key) == SharedServerKey ? DatabaseProvider.SqlServer
        : (IsPostgresKey(key), IsSqlServerKey(key)) switch
        {
            (true, false) => DatabaseProvider.Postgres,
            (false, true) => DatabaseProvider.SqlServer,
            _ => null,
        };

    private const string SharedServerKey = "server";

    /// <summary>The provider for <paramref name="connection"/>; <paramref name="explicitProvider"/> is the provider
    /// the caller stated (postgres | sqlserver), or null.</summary>
    public static DatabaseProvider Detect(string connection, string? explicitProvider = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var stated = explicitProvider is null ? (DatabaseProvider?)null : ParseName(explicitProvider);
        var text = connection.Trim();
        var (found, evidence) = FromText(text);
        if (stated is { } s)
        {
            if (found is { } f && f != s)
                throw new ProviderDetectionException(ProviderProblem.Contradiction,
                    $"the stated provider {Name(s)} contradicts the connection string, which is a {Describe(f)} connection string ({evidence})")
                { Stated = s, Found = f, Evidence = evidence };
            return s;
        }
        return found ?? throw (text.Length == 0
            ? new ProviderDetectionException(ProviderProblem.Empty,
                "the connection string is empty: give one, or state the provider (postgres or sqlserver)")
            : new ProviderDetectionException(ProviderProblem.Undecided,
                $"cannot tell which server the connection string is for ({evidence}): use {Forms}, or state the provider (postgres or sqlserver)")
            { Evidence = evidence });
    }

    /// <summary>"postgres" / "sqlserver" (and the usual other spellings) → the provider.</summary>
    public static DatabaseProvider ParseName(string name) => name.Trim().ToLowerInvariant() switch
    {
        "postgres" or "postgresql" or "pg" or "npgsql" => DatabaseProvider.Postgres,
        "sqlserver" or "mssql" or "sql-server" or "tsql" => DatabaseProvider.SqlServer,
        _ => throw new FormatException($"unknown provider '{name}': expected postgres or sqlserver"),
    };

    /// <summary>The connection-string forms that say which server they are for.</summary>
    public const string Forms = "a libpq URI (postgresql://…), Npgsql keywords (Host=…;Database=…), SqlClient keywords (Server=host,1433;Database=…)";

    /// <summary>How to write a SQL Server connection string.</summary>
    public const string SqlClientForm = "SqlClient keywords (Server=host,1433;Database=…;User Id=…;Password=…;TrustServerCertificate=true)";

    public static string Name(DatabaseProvider p) => p == DatabaseProvider.Postgres ? "postgres" : "sqlserver";

    public static string Describe(DatabaseProvider p) => p == DatabaseProvider.Postgres ? "PostgreSQL" : "SQL Server";

    /// <summary>The provider the text shows (null when it shows none or both) and the words that say so.</summary>
    private static (DatabaseProvider? Provider, string Evidence) FromText(string text)
    {
        if (UriScheme().Match(text) is { Success: true } uri)
        {
            var scheme = uri.Groups[1].Value.ToLowerInvariant();
            if (scheme is "postgresql" or "postgres") return (DatabaseProvider.Postgres, $"{scheme}:// URI");
            throw new ProviderDetectionException(ProviderProblem.UnknownScheme,
                $"{scheme}:// URIs are not understood as connection strings; for SQL Server use {SqlClientForm}")
            { Evidence = scheme };
        }
        if (text.Length == 0) return (null, "empty");
        var raw = RawKeys(text);
        var keys = raw.Select(Normalize).ToList();
        var pg = raw.Where(k => Owner(k) == DatabaseProvider.Postgres).Select(Normalize).Distinct().ToList();
        var ms = raw.Where(k => Owner(k) == DatabaseProvider.SqlServer).Select(Normalize).Distinct().ToList();
        if (pg.Count > 0 && ms.All(k => k == SharedServerKey))
            return (DatabaseProvider.Postgres, "keywords " + string.Join(", ", pg));
        if (pg.Count > 0 && ms.Count > 0)
            return (null, $"PostgreSQL keywords {string.Join(", ", pg)} and SQL Server keywords {string.Join(", ", ms)} together");
        if (pg.Count > 0) return (DatabaseProvider.Postgres, "keywords " + string.Join(", ", pg));
        if (ms.Count > 0) return (DatabaseProvider.SqlServer, "keywords " + string.Join(", ", ms));
        return (null, keys.Count == 0 ? "no key=value pairs" : "only keywords both servers accept: " + string.Join(", ", keys));
    }

    /// <summary>The keys of a ';'-separated connection string, or of libpq's space-separated key=value form, as written.</summary>
    private static List<string> RawKeys(string text)
    {
        var raw = new List<string>();
        var first = text.IndexOf('=', StringComparison.Ordinal);
        if (first < 0)
            throw new ProviderDetectionException(ProviderProblem.NoKeyValue, $"'{text}' is not a connection string (no key=value)")
            { Evidence = text };
        if (text.Contains(';', StringComparison.Ordinal) || Owner(text[..first].Trim()) == DatabaseProvider.SqlServer)
        {
            var builder = new DbConnectionStringBuilder();
            try { builder.ConnectionString = text; }
            catch (ArgumentException e)
            {
                throw new ProviderDetectionException(ProviderProblem.Invalid, $"not a valid connection string: {e.Message}")
                { Evidence = e.Message };
            }
            raw.AddRange(builder.Keys.Cast<string>());
        }
        else
        {
            foreach (Match m in LibpqKey().Matches(text)) raw.Add(m.Groups[1].Value);
        }
        return raw;
    }

    private static string Normalize(string key) =>
        new(key.Trim().ToLowerInvariant().Where(c => !char.IsWhiteSpace(c) && c != '_').ToArray());

    [GeneratedRegex(@"^([A-Za-z][A-Za-z0-9+.\-]*)://", RegexOptions.CultureInvariant)]
    private static partial Regex UriScheme();

    // libpq: key = value, value optionally single-quoted; keys start a word.
    [GeneratedRegex(@"(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?:'(?:\\.|[^'])*'|\S*)", RegexOptions.CultureInvariant)]
    private static partial Regex LibpqKey();
}

/// <summary>Why <see cref="ProviderDetection.Detect"/> refused a connection string.</summary>
public enum ProviderProblem
{
    /// <summary>The stated provider is not the one the text shows.</summary>
    Contradiction,
    /// <summary>No text and no stated provider.</summary>
    Empty,
    /// <summary>The text shows neither server, or both.</summary>
    Undecided,
    /// <summary>A URI of a scheme other than postgresql://.</summary>
    UnknownScheme,
    /// <summary>No key=value pair at all.</summary>
    NoKeyValue,
    /// <summary>The keyword syntax is broken.</summary>
    Invalid,
}

/// <summary>A connection string that names no server, or not the stated one. The message is in domain words; the
/// properties let a caller say it in its own (the CLI names --db and --provider).</summary>
public sealed class ProviderDetectionException(ProviderProblem problem, string message) : FormatException(message)
{
    public ProviderProblem Problem { get; } = problem;
    public DatabaseProvider? Stated { get; init; }
    public DatabaseProvider? Found { get; init; }
    /// <summary>The words that decided (Contradiction, Undecided), the URI scheme (UnknownScheme), the text
    /// (NoKeyValue) or the parser's complaint (Invalid).</summary>
    public string Evidence { get; init; } = "";
}
