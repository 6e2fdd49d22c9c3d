using System.Text.RegularExpressions;
using PluRelSql.Generation;
using PluRelSql.Generation.PluRel;
using PluRelSql.Schema;
using PluRelSql.Schema.Postgres;
using PluRelSql.Storage;

namespace PluRelSql.Workflows.Tests;

/// <summary>The workflows' own logic, without a server: planning, the refusals made before a target is touched, and
/// refusals worded in settings rather than CLI flags.</summary>
public sealed class PopulateWorkflowTests
{
    // Nothing listens here: a test that reached the server would fail with a connection error, not the refusal it expects.
    private static DatabaseEndpoint SqlServer(string database) => new(DatabaseTargets.SqlServer,
        $"Server=127.0.0.1,9;Database={database};Connect Timeout=1;TrustServerCertificate=true", database, "127.0.0.1,9/" + database);

    private static SchemaGraph Read(string ddl) => PgDdlReader.Read(ddl, "t.sql").Graph;

    private static PopulateOptions Options(long rows = 10, bool create = false, bool recreate = false) =>
        new(new GenerationOptions { DefaultRows = rows }, create, recreate, Truncate: false, BatchSize: 1000, PluRelEngine: false,
            Threads: 1, ScriptPaths: null);

    [Fact]
    public void A_key_too_small_for_the_rows_is_refused_naming_the_row_settings()
    {
        var graph = Read("CREATE TABLE t (id integer PRIMARY KEY, flag boolean UNIQUE);");
        var e = Assert.Throws<UsageException>(() =>
            PopulateWorkflow.PlanRows(graph, new GenerationOptions { DefaultRows = 1000 }, DatabaseTargets.Postgres, TextWriter.Null));
        Assert.Equal([Setting.Rows, Setting.FitRows], e.Settings);
        Assert.EndsWith("but 1,000 rows were asked for; lower Rows t=… or pass FitRows", e.Message, StringComparison.Ordinal);
        Assert.EndsWith("; lower --rows t=… or pass --fit-rows", e.Render(s => s == Setting.Rows ? "--rows" : "--fit-rows"), StringComparison.Ordinal);

        var fitted = PopulateWorkflow.PlanRows(graph, new GenerationOptions { DefaultRows = 1000, FitRows = true }, DatabaseTargets.Postgres, TextWriter.Null);
        Assert.Equal(2, fitted.RowCounts.Single().Value);
    }

    [Fact]
    public void The_row_plan_names_each_tables_role_one_line_each_or_a_list_per_role_for_many_tables()
    {
        var graph = Read("""
            CREATE TABLE order_status (id int PRIMARY KEY, label text);
            CREATE TABLE customer (id int PRIMARY KEY, name text);
            CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL REFERENCES customer, status_id int REFERENCES order_status, at timestamptz);
            CREATE TABLE order_line (order_id int NOT NULL REFERENCES orders, line int NOT NULL, qty int, PRIMARY KEY (order_id, line));
            """);
        var log = new StringWriter();
        var plan = PopulateWorkflow.PlanRows(graph, new GenerationOptions { DefaultRows = 8000 }, DatabaseTargets.Postgres, TextWriter.Null);
        PopulateWorkflow.DescribePlan(plan, log, s => s == Setting.Sizing ? "--sizing" : s.ToString());
        var lines = log.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("row plan: 10,520 rows in 4 tables, sized by role (--sizing uniform gives every table the same count):", lines[0]);
        Assert.Equal(["  public.order_line    fact                8,000", "  public.orders        fact                2,000",
                      "  public.customer      entity                500", "  public.order_status  lookup                 20"], lines[1..]);

        // Many tables: one wrapped list per role, largest role first.
        var many = Read(string.Join("\n", Enumerable.Range(0, 40).Select(i => $"CREATE TABLE t{i:D2} (id int PRIMARY KEY);")) +
                        "\nCREATE TABLE kind (id int PRIMARY KEY); CREATE TABLE thing (id int PRIMARY KEY, kind_id int REFERENCES kind);");
        var wide = new StringWriter();
        PopulateWorkflow.DescribePlan(PopulateWorkflow.PlanRows(many, new GenerationOptions { DefaultRows = 1000 }, DatabaseTargets.Postgres, TextWriter.Null), wide);
        var text = wide.ToString();
        Assert.Contains("  standalone (40): t00 1,000, t01 1,000,", text, StringComparison.Ordinal);
        Assert.Contains("  lookup (1): kind 10", text, StringComparison.Ordinal);
        Assert.Contains("  fact (1): thing 1,000", text, StringComparison.Ordinal);
        Assert.All(text.Split(Environment.NewLine), l => Assert.True(l.Length <= 110, l));
    }

    [Fact]
    public void A_plan_above_the_row_limit_names_the_limit()
    {
        var graph = Read("CREATE TABLE t (id bigint PRIMARY KEY); CREATE TABLE u (id bigint PRIMARY KEY);");
        var e = Assert.Throws<UsageException>(() => PopulateWorkflow.PlanRows(graph,
            new GenerationOptions { DefaultRows = 1000, MaxTotalRows = 1500 }, DatabaseTargets.Postgres, TextWriter.Null));
        Assert.Equal([Setting.Rows, Setting.Scale, Setting.MaxRows], e.Settings);
        Assert.EndsWith("; lower Rows or Scale, or raise MaxRows (0: no limit)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_table_the_target_cannot_hold_is_refused_for_that_target_only()
    {
        var graph = Read("CREATE TABLE t (id bigint PRIMARY KEY);");
        var rows = new GenerationOptions { DefaultRows = 2_000_000_000_000, MaxTotalRows = 0 };
        var e = Assert.Throws<UsageException>(() => PopulateWorkflow.PlanRows(graph, rows, DatabaseTargets.Postgres, TextWriter.Null));
        Assert.StartsWith("public.t: 2,000,000,000,000 rows are more than one PostgreSQL table can hold", e.Message, StringComparison.Ordinal);
        Assert.Empty(e.Settings);
        Assert.Equal(2_000_000_000_000, PopulateWorkflow.PlanRows(graph, rows, DatabaseTargets.SqlServer, TextWriter.Null).TotalRows);
    }

    [Fact]
    public void A_large_plan_is_described_before_it_is_loaded()
    {
        var graph = Read("CREATE TABLE t (id bigint PRIMARY KEY, note text);");
        var log = new StringWriter();
        PopulateWorkflow.PlanRows(graph, new GenerationOptions { DefaultRows = 2_000_000 }, DatabaseTargets.Postgres, log);
        Assert.StartsWith("planned 2,000,000 rows in 1 tables", log.ToString(), StringComparison.Ordinal);
        Assert.Contains("  public.t: 2,000,000 rows", log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_unnamed_default_database_is_refused_before_the_server_is_contacted()
    {
        var graph = Read("CREATE TABLE t (id integer PRIMARY KEY);");
        var plan = PopulateWorkflow.PlanRows(graph, Options().Rows, DatabaseTargets.SqlServer, TextWriter.Null);
        var e = await Assert.ThrowsAsync<UsageException>(() =>
            PopulateWorkflow.RunAsync(Options(create: true), graph, plan, SqlServer("Master"), TextWriter.Null, null, CancellationToken.None));
        Assert.Equal("name the database to fill: Database=… in ConnectionString, or Database NAME (not master)", e.Message);
        Assert.Equal([Setting.ConnectionString, Setting.Database], e.Settings);
    }

    [Fact]
    public async Task A_cycle_of_not_null_keys_without_create_is_refused_before_a_target_without_server_checks_is_touched()
    {
        var graph = Read("""
            CREATE TABLE a (id integer PRIMARY KEY, b_id integer NOT NULL);
            CREATE TABLE b (id integer PRIMARY KEY, a_id integer NOT NULL REFERENCES a (id));
            ALTER TABLE a ADD CONSTRAINT a_b FOREIGN KEY (b_id) REFERENCES b (id);
            """);
        var plan = PopulateWorkflow.PlanRows(graph, Options().Rows, DatabaseTargets.SqlServer, TextWriter.Null);
        Assert.False(DatabaseTargets.SqlServer.ChecksCompatibility);
        var e = await Assert.ThrowsAsync<UsageException>(() =>
            PopulateWorkflow.RunAsync(Options(), graph, plan, SqlServer("fill_me"), TextWriter.Null, null, CancellationToken.None));
        // SQL Server defers no key checks: the DEFERRABLE way out is not offered there.
        Assert.EndsWith("that needs the key added after the data (use Create)", e.Message, StringComparison.Ordinal);
        Assert.Equal([Setting.Create], e.Settings);
    }

    [Fact]
    public async Task Recreating_a_system_database_is_refused_before_a_target_without_server_checks_is_touched()
    {
        var graph = Read("CREATE TABLE t (id integer PRIMARY KEY);");
        var plan = PopulateWorkflow.PlanRows(graph, Options().Rows, DatabaseTargets.SqlServer, TextWriter.Null);
        var e = await Assert.ThrowsAsync<UsageException>(() =>
            PopulateWorkflow.RunAsync(Options(recreate: true), graph, plan, SqlServer("msdb"), TextWriter.Null, null, CancellationToken.None));
        Assert.Equal("refusing to drop the system database \"msdb\"", e.Message);
    }

    [Fact]
    public void Targets_say_what_populate_may_ask_of_them()
    {
        Assert.True(DatabaseTargets.Postgres.ChecksCompatibility);
        Assert.True(DatabaseTargets.Postgres.DefersConstraintChecks);
        Assert.True(DatabaseTargets.Postgres.RunsSchemaScripts);
        Assert.Null(DatabaseTargets.Postgres.DefaultDatabase);
        Assert.False(DatabaseTargets.SqlServer.DefersConstraintChecks);
        Assert.False(DatabaseTargets.SqlServer.RunsSchemaScripts);
        Assert.Equal("master", DatabaseTargets.SqlServer.DefaultDatabase);
    }

    [Fact]
    public async Task Sampled_databases_and_corpora_refuse_a_sql_server_target_before_touching_it()
    {
        var sampled = SchemaSampler.Sample(7, new SamplerConfig { ForceTables = 3 });
        var sample = await Assert.ThrowsAsync<UsageException>(() => SampleWorkflow.RunAsync(SqlServer("s"), "sample",
            SampleWorkflow.Generator(sampled, 1), 1, TextWriter.Null, null, CancellationToken.None));
        Assert.Equal("sample loads into PostgreSQL only; the target is not a PostgreSQL server", sample.Message);
        var corpus = await Assert.ThrowsAsync<UsageException>(() => CorpusWorkflow.EnsureAsync(SqlServer("c"), 1, 1, new SamplerConfig(), 1.0, 1,
            TextWriter.Null, CancellationToken.None));
        Assert.Equal("a corpus loads into PostgreSQL only; the target is not a PostgreSQL server", corpus.Message);
    }

    [Fact]
    public void Scaling_refusals_name_settings()
    {
        var sampled = SchemaSampler.Sample(7, new SamplerConfig { ForceTables = 3 });
        var e = Assert.Throws<UsageException>(() => SampleWorkflow.Scaled(sampled, -1, "s"));
        Assert.Equal("Scale must be a positive number", e.Message);
        Assert.Equal("--scale must be a positive number", e.Render(_ => "--scale"));
        var bad = Assert.Throws<UsageException>(() => (Scaling.ScalingSettings.Quick with { Context = 4 }).Validate());
        Assert.Equal("Context must be at least 8 and TokensPerBatch at least Context", bad.Message);
        Assert.Equal([Setting.Context, Setting.TokensPerBatch, Setting.Context], bad.Settings);
    }

    [Fact]
    public void A_plain_refusal_renders_as_its_message()
    {
        var e = new UsageException("no {0} here");
        Assert.Empty(e.Settings);
        Assert.Equal("no {0} here", e.Render(_ => "--x"));
    }

    /// <summary>The library speaks in settings; only the CLI knows its flags (pg_restore's own flag is quoted, not ours).</summary>
    [Fact]
    public void No_cli_flag_is_written_in_the_workflows_source()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PluRelSql.sln"))) dir = dir.Parent;
        Assert.NotNull(dir);
        var src = Path.Combine(dir.FullName, "src", "PluRelSql.Workflows");
        var files = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(files);
        var flags = files.SelectMany(f => Regex.Matches(File.ReadAllText(f), @"(?<![\w-])--[a-z][a-z-]*").Select(m => $"{Path.GetFileName(f)}: {m.Value}"))
            .Where(m => !m.EndsWith(": --disable-triggers", StringComparison.Ordinal))
            .ToList();
        Assert.Empty(flags);
    }
}
