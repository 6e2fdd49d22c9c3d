using System.Globalization;
using System.Text;
using PluRelSql.Core;
using PluRelSql.Schema;

namespace PluRelSql.Generation.Values;

/// <summary>Values of extension types (hstore, ltree, cube, isn, lo, pgvector, PostGIS) in their text input forms.
/// Every value is a pure function of the column's stream and the row (free) or of k (unique), like every other kind;
/// the loader casts the text to the column's type on the server.</summary>
public static class ExtensionValues
{
    /// <summary>True when the generator produces values for the type (every built-in kind, and the
    /// <see cref="ExtensionTypes"/>).</summary>
    public static bool CanGenerate(SqlType type) => type.Kind != TypeKind.Other || ExtensionTypes.NameOf(type) is not null;

    /// <summary>The free value of one draw: <paramref name="r"/> gives independent 64-bit draws by index.</summary>
    internal static Func<Func<int, ulong>, string> Free(string name, SqlType type, CounterRng column) => name switch
    {
        "hstore" => Hstore(column),
        "ltree" => r => Ltree(r),
        "cube" => r => Cube(r),
        "earth" => r => Earth(r),
        "lo" => r => (LoBase + CounterRng.ToBelow(r(0), 1_000_000_000)).ToString(CultureInfo.InvariantCulture),
        "vector" => r => Vector(Dimensions(type), r, null),
        "geometry" or "geography" => Geo(Shape.Of(type, name == "geography"), null),
        _ => r => Isn(name, (long)(r(0) >> 1)),
    };

    /// <summary>Unique values: an injective map of k below the returned domain.</summary>
    internal static (long Domain, Func<long, string> At) Unique(string name, SqlType type, CounterRng column)
    {
        Func<long, Func<int, ulong>> draws = k => j => column.Derive(0xE7).Bits(k, (ulong)j);
        switch (name)
        {
            case "hstore":
            {
                var free = Hstore(column);
                // The "id" pair alone is injective; the other pairs make it look like the column's free values.
                return (long.MaxValue, k => $"\"id\"=>\"{k}\", " + free(draws(k)));
            }
            case "ltree":
                return (long.MaxValue, k => Ltree(draws(k)) + ".n" + k.ToString(CultureInfo.InvariantCulture));
            case "cube":
                return (long.MaxValue, k => $"({k}, {Coord(draws(k)(1), 100)}, {Coord(draws(k)(2), 100)})");
            case "earth":
            {
                // Distinct latitude/longitude cells of 0.01° give distinct points on the sphere.
                const long lons = 36_000, lats = 17_000;
                return (lons * lats, k => EarthAt(-85 + (k / lons) * 0.01, -180 + (k % lons) * 0.01));
            }
            case "lo":
                return (1_000_000_000, k => (LoBase + k).ToString(CultureInfo.InvariantCulture));
            case "vector":
                // float4 holds every integer below 2^24 exactly: the first component carries k.
                return (1 << 24, k => Vector(Dimensions(type), draws(k), k));
            case "geometry" or "geography":
            {
                var shape = Shape.Of(type, name == "geography");
                return (shape.Cells, k => Geo(shape, k)(draws(k)));
            }
            default:
                return (IsnDomain(name), k => Isn(name, k));
        }
    }

    // Large objects get OIDs well above the system's (FirstNormalObjectId is 16384); the loader creates each one.
    internal const long LoBase = 1_000_000;

    private static string Coord(ulong bits, double scale) =>
        Math.Round((CounterRng.ToUnit(bits) * 2 - 1) * scale, 2).ToString("0.##", CultureInfo.InvariantCulture);

    // ---- hstore ----

    private static readonly string[] HstoreKeys =
        ["color", "size", "source", "lang", "status", "tier", "region", "kind", "owner", "version", "channel", "theme"];

    /// <summary>A few stable keys per column (drawn once from the column's stream), each present in most rows.</summary>
    private static Func<Func<int, ulong>, string> Hstore(CounterRng column)
    {
        var pick = column.Derive(0x4857);
        var count = 3 + (int)pick.Below(0, 3);
        var keys = new List<string>();
        for (var i = 1; keys.Count < count; i++)
        {
            var key = HstoreKeys[pick.Below(i, HstoreKeys.Length)];
            if (!keys.Contains(key)) keys.Add(key);
        }
        return r =>
        {
            var sb = new StringBuilder();
            for (var i = 0; i < keys.Count; i++)
            {
                // The first key is always there, the others in about three rows of four.
                if (i > 0 && (r(2 * i) & 3) == 0) continue;
                if (sb.Length > 0) sb.Append(", ");
                var v = r(2 * i + 1);
                var value = (v & 1) == 0
                    ? TextData.Words[(v >> 1) % (ulong)TextData.Words.Length]
                    : ((v >> 1) % 1000).ToString(CultureInfo.InvariantCulture);
                sb.Append('"').Append(keys[i]).Append("\"=>\"").Append(value).Append('"');
            }
            return sb.ToString();
        };
    }

    // ---- ltree ----

    private static readonly string[] LtreeRoots = ["top", "science", "arts", "sports", "shop", "docs"];

    /// <summary>A path of 1–4 labels (letters only: valid in every ltree version).</summary>
    private static string Ltree(Func<int, ulong> r)
    {
        var depth = 1 + (int)(r(0) % 4);
        var sb = new StringBuilder(LtreeRoots[r(1) % (ulong)LtreeRoots.Length]);
        for (var i = 1; i < depth; i++) sb.Append('.').Append(TextData.Words[r(1 + i) % (ulong)TextData.Words.Length]);
        return sb.ToString();
    }

    // ---- cube / earth ----

    /// <summary>A 3-D point, or (one in four) a box given by two corners.</summary>
    private static string Cube(Func<int, ulong> r)
    {
        var p = $"({Coord(r(1), 100)}, {Coord(r(2), 100)}, {Coord(r(3), 100)})";
        if ((r(0) & 3) != 0) return p;
        return p + $",({Coord(r(4), 100)}, {Coord(r(5), 100)}, {Coord(r(6), 100)})";
    }

    private static string Earth(Func<int, ulong> r) =>
        EarthAt(CounterRng.ToUnit(r(1)) * 170 - 85, CounterRng.ToUnit(r(2)) * 360 - 180);

    /// <summary>earthdistance's ll_to_earth: a point on the sphere of radius earth() (6378168 m); earth's domain
    /// CHECK wants its distance from the origin within 1e-6 of that radius, so the coordinates keep all their digits.</summary>
    internal static string EarthAt(double lat, double lon)
    {
        const double radius = 6378168;
        double la = lat * Math.PI / 180, lo = lon * Math.PI / 180;
        string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        return $"({F(radius * Math.Cos(la) * Math.Cos(lo))}, {F(radius * Math.Cos(la) * Math.Sin(lo))}, {F(radius * Math.Sin(la))})";
    }

    // ---- pgvector ----

    /// <summary>vector(n)'s n; an unconstrained vector gets 3.</summary>
    internal static int Dimensions(SqlType type) =>
        type.Modifiers is { } m && int.TryParse(m.Trim('(', ')'), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 3;

    private static string Vector(int n, Func<int, ulong> r, long? first)
    {
        var sb = new StringBuilder("[");
        for (var i = 0; i < n; i++)
        {
            if (i > 0) sb.Append(',');
            if (i == 0 && first is { } f) sb.Append(f.ToString(CultureInfo.InvariantCulture));
            else sb.Append(Math.Round(CounterRng.ToUnit(r(i + 1)) * 2 - 1, 4).ToString("0.####", CultureInfo.InvariantCulture));
        }
        return sb.Append(']').ToString();
    }

    // ---- isn ----

    /// <summary>How many distinct bodies (numbers before the check digit) a type has.</summary>
    private static long IsnDomain(string name) => name switch
    {
        "isbn" or "isbn13" => 1_000_000_000,
        "issn" or "issn13" => 10_000_000,
        "ismn" or "ismn13" => 100_000_000,
        "upc" => 100_000_000_000,
        _ => 10_000_000_000,
    };

    /// <summary>The n-th (mod the domain) number of an isn type, with its check digit.</summary>
    internal static string Isn(string name, long n)
    {
        n %= IsnDomain(name);
        string D(int width) => n.ToString(CultureInfo.InvariantCulture).PadLeft(width, '0');
        return name switch
        {
            // ISBN-10: nine digits and a mod-11 check (X for 10); the isbn type also takes the 13-digit form.
            "isbn" => Mod11(D(9)),
            "isbn13" => Ean("978" + D(9)),
            // ISSN: seven digits and a mod-11 check; its EAN-13 form is 977 + those seven + "00".
            "issn" => Mod11(D(7)).Insert(4, "-"),
            "issn13" => Ean("977" + D(7) + "00"),
            // ISMN: since 2008 always 979-0 + eight digits.
            "ismn" or "ismn13" => Ean("9790" + D(8)),
            // UPC-A: eleven digits and the EAN check digit (an EAN-13 with a leading 0).
            "upc" => Ean("0" + D(11))[1..],
            // EAN-13 in the 20–29 range (in-store numbers): never taken for an ISBN/ISSN/ISMN.
            _ => Ean("2" + D(11)),
        };
    }

    /// <summary>Appends the EAN-13 check digit to twelve digits.</summary>
    internal static string Ean(string twelve)
    {
        var sum = 0;
        for (var i = 0; i < 12; i++) sum += (twelve[i] - '0') * (i % 2 == 0 ? 1 : 3);
        return twelve + (char)('0' + (10 - sum % 10) % 10);
    }

    /// <summary>Appends the ISBN-10/ISSN check character (weights n+1 … 2, mod 11, 10 written X).</summary>
    internal static string Mod11(string digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++) sum += (digits[i] - '0') * (digits.Length + 1 - i);
        var c = (11 - sum % 11) % 11;
        return digits + (c == 10 ? 'X' : (char)('0' + c));
    }

    // ---- PostGIS ----

    /// <summary>A geometry/geography column's typmod: the geometry type, Z/M, SRID and the extent values lie in.</summary>
    internal sealed record Shape(string Type, bool Z, bool M, int Srid, bool Geographic, double MinX, double MinY, double MaxX, double MaxY)
    {
        public static Shape Of(SqlType t, bool geography)
        {
            var mods = t.Modifiers?.Trim('(', ')').Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [];
            var type = mods.Length > 0 ? mods[0].ToUpperInvariant() : "GEOMETRY";
            var srid = mods.Length > 1 && int.TryParse(mods[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s : geography ? 4326 : 0;
            bool z = false, m = false;
            // No base type name ends in Z or M, so the suffix is the dimension.
            if (type.EndsWith("ZM", StringComparison.Ordinal)) { z = m = true; type = type[..^2]; }
            else if (type.EndsWith('Z')) { z = true; type = type[..^1]; }
            else if (type.EndsWith('M')) { m = true; type = type[..^1]; }
            // Geographic coordinate systems (EPSG 4000–4999, e.g. 4326, 4269) are degrees; web mercator is its own box.
            var geographic = geography || srid is >= 4000 and < 5000;
            return geographic ? new Shape(type, z, m, srid, true, -180, -85, 180, 85)
                : srid is 3857 or 900913 ? new Shape(type, z, m, srid, false, -20_000_000, -20_000_000, 20_000_000, 20_000_000)
                : new Shape(type, z, m, srid, false, 0, 0, 1_000_000, 1_000_000);
        }

        /// <summary>Cell size of the unique grid and the largest feature radius: features of different cells never meet.</summary>
        public double Cell => Geographic ? 0.01 : (MaxX - MinX) / 100_000;

        public long Cells => (long)((MaxX - MinX) / Cell - 20) * (long)((MaxY - MinY) / Cell - 20);

        public int Decimals => Geographic ? 6 : 2;
    }

    /// <summary>Valid geometries in EWKT: polygons are star-shaped around their centre with vertices in increasing
    /// angle (simple, closed, counter-clockwise exterior), lines have strictly increasing x (simple), the parts of a
    /// multi-geometry lie apart. With <paramref name="cell"/> the centre is that cell of a grid (unique values).</summary>
    private static Func<Func<int, ulong>, string> Geo(Shape s, long? cell) => r =>
    {
        var size = s.Cell / 10;
        var radius = size * (0.3 + 0.7 * CounterRng.ToUnit(r(1)));
        double cx, cy;
        if (cell is { } k)
        {
            var perRow = (long)((s.MaxX - s.MinX) / s.Cell - 20);
            cx = s.MinX + (10 + k % perRow) * s.Cell;
            cy = s.MinY + (10 + k / perRow) * s.Cell;
        }
        else
        {
            // A margin of ten radii keeps every part of a multi-geometry inside the extent.
            cx = s.MinX + 10 * size + CounterRng.ToUnit(r(2)) * (s.MaxX - s.MinX - 20 * size);
            cy = s.MinY + 10 * size + CounterRng.ToUnit(r(3)) * (s.MaxY - s.MinY - 20 * size);
        }
        var type = s.Type is "GEOMETRY" ? (r(4) % 3) switch { 0 => "POINT", 1 => "LINESTRING", _ => "POLYGON" } : s.Type;
        var w = new GeoWriter(s, r);
        var sb = new StringBuilder();
        if (s.Srid != 0) sb.Append("SRID=").Append(s.Srid.ToString(CultureInfo.InvariantCulture)).Append(';');
        var dims = s.Z && s.M ? " ZM " : s.Z ? " Z " : s.M ? " M " : "";
        var parts = 2 + (int)(r(5) % 2);
        switch (type)
        {
            case "POINT":
                sb.Append("POINT").Append(dims).Append('(');
                w.Point(sb, cx, cy);
                sb.Append(')');
                break;
            case "LINESTRING":
                sb.Append("LINESTRING").Append(dims);
                w.Line(sb, cx, cy, radius, 10);
                break;
            case "POLYGON":
                sb.Append("POLYGON").Append(dims);
                w.Polygon(sb, cx, cy, radius, 10);
                break;
            case "MULTIPOINT":
                sb.Append("MULTIPOINT").Append(dims).Append('(');
                for (var i = 0; i < parts; i++)
                {
                    if (i > 0) sb.Append(',');
                    sb.Append('(');
                    w.Point(sb, cx + (i - 1) * 2.5 * radius, cy + (CounterRng.ToUnit(r(20 + i)) - 0.5) * radius);
                    sb.Append(')');
                }
                sb.Append(')');
                break;
            case "MULTILINESTRING":
                sb.Append("MULTILINESTRING").Append(dims).Append('(');
                for (var i = 0; i < parts; i++)
                {
                    if (i > 0) sb.Append(',');
                    w.Line(sb, cx, cy + (i - 1) * 2.5 * radius, radius, 20 + 10 * i);
                }
                sb.Append(')');
                break;
            case "MULTIPOLYGON":
                sb.Append("MULTIPOLYGON").Append(dims).Append('(');
                for (var i = 0; i < parts; i++)
                {
                    if (i > 0) sb.Append(',');
                    w.Polygon(sb, cx + (i - 1) * 2.5 * radius, cy, radius, 20 + 10 * i);
                }
                sb.Append(')');
                break;
            default:
                // GEOMETRYCOLLECTION (and any type name PostGIS may add): a point beside a line.
                sb.Append("GEOMETRYCOLLECTION").Append(dims).Append("(POINT").Append(dims).Append('(');
                w.Point(sb, cx - 2 * radius, cy);
                sb.Append("),LINESTRING").Append(dims);
                w.Line(sb, cx + radius, cy, radius * 0.8, 10);
                sb.Append(')');
                break;
        }
        return sb.ToString();
    };

    private readonly struct GeoWriter(Shape s, Func<int, ulong> r)
    {
        private string F(double v) => Math.Round(v, s.Decimals).ToString("0." + new string('#', s.Decimals), CultureInfo.InvariantCulture);

        public void Point(StringBuilder sb, double x, double y)
        {
            sb.Append(F(x)).Append(' ').Append(F(y));
            // Elevation in metres and a measure, both plain and positive.
            if (s.Z) sb.Append(' ').Append(F(Math.Round(CounterRng.ToUnit(r(60)) * 1000, 1)));
            if (s.M) sb.Append(' ').Append(F(Math.Round(CounterRng.ToUnit(r(61)) * 100, 1)));
        }

        /// <summary>2–5 vertices, x strictly increasing across [cx − radius, cx + radius].</summary>
        public void Line(StringBuilder sb, double cx, double cy, double radius, int draw)
        {
            var n = 2 + (int)(r(draw) % 4);
            sb.Append('(');
            for (var i = 0; i < n; i++)
            {
                if (i > 0) sb.Append(',');
                var x = cx - radius + 2 * radius * (i + 0.2 + 0.6 * CounterRng.ToUnit(r(draw + 1 + i))) / n;
                Point(sb, x, cy + (CounterRng.ToUnit(r(draw + 6 + i)) - 0.5) * radius);
            }
            sb.Append(')');
        }

        /// <summary>4–7 vertices at increasing angles, distances 0.6–1 radius from the centre, closed.</summary>
        public void Polygon(StringBuilder sb, double cx, double cy, double radius, int draw)
        {
            var n = 4 + (int)(r(draw) % 4);
            sb.Append("((");
            string? first = null;
            for (var i = 0; i < n; i++)
            {
                if (i > 0) sb.Append(',');
                var angle = 2 * Math.PI * (i + 0.1 + 0.8 * CounterRng.ToUnit(r(draw + 1 + i))) / n;
                var d = radius * (0.6 + 0.4 * CounterRng.ToUnit(r(draw + 9 + i)));
                var start = sb.Length;
                Point(sb, cx + d * Math.Cos(angle), cy + d * Math.Sin(angle));
                first ??= sb.ToString(start, sb.Length - start);
            }
            sb.Append(',').Append(first).Append("))");
        }
    }
}
