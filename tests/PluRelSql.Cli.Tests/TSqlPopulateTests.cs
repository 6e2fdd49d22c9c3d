using Npgsql;
using PluRelSql.Schema;
using PluRelSql.Schema.Dialects;
using PluRelSql.Schema.TSql;
using PluRelSql.TestSupport;

namespace PluRelSql.Cli.Tests;

/// <summary>T-SQL sample databases populate PostgreSQL through the translation: every table filled, every
/// constraint of the translated schema present and validated (pubs' LIKE '[0-9]…' CHECKs, chinook's bracketed
/// indexes, sakila's NOT NULL FK cycle between store and staff).</summary>
[Collection(ClusterCollection.Name)]
public sealed class TSqlPopulateTests(ClusterFixture pg)
{
    [CorpusTheory("tsql")]
    [InlineData("tsql/pubs.sql", "pubs_pg")]
    [InlineData("tsql/chinook.sql", "chinook_pg")]
    [InlineData("tsql/sakila-schema.sql", "sakila_pg")]
    public async Task Tsql_script_populates_postgres_with_every_constraint_validated(string file, string database)
    {
        // --fit-rows: pubs' publishers key admits only 105 values (see below).
        var run = Cli.Plurel("populate", "--db", pg.Url("postgres"), "--schema", Repo.Corpus(file), "--recreate", "--database", database, "--fit-rows");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("loaded", run.StdOut);

        var graph = DialectConverter.Convert(TSqlDdlReader.ReadFiles([Repo.Corpus(file)]).Graph, SqlDialect.PostgreSql).Graph;
        await using var conn = new NpgsqlConnection(pg.ConnectionString(database));
        await conn.OpenAsync();
        foreach (var t in graph.Tables)
        {
            await using var cmd = new NpgsqlCommand($"SELECT count(*) FROM {t.Name.ToSql()}", conn);
            Assert.True((long)(await cmd.ExecuteScalarAsync())! > 0, $"{file}: table {t.Name} is empty");
        }
        async Task<long> Count(string where)
        {
            await using var cmd = new NpgsqlCommand(
                $"SELECT count(*) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public' AND {where}", conn);
            return (long)(await cmd.ExecuteScalarAsync())!;
        }
        Assert.Equal(0L, await Count("NOT convalidated"));
        Assert.Equal(graph.Tables.Count(t => t.PrimaryKey is not null), await Count("contype = 'p'"));
        Assert.Equal(graph.Tables.Sum(t => t.ForeignKeys.Count), await Count("contype = 'f'"));
        Assert.Equal(graph.Tables.Sum(t => t.Checks.Count), await Count("contype = 'c'"));
        Assert.Equal(graph.Indexes.Count, (long)(await new NpgsqlCommand(
            "SELECT count(*) FROM pg_indexes WHERE schemaname = 'public' AND indexname NOT IN (SELECT conname FROM pg_constraint)", conn)
            .ExecuteScalarAsync())!);
    }

    [CorpusFact("tsql/pubs.sql")]
    public async Task Pubs_like_checks_hold_on_the_generated_keys()
    {
        var run = Cli.Plurel("populate", "--db", pg.Url("postgres"), "--schema", Repo.Corpus("tsql/pubs.sql"), "--recreate",
            "--database", "pubs_like", "--rows", "300", "--fit-rows", "--sizing", "uniform");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("public.publishers: 105 of 300 rows (PRIMARY KEY (pub_id) can hold at most 105 distinct values", run.StdOut);
        // The CHECKs are in force (convalidated) and say what pubs says, as regular expressions.
        Assert.Equal(300L, await pg.Scalar<long>("pubs_like",
            "SELECT count(*) FROM authors WHERE au_id ~ '^[0-9]{3}-[0-9]{2}-[0-9]{4}$' AND (zip IS NULL OR zip ~ '^[0-9]{5}$')"));
        Assert.True(await pg.Scalar<long>("pubs_like", "SELECT count(*) FROM authors WHERE zip IS NOT NULL") > 200);
        Assert.Equal(300L, await pg.Scalar<long>("pubs_like", "SELECT count(DISTINCT emp_id) FROM employee"));
        // pub_id IN (5 values) OR LIKE '99[0-9][0-9]' admits 105 keys: --fit-rows caps publishers there.
        Assert.Equal(105L, await pg.Scalar<long>("pubs_like", "SELECT count(*) FROM publishers"));
        Assert.Contains("getdate", await File.ReadAllTextAsync(Repo.Corpus("tsql/pubs.sql")), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("CURRENT_TIMESTAMP", await pg.Scalar<string>("pubs_like",
            "SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = 'titles'::regclass AND adnum = (SELECT attnum FROM pg_attribute WHERE attrelid = 'titles'::regclass AND attname = 'pubdate')"));
    }

    [CorpusFact("tsql/sakila-schema.sql")]
    public async Task Sakila_cycle_without_create_is_refused_before_anything_is_written()
    {
        await pg.RecreateDatabase("sakila_nocreate");
        var run = Cli.Plurel("populate", "--db", pg.Url("postgres"), "--schema", Repo.Corpus("tsql/sakila-schema.sql"),
            "--database", "sakila_nocreate", "--rows", "10");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("cycle of NOT NULL foreign keys", run.StdErr);
        Assert.Equal(0L, await pg.Scalar<long>("sakila_nocreate", "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"));
    }

    [CorpusFact("postgres/pagila-schema.sql", "tsql/pubs.sql")]
    public void Convert_writes_either_dialect_with_warnings_that_carry_positions()
    {
        var output = Path.Combine(Path.GetTempPath(), $"plurel-convert-{Environment.ProcessId}.sql");
        try
        {
            var run = Cli.Plurel("convert", "--schema", Repo.Corpus("postgres/pagila-schema.sql"), "--to", "tsql", "--out", output);
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Equal("", run.StdOut);
            Assert.Matches(@"warning: .*pagila-schema\.sql:\d+:\d+: index film_fulltext_idx", run.StdErr);
            var back = TSqlDdlReader.ReadFiles([output]).Graph;
            Assert.Equal(15, back.Tables.Count); // 22 tables less the 7 payment partitions

            var pgRun = Cli.Plurel("convert", "--schema", Repo.Corpus("tsql/pubs.sql"), "--to", "postgres");
            Assert.True(pgRun.ExitCode == 0, pgRun.ToString());
            Assert.Contains("CREATE TABLE public.authors", pgRun.StdOut);
            Assert.Contains("au_id ~ '^[0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9][0-9][0-9]$'", pgRun.StdOut);
            Assert.DoesNotContain("getdate", pgRun.StdOut, StringComparison.OrdinalIgnoreCase);

            var bad = Cli.Plurel("convert", "--schema", Repo.Corpus("tsql/pubs.sql"), "--to", "oracle");
            Assert.Equal(2, bad.ExitCode);
        }
        finally { File.Delete(output); }
    }
}
