using PluRelSql.TestSupport;

namespace PluRelSql.Cli.Tests;

/// <summary>A fact that needs a PostgreSQL extension the machine may lack: skipped, visibly, with the package that
/// provides it, when its control file is not installed.</summary>
public sealed class ExtensionFactAttribute : FactAttribute
{
    public ExtensionFactAttribute(string extension, string package)
    {
        var installed = Directory.Exists("/usr/share/postgresql") &&
                        Directory.EnumerateDirectories("/usr/share/postgresql")
                            .Any(d => File.Exists(Path.Combine(d, "extension", extension + ".control")));
        if (!installed) Skip = $"needs the PostgreSQL extension {extension} (Debian package {package}); not installed here (make setup installs it where Debian has it)";
    }
}

/// <summary>Issue 14, item 4: columns of extension types get valid values. Every column is NOT NULL (UNIQUE where the
/// type allows), so a refused or NULL value fails the load; after the commit the server's own functions check them.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ExtensionTypeCliTests(ClusterFixture pg)
{
    private const long Rows = 400;

    private async Task Populate(string name, string ddl, Func<string, Task> check)
    {
        var file = Path.Combine(Path.GetTempPath(), $"plurel-ext-{name}-{Environment.ProcessId}.sql");
        File.WriteAllText(file, ddl);
        var db = "ext_" + name;
        try
        {
            await pg.Execute("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
            var run = Cli.Plurel("populate", "--db", pg.Url("postgres"), "--database", db, "--create", "--schema", file,
                "--rows", Rows.ToString(System.Globalization.CultureInfo.InvariantCulture), "--batch-size", "64", "--sizing", "uniform");
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.DoesNotContain("loaded as NULL", run.StdErr);
            await check(db);
        }
        finally
        {
            await pg.Execute("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
            File.Delete(file);
        }
    }

    [Fact]
    public Task Contrib_types_citext_hstore_ltree_cube_earth_isn_lo_and_uuid_load_valid_values() => Populate("contrib", """
        CREATE EXTENSION IF NOT EXISTS citext;
        CREATE EXTENSION IF NOT EXISTS hstore;
        CREATE EXTENSION IF NOT EXISTS ltree;
        CREATE EXTENSION IF NOT EXISTS cube;
        CREATE EXTENSION IF NOT EXISTS earthdistance;
        CREATE EXTENSION IF NOT EXISTS isn;
        CREATE EXTENSION IF NOT EXISTS lo;
        CREATE TABLE item (
            id bigint PRIMARY KEY,
            email citext NOT NULL UNIQUE,
            nick citext NOT NULL,
            attrs hstore NOT NULL,
            keyed hstore NOT NULL UNIQUE,
            path ltree NOT NULL UNIQUE,
            paths ltree[] NOT NULL,
            pos cube NOT NULL,
            corner cube NOT NULL UNIQUE,
            place earth NOT NULL,
            book isbn NOT NULL UNIQUE,
            book13 isbn13 NOT NULL,
            barcode ean13 NOT NULL UNIQUE,
            journal issn NOT NULL,
            journal13 issn13 NOT NULL,
            score ismn NOT NULL,
            product upc NOT NULL UNIQUE,
            attachment lo NOT NULL,
            v4 uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE
        );
        CREATE TABLE item_note (id int PRIMARY KEY, item_email citext NOT NULL REFERENCES item (email), page isbn REFERENCES item (book));
        """, async db =>
        {
            Assert.Equal(Rows, await pg.Scalar<long>(db, "SELECT count(*) FROM item"));
            Assert.Equal(Rows, await pg.Scalar<long>(db, "SELECT count(*) FROM item_note"));
            // citext: unique case-insensitively (the UNIQUE constraint already compares without case).
            Assert.Equal(Rows, await pg.Scalar<long>(db, "SELECT count(DISTINCT lower(email::text)) FROM item"));
            // hstore: a few stable keys per column, every row has one at least.
            Assert.InRange(await pg.Scalar<long>(db, "SELECT count(DISTINCT k) FROM item, skeys(attrs) k"), 3, 6);
            Assert.Equal(0L, await pg.Scalar<long>(db, "SELECT count(*) FROM item WHERE array_length(akeys(attrs), 1) IS NULL"));
            // ltree: plausible depth.
            Assert.Equal(0L, await pg.Scalar<long>(db, "SELECT count(*) FROM item WHERE nlevel(path) NOT BETWEEN 2 AND 5"));
            Assert.Equal(0L, await pg.Scalar<long>(db, "SELECT count(*) FROM item WHERE cube_dim(pos) <> 3"));
            // earth: on the sphere (the domain's CHECK held), as latitudes within ±85°.
            Assert.Equal(0L, await pg.Scalar<long>(db, "SELECT count(*) FROM item WHERE abs(latitude(place)) > 85.0001"));
            // isn: the server parsed every value with check digits enforced (isn.weak is off) and calls them valid.
            Assert.False(await pg.Scalar<bool>(db, "SELECT isn_weak()"));
            Assert.Equal(Rows, await pg.Scalar<long>(db,
                "SELECT count(*) FROM item WHERE is_valid(book) AND is_valid(book13) AND is_valid(barcode) AND is_valid(journal) " +
                "AND is_valid(journal13) AND is_valid(score) AND is_valid(product)"));
            // lo: every OID is a large object that exists.
            Assert.Equal(0L, await pg.Scalar<long>(db,
                "SELECT count(*) FROM item i WHERE NOT EXISTS (SELECT 1 FROM pg_largeobject_metadata m WHERE m.oid = i.attachment)"));
            Assert.Equal(0L, await pg.Scalar<long>(db, "SELECT count(*) FROM item WHERE substr(v4::text, 15, 1) <> '4'"));
        });

    [ExtensionFact("postgis", "postgresql-15-postgis-3")]
    public Task PostGIS_geometry_and_geography_load_valid_shapes_of_their_typmod_within_the_extent() => Populate("postgis", """
        CREATE EXTENSION IF NOT EXISTS postgis;
        CREATE TABLE place (
            id int PRIMARY KEY,
            pt geometry(Point,4326) NOT NULL UNIQUE,
            ptz geometry(PointZ,4326) NOT NULL,
            route geometry(LineString,4326) NOT NULL,
            area geometry(Polygon,4326) NOT NULL,
            parcels geometry(MultiPolygon,3857) NOT NULL,
            lines geometry(MultiLineString,32633) NOT NULL,
            pts geometry(MultiPoint) NOT NULL,
            anything geometry NOT NULL,
            mixed geometry(GeometryCollectionM,4326) NOT NULL,
            zone geography(Polygon,4326) NOT NULL,
            spot geography(Point) NOT NULL,
            shapes geometry(Polygon,4326)[] NOT NULL
        );
        """, async db =>
        {
            Assert.Equal(Rows, await pg.Scalar<long>(db, "SELECT count(*) FROM place"));
            foreach (var col in new[] { "pt", "ptz", "route", "area", "parcels", "lines", "pts", "anything", "mixed", "zone::geometry", "spot::geometry" })
                Assert.Equal(0L, await pg.Scalar<long>(db, $"SELECT count(*) FROM place WHERE NOT ST_IsValid({col}) OR ST_IsEmpty({col})"));
            Assert.Equal(0L, await pg.Scalar<long>(db, "SELECT count(*) FROM place WHERE NOT ST_IsSimple(route) OR NOT ST_IsSimple(area)"));
            Assert.Equal(0L, await pg.Scalar<long>(db, "SELECT count(*) FROM place WHERE NOT ST_IsPolygonCCW(area) OR NOT ST_IsPolygonCCW(parcels)"));
            Assert.Equal(0L, await pg.Scalar<long>(db,
                "SELECT count(*) FROM place WHERE ST_XMin(area) < -180 OR ST_XMax(area) > 180 OR ST_YMin(area) < -85 OR ST_YMax(area) > 85 " +
                "OR ST_XMin(zone::geometry) < -180 OR ST_YMax(zone::geometry) > 85 OR abs(ST_Y(pt)) > 85"));
            Assert.Equal(0L, await pg.Scalar<long>(db, "SELECT count(*) FROM place WHERE ST_SRID(parcels) <> 3857 OR ST_SRID(lines) <> 32633 OR ST_SRID(pts) <> 0"));
            Assert.Equal(0L, await pg.Scalar<long>(db, "SELECT count(*) FROM place WHERE ST_NumGeometries(parcels) < 2 OR ST_Z(ptz) IS NULL"));
            Assert.Equal(0L, await pg.Scalar<long>(db, "SELECT count(*) FROM place, unnest(shapes) s WHERE NOT ST_IsValid(s)"));
        });

    [ExtensionFact("vector", "postgresql-15-pgvector")]
    public Task Pgvector_columns_load_vectors_of_their_dimension() => Populate("vector", """
        CREATE EXTENSION IF NOT EXISTS vector;
        CREATE TABLE doc (id int PRIMARY KEY, embedding vector(8) NOT NULL, small vector(3) NOT NULL);
        """, async db =>
        {
            Assert.Equal(Rows, await pg.Scalar<long>(db, "SELECT count(*) FROM doc WHERE vector_dims(embedding) = 8 AND vector_dims(small) = 3"));
        });
}
