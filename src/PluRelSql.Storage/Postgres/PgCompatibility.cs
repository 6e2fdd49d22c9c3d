using System.Text.RegularExpressions;
using Npgsql;
using PluRelSql.Schema;

namespace PluRelSql.Storage.Postgres;

/// <summary>Finds what a schema needs that the target server lacks (a newer PostgreSQL, an extension that is not
/// installed, a function used in a DEFAULT), before anything is written — so the failure names the feature and its
/// place in the file instead of surfacing as a server error halfway through.</summary>
public static partial class PgCompatibility
{
    /// <summary>What the server can do with the schema: blocking problems, and adaptations the DDL writer makes
    /// (e.g. a VIRTUAL generated column written as STORED before PostgreSQL 18, which loads the same data).</summary>
    public sealed record Report(int ServerMajorVersion, IReadOnlyList<string> Problems, IReadOnlyList<string> Adaptations);

    public static async Task<Report> CheckAsync(NpgsqlConnection conn, SchemaGraph graph, CancellationToken ct = default)
    {
        var problems = new List<string>();
        var adaptations = new List<string>();
        int version;
        string versionText;
        await using (var cmd = new NpgsqlCommand("SELECT current_setting('server_version_num')::int, current_setting('server_version')", conn))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            await r.ReadAsync(ct);
            version = r.GetInt32(0);
            versionText = r.GetString(1);
        }
        var server = $"PostgreSQL {versionText}";

        foreach (var ext in graph.Extensions)
        {
            await using var cmd = new NpgsqlCommand("SELECT 1 FROM pg_available_extensions WHERE name = $1", conn);
            cmd.Parameters.AddWithValue(ext);
            if (await cmd.ExecuteScalarAsync(ct) is null)
                problems.Add($"extension \"{ext}\" is not installed on the server ({server}); install its package (e.g. postgresql-{version / 10000}-{ext}) or remove the tables that use it");
        }

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
                    var typeKnown = await cmd.ExecuteScalarAsync(ct) is true;
                    // The maintenance database lacks the schema's extensions: a type they provide (cube, geometry …) is
                    // unknown there, so a type is a problem only when the schema creates no extension at all.
                    if (!typeKnown && graph.Extensions.Count == 0)
                        problems.Add($"{where}{table.Name}.{column.Name} has type {ut} that the server does not know");
                }
                foreach (var expr in new[] { column.Default, column.GeneratedExpression })
                {
                    if (expr is null) continue;
                    foreach (Match m in FunctionCall().Matches(StringLiteral().Replace(expr, "''")))
                    {
                        var name = m.Groups[1].Value.ToLowerInvariant();
                        if (!functionCache.TryGetValue(name, out var exists))
                        {
                            await using var cmd = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_proc WHERE proname = $1)", conn);
                            cmd.Parameters.AddWithValue(name);
                            exists = await cmd.ExecuteScalarAsync(ct) is true;
                            functionCache[name] = exists;
                        }
                        if (!exists && !IsSqlKeywordCall(name))
                            problems.Add($"{where}{table.Name}.{column.Name}: DEFAULT/GENERATED uses {name}(), which does not exist on {server}" +
                                         (name == "uuidv7" ? " (uuidv7() arrived in PostgreSQL 18)" : ""));
                    }
                }
            }
        return new Report(version / 10000, problems, adaptations);
    }

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
