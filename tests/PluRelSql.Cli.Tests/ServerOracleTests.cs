using System.Diagnostics;
using Npgsql;
using PluRelSql.Schema;
using PluRelSql.Schema.Output;
using PluRelSql.Schema.Postgres;
using PluRelSql.Storage.Postgres;
using PluRelSql.TestSupport;
using Xunit.Abstractions;

namespace PluRelSql.Cli.Tests;

/// <summary>A test over PostgreSQL files of ../shared/corpus/wild; skipped with the reason when the corpus is not
/// beside the checkout, when a file needs an extension this machine lacks, or when a NOT NULL column has a type
/// without a value generator yet (the run would be refused by design).</summary>
public sealed class WildFileFactAttribute : FactAttribute
{
    public WildFileFactAttribute(params string[] files)
    {
        var paths = files.Select(f => Repo.Corpus("wild/" + f)).ToList();
        if (!paths.All(File.Exists)) { Skip = $"the wild corpus is not here ({Repo.Corpus("wild")}): it lives beside the checkout in shared/corpus/wild"; return; }
        var graph = PgDdlReader.ReadFiles(paths).Graph;
        var missing = graph.Extensions.Where(e => !File.Exists($"/usr/share/postgresql/15/extension/{e}.control")).ToList();
        if (missing.Count > 0) { Skip = $"needs extension {string.Join(", ", missing)} (no /usr/share/postgresql/15/extension/{missing[0]}.control on this machine)"; return; }
        var ungeneratable = graph.Tables.SelectMany(t => t.Columns.Where(c => !c.Nullable && c.IsLoaded && !PluRelSql.Generation.Values.ExtensionValues.CanGenerate(c.Type))
            .Select(c => $"{t.Name}.{c.Name} {c.Type}")).ToList();
        if (ungeneratable.Count > 0)
            Skip = $"NOT NULL columns of types without a value generator: {string.Join(", ", ungeneratable.Take(3))}" +
                   (ungeneratable.Count > 3 ? $" and {ungeneratable.Count - 3} more" : "");
    }
}

/// <summary>Issue 14: with --create the server runs the PostgreSQL script (the oracle) and rows are generated for the
/// catalog's graph; triggers and rules do not fire on generated rows; a statement the server refuses is a schema error
/// at its file:line:col that leaves no database; a missing extension is one clear error before anything is made.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ServerOracleTests(ClusterFixture pg, ITestOutputHelper output)
{
    private static readonly string Row = Path.Combine(Path.GetTempPath(), "plurel-wild-populate.md");

    private const string UserRelation = """
        n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_toast%'
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
        """;

    /// <summary>Every user index and constraint by table and name with its definition, sorted.</summary>
    private async Task<List<string>> Definitions(string db)
    {
        var all = new List<string>();
        await using var conn = new NpgsqlConnection(pg.ConnectionString(db));
        await conn.OpenAsync();
        await using (var cmd = new NpgsqlCommand($"""
            SELECT format('%I.%I %s', n.nspname, ic.relname, pg_get_indexdef(i.indexrelid)) || CASE WHEN i.indisclustered THEN ' CLUSTERED' ELSE '' END
            FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class c ON c.oid = i.indrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {UserRelation}
            UNION ALL
            SELECT format('%I.%I %I %s', n.nspname, c.relname, k.conname, pg_get_constraintdef(k.oid))
            FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE {UserRelation}
            """, conn))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) all.Add(r.GetString(0));
        all.Sort(StringComparer.Ordinal);
        return all;
    }

    private async Task<(long Tables, Dictionary<string, long> Constraints)> Counts(string db)
    {
        var tables = await pg.Scalar<long>(db, $"SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND {UserRelation}");
        var constraints = new Dictionary<string, long>();
        await using var conn = new NpgsqlConnection(pg.ConnectionString(db));
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"""
            SELECT k.contype::text, count(*) FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE k.contype IN ('p', 'f', 'u', 'c', 'x') AND {UserRelation} GROUP BY 1 ORDER BY 1
            """, conn);
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) constraints[r.GetString(0)] = r.GetInt64(1);
        return (tables, constraints);
    }

    private static string Key(string[] files) => Path.GetFileNameWithoutExtension(files[0]).Replace('-', '_');

    /// <summary>psql -v ON_ERROR_STOP=1 -f each file into a fresh database (once per test run).</summary>
    private async Task<string> Reference(string[] files)
    {
        var db = "ref_w_" + Key(files);
        // Databases are dropped WITH (FORCE) here and by --recreate: this process's pooled connections to them are dead.
        NpgsqlConnection.ClearAllPools();
        await pg.RecreateDatabase(db);
        var args = new List<string>();
        foreach (var f in files) args.AddRange(["-f", Repo.Corpus("wild/" + f)]);
        var r = pg.Psql(db, [.. args]);
        Assert.True(r.ExitCode == 0, $"psql could not load {string.Join(" ", files)}: {r}");
        return db;
    }

    private async Task PopulateLikePsql(string[] files, bool fitRows = false)
    {
        var reference = await Reference(files);
        var db = "plr_w_" + Key(files);
        var args = new List<string> { "populate", "--db", pg.Url("postgres"), "--database", db, "--recreate", "--rows", "200" };
        if (fitRows) args.Add("--fit-rows");
        foreach (var f in files) args.AddRange(["--schema", Repo.Corpus("wild/" + f)]);
        var watch = Stopwatch.StartNew();
        var run = Cli.Plurel([.. args]);
        var seconds = watch.Elapsed.TotalSeconds;
        output.WriteLine(run.StdErr);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("the server ran the script's", run.StdErr);

        // Every table holds rows (a partitioned parent through its partitions).
        var empty = new List<string>();
        long rows = 0;
        await using (var conn = new NpgsqlConnection(pg.ConnectionString(db)))
        {
            await conn.OpenAsync();
            var tables = new List<string>();
            await using (var cmd = new NpgsqlCommand($"SELECT format('%I.%I', n.nspname, c.relname), c.relkind = 'p' FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND {UserRelation}", conn))
            await using (var r = await cmd.ExecuteReaderAsync())
                while (await r.ReadAsync()) tables.Add(r.GetString(0) + (r.GetBoolean(1) ? " p" : ""));
            foreach (var t in tables)
            {
                var name = t.EndsWith(" p", StringComparison.Ordinal) ? t[..^2] : t;
                await using var cmd = new NpgsqlCommand($"SELECT count(*) FROM ONLY {name}", conn);
                var n = (long)(await cmd.ExecuteScalarAsync())!;
                rows += n;
                if (n == 0 && !t.EndsWith(" p", StringComparison.Ordinal)) empty.Add(name);
            }
        }
        Assert.True(empty.Count == 0, "empty tables: " + string.Join(", ", empty));
        Assert.Equal(0L, await pg.Scalar<long>(db, "SELECT count(*) FROM pg_constraint WHERE NOT convalidated"));

        var expected = await Counts(reference);
        var actual = await Counts(db);
        Assert.Equal(expected.Tables, actual.Tables);
        Assert.Equal(expected.Constraints.OrderBy(x => x.Key), actual.Constraints.OrderBy(x => x.Key));
        // Keys and indexes are dropped around the COPYs and built again after them: each must come back as the script
        // made it (name, definition, clustering).
        var want = await Definitions(reference);
        var got = await Definitions(db);
        Assert.True(want.SequenceEqual(got), "indexes and constraints differ from psql's load:" + Environment.NewLine +
            string.Join(Environment.NewLine, want.Except(got).Select(x => "- " + x).Concat(got.Except(want).Select(x => "+ " + x))));
        var line = $"| {string.Join(" + ", files)} | {actual.Tables} | {string.Join(" ", actual.Constraints.Select(x => $"{x.Key.ToUpperInvariant()}{x.Value}"))} | {rows} | {seconds:F1} | ok{(fitRows ? " (--fit-rows)" : "")} |";
        output.WriteLine(line);
        await File.AppendAllTextAsync(Row, line + Environment.NewLine);
    }

    [WildFileFact("pg-gisia.sql")] public Task Gisia() => PopulateLikePsql(["pg-gisia.sql"]);
    // nexus_endpoints_partition_status' key is CHECKed to one value: --fit-rows gives it the one row it can hold.
    [WildFileFact("pg-temporal.sql")] public Task Temporal() => PopulateLikePsql(["pg-temporal.sql"], fitRows: true);
    [WildFileFact("pg-temporal-visibility.sql")] public Task TemporalVisibility() => PopulateLikePsql(["pg-temporal-visibility.sql"]);
    [WildFileFact("pg-safecast.sql")] public Task Safecast() => PopulateLikePsql(["pg-safecast.sql"]);
    [WildFileFact("pg-feedbin.sql")] public Task Feedbin() => PopulateLikePsql(["pg-feedbin.sql"]);
    [WildFileFact("pg-baldurs-mouth.sql")] public Task BaldursMouth() => PopulateLikePsql(["pg-baldurs-mouth.sql"]);
    [WildFileFact("pg-mimic-iv.sql", "pg-mimic-iv-constraint.sql")] public Task MimicIv() => PopulateLikePsql(["pg-mimic-iv.sql", "pg-mimic-iv-constraint.sql"]);
    [WildFileFact("pg-neon-periodic-table.sql")] public Task NeonPeriodicTable() => PopulateLikePsql(["pg-neon-periodic-table.sql"]);
    [WildFileFact("pg-neon-happiness-index.sql")] public Task NeonHappinessIndex() => PopulateLikePsql(["pg-neon-happiness-index.sql"]);
    [WildFileFact("pg-neon-titanic.sql")] public Task NeonTitanic() => PopulateLikePsql(["pg-neon-titanic.sql"]);
    [WildFileFact("pg-iso-3166.sql")] public Task Iso3166() => PopulateLikePsql(["pg-iso-3166.sql"]);


    /// <summary>The offline reader against the catalog (the oracle) after psql loaded the same files: a difference is a
    /// failure, except the known ones listed with the file (the catalog wins; each is a reader gap to close). The
    /// corpus/postgres files are compared by CorpusTests.Graph_read_from_the_file_equals_the_graph_of_the_database_psql_loaded.</summary>
    private async Task ReaderEqualsCatalog(string[] files, params string[] known)
    {
        var reference = await Reference(files);
        var fileGraph = PgDdlReader.ReadFiles(files.Select(f => Repo.Corpus("wild/" + f))).Graph;
        await using var conn = new NpgsqlConnection(pg.ConnectionString(reference));
        await conn.OpenAsync();
        var live = await PgIntrospector.ReadAsync(conn);
        var diff = SchemaDiff.Compare(fileGraph, live).Select(d => d.ToString()!).ToList();
        foreach (var d in diff) output.WriteLine(d);
        Assert.True(diff.Order(StringComparer.Ordinal).SequenceEqual(known.Order(StringComparer.Ordinal)),
            "reader vs catalog:" + Environment.NewLine + string.Join(Environment.NewLine, diff));
    }

    [WildFileFact("pg-gisia.sql")] public Task Gisia_reader_equals_catalog() => ReaderEqualsCatalog(["pg-gisia.sql"]);
    [WildFileFact("pg-temporal.sql")] public Task Temporal_reader_equals_catalog() => ReaderEqualsCatalog(["pg-temporal.sql"]);
    [WildFileFact("pg-temporal-visibility.sql")] public Task TemporalVisibility_reader_equals_catalog() => ReaderEqualsCatalog(["pg-temporal-visibility.sql"]);
    [WildFileFact("pg-safecast.sql")] public Task Safecast_reader_equals_catalog() => ReaderEqualsCatalog(["pg-safecast.sql"]);
    [WildFileFact("pg-feedbin.sql")] public Task Feedbin_reader_equals_catalog() => ReaderEqualsCatalog(["pg-feedbin.sql"]);
    [WildFileFact("pg-mimic-iv.sql", "pg-mimic-iv-constraint.sql")] public Task MimicIv_reader_equals_catalog() => ReaderEqualsCatalog(["pg-mimic-iv.sql", "pg-mimic-iv-constraint.sql"]);
    [WildFileFact("pg-neon-periodic-table.sql")] public Task NeonPeriodicTable_reader_equals_catalog() => ReaderEqualsCatalog(["pg-neon-periodic-table.sql"]);
    [WildFileFact("pg-neon-happiness-index.sql")] public Task NeonHappinessIndex_reader_equals_catalog() => ReaderEqualsCatalog(["pg-neon-happiness-index.sql"]);
    [WildFileFact("pg-neon-titanic.sql")] public Task NeonTitanic_reader_equals_catalog() => ReaderEqualsCatalog(["pg-neon-titanic.sql"]);
    [WildFileFact("pg-iso-3166.sql")] public Task Iso3166_reader_equals_catalog() => ReaderEqualsCatalog(["pg-iso-3166.sql"]);

    private async Task<List<string>> Databases(string like) =>
        (await pg.Scalar<string>("postgres", $"SELECT coalesce(string_agg(datname, ','), '') FROM pg_database WHERE datname LIKE '{like}'"))
            .Split(',', StringSplitOptions.RemoveEmptyEntries).ToList();

    [CorpusFact("wild/pg-supabase.sql")]
    public async Task Supabase_fails_with_one_clear_extension_error_and_leaves_no_database()
    {
        var file = Repo.Corpus("wild/pg-supabase.sql");
        if (!File.Exists(file)) return; // the corpus is not here (the WildFileFacts above say so)
        var run = Cli.Plurel("populate", "--db", pg.Url("postgres"), "--database", "plr_w_supabase", "--recreate", "--rows", "200", "--schema", file);
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("extension \"pgsodium\" is not available", run.StdErr);
        Assert.Contains("no stock package", run.StdErr);
        Assert.Contains("auth.users", run.StdErr);
        Assert.DoesNotContain("Unhandled", run.StdErr);
        Assert.Single(run.StdErr.Split('\n'), l => l.Contains("error:", StringComparison.Ordinal));
        Assert.Empty(await Databases("plr_w_supabase%"));
    }

    [Fact]
    public async Task A_missing_extension_names_its_debian_package_and_the_tables_of_its_types()
    {
        var dir = Directory.CreateTempSubdirectory("plurel-ext-").FullName;
        var file = Path.Combine(dir, "ext.sql");
        await File.WriteAllTextAsync(file, """
            CREATE EXTENSION IF NOT EXISTS no_such_ext_here;
            CREATE EXTENSION IF NOT EXISTS hstore;
            CREATE TABLE plain (id int PRIMARY KEY);
            CREATE TABLE t (id int PRIMARY KEY, attrs hstore);
            """);
        var run = Cli.Plurel("populate", "--db", pg.Url("postgres"), "--database", "plr_ext", "--create", "--rows", "10", "--schema", file);
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("extension \"no_such_ext_here\" is not available", run.StdErr);
        Assert.Contains("postgresql-15-NAME", run.StdErr);
        Assert.Contains("tables that need no_such_ext_here: all 2", run.StdErr);
        Assert.DoesNotContain("hstore\" is not available", run.StdErr); // available: honoured
        Assert.Empty(await Databases("plr_ext%"));
    }

    [Fact]
    public void The_debian_package_table_names_postgis_pgvector_contrib_and_supabase()
    {
        var graph = new SchemaGraph();
        var lines = PgCompatibility.MissingExtensions(["postgis", "vector", "citext", "pgsodium"], graph, "PostgreSQL 15", 15);
        Assert.Contains("postgresql-15-postgis-3", lines[0]);
        Assert.Contains("postgresql-15-pgvector", lines[1]);
        Assert.Contains("postgresql-contrib", lines[2]);
        Assert.Contains("no stock package", lines[3]);
    }

    [Fact]
    public async Task A_statement_the_server_refuses_is_a_schema_error_at_its_place_and_no_database_is_left()
    {
        var dir = Directory.CreateTempSubdirectory("plurel-oracle-").FullName;
        var file = Path.Combine(dir, "bad.sql");
        // The reader skips function bodies; the server checks them.
        await File.WriteAllTextAsync(file, """
            CREATE TABLE a (id int PRIMARY KEY);

            CREATE FUNCTION f() RETURNS int LANGUAGE sql
                AS 'SELECT count(*) FROM nowhere';
            """);
        var run = Cli.Plurel("populate", "--db", pg.Url("postgres"), "--database", "plr_refused", "--recreate", "--rows", "10", "--schema", file);
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("bad.sql:4:30: the server refused this statement: relation \"nowhere\" does not exist", run.StdErr);
        Assert.Empty(await Databases("plr_refused%"));
    }

    [Fact]
    public async Task Triggers_and_rules_do_not_fire_on_generated_rows_and_are_enabled_again()
    {
        var dir = Directory.CreateTempSubdirectory("plurel-trg-").FullName;
        var file = Path.Combine(dir, "trg.sql");
        await File.WriteAllTextAsync(file, """
            CREATE TABLE parent (id int PRIMARY KEY, name text NOT NULL);
            CREATE TABLE child (id int PRIMARY KEY, parent_id int NOT NULL REFERENCES parent (id), note text);
            CREATE TABLE audit (id serial PRIMARY KEY, what text);
            CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'trigger fired'; END $$;
            CREATE TRIGGER parent_refuse BEFORE INSERT ON parent FOR EACH ROW EXECUTE FUNCTION refuse();
            CREATE TRIGGER child_refuse AFTER INSERT ON child FOR EACH ROW EXECUTE FUNCTION refuse();
            CREATE TRIGGER child_replica BEFORE INSERT ON child FOR EACH ROW EXECUTE FUNCTION refuse();
            ALTER TABLE child ENABLE REPLICA TRIGGER child_replica;
            CREATE RULE audit_nothing AS ON INSERT TO audit DO INSTEAD NOTHING;
            """);
        var run = Cli.Plurel("populate", "--db", pg.Url("postgres"), "--database", "plr_triggers", "--recreate", "--rows", "50", "--schema", file);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("note: 3 triggers on 2 tables and 1 rule were disabled during the load", run.StdErr);
        Assert.Equal(50L, await pg.Scalar<long>("plr_triggers", "SELECT count(*) FROM child"));
        Assert.Equal(50L, await pg.Scalar<long>("plr_triggers", "SELECT count(*) FROM audit")); // the rule did not swallow them
        Assert.Equal("child_refuse:O,child_replica:R,parent_refuse:O", await pg.Scalar<string>("plr_triggers",
            "SELECT string_agg(tgname::text || ':' || tgenabled::text, ',' ORDER BY tgname) FROM pg_trigger WHERE NOT tgisinternal"));
        Assert.Equal("O", await pg.Scalar<string>("plr_triggers", "SELECT ev_enabled::text FROM pg_rewrite WHERE rulename = 'audit_nothing'"));
        Assert.Equal(0L, await pg.Scalar<long>("plr_triggers", "SELECT count(*) FROM pg_constraint WHERE NOT convalidated"));
        Assert.Equal(1L, await pg.Scalar<long>("plr_triggers", "SELECT count(*) FROM pg_constraint WHERE contype = 'f'"));
    }
}
