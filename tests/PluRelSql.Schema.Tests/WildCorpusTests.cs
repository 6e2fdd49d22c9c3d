using System.Text.RegularExpressions;
using PluRelSql.Schema.Postgres;

namespace PluRelSql.Schema.Tests;

/// <summary>A fact or theory over ../shared/corpus/wild (real schemas nobody here wrote); skipped with the reason when
/// the corpus is not beside the checkout.</summary>
public sealed class WildCorpusTheoryAttribute : TheoryAttribute
{
    public WildCorpusTheoryAttribute()
    {
        if (!Directory.Exists(WildCorpusTests.Dir)) Skip = $"the wild corpus is not here ({WildCorpusTests.Dir}): it lives beside the checkout in shared/corpus/wild";
    }
}

public sealed class WildCorpusFactAttribute : FactAttribute
{
    public WildCorpusFactAttribute()
    {
        if (!Directory.Exists(WildCorpusTests.Dir)) Skip = $"the wild corpus is not here ({WildCorpusTests.Dir}): it lives beside the checkout in shared/corpus/wild";
    }
}

/// <summary>Issue 14's acceptance for the offline reader: every PostgreSQL file of the wild corpus reads into a graph
/// with the tables the file creates. The expected numbers were counted in the files (and are counted again here):
/// tables = CREATE [UNLOGGED] TABLE statements — partitions included, since the reader keeps a partition as a table
/// of its own (pg-gisia.sql attaches 6); primary keys and foreign keys = what pg_catalog holds after a psql load
/// (SOURCES.md), except pg-gisia.sql's foreign keys: its 6 FOREIGN KEY clauses sit on partitioned parents, and the
/// catalog's 18 add the copies PostgreSQL makes on each partition.
/// Not read alone: pg-mimic-iv-constraint.sql only adds keys to pg-mimic-iv.sql's tables (a two-file schema, read as
/// the pair); pg-mimic-iv-load.sql is a psql loader script (\cd, \COPY from CSV files) that creates no table: it reads
/// as an empty graph with its \copy commands counted as skipped.</summary>
public sealed partial class WildCorpusTests
{
    public static string Dir => Corpus.Path_("wild");

    private static string F(string name) => Path.Combine(Dir, name);

    public static TheoryData<string[], int, int, int> Files => new()
    {
        { ["pg-baldurs-mouth.sql"], 23, 20, 23 },
        { ["pg-feedbin.sql"], 43, 42, 8 },
        { ["pg-gisia.sql"], 87, 87, 6 },
        { ["pg-iso-3166.sql"], 2, 1, 1 },
        { ["pg-mimic-iv.sql", "pg-mimic-iv-constraint.sql"], 31, 24, 51 },
        { ["pg-mimic-iv.sql"], 31, 0, 0 },
        { ["pg-mimic-iv-load.sql"], 0, 0, 0 },
        { ["pg-neon-happiness-index.sql"], 1, 1, 0 },
        { ["pg-neon-periodic-table.sql"], 1, 1, 0 },
        { ["pg-neon-titanic.sql"], 1, 1, 0 },
        { ["pg-safecast.sql"], 21, 18, 3 },
        { ["pg-supabase.sql"], 9, 9, 3 },
        { ["pg-temporal-visibility.sql"], 1, 1, 0 },
        { ["pg-temporal.sql"], 37, 37, 0 },
    };

    [GeneratedRegex(@"^\s*CREATE\s+(?:UNLOGGED\s+)?TABLE\b", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex CreateTable();

    [WildCorpusTheory]
    [MemberData(nameof(Files))]
    public void Every_postgres_file_reads_with_the_tables_it_creates(string[] files, int tables, int primaryKeys, int foreignKeys)
    {
        var paths = files.Select(F).ToList();
        Assert.Equal(tables, paths.Sum(p => CreateTable().Matches(File.ReadAllText(p)).Count));
        var r = PgDdlReader.ReadFiles(paths);
        var g = r.Graph;
        Assert.Equal(tables, g.Tables.Count);
        Assert.Equal(primaryKeys, g.Tables.Count(t => t.PrimaryKey is not null));
        Assert.Equal(foreignKeys, g.Tables.Sum(t => t.ForeignKeys.Count));
        // What does not shape tables is skipped, never an error, and each skip has its place in a file.
        Assert.All(r.Skipped, s => Assert.Contains(s.Position.File, paths));
    }

    [WildCorpusFact]
    public void Every_postgres_file_of_the_corpus_is_covered()
    {
        var covered = Files.Select(row => (string[])row[0]).SelectMany(f => f).ToHashSet();
        var present = Directory.GetFiles(Dir, "pg-*.sql").Select(Path.GetFileName).OfType<string>();
        Assert.Equal([], present.Where(p => !covered.Contains(p)).ToList());
    }

    [WildCorpusFact]
    public void Particular_facts_of_the_wild_files_hold()
    {
        var gisia = PgDdlReader.ReadFiles([F("pg-gisia.sql")]).Graph;
        Assert.Equal(6, gisia.Tables.Count(t => t.IsPartition));
        Assert.Equal(["epic_activities", "issue_activities", "merge_request_activities"],
            gisia.Table("public", "activities").Partitioning!.Partitions.Select(p => p.Table.Name).Order());

        // Extension types are kept by name and modifiers (citext in baldurs-mouth, hstore in feedbin, PostGIS in safecast).
        static HashSet<string> OtherTypes(SchemaGraph g) =>
            g.Tables.SelectMany(t => t.Columns).Where(c => c.Type.Kind == TypeKind.Other).Select(c => c.Type.ToPgSql()).ToHashSet();
        Assert.Superset(new HashSet<string> { "citext", "citext[]" }, OtherTypes(PgDdlReader.ReadFiles([F("pg-baldurs-mouth.sql")]).Graph));
        Assert.Contains("hstore", OtherTypes(PgDdlReader.ReadFiles([F("pg-feedbin.sql")]).Graph));
        var safecast = PgDdlReader.ReadFiles([F("pg-safecast.sql")]).Graph;
        Assert.Contains(safecast.Tables.SelectMany(t => t.Columns), c => c.Type.ToPgSql() == "postgis.geography(Point,4326)");

        // The loader script: no table, its \cd and \COPY counted.
        var load = PgDdlReader.ReadFiles([F("pg-mimic-iv-load.sql")]);
        Assert.Empty(load.Graph.Tables);
        Assert.StartsWith("3 \\cd commands", load.SkipSummary(), StringComparison.Ordinal);
        Assert.Contains("31 \\copy commands", load.SkipSummary(), StringComparison.Ordinal);

        // pg_dump's own statements of Supabase's schema: functions, event triggers, a publication … skipped, counted.
        var supabase = PgDdlReader.ReadFiles([F("pg-supabase.sql")]);
        Assert.Contains("15 functions", supabase.SkipSummary(), StringComparison.Ordinal);
        Assert.Contains("6 event triggers", supabase.SkipSummary(), StringComparison.Ordinal);
        Assert.Equal(["pg_graphql", "pg_stat_statements", "pgcrypto", "pgjwt", "pgsodium", "supabase_vault", "uuid-ossp"],
            supabase.Graph.Extensions.Order(StringComparer.Ordinal));

        // The constraint half alone names tables it does not create.
        var e = Assert.Throws<SchemaException>(() => PgDdlReader.ReadFiles([F("pg-mimic-iv-constraint.sql")]));
        Assert.Contains("ALTER TABLE on missing table mimiciv_hosp.admissions", e.Message, StringComparison.Ordinal);
    }
}
