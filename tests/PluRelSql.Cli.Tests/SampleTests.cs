using PluRelSql.TestSupport;

namespace PluRelSql.Cli.Tests;

/// <summary>Sampled databases through the PluRel engine: loaded with every constraint, deterministic, resumable.</summary>
[Collection(ClusterCollection.Name)]
public sealed class SampleTests(ClusterFixture pg)
{
    [Fact]
    public async Task Corpus_fills_schemas_with_a_manifest_and_a_second_run_skips_them()
    {
        string[] Args() => ["corpus", "--db", pg.Url("postgres"), "--database", "corpus_t", "--count", "2", "--seed", "3",
            "--tables-range", "3-4", "--scale", "0.2"];
        await pg.Execute("postgres", "DROP DATABASE IF EXISTS corpus_t WITH (FORCE)");
        var first = Cli.Plurel(Args());
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("(0 already complete)", first.StdOut);
        Assert.Equal(2L, await pg.Scalar<long>("corpus_t", "SELECT count(*) FROM plurel_manifest"));
        Assert.Equal(0L, await pg.Scalar<long>("corpus_t", "SELECT count(*) FROM pg_constraint WHERE NOT convalidated"));
        var tables = await pg.Scalar<long>("corpus_t",
            "SELECT count(*) FROM pg_tables WHERE schemaname IN ('plurel_00000', 'plurel_00001')");
        Assert.Equal(await pg.Scalar<long>("corpus_t", "SELECT sum(tables)::bigint FROM plurel_manifest"), tables);
        Assert.True(await pg.Scalar<long>("corpus_t", "SELECT count(*) FROM pg_constraint WHERE contype = 'f'") > 0);

        var second = Cli.Plurel(Args());
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("(2 already complete)", second.StdOut);
    }

    [Fact]
    public async Task Sample_is_deterministic_for_a_seed()
    {
        foreach (var (db, seed) in new[] { ("samp_a", "11"), ("samp_b", "11"), ("samp_c", "12") })
        {
            var r = Cli.Plurel("sample", "--db", pg.Url("postgres"), "--database", db, "--seed", seed, "--tables", "3", "--scale", "0.3");
            Assert.True(r.ExitCode == 0, r.ToString());
        }
        const string digest = """
            SELECT string_agg(t.tablename || ':' || (xpath('/row/c/text()',
                query_to_xml(format('SELECT md5(string_agg(x::text, '','' ORDER BY x::text)) AS c FROM %I.%I x', t.schemaname, t.tablename), false, true, '')))[1]::text, ';' ORDER BY t.tablename)
            FROM pg_tables t WHERE t.schemaname = 'public'
            """;
        var a = await pg.Scalar<string>("samp_a", digest);
        Assert.Equal(a, await pg.Scalar<string>("samp_b", digest));
        Assert.NotEqual(a, await pg.Scalar<string>("samp_c", digest));
    }
}
