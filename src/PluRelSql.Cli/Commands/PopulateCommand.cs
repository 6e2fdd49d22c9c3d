using System.CommandLine;
using System.Globalization;
using Npgsql;
using PluRelSql.Generation;
using PluRelSql.Schema;
using PluRelSql.Schema.Output;
using PluRelSql.Schema.Postgres;
using PluRelSql.Storage;
using PluRelSql.Storage.Postgres;
using PluRelSql.Storage.SqlServer;

namespace PluRelSql.Cli.Commands;

/// <summary><c>plurel populate --schema FILE</c>: generate constraint-valid rows and bulk-load them, all or nothing.</summary>
public static class PopulateCommand
{
    public static Command Create()
    {
        var schema = new Option<string[]>("--schema", "-s") { Description = "Schema file(s), directories of *.sql files or quoted globs (repeatable).", Required = true };
        var db = new Option<string>("--db") { Description = "Target: libpq URI, Npgsql or SqlClient connection string (default: the embedded cluster)." };
        var provider = ProviderOption();
        var database = new Option<string>("--database", "-d") { Description = "Target database (default: the one in --db; on the embedded cluster: named after the schema file)." };
        var create = new Option<bool>("--create") { Description = "Create the database if needed and the schema's objects before loading." };
        var recreate = new Option<bool>("--recreate") { Description = "Drop the database first, then as --create." };
        var seed = new Option<ulong>("--seed") { Description = "Random seed: the same seed and sizes give the same rows.", DefaultValueFactory = _ => 1UL };
        var rows = new Option<string[]>("--rows", "-n") { Description = "Rows per table: N for every table, TABLE=N for one (repeatable).", AllowMultipleArgumentsPerToken = false };
        var scale = new Option<double>("--scale") { Description = "Multiply every row count.", DefaultValueFactory = _ => 1.0 };
        var truncate = new Option<bool>("--truncate") { Description = "Empty the target tables first (in the same transaction)." };
        var batch = new Option<int>("--batch-size") { Description = "Rows per generated batch.", DefaultValueFactory = _ => 8192 };
        var report = new Option<string>("--report") { Description = "Also write the load report as JSON to this file." };
        var engine = new Option<string>("--engine") { Description = "v1: independent constraint-aware values; plurel: HSBM foreign keys and causal features where constraints allow.", DefaultValueFactory = _ => "v1" };
        engine.AcceptOnlyFromAmong("v1", "plurel");
        var threads = CommonOptions.Threads();
        var fitRows = new Option<bool>("--fit-rows") { Description = "Give a table whose keys cannot hold the asked-for rows as many as they can (listed in the summary) instead of failing." };
        var maxRows = CommonOptions.MaxRows();
        var verbose = SchemaFiles.VerboseOption();
        var vars = SchemaFiles.VarOption();
        var cmd = new Command("populate", "Fill a database from a schema file with generated, constraint-valid rows (one transaction).")
        {
            schema, db, provider, database, create, recreate, seed, rows, scale, truncate, batch, report, engine, threads, fitRows, maxRows, verbose, vars,
        };
        cmd.SetAction((pr, ct) => ExitCodes.Run(() => Run(new Args(
            pr.GetValue(schema) ?? [], pr.GetValue(db), pr.GetValue(database), pr.GetValue(create) || pr.GetValue(recreate),
            pr.GetValue(recreate), pr.GetValue(seed), pr.GetValue(rows) ?? [], pr.GetValue(scale), pr.GetValue(truncate),
            pr.GetValue(batch), pr.GetValue(report), pr.GetValue(engine) == "plurel", pr.GetValue(threads), pr.GetValue(provider),
            pr.GetValue(fitRows), pr.GetValue(maxRows), pr.GetValue(verbose), SchemaFiles.Variables(pr.GetValue(vars))), ct)));
        return cmd;
    }

    /// <summary><c>--provider postgres|sqlserver</c>: which server <c>--db</c> is, when its text does not say.</summary>
    internal static Option<string> ProviderOption()
    {
        var provider = new Option<string>("--provider") { Description = "postgres or sqlserver (default: told from --db)." };
        provider.AcceptOnlyFromAmong("postgres", "sqlserver");
        return provider;
    }

    private sealed record Args(string[] Schema, string? Db, string? Database, bool Create, bool Recreate, ulong Seed,
        string[] Rows, double Scale, bool Truncate, int BatchSize, string? Report, bool PluRelEngine, int Threads, string? Provider,
        bool FitRows = false, long MaxRows = GenerationOptions.DefaultMaxTotalRows, bool Verbose = false,
        IReadOnlyDictionary<string, string>? Vars = null);

    private static async Task<int> Run(Args a, CancellationToken ct)
    {
        if (!(a.Scale > 0) || double.IsInfinity(a.Scale)) throw new UsageException("--scale must be a positive number");
        CommonOptions.CheckMaxRows(a.MaxRows);
        if (a.BatchSize is < 1 or > 1_000_000) throw new UsageException("--batch-size must be between 1 and 1000000");
        CommonOptions.CheckThreads(a.Threads);
        // Checked before anything is read or loaded: a bad --report path must not surface after a committed load.
        var paths = SchemaFiles.Expand(a.Schema); // directories and globs, as the readers take them
        var report = a.Report is { } r ? OutputFile.Prepare("--report", "the report", r, paths.Select(s => ("--schema", s))) : null;
        // The schema is loaded in the target's dialect: a T-SQL script as its PostgreSQL translation for PostgreSQL, a
        // PostgreSQL schema as its T-SQL translation for SQL Server (defaults, CHECKs and indexes rewritten).
        var provider = Target.Choose(a.Db, a.Provider);
        var graph = SchemaFiles.Read(a.Schema, Console.Error,
            provider == DatabaseProvider.SqlServer ? SqlDialect.TSql : SqlDialect.PostgreSql, a.Verbose, a.Vars);
        // A file with no table (a psql loader script, a file of functions) would "succeed" with an empty database.
        if (graph.Tables.Count == 0)
            throw new UsageException($"{string.Join(", ", a.Schema)}: no CREATE TABLE found, so there is nothing to populate " +
                                     "(is this a data-loading or migration script? pass the file that creates the tables)");
        var options = ParseRows(a.Rows) with { Seed = a.Seed, Scale = a.Scale, FitRows = a.FitRows, MaxTotalRows = a.MaxRows };
        // Row counts are settled (or refused) before any server is contacted or anything is created.
        var plan = PlanRows(graph, options, provider);
        var databaseName = a.Database ?? (a.Db is null ? DefaultDatabaseName(a.Schema[0]) : null);
        var target = await Target.Resolve(a.Db, databaseName, ct, a.Provider);
        if (target.Provider == DatabaseProvider.SqlServer) return await RunSqlServer(a, graph, plan, target, report, ct);

        // Held for the whole run: a second populate into the same database is refused; databases half-made by runs
        // that were killed (or whose server crashed) are dropped.
        await using var session = await target.OpenSessionAsync("populate", ct);
        await session.DropStaleBuildsAsync(Console.Error, ct);

        // With --create into a new database, the server runs the script's own statements (as psql would) and we
        // generate for the tables its catalog then holds: the server, not our reader, is the oracle. A T-SQL script
        // (converted) or a database that already exists is made from our reading by the DDL writer, as before.
        if (a.Recreate && target.Database is "postgres" or "template0" or "template1")
            throw new UsageException($"refusing to drop the system database \"{target.Database}\"");
        var build = a.Recreate || (a.Create && !await session.ExistsAsync(ct));
        // Only .sql files: other DDL files (.ddl, .ri …) are often another product's dialect that the reader tolerates.
        var script = build && paths.All(p => Path.GetExtension(p).Equals(".sql", StringComparison.OrdinalIgnoreCase)) &&
                     !paths.Any(SchemaFiles.IsTSql) ? PgScript.Statements(paths) : null;

        // What the server cannot hold is reported before anything is planned or written.
        PgCompatibility.Report compat;
        await using (var maintenance = new NpgsqlConnection(target.ConnectionStringFor("postgres")))
        {
            await maintenance.OpenAsync(ct);
            compat = await PgCompatibility.CheckAsync(maintenance, graph, ct, scriptRuns: script is not null);
            if (script is not null && compat.Adaptations.Count > 0)
            {
                // The server cannot run the script as written (a VIRTUAL column before 18): it gets our reading, adapted.
                script = null;
                compat = await PgCompatibility.CheckAsync(maintenance, graph, ct);
            }
        }
        foreach (var adaptation in compat.Adaptations) Console.Error.WriteLine($"note: {adaptation}");
        if (compat.Problems.Count > 0)
            throw new UsageException("the target server cannot hold this schema:" + Environment.NewLine + "  " +
                                     string.Join(Environment.NewLine + "  ", compat.Problems));

        // From our reading first, even when the server runs the script: what the generator refuses (an unsatisfiable
        // CHECK, a NOT NULL column without a generator) is said at its file:line:col before anything is made. The
        // catalog's graph is checked again after the server ran the script (in the temporary database, dropped on refusal).
        var generator = Generator(a, graph, plan, deferrableHelps: true, quiet: script is not null);

        // A database --create makes (and the new one of --recreate) is built under a temporary name and takes its
        // name only after the load committed: a killed run or a crashed server leaves no half-made database behind,
        // and --recreate drops the old one only then.
        var loadInto = target.ConnectionString;
        if (build) loadInto = session.ConnectionStringFor(await session.CreateBuildAsync(ct));
        else if (a.Create) await RefuseExistingTables(target, graph, ct);

        IReadOnlyList<string> pre, post;
        if (script is not null)
        {
            try
            {
                var ran = await PgScriptRunner.RunAsync(loadInto, script, ct);
                var skipped = script.Count(s => s.Kind != ScriptStatementKind.Schema);
                Console.Error.WriteLine($"note: the server ran the script's {ran} schema statements" +
                                        (skipped > 0 ? $" ({skipped} data and database statements not run: the rows are generated)" : "") +
                                        "; rows are generated for the tables its catalog holds");
                SchemaGraph live;
                await using (var conn = new NpgsqlConnection(loadInto + ";Pooling=false"))
                {
                    await conn.OpenAsync(ct);
                    live = await PgIntrospector.ReadAsync(conn, ct: ct);
                }
                if (live.Tables.Count == 0)
                    throw new UsageException($"{string.Join(", ", paths)}: the script created no table, so there is nothing to populate");
                graph = live;
                plan = PlanRows(graph, options, provider, describe: false);
                generator = Generator(a, graph, plan, deferrableHelps: true);
                var guards = await PgScriptRunner.GuardsAsync(loadInto, ct);
                if (guards.Triggers > 0 || guards.Rules > 0)
                    Console.Error.WriteLine("note: " + string.Join(" and ", new[]
                    {
                        guards.Triggers > 0 ? $"{guards.Triggers} trigger{(guards.Triggers == 1 ? "" : "s")} on {guards.TriggerTables} table{(guards.TriggerTables == 1 ? "" : "s")}" : null,
                        guards.Rules > 0 ? $"{guards.Rules} rule{(guards.Rules == 1 ? "" : "s")}" : null,
                    }.OfType<string>()) + $" {(guards.Triggers + guards.Rules == 1 ? "was" : "were")} disabled during the load (as pg_restore --disable-triggers), and enabled again");
                pre = guards.Before;
                post = guards.After;
            }
            catch
            {
                await session.DropBuildQuietlyAsync(Console.Error);
                throw;
            }
        }
        else
        {
            pre = a.Create ? PgDdlWriter.PreData(graph, compat.ServerMajorVersion) : [];
            post = a.Create ? PgDdlWriter.PostData(graph) : [];
        }
        var loadPlan = plan;
        var loadGenerator = generator;
        return await LoadAndReport(a, target, loadPlan, pre, post, report,
            // The script's tables are new and empty: truncated in the load's transaction, they are copied with FREEZE and,
            // at wal_level = minimal (the embedded cluster), without WAL, as tables our own DDL creates there are.
            (options, progress) => new PgLoader().LoadAsync(loadInto, loadPlan, loadGenerator,
                options with { TargetDatabase = target.Database, Truncate = options.Truncate || script is not null }, progress, ct),
            build, () => session.DropBuildQuietlyAsync(Console.Error), ct,
            publish: build ? () => session.PublishAsync(replace: a.Recreate, ct) : null);
    }

    /// <summary>populate into SQL Server: rows are generated for the T-SQL graph (the one the server holds) and
    /// SqlBulkCopy loads them all or nothing.</summary>
    private static async Task<int> RunSqlServer(Args a, SchemaGraph graph, GenerationPlan plan, Target target, OutputFile? report, CancellationToken ct)
    {
        if (target.Database.Equals("master", StringComparison.OrdinalIgnoreCase))
            throw new UsageException("name the database to fill: Database=… in --db, or --database NAME (not master)");
        // SQL Server has no deferrable constraints: a key of a NOT NULL cycle must be added after the data.
        var generator = Generator(a, graph, plan, deferrableHelps: false);

        // As on PostgreSQL: a lock on the database's name for the whole run (on master), temporary databases of runs
        // that are gone dropped, and a database --create makes (the new one of --recreate) built under a temporary name
        // that takes the real name only after the load committed.
        if (a.Recreate && SqlServerDatabases.IsSystem(target.Database))
            throw new UsageException($"refusing to drop the system database \"{target.Database}\"");
        await using var session = await SqlServerTargetSession.OpenAsync(target.ConnectionString, target.Database, "populate", ct);
        await session.DropStaleBuildsAsync(Console.Error, ct);
        var build = a.Recreate || (a.Create && !await session.ExistsAsync(ct));
        var loadInto = target.ConnectionString;
        if (build) loadInto = session.ConnectionStringFor(await session.CreateBuildAsync(ct));
        else if (a.Create &&
                 await SqlServerDatabases.FirstExistingTableAsync(target.ConnectionString, graph.Tables.Select(t => t.Name), ct) is { } existing)
            throw ExistingTable(target, existing);
        var pre = a.Create ? TSqlDdlWriter.PreData(graph) : [];
        var post = a.Create ? TSqlDdlWriter.PostData(graph) : [];
        return await LoadAndReport(a, target, plan, pre, post, report,
            (options, progress) => new SqlServerLoader().LoadAsync(loadInto, plan, generator, options, progress, ct),
            build, () => session.DropBuildQuietlyAsync(Console.Error), ct,
            publish: build ? () => session.PublishAsync(replace: a.Recreate, ct) : null);
    }

    /// <summary>The part both servers share: load with per-table progress, drop a database this run created when the
    /// load fails (the server is left as it was), print the summary and write the report (a failure there says the
    /// data is committed).</summary>
    /// <param name="publish">Gives a database built under a temporary name its real name, after the load committed.</param>
    private static async Task<int> LoadAndReport(Args a, Target target, GenerationPlan plan, IReadOnlyList<string> pre,
        IReadOnlyList<string> post, OutputFile? report, Func<LoadOptions, IProgress<TableProgress>, Task<LoadReport>> load, bool created,
        Func<Task> dropCreated, CancellationToken ct, Func<Task>? publish = null)
    {
        Console.Error.WriteLine($"populating {target.Describe()}: {plan.Order.Tables.Count} tables, {plan.TotalRows:N0} rows, seed {a.Seed}");
        var options = new LoadOptions
        {
            PreDataSql = pre, PostDataSql = post, Truncate = a.Truncate, BatchSize = a.BatchSize, GenerateThreads = a.Threads,
        };
        LoadReport result;
        try
        {
            result = await LoadProgressView.Run(plan, progress => load(options, progress));
            if (publish is not null) await publish();
        }
        catch when (created)
        {
            await dropCreated();
            throw;
        }
        Summary.Print(result, Console.Out);
        Summary.PrintFitted(plan.Caps, Console.Out);
        return report?.WriteAfterCommit(Summary.Json(result), target.Describe(), Console.Error) ?? ExitCodes.Ok;
    }

    /// <summary>PostgreSQL's most rows in one table: 2³² pages of 8 kB (32 TB) with at most 291 tuples each.</summary>
    internal const long PostgresMaxTableRows = 4_294_967_296L * 291;

    /// <summary>The row count of every table, refused (exit 2) when a key cannot number it (unless --fit-rows), when
    /// it overflows, passes --max-rows or what one table of the target can hold. Large plans are described on stderr.</summary>
    internal static GenerationPlan PlanRows(SchemaGraph graph, GenerationOptions options, DatabaseProvider provider, bool describe = true)
    {
        GenerationPlan plan;
        try { plan = GenerationPlanner.Create(graph, options); }
        catch (RowCountException e)
        {
            throw new UsageException(e.Message + (e.Fittable && e.Table is { } t ? $"; lower --rows {t.Name}=… or pass --fit-rows"
                : e.Table is not null ? "; lower --rows or --scale"
                : "; lower --rows or --scale, or raise --max-rows (0: no limit)"));
        }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        if (provider == DatabaseProvider.Postgres && plan.Order.Tables.FirstOrDefault(t => plan.Rows(t) > PostgresMaxTableRows) is { } big)
            throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                $"{big.Name}: {plan.Rows(big):N0} rows are more than one PostgreSQL table can hold (32 TB, at most {PostgresMaxTableRows:N0} rows)"));
        if (describe) DescribeLargePlan(plan, Console.Error);
        return plan;
    }

    /// <summary>Plans above a million rows: the largest tables and a size estimate, before anything is loaded.</summary>
    internal static void DescribeLargePlan(GenerationPlan plan, TextWriter log) =>
        DescribeLargePlan(plan.Order.Tables.Select(t => (t, plan.Rows(t))).ToList(), log);

    internal static void DescribeLargePlan(IReadOnlyList<(TableDef Table, long Rows)> tables, TextWriter log)
    {
        var total = tables.Sum(t => (double)t.Rows);
        if (total <= 1_000_000) return;
        var inv = CultureInfo.InvariantCulture;
        var bytes = tables.Sum(t => (double)t.Rows * PlanSize.RowBytes(t.Table));
        log.WriteLine(string.Create(inv,
            $"planned {total:N0} rows in {tables.Count} tables, about {PlanSize.Human(bytes)} of table data before indexes; the largest:"));
        foreach (var (t, rows) in tables.OrderByDescending(t => t.Rows).ThenBy(t => t.Table.Name.ToString(), StringComparer.Ordinal).Take(5))
            log.WriteLine(string.Create(inv, $"  {t.Name}: {rows:N0} rows, ~{PlanSize.Human((double)rows * PlanSize.RowBytes(t))}"));
    }

    /// <summary>Extension types without a value generator (cube, geometry …): NULL where allowed, said once per column;
    /// a NOT NULL one is refused.</summary>
    private static void RefuseUngeneratableColumns(SchemaGraph graph, bool warn = true)
    {
        foreach (var (table, col) in graph.LoadableTables.SelectMany(t => t.Columns.Where(c => c.IsLoaded && !PluRelSql.Generation.Values.ExtensionValues.CanGenerate(c.Type)).Select(c => (t, c))))
            if (col.Nullable) { if (warn) Console.Error.WriteLine($"warning: {table.Name}.{col.Name}: type {col.Type} has no value generator; the column is loaded as NULL"); }
            else throw new SchemaException($"{table.Name}.{col.Name} is NOT NULL of type {col.Type}, which has no value generator: " +
                                           "nothing can be loaded into it (make the column nullable to load NULLs)", col.Position);
    }

    /// <param name="deferrableHelps">PostgreSQL: an existing DEFERRABLE INITIALLY DEFERRED key may close a cycle of
    /// NOT NULL foreign keys, as it is checked at commit.</param>
    /// <param name="quiet">No warnings (they come with the graph the load uses).</param>
    private static IRowGenerator Generator(Args a, SchemaGraph graph, GenerationPlan plan, bool deferrableHelps, bool quiet = false)
    {
        // After the server's compatibility report (which names every missing extension type and feature at once), before
        // any database is made or touched.
        RefuseUngeneratableColumns(graph, warn: !quiet);
        if (!a.Create && plan.Order.AheadForeignKeys.FirstOrDefault(x => !(deferrableHelps && x.Key.InitiallyDeferred)) is { Key: not null } ahead)
            throw new UsageException(
                $"{ahead.Table.Name}: foreign key {ahead.Key.Name ?? string.Join(", ", ahead.Key.Columns)} closes a cycle of NOT NULL foreign keys, " +
                "so its rows are loaded before those of " + ahead.Key.RefTable + ": that needs the key added after the data (use --create)" +
                (deferrableHelps ? " or declared DEFERRABLE INITIALLY DEFERRED" : ""));
        foreach (var (table, check) in quiet ? [] : graph.Tables.SelectMany(t => t.Checks.Where(c => c.Predicate is null).Select(c => (t, c))))
            Console.Error.WriteLine($"warning: {table.Name}: CHECK ({check.Expression}) is beyond what the generator understands; " +
                                    "rows may violate it, and then the load fails as a whole");
        IRowGenerator generator = a.PluRelEngine
            ? new ConstrainedPluRelGenerator(plan, new PluRelSql.Generation.PluRel.PluRelDatabase(graph, plan.RowCounts, a.Seed,
                options: new PluRelSql.Generation.PluRel.PluRelRuntimeOptions { Threads = a.Threads }))
            : new ConstraintAwareGenerator(plan);
        return generator;
    }

    private static UsageException ExistingTable(Target target, QualifiedName table) => new(
        $"database \"{target.Database}\" already has table {table}: use --recreate to start over, " +
        "or leave out --create to fill the existing tables (add --truncate to replace their rows)");

    internal static GenerationOptions ParseRows(IEnumerable<string> specs)
    {
        long defaultRows = 1000;
        var perTable = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        foreach (var spec in specs)
        {
            var eq = spec.LastIndexOf('=');
            var count = eq < 0 ? spec : spec[(eq + 1)..];
            if (!long.TryParse(count, NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var n) || n < 0)
                throw new UsageException($"--rows {spec}: expected N or TABLE=N with N ≥ 0");
            if (eq < 0) defaultRows = n;
            else perTable[spec[..eq]] = n;
        }
        return new GenerationOptions { DefaultRows = defaultRows, TableRows = perTable };
    }

    internal static string DefaultDatabaseName(string schemaPath)
    {
        var stem = Path.GetFileNameWithoutExtension(schemaPath).ToLowerInvariant();
        var chars = stem.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray();
        var name = new string(chars).Trim('_');
        return name.Length == 0 ? "plurel" : char.IsAsciiDigit(name[0]) ? "db_" + name : name;
    }

    private static async Task RefuseExistingTables(Target target, SchemaGraph graph, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(target.ConnectionString);
        await conn.OpenAsync(ct);
        foreach (var t in graph.Tables)
        {
            await using var cmd = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL", conn);
            cmd.Parameters.AddWithValue(t.Name.ToSql());
            if (await cmd.ExecuteScalarAsync(ct) is true) throw ExistingTable(target, t.Name);
        }
    }
}
