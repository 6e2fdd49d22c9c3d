using System.Text.RegularExpressions;
using Npgsql;
using PluRelSql.Schema;

namespace PluRelSql.Storage.Postgres;

/// <summary>Finds what a schema needs that the target server lacks (a newer PostgreSQL, an extension that is not
/// installed, a function used in a DEFAULT), before anything is written — so the failure names the feature and its
/// place in the file instead of surfacing as a server error halfway through.</summary>
public static partial class PgCompatibility
{
    /// <param name="scriptRuns">The server runs the schema script itself: the functions its DEFAULTs call may be the
    /// script's own or its extensions', and the server names a missing one at its statement; only extensions and types are
    /// checked beforehand (and VIRTUAL columns, which the server cannot run before 18).</param>
    public static async Task<CompatibilityReport> CheckAsync(NpgsqlConnection conn, SchemaGraph graph, CancellationToken ct = default,
        bool scriptRuns = false)
    {
        var problems = new List<string>();
        var adaptations = new List<string>();
        int version;
        string versionText;
        await using (var cmd = new NpgsqlCommand("SELECT current_setting('server_version_num')::int, current_setting('server_version')", conn))
        await using (var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            await r.ReadAsync(ct).ConfigureAwait(false);
            version = r.GetInt32(0);
            versionText = r.GetString(1);
        }
        var server = $"PostgreSQL {versionText}";

        var missing = new List<string>();
        foreach (var ext in graph.Extensions)
        {
            await using var cmd = new NpgsqlCommand("SELECT 1 FROM pg_available_extensions WHERE name = $1", conn);
            cmd.Parameters.AddWithValue(ext);
            if (await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false) is null) missing.Add(ext);
        }
        problems.AddRange(MissingExtensions(missing, graph, server, version / 10000));

        var functionCache = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var table in graph.Tables)
            foreach (var column in table.Columns)
            {
                var where = column.Position is { } p ? $"{p}: " : "";
                if (column.GeneratedKind == "VIRTUAL" && version < 180000)
                    adaptations.Add($"{where}{table.Name}.{column.Name} is a VIRTUAL generated column, which needs PostgreSQL 18; " +
                                    $"the server runs {server}, so it is created as STORED (same values)");
                if (column.Type.Kind == TypeKind.Other && column.Type.UserType is { } ut)
                {
                    await using var cmd = new NpgsqlCommand("SELECT to_regtype($1) IS NOT NULL", conn);
                    cmd.Parameters.AddWithValue(ut.Name);
                    var typeKnown = await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false) is true;
                    // The maintenance database lacks the schema's extensions: a type they provide (cube, geometry …) is
                    // unknown there, so a type is a problem only when the schema creates no extension at all.
                    if (!typeKnown && graph.Extensions.Count == 0)
                        problems.Add($"{where}{table.Name}.{column.Name} has type {ut} that the server does not know");
                }
                foreach (var expr in scriptRuns ? [] : new[] { column.Default, column.GeneratedExpression })
                {
                    if (expr is null) continue;
                    foreach (Match m in FunctionCall().Matches(StringLiteral().Replace(expr, "''")))
                    {
                        var name = m.Groups[1].Value.ToLowerInvariant();
                        if (!functionCache.TryGetValue(name, out var exists))
                        {
                            await using var cmd = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_proc WHERE proname = $1)", conn);
                            cmd.Parameters.AddWithValue(name);
                            exists = await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false) is true;
                            functionCache[name] = exists;
                        }
                        if (!exists && !IsSqlKeywordCall(name))
                            problems.Add($"{where}{table.Name}.{column.Name}: DEFAULT/GENERATED uses {name}(), which does not exist on {server}" +
                                         (name == "uuidv7" ? " (uuidv7() arrived in PostgreSQL 18)" : ""));
                    }
                }
            }
        return new CompatibilityReport(version / 10000, problems, adaptations);
    }

    /// <summary>One line per missing extension: where to get it, and the tables that use its types; the extensions
    /// whose tables cannot be told from the column types share one last line naming every table.</summary>
    internal static List<string> MissingExtensions(IReadOnlyList<string> missing, SchemaGraph graph, string server, int major)
    {
        var lines = new List<string>();
        var untold = new List<string>();
        foreach (var ext in missing)
        {
            var line = $"extension \"{ext}\" is not available on the server ({server}); {Package(ext, major)}";
            var types = ExtensionTypes.GetValueOrDefault(ext);
            var users = types is null ? [] : graph.Tables
                .SelectMany(t => t.Columns.Where(c => TypeName(c.Type) is { } n && types.Contains(n)).Select(c => (t.Name, c)))
                .GroupBy(x => x.Name).Select(g => $"{g.Key} ({string.Join(", ", g.Select(x => $"{x.c.Name} {x.c.Type}"))})").ToList();
            if (users.Count > 0) line += "; tables that need it: " + Listing(users);
            else untold.Add(ext);
            lines.Add(line);
        }
        if (untold.Count > 0 && graph.Tables.Count > 0)
            lines.Add($"tables that need {string.Join(", ", untold)}: all {graph.Tables.Count} (which ones cannot be told from their column types): " +
                      Listing(graph.Tables.Select(t => t.Name.ToString()).ToList()));
        return lines;
    }

    private static string Package(string ext, int major) => ext switch
    {
        "postgis" or "postgis_raster" or "postgis_topology" or "postgis_sfcgal" or "postgis_tiger_geocoder" or "address_standardizer"
            or "address_standardizer_data_us" => $"the Debian package postgresql-{major}-postgis-3 provides it",
        "vector" => $"the Debian package postgresql-{major}-pgvector provides it",
        "pg_cron" => $"the Debian package postgresql-{major}-cron provides it",
        "pgrouting" => $"the Debian package postgresql-{major}-pgrouting provides it",
        "http" => $"the Debian package postgresql-{major}-http provides it",
        _ when ContribExtensions.Contains(ext) => "it is one of PostgreSQL's contrib modules (Debian package postgresql-contrib)",
        _ when SupabaseExtensions.Contains(ext) => "only Supabase's own PostgreSQL builds have it: no stock package does",
        _ => $"no package is known for it here (Debian names extension packages postgresql-{major}-NAME)",
    };

    private static string Listing(List<string> items) =>
        items.Count <= 12 ? string.Join(", ", items) : string.Join(", ", items.Take(12)) + $" and {items.Count - 12} more";

    private static string? TypeName(SqlType type) =>
        type.UserType is { } u ? u.Name.ToLowerInvariant() : null;

    private static readonly HashSet<string> ContribExtensions = new(StringComparer.Ordinal)
    {
        "adminpack", "amcheck", "autoinc", "bloom", "btree_gin", "btree_gist", "citext", "cube", "dblink", "dict_int", "dict_xsyn",
        "earthdistance", "file_fdw", "fuzzystrmatch", "hstore", "insert_username", "intagg", "intarray", "isn", "lo", "ltree",
        "moddatetime", "old_snapshot", "pageinspect", "pg_buffercache", "pg_freespacemap", "pg_prewarm", "pg_stat_statements",
        "pg_surgery", "pg_trgm", "pg_visibility", "pg_walinspect", "pgcrypto", "pgrowlocks", "pgstattuple", "postgres_fdw",
        "refint", "seg", "sslinfo", "tablefunc", "tcn", "tsm_system_rows", "tsm_system_time", "unaccent", "uuid-ossp", "xml2",
    };

    private static readonly HashSet<string> SupabaseExtensions = new(StringComparer.Ordinal)
    {
        "pgsodium", "pg_graphql", "pgjwt", "supabase_vault", "pg_net", "supautils",
    };

    // The column types an extension brings, to tell which tables need it.
    private static readonly Dictionary<string, HashSet<string>> ExtensionTypes = new(StringComparer.Ordinal)
    {
        ["postgis"] = ["geometry", "geography", "box2d", "box3d"],
        ["postgis_raster"] = ["raster"],
        ["postgis_topology"] = ["topogeometry"],
        ["vector"] = ["vector", "halfvec", "sparsevec"],
        ["citext"] = ["citext"],
        ["hstore"] = ["hstore"],
        ["ltree"] = ["ltree", "lquery", "ltxtquery"],
        ["cube"] = ["cube"],
        ["earthdistance"] = ["earth"],
        ["isn"] = ["ean13", "isbn", "isbn13", "ismn", "ismn13", "issn", "issn13", "upc"],
        ["lo"] = ["lo"],
        ["seg"] = ["seg"],
    };

    // Calls that are syntax, not functions in pg_proc.
    private static bool IsSqlKeywordCall(string name) => name is "cast" or "coalesce" or "nullif" or "greatest" or "least"
        or "array" or "row" or "extract" or "position" or "substring" or "trim" or "overlay" or "exists" or "in" or "any"
        or "all" or "and" or "or" or "not" or "case" or "values" or "interval" or "timestamp" or "date" or "time"
        or "numeric" or "varchar" or "char" or "character" or "decimal" or "float" or "bit";

    // A function call outside string literals: identifier (optionally schema-qualified) followed by '('.
    [GeneratedRegex(@"(?<!['\w.])(?:\w+\.)?([A-Za-z_][A-Za-z0-9_]*)\s*\(")]
    private static partial Regex FunctionCall();

    [GeneratedRegex("'(?:[^']|'')*'")]
    private static partial Regex StringLiteral();
}
