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

        // Other settings into the same database: the schemas are made again, not silently kept.
        var rescaled = Cli.Plurel([.. Args()[..^1], "0.3"]);
        Assert.True(rescaled.ExitCode == 0, rescaled.ToString());
        Assert.Contains("(0 already complete)", rescaled.StdOut);
        Assert.Equal(2L, await pg.Scalar<long>("corpus_t", "SELECT count(*) FROM plurel_manifest WHERE recipe LIKE '%scale=0.3'"));
    }

    /// <summary>Several databases are made at once with more threads: each is still the same pure function of its
    /// seed, and the progress lines stay in database order.</summary>
    [Fact]
    public async Task Corpus_made_with_one_or_two_threads_holds_the_same_rows()
    {
        foreach (var (db, threads) in new[] { ("corpus_thr1", "1"), ("corpus_thr2", "2") })
        {
            await pg.Execute("postgres", $"DROP DATABASE IF EXISTS {db} WITH (FORCE)");
            var r = Cli.Plurel("corpus", "--db", pg.Url("postgres"), "--database", db, "--count", "3", "--seed", "5",
                "--tables-range", "3-4", "--scale", "0.2", "--threads", threads);
            Assert.True(r.ExitCode == 0, r.ToString());
            var lines = r.StdErr.Split('\n').Where(l => l.TrimStart().StartsWith("plurel_0", StringComparison.Ordinal)).ToList();
            Assert.Equal(["plurel_00000", "plurel_00001", "plurel_00002"], lines.Select(l => l.Trim()[..12]));
            Assert.Contains("frozen MLPs:", r.StdErr);
        }
        const string digest = """
            SELECT string_agg(t.schemaname || '.' || t.tablename || ':' || (xpath('/row/c/text()',
                query_to_xml(format('SELECT md5(string_agg(x::text, '','' ORDER BY x::text)) AS c FROM %I.%I x', t.schemaname, t.tablename), false, true, '')))[1]::text, ';' ORDER BY t.schemaname, t.tablename)
            FROM pg_tables t WHERE t.schemaname LIKE 'plurel_0%'
            """;
        var one = await pg.Scalar<string>("corpus_thr1", digest);
        Assert.Contains("plurel_00002.", one);
        Assert.Equal(one, await pg.Scalar<string>("corpus_thr2", digest));
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

    /// <summary>Issue acceptance: the same seed gives the same bytes with one generator thread and with two (the
    /// parallel block evaluation and the in-flight batches both run), and another seed gives other bytes.</summary>
    [Fact]
    public async Task Sample_seed_7_dumps_are_identical_for_one_and_two_threads()
    {
        foreach (var (db, seed, threads) in new[] { ("thr_1", "7", "1"), ("thr_2", "7", "2"), ("thr_8", "8", "2") })
        {
            var r = Cli.Plurel("sample", "--db", pg.Url("postgres"), "--database", db, "--seed", seed, "--tables", "10", "--threads", threads);
            Assert.True(r.ExitCode == 0, r.ToString());
        }
        var tables = await Tables("thr_1");
        Assert.Equal(10, tables.Count);
        Assert.Equal(tables, await Tables("thr_2"));
        var differs = false;
        foreach (var (table, key) in tables)
        {
            var one = await Dump("thr_1", table, key);
            Assert.Equal(one, await Dump("thr_2", table, key));
            Assert.True(one.Length > 0, table);
            if (!(await Tables("thr_8")).Contains((table, key)) || one != await Dump("thr_8", table, key)) differs = true;
        }
        Assert.True(differs, "seed 8 gave the same dumps as seed 7");
    }

    private async Task<List<(string Table, string Key)>> Tables(string db)
    {
        await using var conn = new Npgsql.NpgsqlConnection(pg.ConnectionString(db));
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand("""
            SELECT c.conrelid::regclass::text, string_agg(quote_ident(a.attname), ', ' ORDER BY k.ord)
            FROM pg_constraint c CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY k(attnum, ord)
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
            WHERE c.contype = 'p' AND c.connamespace = 'public'::regnamespace
            GROUP BY c.conrelid ORDER BY 1
            """, conn);
        var result = new List<(string, string)>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) result.Add((reader.GetString(0), reader.GetString(1)));
        return result;
    }

    private async Task<string> Dump(string db, string table, string key)
    {
        await using var conn = new Npgsql.NpgsqlConnection(pg.ConnectionString(db));
        await conn.OpenAsync();
        using var reader = await conn.BeginTextExportAsync($"COPY (SELECT * FROM {table} ORDER BY {key}) TO STDOUT");
        return await reader.ReadToEndAsync();
    }
}
