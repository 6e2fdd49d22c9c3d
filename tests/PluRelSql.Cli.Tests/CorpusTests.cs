using Npgsql;
using PluRelSql.Schema;
using PluRelSql.Schema.Output;
using PluRelSql.Schema.Postgres;
using PluRelSql.Storage.Postgres;
using PluRelSql.TestSupport;

namespace PluRelSql.Cli.Tests;

/// <summary>The spine's acceptance: every corpus schema populates with every constraint validated, the same
/// constraint counts as psql loading the file gives, and the graph read from the file equals the graph
/// PostgreSQL's catalog shows after psql loaded it.</summary>
[Collection(ClusterCollection.Name)]
public sealed class CorpusTests(ClusterFixture pg)
{
    public sealed record Corpus(string Key, string[] Files, string? ReferenceDb, Dictionary<char, long>? FixedExpectation)
    {
        public override string ToString() => Key;
    }

    public static readonly Dictionary<string, Corpus> All = new()
    {
        // chinook.sql drops/creates database "chinook" and \c's into it itself.
        ["chinook"] = new("chinook", ["postgres/chinook.sql"], "chinook", null),
        ["northwind"] = new("northwind", ["postgres/northwind.sql"], "ref_northwind", null),
        ["pagila"] = new("pagila", ["postgres/pagila-schema.sql"], "ref_pagila", null),
        // psql loads none of dss.ri's DB2-style keys: the target is the 8 primary and 8 foreign keys it declares.
        ["tpch"] = new("tpch", ["generic/tpch-dss.ddl", "generic/tpch-dss.ri"], null, new() { ['p'] = 8, ['f'] = 8 }),
    };

    public static TheoryData<string> Keys => new(All.Keys);

    private static readonly SemaphoreSlim ReferenceLock = new(1, 1);
    private static readonly HashSet<string> Loaded = [];

    /// <summary>Loads the file with psql (once per test run) into its reference database.</summary>
    private async Task EnsureReference(Corpus c)
    {
        if (c.ReferenceDb is null) return;
        await ReferenceLock.WaitAsync();
        try
        {
            if (!Loaded.Add(c.Key)) return;
            var connectTo = c.Key == "chinook" ? "postgres" : c.ReferenceDb;
            if (c.Key != "chinook") await pg.RecreateDatabase(c.ReferenceDb);
            var r = pg.Psql(connectTo, "-f", Repo.Corpus(c.Files[0]));
            Assert.True(r.ExitCode == 0, $"psql could not load {c.Files[0]}: {r}");
        }
        finally { ReferenceLock.Release(); }
    }

    private const string ConstraintCounts = """
        SELECT contype::text, count(*) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND contype IN ('p', 'f', 'u', 'c')
        GROUP BY contype
        """;

    private async Task<Dictionary<char, long>> Counts(string db)
    {
        await using var conn = new NpgsqlConnection(pg.ConnectionString(db));
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(ConstraintCounts, conn);
        await using var r = await cmd.ExecuteReaderAsync();
        var d = new Dictionary<char, long>();
        while (await r.ReadAsync()) d[r.GetString(0)[0]] = r.GetInt64(1);
        return d;
    }

    [CorpusTheory]
    [MemberData(nameof(Keys))]
    public async Task Populate_fills_every_table_with_every_constraint_validated(string key)
    {
        var c = All[key];
        await EnsureReference(c);
        var db = "plr_" + key;
        var args = new List<string> { "populate", "--db", pg.Url("postgres"), "--database", db, "--recreate", "--rows", "2000", "--seed", "3" };
        foreach (var f in c.Files) args.AddRange(["--schema", Repo.Corpus(f)]);
        var run = Cli.Plurel([.. args]);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("loaded", run.StdOut);

        // Every table (partitions included) holds rows.
        await using var conn = new NpgsqlConnection(pg.ConnectionString(db));
        await conn.OpenAsync();
        var tables = new List<string>();
        await using (var cmd = new NpgsqlCommand("""
            SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
            """, conn))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) tables.Add(r.GetString(0));
        Assert.NotEmpty(tables);
        foreach (var t in tables)
        {
            await using var cmd = new NpgsqlCommand($"SELECT count(*) FROM {t}", conn);
            Assert.True((long)(await cmd.ExecuteScalarAsync())! > 0, $"{key}: table {t} is empty");
        }

        await using (var cmd = new NpgsqlCommand("SELECT count(*) FROM pg_constraint WHERE NOT convalidated", conn))
            Assert.Equal(0L, (long)(await cmd.ExecuteScalarAsync())!);

        var expected = c.FixedExpectation ?? await Counts(c.ReferenceDb!);
        var actual = await Counts(db);
        Assert.Equal(expected.OrderBy(x => x.Key), actual.OrderBy(x => x.Key));

        // What we created is what the file says (DDL emission round trip through the real catalog).
        var fileGraph = PgDdlReader.ReadFiles(c.Files.Select(Repo.Corpus)).Graph;
        var live = await PgIntrospector.ReadAsync(conn);
        Assert.Empty(SchemaDiff.Compare(fileGraph, live));
    }

    [CorpusTheory]
    [MemberData(nameof(Keys))]
    public async Task Populate_through_the_plurel_engine_keeps_every_constraint(string key)
    {
        var c = All[key];
        var db = "eng_" + key;
        var args = new List<string> { "populate", "--db", pg.Url("postgres"), "--database", db, "--recreate", "--rows", "1500", "--engine", "plurel" };
        foreach (var f in c.Files) args.AddRange(["--schema", Repo.Corpus(f)]);
        var run = Cli.Plurel([.. args]);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(0L, await pg.Scalar<long>(db, "SELECT count(*) FROM pg_constraint WHERE NOT convalidated"));
        Assert.True(await pg.Scalar<long>(db, "SELECT count(*) FROM pg_constraint WHERE contype = 'f'") > 0);
    }

    [CorpusTheory]
    [InlineData("chinook")]
    [InlineData("northwind")]
    [InlineData("pagila")]
    public async Task Graph_read_from_the_file_equals_the_graph_of_the_database_psql_loaded(string key)
    {
        var c = All[key];
        await EnsureReference(c);
        var fileGraph = PgDdlReader.ReadFiles(c.Files.Select(Repo.Corpus)).Graph;
        await using var conn = new NpgsqlConnection(pg.ConnectionString(c.ReferenceDb!));
        await conn.OpenAsync();
        var live = await PgIntrospector.ReadAsync(conn);
        var diff = SchemaDiff.Compare(fileGraph, live);
        Assert.True(diff.Count == 0, string.Join(Environment.NewLine, diff));
    }

    [CorpusFact("generic/tpch-dss.ddl")]
    public async Task Tpch_ddl_alone_equals_what_psql_loads()
    {
        await pg.RecreateDatabase("ref_tpch_ddl");
        var r = pg.Psql("ref_tpch_ddl", "-f", Repo.Corpus("generic/tpch-dss.ddl"));
        Assert.True(r.ExitCode == 0, r.ToString());
        var fileGraph = PgDdlReader.ReadFiles([Repo.Corpus("generic/tpch-dss.ddl")]).Graph;
        await using var conn = new NpgsqlConnection(pg.ConnectionString("ref_tpch_ddl"));
        await conn.OpenAsync();
        var diff = SchemaDiff.Compare(fileGraph, await PgIntrospector.ReadAsync(conn));
        Assert.True(diff.Count == 0, string.Join(Environment.NewLine, diff));
    }

    [CorpusFact("postgres/pagila-pg18-schema.sql")]
    public void Pagila_pg18_is_read_and_populating_it_on_postgres_15_names_the_missing_features()
    {
        var file = Repo.Corpus("postgres/pagila-pg18-schema.sql");
        var graph = PgDdlReader.ReadFiles([file]).Graph;
        Assert.Contains(graph.Tables, t => t.Columns.Any(col => col.GeneratedKind == "VIRTUAL"));

        var run = Cli.Plurel("populate", "--db", pg.Url("postgres"), "--database", "plr_pagila18",
            "--create", "--rows", "100", "--schema", file);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("VIRTUAL generated column", run.StdErr); // adapted (created STORED), said as a note
        Assert.Contains("uuidv7", run.StdErr);
        Assert.Contains("pagila-pg18-schema.sql:", run.StdErr);
    }
}
