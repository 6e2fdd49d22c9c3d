using System.Globalization;
using System.Text;

namespace PluRelSql.Storage.Postgres;

/// <summary>The modifiers of an extension type as its typmod-out function prints them, decoded from the catalog's
/// atttypmod: "(Point,4326)" of geometry(Point,4326), "(3)" of vector(3). The value generators read them
/// (SqlType.Modifiers), exactly as they read the modifiers a schema file writes.</summary>
internal static class ExtensionTypmods
{
    private static readonly string[] GeometryTypes =
    [
        "Geometry", "Point", "LineString", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon", "GeometryCollection",
        "CircularString", "CompoundCurve", "CurvePolygon", "MultiCurve", "MultiSurface", "PolyhedralSurface", "Triangle", "Tin",
    ];

    public static string? Text(string typeName, int typmod)
    {
        if (typmod < 0) return null;
        switch (typeName)
        {
            case "vector" or "halfvec" or "sparsevec":
                return "(" + typmod.ToString(CultureInfo.InvariantCulture) + ")";
            case "geometry" or "geography":
            {
                // liblwgeom's TYPMOD_GET_SRID/TYPE/Z/M.
                var srid = ((typmod & 0x0FFFFF00) - (typmod & 0x10000000)) >> 8;
                var type = (typmod & 0xFC) >> 2;
                bool z = (typmod & 2) != 0, m = (typmod & 1) != 0;
                if (srid == 0 && type == 0 && !z && !m) return null;
                var sb = new StringBuilder("(").Append(type < GeometryTypes.Length ? GeometryTypes[type] : "Geometry");
                if (z) sb.Append('Z');
                if (m) sb.Append('M');
                if (srid != 0) sb.Append(',').Append(srid.ToString(CultureInfo.InvariantCulture));
                return sb.Append(')').ToString();
            }
            default:
                return null;
        }
    }
}
