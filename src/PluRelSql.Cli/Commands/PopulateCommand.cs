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
        var schema = new Option<string[]>("--schema", "-s") { Description = "Schema file(s), directories of *.sql files or quoted globs (repeatable).", Required = true };
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
        var cmd = new Command("populate", "Fill a database from a schema file with generated, constraint-valid rows (one transaction).")
        {
            schema, db, provider, database, create, recreate, seed, rows, scale, sizing, truncate, batch, report, engine, threads, fitRows, maxRows, timeRange, verbose, vars, locale,
        };
        cmd.SetAction((pr, ct) => ExitCodes.Run(() => Run(new Args(
            pr.GetValue(schema) ?? [], pr.GetValue(db), pr.GetValue(database), pr.GetValue(create) || pr.GetValue(recreate),
            pr.GetValue(recreate), pr.GetValue(seed), pr.GetValue(rows) ?? [], pr.GetValue(scale), pr.GetValue(truncate),
            pr.GetValue(batch), pr.GetValue(report), pr.GetValue(engine) == "plurel", pr.GetValue(threads), pr.GetValue(provider),
            pr.GetValue(fitRows), pr.GetValue(maxRows), pr.GetValue(verbose), SchemaFiles.Variables(pr.GetValue(vars)), pr.GetValue(timeRange),
            pr.GetValue(sizing) == "uniform" ? RowSizing.Uniform : RowSizing.ByRole, pr.GetValue(locale) ?? "en"), ct)));
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
        IReadOnlyDictionary<string, string>? Vars = null, string? TimeRange = null, RowSizing Sizing = RowSizing.ByRole, string Locale = "en");

    private static async Task<int> Run(Args a, CancellationToken ct)
    {
        if (!(a.Scale > 0) || double.IsInfinity(a.Scale)) throw new UsageException("--scale must be a positive number");
        CommonOptions.CheckMaxRows(a.MaxRows);
        if (a.BatchSize is < 1 or > 1_000_000) throw new UsageException("--batch-size must be between 1 and 1000000");
        CommonOptions.CheckThreads(a.Threads);
        var timeRange = ParseTimeRange(a.TimeRange);
        // Checked before anything is read or loaded: a bad --report path must not surface after a committed load.
        var paths = SchemaFiles.Expand(a.Schema); // directories and globs, as the readers take them
        var report = a.Report is { } r ? OutputFile.Prepare("--report", "the report", r, paths.Select(s => ("--schema", s))) : null;
        // The schema is loaded in the target's dialect: a T-SQL script as its PostgreSQL translation for PostgreSQL, a
        // PostgreSQL schema as its T-SQL translation for SQL Server (defaults, CHECKs and indexes rewritten).
        var server = DatabaseTargets.For(Target.Choose(a.Db, a.Provider));
        var graph = SchemaFiles.Read(a.Schema, Console.Error, server.Dialect, a.Verbose, a.Vars);
        // A file with no table (a psql loader script, a file of functions) would "succeed" with an empty database.
        if (graph.Tables.Count == 0)
            throw new UsageException($"{string.Join(", ", a.Schema)}: no CREATE TABLE found, so there is nothing to populate " +
                                     "(is this a data-loading or migration script? pass the file that creates the tables)");
        var options = ParseRows(a.Rows) with
        {
            Seed = a.Seed,
            Scale = a.Scale,
            FitRows = a.FitRows,
            MaxTotalRows = a.MaxRows,
            TimeRange = timeRange,
            Sizing = a.Sizing,
            Locale = a.Locale,
        };
        // Row counts are settled (or refused) before any server is contacted or anything is created, and shown.
        var plan = PopulateWorkflow.PlanRows(graph, options, server, Console.Error);
        PopulateWorkflow.DescribePlan(plan, Console.Error, SettingFlags.Flag);
        var databaseName = a.Database ?? (a.Db is null ? DefaultDatabaseName(a.Schema[0]) : null);
        var target = await Target.Resolve(a.Db, databaseName, ct, a.Provider);
        // With --create into a new PostgreSQL database, the server runs the script's own statements (as psql would).
        // Only .sql files: other DDL files (.ddl, .ri …) are often another product's dialect that the reader tolerates.
        var scriptPaths = a.Create && paths.All(p => Path.GetExtension(p).Equals(".sql", StringComparison.OrdinalIgnoreCase)) &&
                          !paths.Any(SchemaFiles.IsTSql) ? paths : null;
        var result = await PopulateWorkflow.RunAsync(
            new PopulateOptions(options, a.Create, a.Recreate, a.Truncate, a.BatchSize, a.PluRelEngine, a.Threads, scriptPaths),
            graph, plan, target.Endpoint, Console.Error, LoadProgressView.Run, ct);
        Summary.Print(result, Console.Out);
        Summary.PrintFitted(plan.Caps, Console.Out);
        return report?.WriteAfterCommit(Summary.Json(result), target.Describe(), Console.Error) ?? ExitCodes.Ok;
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
