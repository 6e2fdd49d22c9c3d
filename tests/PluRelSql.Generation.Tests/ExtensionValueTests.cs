using System.Globalization;
using System.Text.RegularExpressions;
using NetTopologySuite.Algorithm;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using PluRelSql.Generation.Values;
using PluRelSql.Schema;
using static PluRelSql.Generation.Tests.S;

namespace PluRelSql.Generation.Tests;

/// <summary>Issue 14, item 4: values of extension types are valid by their own rules (checked here independently of
/// the generator) and, like every value, a pure function of seed, table, row and column.</summary>
public class ExtensionValueTests
{
    private static ColumnDef Ext(string name, string type, string? modifiers = null, bool unique = false, string? domain = null) =>
        new()
        {
            Name = name, Nullable = false,
            Type = new SqlType { Kind = TypeKind.Other, UserType = N(type), Modifiers = modifiers, Domain = domain is null ? null : N(domain) },
        };

    private static (TableDef, SchemaGraph) Schema()
    {
        var t = Table("ext",
            Col("id", TypeKind.Integer, nullable: false),
            Ext("email", "citext"), Ext("attrs", "hstore"), Ext("attrs_u", "hstore"), Ext("path", "ltree"), Ext("path_u", "ltree"),
            Ext("pos", "cube"), Ext("place", "cube", domain: "earth"), Ext("isbn", "isbn"), Ext("isbn_u", "isbn"), Ext("isbn13", "isbn13"),
            Ext("ean", "ean13"), Ext("issn", "issn"), Ext("issn13", "issn13"), Ext("ismn", "ismn"), Ext("upc", "upc"),
            Ext("blob", "oid", domain: "lo"), Ext("emb", "vector", "(7)"), Ext("emb_u", "vector", "(3)"),
            Ext("pt", "geometry", "(Point,4326)"), Ext("pt_u", "geometry", "(Point,4326)"), Ext("line", "geometry", "(LineString,4326)"),
            Ext("area", "geometry", "(Polygon,4326)"), Ext("parcels", "geometry", "(MultiPolygon,3857)"),
            Ext("lines", "geometry", "(MultiLineString,32633)"), Ext("pts", "geometry", "(MultiPoint)"), Ext("any", "geometry"),
            Ext("zone", "geography", "(Polygon)"), Ext("ptz", "geometry", "(PointZ,4326)"));
        t = t.Pk("id");
        foreach (var u in new[] { "email", "attrs_u", "path_u", "isbn_u", "ean", "upc", "blob", "emb_u", "pt_u" }) t = t.Unique(u);
        return (t, Graph(t));
    }

    private const int Rows = 2000;

    private static Dictionary<string, List<string>> Values(int batch = 1000)
    {
        var (t, g) = Schema();
        return All(Gen(g, Rows, nullRate: 0), t, batch).ToDictionary(kv => kv.Key, kv => kv.Value.Select(v => v as string ?? Canon(v)).ToList());
    }

    [Fact]
    public void Every_extension_column_is_generated_never_null_and_unique_where_declared()
    {
        var v = Values();
        Assert.All(v, kv => Assert.All(kv.Value, Assert.NotNull));
        foreach (var u in new[] { "attrs_u", "path_u", "isbn_u", "ean", "upc", "blob", "emb_u", "pt_u" })
            Assert.Equal(Rows, v[u].Distinct().Count());
        // citext compares without case: unique values stay unique when lower-cased.
        Assert.Equal(Rows, v["email"].Select(s => s.ToLowerInvariant()).Distinct().Count());
    }

    [Fact]
    public void Values_are_the_same_whatever_the_batch_size()
    {
        var a = Values(1000);
        var b = Values(7);
        foreach (var col in a.Keys) Assert.Equal(a[col], b[col]);
    }

    // Independent checks: ISBN-10/ISSN as Σ position·digit ≡ 0 (mod 11) counted from the right, EAN as Σ weights 1,3 ≡ 0 (mod 10).
    private static bool Mod11Ok(string s)
    {
        var digits = s.Replace("-", "", StringComparison.Ordinal);
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
            sum += (digits.Length - i) * (digits[i] == 'X' ? 10 : digits[i] - '0');
        return sum % 11 == 0;
    }

    private static bool EanOk(string s)
    {
        var d = s.Length == 12 ? "0" + s : s;
        if (d.Length != 13 || !d.All(char.IsAsciiDigit)) return false;
        var sum = 0;
        for (var i = 0; i < 13; i++) sum += (d[i] - '0') * (i % 2 == 0 ? 1 : 3);
        return sum % 10 == 0;
    }

    [Fact]
    public void Isn_values_carry_valid_check_digits_and_prefixes()
    {
        var v = Values();
        Assert.All(v["isbn"].Concat(v["isbn_u"]), s => { Assert.Matches("^[0-9]{9}[0-9X]$", s); Assert.True(Mod11Ok(s), s); });
        Assert.All(v["issn"], s => { Assert.Matches("^[0-9]{4}-[0-9]{3}[0-9X]$", s); Assert.True(Mod11Ok(s), s); });
        Assert.All(v["isbn13"], s => { Assert.StartsWith("978", s); Assert.True(EanOk(s), s); });
        Assert.All(v["issn13"], s => { Assert.StartsWith("977", s); Assert.True(EanOk(s), s); });
        Assert.All(v["ismn"], s => { Assert.StartsWith("9790", s); Assert.True(EanOk(s), s); });
        Assert.All(v["ean"], s => Assert.True(EanOk(s), s));
        Assert.All(v["upc"], s => { Assert.Equal(12, s.Length); Assert.True(EanOk(s), s); });
        // Known numbers: the check digits of real identifiers.
        Assert.Equal("0306406152", ExtensionValues.Mod11("030640615"));
        Assert.Equal("9780306406157", ExtensionValues.Ean("978030640615"));
        Assert.Equal("03178471", ExtensionValues.Mod11("0317847"));
    }

    [Fact]
    public void Hstore_ltree_cube_earth_lo_and_vector_values_have_their_types_forms()
    {
        var v = Values();
        var pair = "\"[a-z]+\"=>\"[a-z0-9]+\"";
        Assert.All(v["attrs"], s => Assert.Matches($"^{pair}(, {pair})*$", s));
        var keys = v["attrs"].SelectMany(s => Regex.Matches(s, "\"([a-z]+)\"=>").Select(m => m.Groups[1].Value)).Distinct().Count();
        Assert.InRange(keys, 3, 5);
        Assert.All(v["path"].Concat(v["path_u"]), s => Assert.Matches("^[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+){0,4}$", s));
        Assert.Contains(v["path"], s => s.Contains('.', StringComparison.Ordinal));
        Assert.All(v["pos"], s => Assert.Matches(@"^\(-?[0-9.]+, -?[0-9.]+, -?[0-9.]+\)(,\(-?[0-9.]+, -?[0-9.]+, -?[0-9.]+\))?$", s));
        Assert.All(v["place"], s =>
        {
            var xyz = s.Trim('(', ')').Split(", ").Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToArray();
            var r = Math.Sqrt(xyz.Sum(c => c * c));
            Assert.True(Math.Abs(r / 6378168 - 1) < 1e-9, s);
        });
        Assert.All(v["blob"], s => Assert.True(long.Parse(s, CultureInfo.InvariantCulture) is >= 1_000_000 and < uint.MaxValue, s));
        Assert.All(v["emb"], s => Assert.Equal(7, s.Trim('[', ']').Split(',').Length));
        Assert.All(v["emb_u"], s => Assert.Equal(3, s.Trim('[', ']').Split(',').Length));
    }

    private static (int Srid, Geometry G) Read(string ewkt)
    {
        var srid = 0;
        if (ewkt.StartsWith("SRID=", StringComparison.Ordinal))
        {
            var semi = ewkt.IndexOf(';', StringComparison.Ordinal);
            srid = int.Parse(ewkt[5..semi], CultureInfo.InvariantCulture);
            ewkt = ewkt[(semi + 1)..];
        }
        return (srid, new WKTReader().Read(ewkt));
    }

    [Theory]
    [InlineData("pt", "Point", 4326, true)]
    [InlineData("pt_u", "Point", 4326, true)]
    [InlineData("ptz", "Point", 4326, true)]
    [InlineData("line", "LineString", 4326, true)]
    [InlineData("area", "Polygon", 4326, true)]
    [InlineData("zone", "Polygon", 4326, true)]
    [InlineData("parcels", "MultiPolygon", 3857, false)]
    [InlineData("lines", "MultiLineString", 32633, false)]
    [InlineData("pts", "MultiPoint", 0, false)]
    [InlineData("any", null, 0, false)]
    public void Geometries_are_valid_simple_of_their_typmod_and_inside_the_extent(string column, string? type, int srid, bool degrees)
    {
        foreach (var ewkt in Values()[column])
        {
            var (s, g) = Read(ewkt);
            Assert.Equal(srid, s);
            if (type is not null) Assert.Equal(type, g.GeometryType);
            Assert.True(g.IsValid, ewkt);
            Assert.False(g.IsEmpty, ewkt);
            if (g is LineString or MultiLineString) Assert.True(g.IsSimple, ewkt);
            foreach (var p in Enumerable.Range(0, g.NumGeometries).Select(g.GetGeometryN).OfType<Polygon>())
                Assert.True(Orientation.IsCCW(p.ExteriorRing.CoordinateSequence), ewkt);
            var e = g.EnvelopeInternal;
            if (degrees) Assert.True(e.MinX >= -180 && e.MaxX <= 180 && e.MinY >= -85 && e.MaxY <= 85, ewkt);
            else if (srid == 3857) Assert.True(e.MinX >= -20_037_508 && e.MaxX <= 20_037_508 && e.MinY >= -20_037_508 && e.MaxY <= 20_037_508, ewkt);
            else Assert.True(e.MinX >= 0 && e.MaxX <= 1_000_000 && e.MinY >= 0 && e.MaxY <= 1_000_000, ewkt);
            if (column == "ptz") Assert.False(double.IsNaN(((Point)g).Z), ewkt);
        }
    }

    private static List<Guid> Uuids(string? defaultExpr, bool unique = false)
    {
        var t = Table("u", Col("id", TypeKind.Integer, nullable: false), new ColumnDef { Name = "u", Nullable = false, Type = SqlType.Of(TypeKind.Uuid), Default = defaultExpr });
        t = t.Pk("id");
        if (unique) t = t.Unique("u");
        return All(Gen(Graph(t), 500, nullRate: 0), t)["u"].Cast<Guid>().ToList();
    }

    private static int Version(Guid g) => g.ToString()[14] - '0';

    [Fact]
    public void Uuid_version_follows_the_default_function_and_plain_columns_keep_their_bytes()
    {
        var plain = Uuids(null);
        Assert.All(plain, g => Assert.Equal(4, Version(g)));
        // gen_random_uuid() and uuid_generate_v4() are v4: the same values as a column without a default.
        Assert.Equal(plain, Uuids("gen_random_uuid()"));
        Assert.Equal(plain, Uuids("public.uuid_generate_v4()"));
        Assert.Equal(Uuids(null, unique: true), Uuids("gen_random_uuid()", unique: true));
        foreach (var v7 in new[] { "uuidv7()", "public.uuid_generate_v7()", "extensions.\"gen_uuid_v7\"()" })
        {
            foreach (var unique in new[] { false, true })
            {
                var values = Uuids(v7, unique);
                Assert.All(values, g => Assert.Equal(7, Version(g)));
                Assert.All(values, g => Assert.Contains(g.ToString()[19], "89ab"));
                Assert.Equal(values.Count, values.Distinct().Count());
                // Time-ordered: the 48-bit millisecond prefix never decreases from row to row and lies after 2024.
                var ms = values.Select(g => long.Parse(g.ToString("N")[..12], NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToList();
                if (!unique) Assert.True(ms.Zip(ms.Skip(1)).All(p => p.First <= p.Second));
                Assert.All(ms, m => Assert.True(m >= 1_704_067_200_000));
            }
        }
    }

    [Fact]
    public void Types_without_a_generator_stay_refused()
    {
        Assert.False(ExtensionValues.CanGenerate(new SqlType { Kind = TypeKind.Other, UserType = N("seg") }));
        Assert.False(ExtensionValues.CanGenerate(new SqlType { Kind = TypeKind.Other, UserType = new QualifiedName("sys", "geometry") }));
        Assert.True(ExtensionValues.CanGenerate(new SqlType { Kind = TypeKind.Other, UserType = new QualifiedName("postgis", "geometry"), Modifiers = "(Point,4326)" }));
    }
}
