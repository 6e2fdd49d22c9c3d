namespace PluRelSql.Schema;

/// <summary>The extension types PluRelSql knows by name (hstore, ltree, cube, isn, lo, pgvector, PostGIS): the
/// generator makes their values, the loader stages the ones COPY cannot write directly.</summary>
public static class ExtensionTypes
{
    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        "citext", "hstore", "ltree", "cube", "earth", "lo", "vector", "geometry", "geography",
        "isbn", "isbn13", "ean13", "issn", "issn13", "ismn", "ismn13", "upc",
    };

    /// <summary>The extension type a column holds ("geometry", "isbn", "lo" …), or null for anything else. Domains
    /// of an extension (lo over oid, earth over cube) are read by the catalog as their base type plus the domain's
    /// name, so the domain decides; SQL Server's own CLR types (sys.geometry) are not these.</summary>
    public static string? NameOf(SqlType type)
    {
        if (type.Kind != TypeKind.Other || type.UserType is { Schema: "sys" }) return null;
        if (type.Domain is { Name: "lo" or "earth" } d) return d.Name;
        return type.UserType is { } u && Known.Contains(u.Name) ? u.Name : null;
    }
}
