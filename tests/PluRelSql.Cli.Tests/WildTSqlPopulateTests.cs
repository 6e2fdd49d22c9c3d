using System.Diagnostics;
using Npgsql;
using PluRelSql.TestSupport;

namespace PluRelSql.Cli.Tests;

/// <summary>A fact or theory that needs ../shared/corpus/wild; skipped with the reason when it is not beside the checkout.</summary>
public sealed class WildTSqlTheoryAttribute : TheoryAttribute
{
    public WildTSqlTheoryAttribute()
    {
        if (!Directory.Exists(Repo.Corpus("wild"))) Skip = $"the wild corpus is not here ({Repo.Corpus("wild")}): it lives beside the checkout in shared/corpus/wild";
    }
}

/// <summary>Issue 14's acceptance for SQL Server scripts of real products: every T-SQL file of the wild corpus
/// populates PostgreSQL (--create, 100 rows a table): exit 0, the tables the script leaves behind, every one
/// non-empty, every constraint validated. Table counts are what the scripts leave, not their CREATE TABLE
/// statements: Hangfire's install creates 13 but drops Value and the first Hash in its upgrade blocks (11 remain,
/// as on a real server); identityserver4's 22 include EF Core's __EFMigrationsHistory.</summary>
[Collection(ClusterCollection.Name)]
public sealed class WildTSqlPopulateTests(ClusterFixture pg)
{
    /// <summary>File, tables, PK/FK/UNIQUE/CHECK constraints (OMOP's keys live in sibling files upstream), extra options.</summary>
    public static TheoryData<string, int, int, string[]> Files => new()
    {
        { "tsql-quartznet.sql", 11, 15, [] },
        { "tsql-hangfire.sql", 11, 13, ["--var", "HangFireSchema=HangFire"] },
        { "tsql-identityserver4-configuration.sql", 22, 39, [] },
        { "tsql-omop-cdm.sql", 39, 0, [] },
    };

    [WildTSqlTheory]
    [MemberData(nameof(Files))]
    public async Task Every_wild_tsql_file_populates_postgres_with_every_table_filled_and_every_constraint_validated(
        string file, int tables, int expectedConstraints, string[] extra)
    {
        var database = "wild_" + Path.GetFileNameWithoutExtension(file).Replace('-', '_');
        var clock = Stopwatch.StartNew();
        var run = Cli.Plurel(["populate", "--db", pg.Url("postgres"), "--schema", Repo.Corpus("wild/" + file), "--recreate",
            "--database", database, "--rows", "100", "--fit-rows", .. extra]);
        Assert.True(run.ExitCode == 0, run.ToString());
        await using var conn = new NpgsqlConnection(pg.ConnectionString(database));
        await conn.OpenAsync();
        var names = new List<string>();
        await using (var cmd = new NpgsqlCommand(
            "SELECT format('%I.%I', schemaname, tablename) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')", conn))
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync()) names.Add(reader.GetString(0));
        Assert.Equal(tables, names.Count);
        long rows = 0;
        foreach (var t in names)
        {
            await using var cmd = new NpgsqlCommand($"SELECT count(*) FROM {t}", conn);
            var n = (long)(await cmd.ExecuteScalarAsync())!;
            Assert.True(n > 0, $"{file}: table {t} is empty");
            rows += n;
        }
        await using var constraints = new NpgsqlCommand(
            "SELECT count(*), count(*) FILTER (WHERE NOT convalidated) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace " +
            "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND c.contype IN ('p', 'f', 'u', 'c', 'x')", conn);
        await using var r = await constraints.ExecuteReaderAsync();
        await r.ReadAsync();
        var (count, invalid) = (r.GetInt64(0), r.GetInt64(1));
        Assert.Equal(expectedConstraints, count);
        Assert.Equal(0L, invalid);
        Console.WriteLine($"| {file} | {names.Count} | {count} | {rows} | {clock.Elapsed.TotalSeconds:0.0} | ok |");
    }
}

/// <summary>The same files into SQL Server itself (PLUREL_MSSQL): the tables the script leaves, every one non-empty,
/// every key and CHECK trusted (checked by the server, not merely declared).</summary>
public sealed class WildTSqlSqlServerTests
{
    [MssqlTheory]
    [MemberData(nameof(WildTSqlPopulateTests.Files), MemberType = typeof(WildTSqlPopulateTests))]
    public async Task Every_wild_tsql_file_populates_sql_server_with_every_table_filled_and_every_constraint_trusted(
        string file, int tables, int expectedConstraints, string[] extra)
    {
        if (!Directory.Exists(Repo.Corpus("wild"))) Assert.Fail($"the wild corpus is not here ({Repo.Corpus("wild")})");
        var database = SqlServerTarget.Name("wild_" + Path.GetFileNameWithoutExtension(file).Replace('-', '_'));
        try
        {
            var run = Cli.Plurel(["populate", "--db", SqlServerTarget.ConnectionString!, "--database", database, "--recreate",
                "--schema", Repo.Corpus("wild/" + file), "--rows", "100", "--fit-rows", .. extra]);
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Equal(tables, await SqlServerTarget.ScalarAsync<int>(database,
                "SELECT count(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_TYPE = 'BASE TABLE'"));
            Assert.Equal(0, await SqlServerTarget.ScalarAsync<int>(database, """
                DECLARE @empty int = 0, @sql nvarchar(max) = N'';
                SELECT @sql += N'IF NOT EXISTS (SELECT 1 FROM ' + QUOTENAME(s.name) + N'.' + QUOTENAME(t.name) + N') SET @empty += 1;'
                FROM sys.tables t JOIN sys.schemas s ON s.schema_id = t.schema_id WHERE t.is_ms_shipped = 0;
                EXEC sp_executesql @sql, N'@empty int OUTPUT', @empty OUTPUT;
                SELECT @empty;
                """));
            Assert.Equal(expectedConstraints, await SqlServerTarget.ScalarAsync<int>(database,
                "SELECT count(*) FROM sys.objects WHERE type IN ('PK', 'F', 'UQ', 'C') AND is_ms_shipped = 0"));
            Assert.Equal(0, await SqlServerTarget.ScalarAsync<int>(database,
                "SELECT (SELECT count(*) FROM sys.foreign_keys WHERE is_not_trusted = 1 OR is_disabled = 1) + " +
                "(SELECT count(*) FROM sys.check_constraints WHERE is_not_trusted = 1 OR is_disabled = 1)"));
        }
        finally
        {
            await SqlServerTarget.DropAsync(database);
        }
    }
}

/// <summary>A computed column PostgreSQL cannot hold as a generated column (CONVERT with a date style is to_char,
/// STABLE) is loaded as a plain column of its declared type whose values the load computes from the same row; one
/// that does not translate at all (@@SPID) is a plain column of generated values. Both with a warning, exit 0.</summary>
[Collection(ClusterCollection.Name)]
public sealed class TSqlComputedColumnPopulateTests(ClusterFixture pg)
{
    [Fact]
    public async Task Untranslatable_computed_column_is_loaded_as_a_plain_column_of_its_declared_type()
    {
        var dir = Directory.CreateTempSubdirectory("plurel-computed-");
        var file = Path.Combine(dir.FullName, "computed.sql");
        await File.WriteAllTextAsync(file, """
            CREATE TABLE [dbo].[t] ([id] int PRIMARY KEY, [d] datetime2(7) NOT NULL, [p] decimal(10,2) NOT NULL,
              [s] AS CONVERT(nvarchar(23), [d], 121), [q] AS CAST([p] AS decimal(12,3)),
              [CreatedAt] datetime NOT NULL, [Label] AS (CONVERT(nvarchar(23), [CreatedAt], 121)), [Day] AS CONVERT(char(8), [CreatedAt], 112),
              [spid] AS (@@SPID), CONSTRAINT [UQ_t_label] UNIQUE ([Label], [id]));
            GO
            """);
        var run = Cli.Plurel("populate", "--db", pg.Url("postgres"), "--schema", file, "--recreate", "--database", "computed_pg", "--rows", "20");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("loaded as a plain character varying(23) column whose values are computed from the row after the load", run.StdErr);
        Assert.Contains("(@@SPID) cannot be written for PostgreSQL", run.StdErr);
        Assert.Equal("character varying(23)", await pg.Scalar<string>("computed_pg",
            "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 't'::regclass AND attname = 's'"));
        Assert.Equal(20L, await pg.Scalar<long>("computed_pg", "SELECT count(*) FROM t WHERE s IS NOT NULL"));
        Assert.Equal(0L, await pg.Scalar<long>("computed_pg",
            "SELECT count(*) FROM t WHERE s IS DISTINCT FROM to_char(d, 'YYYY-MM-DD HH24:MI:SS.MS')"));
        Assert.Equal(0L, await pg.Scalar<long>("computed_pg",
            "SELECT count(*) FROM t WHERE \"Label\" IS DISTINCT FROM to_char(\"CreatedAt\", 'YYYY-MM-DD HH24:MI:SS.MS')"));
        Assert.Equal(0L, await pg.Scalar<long>("computed_pg",
            "SELECT count(*) FROM t WHERE \"Day\" IS DISTINCT FROM to_char(\"CreatedAt\", 'YYYYMMDD')"));
        Assert.Equal(20L, await pg.Scalar<long>("computed_pg", "SELECT count(*) FROM t WHERE q = p"));
        Assert.Equal(1L, await pg.Scalar<long>("computed_pg", "SELECT count(*) FROM pg_constraint WHERE conname = 'UQ_t_label' AND convalidated"));
        dir.Delete(true);
    }
}
