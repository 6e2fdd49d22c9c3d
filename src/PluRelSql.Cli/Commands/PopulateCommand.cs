using System.CommandLine;
using System.Globalization;
using PluRelSql.Generation;
using PluRelSql.Schema;
using PluRelSql.Storage;

namespace PluRelSql.Cli.Commands;

/// <summary><c>plurel populate --schema FILE</c>: generate constraint-valid rows and bulk-load them, all or nothing.</summary>
public static class PopulateCommand
{
    public static Command Create()
    {
        var schema = new Option<string[]>("--schema", "-s") { Description = "Schema file(s), directories of *.sql files or quoted globs (repeatable); optional with --like (the source's catalog)." };
        var db = new Option<string>("--db") { Description = "Target: libpq URI, Npgsql or SqlClient connection string (default: the embedded cluster)." };
        var provider = ProviderOption();
        var database = new Option<string>("--database", "-d") { Description = "Target database (default: the one in --db; on the embedded cluster: named after the schema file)." };
        var create = new Option<bool>("--create") { Description = "Create the database if needed and the schema's objects before loading." };
        var recreate = new Option<bool>("--recreate") { Description = "Drop the database first, then as --create." };
        var seed = new Option<ulong>("--seed") { Description = "Random seed: the same seed and sizes give the same rows.", DefaultValueFactory = _ => 1UL };
        var rows = new Option<string[]>("--rows", "-n") { Description = "Rows per table: N for every table, TABLE=N for one (repeatable).", AllowMultipleArgumentsPerToken = false };
        var scale = new Option<double>("--scale") { Description = "Multiply every row count.", DefaultValueFactory = _ => 1.0 };
        var sizing = SizingOption();
        var truncate = new Option<bool>("--truncate") { Description = "Empty the target tables first (in the same transaction)." };
        var batch = new Option<int>("--batch-size") { Description = "Rows per generated batch.", DefaultValueFactory = _ => 8192 };
        var report = new Option<string>("--report") { Description = "Also write the load report as JSON to this file." };
        var engine = new Option<string>("--engine") { Description = "v1: independent constraint-aware values; plurel: HSBM foreign keys and causal features where constraints allow.", DefaultValueFactory = _ => "v1" };
        engine.AcceptOnlyFromAmong("v1", "plurel");
        var threads = CommonOptions.Threads();
        var fitRows = new Option<bool>("--fit-rows") { Description = "Give a table whose keys cannot hold the asked-for rows as many as they can (listed in the summary) instead of failing." };
        var maxRows = CommonOptions.MaxRows();
        var timeRange = new Option<string>("--time-range")
        {
            Description = $"Dates and timestamps fall in FROM..TO (ISO dates); default {TimeRange.Default} (fixed, so rows never depend on today's date).",
        };
        var verbose = SchemaFiles.VerboseOption();
        var vars = SchemaFiles.VarOption();
        var locale = new Option<string>("--locale") { Description = "Locale of generated names, addresses, phones and words (en, de, fr, pt_BR …).", DefaultValueFactory = _ => "en" };
        var like = new Option<string>("--like") { Description = "A PostgreSQL source (URI or connection string) whose statistics the rows follow: a twin without reading one of its rows." };
        var likeScale = new Option<double>("--like-scale") { Description = "With --like: each table gets the source's row estimate × F.", DefaultValueFactory = _ => 1.0 };
        var analyzeSource = new Option<bool>("--analyze-source") { Description = "With --like: run ANALYZE on the source first (needs ownership of its tables)." };
        var keepMcvText = new Option<bool>("--keep-mcv-text") { Description = "With --like: keep the source's values of personal-data columns (names, emails, phones, free text) instead of generating others at the same frequencies." };
        var cmd = new Command("populate", "Fill a database from a schema file with generated, constraint-valid rows (one transaction).")
        {
            schema, db, provider, database, create, recreate, seed, rows, scale, sizing, truncate, batch, report, engine, threads, fitRows, maxRows, timeRange, verbose, vars, locale,
            like, likeScale, analyzeSource, keepMcvText,
        };
        cmd.SetAction((pr, ct) => ExitCodes.Run(() => Run(new Args(
            pr.GetValue(schema) ?? [], pr.GetValue(db), pr.GetValue(database), pr.GetValue(create) || pr.GetValue(recreate),
            pr.GetValue(recreate), pr.GetValue(seed), pr.GetValue(rows) ?? [], pr.GetValue(scale), pr.GetValue(truncate),
            pr.GetValue(batch), pr.GetValue(report), pr.GetValue(engine) == "plurel", pr.GetValue(threads), pr.GetValue(provider),
            pr.GetValue(fitRows), pr.GetValue(maxRows), pr.GetValue(verbose), SchemaFiles.Variables(pr.GetValue(vars)), pr.GetValue(timeRange),
            pr.GetValue(sizing) == "uniform" ? RowSizing.Uniform : RowSizing.ByRole, pr.GetValue(locale) ?? "en",
            pr.GetValue(like), pr.GetValue(likeScale), pr.GetValue(analyzeSource), pr.GetValue(keepMcvText),
            pr.GetResult(rows) is { Implicit: false } || pr.GetResult(scale) is { Implicit: false } || pr.GetResult(sizing) is { Implicit: false }), ct)));
        return cmd;
    }

    /// <summary><c>plurel like-setup-sql [--role NAME]</c>: prints the SQL a superuser runs in a source database so that
    /// a role without SELECT on its tables can read their statistics for <c>populate --like</c>.</summary>
    public static Command LikeSetupSql()
    {
        var role = new Option<string>("--role") { Description = "The role to grant EXECUTE to (default: a <role> placeholder to edit)." };
        var cmd = new Command("like-setup-sql", "Print the SQL that lets a role without SELECT on the tables read their statistics (populate --like).") { role };
        cmd.SetAction(pr =>
        {
            Console.Out.Write(Storage.Postgres.PgStatisticsReader.SetupSql(pr.GetValue(role)));
            return ExitCodes.Ok;
        });
        return cmd;
    }

    /// <summary><c>--sizing role|uniform</c>: whether <c>--rows N</c> is shared out by each table's role or given to every table.</summary>
    internal static Option<string> SizingOption()
    {
        var sizing = new Option<string>("--sizing")
        {
            Description = "role: the largest fact tables get --rows N, lookups, entities and bridges fewer by their place in the graph; " +
                          "uniform: every table gets N.",
            DefaultValueFactory = _ => "role",
        };
        sizing.AcceptOnlyFromAmong("role", "uniform");
        return sizing;
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
        IReadOnlyDictionary<string, string>? Vars = null, string? TimeRange = null, RowSizing Sizing = RowSizing.ByRole, string Locale = "en",
        string? Like = null, double LikeScale = 1.0, bool AnalyzeSource = false, bool KeepMcvText = false, bool RowsGiven = false);

    private static async Task<int> Run(Args a, CancellationToken ct)
    {
        if (!(a.Scale > 0) || double.IsInfinity(a.Scale)) throw new UsageException("--scale must be a positive number");
        CommonOptions.CheckMaxRows(a.MaxRows);
        if (a.BatchSize is < 1 or > 1_000_000) throw new UsageException("--batch-size must be between 1 and 1000000");
        CommonOptions.CheckThreads(a.Threads);
        var timeRange = ParseTimeRange(a.TimeRange);
        if (a.Like is null && a.Schema.Length == 0) throw new UsageException("--schema is required (or --like SOURCE, whose catalog gives the schema)");
        if (a.Like is null && (a.AnalyzeSource || a.KeepMcvText || a.LikeScale != 1.0))
            throw new UsageException("--like-scale, --analyze-source and --keep-mcv-text go with --like SOURCE");
        if (a.Like is not null && a.RowsGiven)
            throw new UsageException("--rows, --scale and --sizing do not combine with --like: the source's row estimates size the tables (use --like-scale F)");
        if (a.Like is not null && (!(a.LikeScale > 0) || double.IsInfinity(a.LikeScale))) throw new UsageException("--like-scale must be a positive number");
        // Checked before anything is read or loaded: a bad --report path must not surface after a committed load.
        var paths = SchemaFiles.Expand(a.Schema); // directories and globs, as the readers take them
        var report = a.Report is { } r ? OutputFile.Prepare("--report", "the report", r, paths.Select(s => ("--schema", s))) : null;
        // The schema is loaded in the target's dialect: a T-SQL script as its PostgreSQL translation for PostgreSQL, a
        // PostgreSQL schema as its T-SQL translation for SQL Server (defaults, CHECKs and indexes rewritten).
        var server = DatabaseTargets.For(Target.Choose(a.Db, a.Provider));
        var graph = a.Schema.Length > 0 ? SchemaFiles.Read(a.Schema, Console.Error, server.Dialect, a.Verbose, a.Vars) : null;
        LikeSourceRead? source = null;
        if (a.Like is { } likeSource)
        {
            source = await LikeSource.ReadAsync(likeSource, graph, a.AnalyzeSource, Console.Error, ct);
            graph = source.Graph;
        }
        if (graph is null) throw new UsageException("--schema is required");
        // A file with no table (a psql loader script, a file of functions) would "succeed" with an empty database.
        if (graph.Tables.Count == 0)
            throw new UsageException($"{string.Join(", ", a.Schema)}: no CREATE TABLE found, so there is nothing to populate " +
                                     "(is this a data-loading or migration script? pass the file that creates the tables)");
        var options = (source is null ? ParseRows(a.Rows) : LikeRows(graph, source, a.LikeScale)) with
        {
            Seed = a.Seed,
            Scale = a.Scale,
            FitRows = a.FitRows || source is not null, // estimates are approximate: fit them to what keys hold
            MaxTotalRows = a.MaxRows,
            TimeRange = timeRange,
            Sizing = source is null ? a.Sizing : RowSizing.Uniform,
            Locale = a.Locale,
        };
        // Row counts are settled (or refused) before any server is contacted or anything is created, and shown.
        var plan = PopulateWorkflow.PlanRows(graph, options, server, Console.Error);
        PopulateWorkflow.DescribePlan(plan, Console.Error, SettingFlags.Flag);
        var databaseName = a.Database ?? (a.Db is null
            ? a.Schema.Length > 0 ? DefaultDatabaseName(a.Schema[0]) : DefaultDatabaseName(Storage.Postgres.PgConnectionString.Parse(a.Like!).Database ?? "source") + "_like"
            : null);
        var target = await Target.Resolve(a.Db, databaseName, ct, a.Provider);
        // With --create into a new PostgreSQL database, the server runs the script's own statements (as psql would).
        // Only .sql files: other DDL files (.ddl, .ri …) are often another product's dialect that the reader tolerates.
        var scriptPaths = a.Create && paths.Count > 0 && paths.All(p => Path.GetExtension(p).Equals(".sql", StringComparison.OrdinalIgnoreCase)) &&
                          !paths.Any(SchemaFiles.IsTSql) ? paths : null;
        var result = await PopulateWorkflow.RunAsync(
            new PopulateOptions(options, a.Create, a.Recreate, a.Truncate, a.BatchSize, a.PluRelEngine, a.Threads, scriptPaths)
            {
                Like = source is null ? null : new Generation.Like.LikeOptions(source.Statistics.Statistics, a.KeepMcvText),
            },
            graph, plan, target.Endpoint, Console.Error, LoadProgressView.Run, ct);
        Summary.Print(result, Console.Out);
        Summary.PrintFitted(plan.Caps, Console.Out);
        return report?.WriteAfterCommit(Summary.Json(result), target.Describe(), Console.Error) ?? ExitCodes.Ok;
    }

    /// <summary>Every table's count from the source's row estimate × <paramref name="scale"/>.</summary>
    private static GenerationOptions LikeRows(SchemaGraph graph, LikeSourceRead source, double scale)
    {
        var rows = Generation.Like.LikeGenerator.RowCounts(graph, source.Statistics.Statistics, scale, out var unknown);
        if (unknown.Count > 0) throw new UsageException($"--like: no row estimate for {string.Join(", ", unknown)}");
        return new GenerationOptions { DefaultRows = 0, TableRows = rows, Sizing = RowSizing.Uniform };
    }

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

    /// <summary><c>--time-range FROM..TO</c>, or the fixed default; anything else is a usage error (exit 2).</summary>
    internal static TimeRange ParseTimeRange(string? text)
    {
        if (text is null) return TimeRange.Default;
        try { return TimeRange.Parse(text); }
        catch (FormatException e) { throw UsageException.About($"{Setting.TimeRange} {e.Message}"); }
    }

    internal static string DefaultDatabaseName(string schemaPath)
    {
        var stem = Path.GetFileNameWithoutExtension(schemaPath).ToLowerInvariant();
        var chars = stem.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray();
        var name = new string(chars).Trim('_');
        return name.Length == 0 ? "plurel" : char.IsAsciiDigit(name[0]) ? "db_" + name : name;
    }
}
