using System.Globalization;
using PluRelSql.Generation;
using PluRelSql.Schema;
using PluRelSql.Schema.Postgres;
using PluRelSql.Storage;

namespace PluRelSql.Workflows;

/// <summary>What a populate run does beyond reading the schema: the rows per table, whether it creates the database
/// and its objects, and how it generates.</summary>
/// <param name="Rows">Row counts, seed and limits of the plan.</param>
/// <param name="ScriptPaths">The schema's .sql files, for a target that runs schema scripts itself (PostgreSQL) in a new
/// database; null (or ignored by other targets) when the schema is made from our reading by the DDL writer.</param>
public sealed record PopulateOptions(GenerationOptions Rows, bool Create, bool Recreate, bool Truncate, int BatchSize,
    bool PluRelEngine, int Threads, IReadOnlyList<string>? ScriptPaths)
{
    /// <summary><c>--like</c>: a twin from these statistics (<see cref="PluRelSql.Generation.Like.LikeGenerator"/>).</summary>
    public PluRelSql.Generation.Like.LikeOptions? Like { get; init; }
}

/// <summary><c>plurel populate</c>'s steps after the schema is read and its rows planned: lock the target, check the
/// server, make the database (under a temporary name), create the objects, generate and load all or nothing, publish.</summary>
public static class PopulateWorkflow
{
    /// <summary>Loads <paramref name="plan"/>'s rows of <paramref name="graph"/> into <paramref name="target"/>; notes
    /// and warnings go to <paramref name="log"/>. Returns the committed load's report.</summary>
    public static async Task<LoadReport> RunAsync(PopulateOptions a, SchemaGraph graph, GenerationPlan plan, DatabaseEndpoint target,
        TextWriter log, LoadView? view, CancellationToken ct)
    {
        var server = target.Server;
        if (server.DefaultDatabase is { } unnamed && target.Database.Equals(unnamed, StringComparison.OrdinalIgnoreCase))
            throw UsageException.About($"name the database to fill: Database=… in {Setting.ConnectionString}, or {Setting.Database} NAME (not {unnamed})");

        // A server that checks the schema itself (PostgreSQL) names everything it cannot hold (missing extension types
        // and features) before the generator's refusals; on one that does not, those come before it is touched.
        var ownChecksFirst = !server.ChecksCompatibility;
        var generator = ownChecksFirst ? Generator(a, graph, plan, log, server.DefersConstraintChecks) : null;
        if (ownChecksFirst) RefuseDroppingSystemDatabase(a, target);

        // Held for the whole run: a second populate into the same database is refused; databases half-made by runs
        // that were killed (or whose server crashed) are dropped.
        await using var session = await target.OpenSessionAsync("populate", ct).ConfigureAwait(false);
        await session.DropStaleBuildsAsync(log, ct).ConfigureAwait(false);
        if (!ownChecksFirst) RefuseDroppingSystemDatabase(a, target);

        // When the objects are created in a new database, a server that runs scripts runs the script's own statements
        // (as psql would) and we generate for the tables its catalog then holds: the server, not our reader, is the oracle. A T-SQL script
        // (converted) or a database that already exists is made from our reading by the DDL writer, as before.
        var build = a.Recreate || (a.Create && !await session.ExistsAsync(ct).ConfigureAwait(false));
        var script = build && server.RunsSchemaScripts && a.ScriptPaths is { } paths ? PgScript.Statements(paths) : null;

        // What the server cannot hold is reported before anything is planned or written.
        var compat = await server.CheckCompatibilityAsync(target.ConnectionString, graph, scriptRuns: script is not null, ct).ConfigureAwait(false);
        if (script is not null && compat.Adaptations.Count > 0)
        {
            // The server cannot run the script as written (a VIRTUAL column before 18): it gets our reading, adapted.
            script = null;
            compat = await server.CheckCompatibilityAsync(target.ConnectionString, graph, scriptRuns: false, ct).ConfigureAwait(false);
        }
        foreach (var adaptation in compat.Adaptations) log.WriteLine($"note: {adaptation}");
        if (compat.Problems.Count > 0)
            throw new UsageException("the target server cannot hold this schema:" + Environment.NewLine + "  " +
                                     string.Join(Environment.NewLine + "  ", compat.Problems));

        // From our reading first, even when the server runs the script: what the generator refuses (an unsatisfiable
        // CHECK, a NOT NULL column without a generator) is said at its file:line:col before anything is made. The
        // catalog's graph is checked again after the server ran the script (in the temporary database, dropped on refusal).
        generator ??= Generator(a, graph, plan, log, server.DefersConstraintChecks, quiet: script is not null);

        // A database Create makes (and the new one of Recreate) is built under a temporary name and takes its
        // name only after the load committed: a killed run or a crashed server leaves no half-made database behind,
        // and Recreate drops the old one only then.
        var loadInto = target.ConnectionString;
        if (build) loadInto = session.ConnectionStringFor(await session.CreateBuildAsync(ct).ConfigureAwait(false));
        else if (a.Create) await RefuseExistingTables(target, graph, ct).ConfigureAwait(false);

        IReadOnlyList<string> pre, post;
        if (script is not null)
        {
            try
            {
                var ran = await server.RunSchemaScriptAsync(loadInto, script, ct).ConfigureAwait(false);
                var skipped = script.Count(s => s.Kind != ScriptStatementKind.Schema);
                log.WriteLine($"note: the server ran the script's {ran} schema statements" +
                              (skipped > 0 ? $" ({skipped} data and database statements not run: the rows are generated)" : "") +
                              "; rows are generated for the tables its catalog holds");
                SchemaGraph live;
                await using (var conn = server.CreateConnection(loadInto + ";Pooling=false"))
                {
                    await conn.OpenAsync(ct).ConfigureAwait(false);
                    live = await server.ReadSchemaAsync(conn, null, ct).ConfigureAwait(false);
                }
                if (live.Tables.Count == 0)
                    throw new UsageException($"{string.Join(", ", a.ScriptPaths!)}: the script created no table, so there is nothing to populate");
                graph = live;
                plan = PlanRows(graph, a.Rows, server, log, describe: false);
                generator = Generator(a, graph, plan, log, server.DefersConstraintChecks);
                var guards = await server.LoadGuardsAsync(loadInto, ct).ConfigureAwait(false);
                if (guards.Triggers > 0 || guards.Rules > 0)
                    log.WriteLine("note: " + string.Join(" and ", new[]
                    {
                        guards.Triggers > 0 ? $"{guards.Triggers} trigger{(guards.Triggers == 1 ? "" : "s")} on {guards.TriggerTables} table{(guards.TriggerTables == 1 ? "" : "s")}" : null,
                        guards.Rules > 0 ? $"{guards.Rules} rule{(guards.Rules == 1 ? "" : "s")}" : null,
                    }.OfType<string>()) + $" {(guards.Triggers + guards.Rules == 1 ? "was" : "were")} disabled during the load (as pg_restore --disable-triggers), and enabled again");
                pre = guards.Before;
                post = guards.After;
            }
            catch
            {
                await session.DropBuildQuietlyAsync(log).ConfigureAwait(false);
                throw;
            }
        }
        else
        {
            pre = a.Create ? server.PreData(graph, compat) : [];
            post = a.Create ? server.PostData(graph) : [];
        }
        var loadPlan = plan;
        var loadGenerator = generator;
        return await Load(a, target, loadPlan, pre, post, log, view,
            // The script's tables are new and empty: truncated in the load's transaction, they are copied with FREEZE and,
            // at wal_level = minimal (the embedded cluster), without WAL, as tables our own DDL creates there are.
            (options, progress) => server.LoadAsync(loadInto, new GeneratedRows(loadPlan, loadGenerator),
                options with { TargetDatabase = target.Database, Truncate = options.Truncate || script is not null }, progress, ct),
            build, () => session.DropBuildQuietlyAsync(log), ct,
            publish: build ? () => session.PublishAsync(replace: a.Recreate, ct) : null).ConfigureAwait(false);
    }

    private static void RefuseDroppingSystemDatabase(PopulateOptions a, DatabaseEndpoint target)
    {
        if (a.Recreate && target.Server.IsSystemDatabase(target.Database))
            throw new UsageException($"refusing to drop the system database \"{target.Database}\"");
    }

    /// <summary>The part both servers share: load with per-table progress, drop a database this run created when the
    /// load fails (the server is left as it was).</summary>
    /// <param name="publish">Gives a database built under a temporary name its real name, after the load committed.</param>
    private static async Task<LoadReport> Load(PopulateOptions a, DatabaseEndpoint target, GenerationPlan plan, IReadOnlyList<string> pre,
        IReadOnlyList<string> post, TextWriter log, LoadView? view, Func<LoadOptions, IProgress<TableProgress>?, Task<LoadReport>> load, bool created,
        Func<Task> dropCreated, CancellationToken ct, Func<Task>? publish = null)
    {
        log.WriteLine($"populating {target.Description}: {plan.Order.Tables.Count} tables, {plan.TotalRows:N0} rows, seed {a.Rows.Seed}");
        var options = new LoadOptions
        {
            PreDataSql = pre, PostDataSql = post, Truncate = a.Truncate, BatchSize = a.BatchSize, GenerateThreads = a.Threads,
        };
        LoadReport result;
        try
        {
            result = view is not null ? await view(plan, progress => load(options, progress)).ConfigureAwait(false) : await load(options, null).ConfigureAwait(false);
            if (publish is not null) await publish().ConfigureAwait(false);
        }
        catch when (created)
        {
            await dropCreated().ConfigureAwait(false);
            throw;
        }
        return result;
    }

    /// <summary>Refuses (exit 2) a locale Bogus does not serve, listing those it does.</summary>
    public static void CheckLocale(string locale)
    {
        if (!PluRelSql.Generation.Values.Locales.IsKnown(locale))
            throw UsageException.About($"{Setting.Locale} '{locale}' is not a known locale; use one of: {string.Join(", ", PluRelSql.Generation.Values.Locales.All)}");
    }

    /// <summary>The row count of every table, refused (exit 2) when a key cannot number it (unless fitted), when
    /// it overflows, passes the row limit or what one table of the target can hold. Large plans are described on stderr.</summary>
    public static GenerationPlan PlanRows(SchemaGraph graph, GenerationOptions options, IDatabaseTarget server, TextWriter log, bool describe = true)
    {
        ArgumentNullException.ThrowIfNull(options);
        CheckLocale(options.Locale);
        GenerationPlan plan;
        try { plan = GenerationPlanner.Create(graph, options); }
        catch (RowCountException e)
        {
            throw e.Fittable && e.Table is { } t ? UsageException.About($"{e.Message}; lower {Setting.Rows} {t.Name}=… or pass {Setting.FitRows}")
                : e.Table is not null ? UsageException.About($"{e.Message}; lower {Setting.Rows} or {Setting.Scale}")
                : UsageException.About($"{e.Message}; lower {Setting.Rows} or {Setting.Scale}, or raise {Setting.MaxRows} (0: no limit)");
        }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        if (plan.Order.Tables.FirstOrDefault(t => server.TableRowLimit(plan.Rows(t)) is not null) is { } big)
            throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                $"{big.Name}: {plan.Rows(big):N0} rows are {server.TableRowLimit(plan.Rows(big))}"));
        if (describe) DescribeLargePlan(plan, log);
        return plan;
    }

    /// <summary>Every table's planned count and role, before anything is loaded: one line per table, largest first, or
    /// — past <see cref="PlanLinesMax"/> tables — one wrapped list per role. <paramref name="name"/> says a setting as
    /// the front end spells it (the CLI: its flag).</summary>
    public static void DescribePlan(GenerationPlan plan, TextWriter log, Func<Setting, string>? name = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(log);
        name ??= s => s.ToString();
        var inv = CultureInfo.InvariantCulture;
        var tables = plan.Order.Tables.OrderByDescending(plan.Rows).ThenBy(t => t.Name.ToString(), StringComparer.Ordinal).ToList();
        if (tables.Count == 0) return;
        var fitted = plan.RoleCaps.Select(c => c.Table).ToHashSet();
        string Role(TableDef t) => plan.Roles.TryGetValue(t.Name, out var r) ? TableRoles.Label(r) : "?";
        log.WriteLine(plan.Options.Sizing == RowSizing.ByRole
            ? string.Create(inv, $"row plan: {plan.TotalRows:N0} rows in {tables.Count} tables, sized by role ({name(Setting.Sizing)} uniform gives every table the same count):")
            : string.Create(inv, $"row plan: {plan.TotalRows:N0} rows in {tables.Count} tables ({name(Setting.Sizing)} uniform):"));
        if (tables.Count <= PlanLinesMax)
        {
            var width = Math.Min(40, tables.Max(t => t.Name.ToString().Length));
            foreach (var t in tables)
                log.WriteLine(string.Create(inv, $"  {t.Name.ToString().PadRight(width)}  {Role(t),-10} {plan.Rows(t),14:N0}") +
                              (fitted.Contains(t.Name) ? "  (as many as its keys hold)" : ""));
            return;
        }
        foreach (var group in tables.GroupBy(Role).OrderByDescending(g => g.Max(plan.Rows)))
        {
            var line = new System.Text.StringBuilder(string.Create(inv, $"  {group.Key} ({group.Count()}):"));
            var first = true;
            foreach (var t in group)
            {
                var item = string.Create(inv, $" {t.Name.Name} {plan.Rows(t):N0}") + (fitted.Contains(t.Name) ? "*" : "");
                if (!first) line.Append(',');
                if (line.Length + item.Length + 1 > 110) { log.WriteLine(line.ToString()); line.Clear().Append("   "); }
                line.Append(item);
                first = false;
            }
            log.WriteLine(line.ToString());
        }
        if (fitted.Count > 0) log.WriteLine("  (* as many as the table's keys hold)");
    }

    /// <summary>Plans of more tables than this are shown as one list per role.</summary>
    public const int PlanLinesMax = 30;

    /// <summary>Plans above a million rows: the largest tables and a size estimate, before anything is loaded.</summary>
    public static void DescribeLargePlan(GenerationPlan plan, TextWriter log) =>
        DescribeLargePlan(plan.Order.Tables.Select(t => (t, plan.Rows(t))).ToList(), log);

    public static void DescribeLargePlan(IReadOnlyList<(TableDef Table, long Rows)> tables, TextWriter log)
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
    private static void RefuseUngeneratableColumns(SchemaGraph graph, TextWriter log, bool warn = true)
    {
        foreach (var (table, col) in graph.LoadableTables.SelectMany(t => t.Columns.Where(c => c.IsLoaded && !PluRelSql.Generation.Values.ExtensionValues.CanGenerate(c.Type)).Select(c => (t, c))))
            if (col.Nullable) { if (warn) log.WriteLine($"warning: {table.Name}.{col.Name}: type {col.Type} has no value generator; the column is loaded as NULL"); }
            else throw new SchemaException($"{table.Name}.{col.Name} is NOT NULL of type {col.Type}, which has no value generator: " +
                                           "nothing can be loaded into it (make the column nullable to load NULLs)", col.Position);
    }

    /// <param name="deferrableHelps">PostgreSQL: an existing DEFERRABLE INITIALLY DEFERRED key may close a cycle of
    /// NOT NULL foreign keys, as it is checked at commit.</param>
    /// <param name="quiet">No warnings (they come with the graph the load uses).</param>
    private static IRowGenerator Generator(PopulateOptions a, SchemaGraph graph, GenerationPlan plan, TextWriter log, bool deferrableHelps,
        bool quiet = false)
    {
        // After the server's compatibility report (which names every missing extension type and feature at once), before
        // any database is made or touched.
        RefuseUngeneratableColumns(graph, log, warn: !quiet);
        if (!a.Create && plan.Order.AheadForeignKeys.FirstOrDefault(x => !(deferrableHelps && x.Key.InitiallyDeferred)) is { Key: not null } ahead)
            throw UsageException.About(
                $"{ahead.Table.Name}: foreign key {ahead.Key.Name ?? string.Join(", ", ahead.Key.Columns)} closes a cycle of NOT NULL foreign keys, so its rows are loaded before those of {ahead.Key.RefTable}: that needs the key added after the data (use {Setting.Create}){(deferrableHelps ? " or declared DEFERRABLE INITIALLY DEFERRED" : "")}");
        foreach (var (table, check) in quiet ? [] : graph.Tables.SelectMany(t => t.Checks.Where(c => c.Predicate is null).Select(c => (t, c))))
            log.WriteLine($"warning: {table.Name}: CHECK ({check.Expression}) is beyond what the generator understands; " +
                          "rows may violate it, and then the load fails as a whole");
        if (a.Like is { } like)
        {
            var twin = new PluRelSql.Generation.Like.LikeGenerator(plan, like);
            if (!quiet) LikeSource.Describe(twin.Columns, log);
            return twin;
        }
        IRowGenerator generator = a.PluRelEngine
            ? new RealSchemaPluRelGenerator(plan, new PluRelSql.Generation.PluRel.PluRelDatabase(graph, plan.RowCounts, a.Rows.Seed,
                options: new PluRelSql.Generation.PluRel.PluRelRuntimeOptions { Threads = a.Threads }))
            : new IndependentValueGenerator(plan);
        return generator;
    }

    private static UsageException ExistingTable(DatabaseEndpoint target, QualifiedName table) => UsageException.About(
        $"database \"{target.Database}\" already has table {table}: use {Setting.Recreate} to start over, or leave out {Setting.Create} to fill the existing tables (add {Setting.Truncate} to replace their rows)");

    private static async Task RefuseExistingTables(DatabaseEndpoint target, SchemaGraph graph, CancellationToken ct)
    {
        if (await target.Server.FirstExistingTableAsync(target.ConnectionString, graph.Tables.Select(t => t.Name), ct).ConfigureAwait(false) is { } existing)
            throw ExistingTable(target, existing);
    }
}
