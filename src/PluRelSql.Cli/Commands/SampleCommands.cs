using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Npgsql;
using PluRelSql.Generation;
using PluRelSql.Generation.PluRel;
using PluRelSql.Schema;
using PluRelSql.Schema.Output;
using PluRelSql.Storage.Postgres;

namespace PluRelSql.Cli.Commands;

/// <summary><c>plurel sample</c> (one sampled database) and <c>plurel corpus</c> (many, one schema each).</summary>
public static class SampleCommands
{
    public static Command Sample()
    {
        var seed = new Option<ulong>("--seed") { Description = "Seed of the sampled database.", Required = true };
        var tables = new Option<int?>("--tables") { Description = "Force the table count (default: drawn, 3–20)." };
        var family = FamilyOption();
        var scale = new Option<double>("--scale") { Description = "Multiply every row count.", DefaultValueFactory = _ => 1.0 };
        var db = new Option<string>("--db") { Description = "Target server (default: the embedded cluster)." };
        var database = new Option<string>("--database") { Description = "Database to create and fill (schema public).", DefaultValueFactory = _ => "plurel_sample" };
        var emit = new Option<string>("--emit-ddl") { Description = "Also write the sampled schema as PostgreSQL DDL to this file." };
        var threads = CommonOptions.Threads();
        var maxRows = CommonOptions.MaxRows();
        var cmd = new Command("sample", "Sample a database from the PluRel prior and load it (drops and recreates --database).")
        {
            seed, tables, family, scale, db, database, emit, threads, maxRows,
        };
        cmd.SetAction((pr, ct) => ExitCodes.Run(async () =>
        {
            var cfg = Config(pr.GetValue(family)!, pr.GetValue(tables), null);
            var threadCount = CommonOptions.CheckThreads(pr.GetValue(threads));
            var ddlFile = pr.GetValue(emit) is { } file ? OutputFile.Prepare("--emit-ddl", "the DDL", file, []) : null;
            var sampled = Scaled(SchemaSampler.Sample(pr.GetValue(seed), cfg), pr.GetValue(scale), SampledSchema.SchemaName);
            // Sizes are checked before any server is contacted: --scale 1e300 must not get as far as a database.
            CheckTotal(sampled.Tables.Sum(t => (double)t.Rows), CommonOptions.CheckMaxRows(pr.GetValue(maxRows)), "the sampled database");
            var sampledGraph = sampled.ToSchemaGraph();
            PopulateCommand.DescribeLargePlan(sampled.Tables.Select((t, i) => (sampledGraph.Tables[i], t.Rows)).ToList(), Console.Error);
            var target = await Target.Resolve(pr.GetValue(db), pr.GetValue(database), ct);
            target.RequirePostgres(cmd.Name);
            var graph = sampledGraph;
            // Written before the database is touched, so a failure here leaves it as it was.
            ddlFile?.Write(PgDdlWriter.Script(graph), Console.Error);
            if (target.Database is "postgres" or "template0" or "template1")
                throw new UsageException($"refusing to drop the system database \"{target.Database}\"");
            // As populate --recreate: built under a temporary name, the old database replaced only once the load committed.
            await using var session = await target.OpenSessionAsync(cmd.Name, ct);
            await session.DropStaleBuildsAsync(Console.Error, ct);
            var build = session.ConnectionStringFor(await session.CreateBuildAsync(ct));
            Console.Error.WriteLine($"sampled seed {sampled.Seed}: {sampled.Family}, {sampled.Tables.Count} tables, " +
                                    $"{sampled.Tables.Sum(t => t.Rows):N0} rows → {target.Describe()}");
            LoadReport report;
            double fmas;
            try
            {
                (report, fmas) = await Load(build, target.Database, sampled, graph, threadCount, ct, showProgress: true);
                await session.PublishAsync(replace: true, ct);
            }
            catch
            {
                await session.DropBuildQuietlyAsync(Console.Error);
                throw;
            }
            Console.Error.WriteLine(MlpWork(fmas, report.TotalRows, report.GenerateThreadSeconds));
            Summary.Print(report, Console.Out);
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    public static Command Corpus()
    {
        var count = new Option<int>("--count") { Description = "Databases in the corpus.", Required = true };
        var seed = new Option<ulong>("--seed") { Description = "Corpus seed; database i gets a seed derived from it and i.", DefaultValueFactory = _ => 1UL };
        var range = new Option<string>("--tables-range") { Description = "Table counts to draw from, a-b (default 3-20)." };
        var family = FamilyOption();
        var scale = new Option<double>("--scale") { DefaultValueFactory = _ => 1.0 };
        var db = new Option<string>("--db") { Description = "Target server (default: the embedded cluster)." };
        var database = new Option<string>("--database") { Description = "Database holding the corpus.", DefaultValueFactory = _ => "plurel_corpus" };
        var threads = CommonOptions.Threads();
        var maxRows = CommonOptions.MaxRows();
        var cmd = new Command("corpus", "Create N sampled databases as schemas plurel_00000… of one database, with a manifest; resumable.")
        {
            count, seed, range, family, scale, db, database, threads, maxRows,
        };
        cmd.SetAction((pr, ct) => ExitCodes.Run(async () =>
        {
            var n = pr.GetValue(count);
            if (n < 1) throw new UsageException("--count must be at least 1");
            var threadCount = CommonOptions.CheckThreads(pr.GetValue(threads));
            var tableRange = pr.GetValue(range) is { } r ? ParseTablesRange(r) : (IntRange?)null;
            var cfg = Config(pr.GetValue(family)!, null, tableRange);
            CheckCorpusSize(n, pr.GetValue(seed), cfg, pr.GetValue(scale), CommonOptions.CheckMaxRows(pr.GetValue(maxRows)), Console.Error);
            var target = await Target.Resolve(pr.GetValue(db), pr.GetValue(database), ct);
            target.RequirePostgres(cmd.Name);
            // One corpus run per database at a time.
            await using var session = await target.OpenSessionAsync(cmd.Name, ct);
            await session.DropStaleBuildsAsync(Console.Error, ct);
            var made = await EnsureCorpus(target, n, pr.GetValue(seed), cfg, pr.GetValue(scale), threadCount, Console.Error, ct);
            var seconds = made.Seconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"corpus {target.Database}: {n} databases ({made.Skipped} already complete), {made.NewRows:N0} new rows in {seconds:F1} s " +
                $"({(seconds > 0 ? made.NewRows / seconds : 0):N0} rows/s generated and loaded; {made.Workers} databases at a time, " +
                $"their seconds summed: generate {made.GenerateWaitSeconds:F1} s, COPY {made.CopySeconds - made.GenerateWaitSeconds:F1} s, " +
                $"create+constrain {made.ConstrainSeconds:F1} s, SCM building and bookkeeping {Math.Max(0, made.DatabaseSeconds - made.CopySeconds - made.ConstrainSeconds):F1} s; " +
                $"{threadCount} threads; peak RSS {Summary.PeakRss() / 1048576.0:F0} MiB)"));
            if (made.NewRows > 0) Console.Error.WriteLine(MlpWork(made.MlpFmas, made.NewRows, made.GenerateThreadSeconds));
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    /// <summary>The engine's irreducible work (§11.2's cost model, counted): multiply-adds in the frozen MLPs per row
    /// and the rate the generator threads sustained, activations, aggregation and noise included.</summary>
    private static string MlpWork(double fmas, long rows, double generatorSeconds) => string.Create(CultureInfo.InvariantCulture,
        $"frozen MLPs: {fmas / Math.Max(1, rows):N0} multiply-adds per row, {fmas / 1e9:F1} G in all; " +
        $"{(generatorSeconds > 0 ? fmas / generatorSeconds / 1e9 : 0):F1} G per second of generator thread time");

    /// <summary>What <see cref="EnsureCorpus"/> did: databases already complete, rows it made and where the time went.</summary>
    /// <remarks>The phase seconds are summed over databases, which <paramref name="Workers"/> workers made at once, so
    /// together they can exceed the wall-clock <paramref name="Seconds"/>; <paramref name="DatabaseSeconds"/> is their
    /// total time, the phases included.</remarks>
    public sealed record CorpusResult(int Skipped, long NewRows, double Seconds, double CopySeconds, double GenerateWaitSeconds,
        double ConstrainSeconds, double DatabaseSeconds, int Workers, double MlpFmas, double GenerateThreadSeconds);

    /// <summary>Schema name of corpus database <paramref name="index"/>.</summary>
    public static string CorpusSchema(int index) => $"plurel_{index:D5}";

    /// <summary>Makes schemas plurel_00000… of the target database hold the first <paramref name="count"/> databases of the
    /// corpus with seed <paramref name="corpusSeed"/>, with a manifest; those already complete are kept. Progress goes to
    /// <paramref name="log"/>, one line per database made.</summary>
    public static async Task<CorpusResult> EnsureCorpus(Target target, int count, ulong corpusSeed, SamplerConfig cfg, double scale,
        int threads, TextWriter log, CancellationToken ct)
    {
        await target.EnsureDatabase(recreate: false, ct);
        await using (var conn = new NpgsqlConnection(target.ConnectionString))
        {
            await conn.OpenAsync(ct);
            await Exec(conn, """
                CREATE TABLE IF NOT EXISTS public.plurel_manifest (
                    schema_name text PRIMARY KEY, seed numeric(20) NOT NULL, family text NOT NULL, tables int NOT NULL,
                    rows bigint NOT NULL, seconds double precision NOT NULL, created_at timestamptz NOT NULL DEFAULT now())
                """, ct);
            // Manifests written before the recipe column existed get it empty: their schemas are made again.
            await Exec(conn, "ALTER TABLE public.plurel_manifest ADD COLUMN IF NOT EXISTS recipe text", ct);
        }
        // Everything besides the seed that decides a database's rows: a re-run with other settings (or another engine
        // version) must not silently keep schemas made differently.
        var recipe = string.Create(CultureInfo.InvariantCulture,
            $"engine={PluRelDatabase.EngineVersion};tables={cfg.Tables.Min}-{cfg.Tables.Max};forced={cfg.ForceTables};family={cfg.ForceFamily?.ToString() ?? "any"};scale={scale:R}");
        var sw = Stopwatch.StartNew();
        // Databases are independent (one transaction each), so several are made at once: a small database spends much
        // of its time in the server (DDL, COPY, constraint checks) or in single-table phases that one core runs alone.
        // Each worker's engine gets an equal share of the threads.
        var workers = Math.Clamp(threads, 1, count);
        var engineThreads = Math.Max(1, threads / workers);
        var outcomes = new CorpusEntry?[count];
        var printed = 0;
        var gate = new object();
        await Parallel.ForEachAsync(Enumerable.Range(0, count),
            new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = ct }, async (i, token) =>
        {
            var entry = await MakeCorpusDatabase(target, i, corpusSeed, cfg, scale, recipe, engineThreads, token);
            lock (gate)
            {
                // Progress lines in database order, each as soon as it and every earlier one are done.
                outcomes[i] = entry;
                for (; printed < count && outcomes[printed] is { } done; printed++)
                    if (done.Line is { } line) log.WriteLine(line);
            }
        });
        var made = outcomes.Select(o => o!).ToList();
        var reports = made.Where(o => o.Report is not null).Select(o => o.Report!).ToList();
        return new CorpusResult(made.Count(o => o.Report is null), reports.Sum(r => r.TotalRows), sw.Elapsed.TotalSeconds,
            reports.Sum(r => r.CopySeconds), reports.Sum(r => r.GenerateWaitSeconds), reports.Sum(r => r.ConstrainSeconds + r.CreateSeconds),
            made.Sum(o => o.Seconds), workers, made.Sum(o => o.MlpFmas), reports.Sum(r => r.GenerateThreadSeconds));
    }

    private sealed record CorpusEntry(LoadReport? Report, string? Line, double Seconds, double MlpFmas = 0);

    /// <summary>Makes corpus database <paramref name="index"/> unless the manifest says it is complete with this recipe.</summary>
    private static async Task<CorpusEntry> MakeCorpusDatabase(Target target, int index, ulong corpusSeed, SamplerConfig cfg,
        double scale, string recipe, int threads, CancellationToken ct)
    {
        var began = Stopwatch.GetTimestamp();
        var schema = CorpusSchema(index);
        var dbSeed = CounterRng.Stream(corpusSeed, (ulong)index).Key;
        await using var conn = new NpgsqlConnection(target.ConnectionString);
        await conn.OpenAsync(ct);
        await using (var done = new NpgsqlCommand(
            "SELECT 1 FROM public.plurel_manifest WHERE schema_name = $1 AND seed = $2 AND recipe = $3", conn))
        {
            done.Parameters.AddWithValue(schema);
            done.Parameters.AddWithValue((decimal)dbSeed);
            done.Parameters.AddWithValue(recipe);
            if (await done.ExecuteScalarAsync(ct) is not null) return new CorpusEntry(null, null, 0);
        }
        // Half-made, or from another seed or recipe: start that schema over.
        await Exec(conn, $"DELETE FROM public.plurel_manifest WHERE schema_name = '{schema}'", ct);
        await Exec(conn, $"DROP SCHEMA IF EXISTS {schema} CASCADE", ct);
        var sampled = Scaled(SchemaSampler.Sample(dbSeed, cfg), scale, schema);
        var graph = sampled.ToSchemaGraph();
        var (report, fmas) = await Load(target.ConnectionString, target.Database, sampled, graph, threads, ct);
        await using (var ins = new NpgsqlCommand(
            "INSERT INTO public.plurel_manifest (schema_name, seed, family, tables, rows, seconds, recipe) VALUES ($1, $2, $3, $4, $5, $6, $7)", conn))
        {
            ins.Parameters.AddWithValue(schema);
            ins.Parameters.AddWithValue((decimal)dbSeed);
            ins.Parameters.AddWithValue(sampled.Family.ToString());
            ins.Parameters.AddWithValue(sampled.Tables.Count);
            ins.Parameters.AddWithValue(report.TotalRows);
            ins.Parameters.AddWithValue(report.TotalSeconds);
            ins.Parameters.AddWithValue(recipe);
            await ins.ExecuteNonQueryAsync(ct);
        }
        var seconds = Stopwatch.GetElapsedTime(began).TotalSeconds;
        return new CorpusEntry(report, string.Create(CultureInfo.InvariantCulture,
            $"  {schema}: {sampled.Family}, {sampled.Tables.Count} tables, {report.TotalRows:N0} rows in {seconds:F2} s"), seconds, fmas);
    }

    /// <summary>--tables-range a-b.</summary>
    public static IntRange ParseTablesRange(string r)
    {
        var parts = r.Split('-');
        if (parts.Length != 2 || !int.TryParse(parts[0], out var a) || !int.TryParse(parts[1], out var b) || a < 1 || b < a)
            throw new UsageException($"--tables-range {r}: expected a-b with 1 ≤ a ≤ b");
        return new IntRange(a, b);
    }

    private static Option<string> FamilyOption()
    {
        var family = new Option<string>("--family") { Description = "Schema family: ba, tree, ws or any.", DefaultValueFactory = _ => "any" };
        family.AcceptOnlyFromAmong("ba", "tree", "ws", "any");
        return family;
    }

    internal static SamplerConfig Config(string family, int? tables, IntRange? range)
    {
        var cfg = new SamplerConfig
        {
            ForceFamily = family switch
            {
                "ba" => SchemaFamily.BarabasiAlbert,
                "tree" => SchemaFamily.ReverseRandomTree,
                "ws" => SchemaFamily.WattsStrogatz,
                _ => null,
            },
            ForceTables = tables,
        };
        if (tables is < 1) throw new UsageException("--tables must be at least 1");
        return range is { } r ? cfg with { Tables = r } : cfg;
    }

    /// <summary>The sampled schema with every row count multiplied, computed in doubles and refused (exit 2) where it
    /// overflows or passes what one PostgreSQL table holds, instead of saturating.</summary>
    private static SampledSchema Scaled(SampledSchema s, double scale, string schemaName)
    {
        if (!(scale > 0) || double.IsInfinity(scale)) throw new UsageException("--scale must be a positive number");
        var tables = new List<SampledTable>();
        foreach (var t in s.Tables)
        {
            var rows = Math.Round(t.Rows * scale);
            if (!(rows <= Math.Min(GenerationPlanner.MaxTableRows, PopulateCommand.PostgresMaxTableRows)))
                throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                    $"{t.Name}: {t.Rows:N0} rows × --scale {scale:G6} = {rows:G4} rows, more than one PostgreSQL table can hold; lower --scale"));
            tables.Add(t with { Rows = Math.Max(1, (long)rows) });
        }
        return new SampledSchema
        {
            Seed = s.Seed, Family = s.Family, Graph = s.Graph, Window = s.Window, Config = s.Config, Schema = schemaName, Tables = tables,
        };
    }

    private static void CheckTotal(double rows, long maxRows, string what)
    {
        if (maxRows > 0 && rows > maxRows)
            throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                $"{what} would hold {rows:N0} rows, more than the limit of {maxRows:N0}; lower --scale, or raise --max-rows (0: no limit)"));
    }

    /// <summary>Samples every database's schema up front (cheap: no rows) so --scale is checked before the corpus
    /// database is created or touched.</summary>
    private static void CheckCorpusSize(int count, ulong corpusSeed, SamplerConfig cfg, double scale, long maxRows, TextWriter log)
    {
        double total = 0;
        for (var i = 0; i < count; i++)
            total += Scaled(SchemaSampler.Sample(CounterRng.Stream(corpusSeed, (ulong)i).Key, cfg), scale, CorpusSchema(i)).Tables.Sum(t => (double)t.Rows);
        CheckTotal(total, maxRows, $"the corpus of {count} databases");
        if (total > 1_000_000)
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"planned at most {total:N0} rows in {count} databases (those already complete are kept)"));
    }

    /// <summary>Generates through the PluRel engine (keys are row indices, as in the reference) and loads in one
    /// transaction, schema objects included.</summary>
    private static async Task<(LoadReport Report, double MlpFmas)> Load(string connectionString, string database, SampledSchema sampled,
        SchemaGraph graph, int threads, CancellationToken ct, bool showProgress = false)
    {
        var generator = new PluRelRowGenerator(sampled, options: new PluRelRuntimeOptions { Threads = threads });
        var options = new LoadOptions
        {
            PreDataSql = PgDdlWriter.PreData(graph), PostDataSql = PgDdlWriter.PostData(graph), GenerateThreads = threads,
            TargetDatabase = database,
        };
        var report = showProgress
            // One database can take minutes: per-table progress as populate shows it.
            ? await LoadProgressView.Run(generator.Plan,
                progress => new PgLoader().LoadAsync(connectionString, new GeneratedRows(generator.Plan, generator), options, progress, ct))
            : await new PgLoader().LoadAsync(connectionString, new GeneratedRows(generator.Plan, generator), options, null, ct);
        return (report, generator.Database.MlpFmas());
    }

    private static async Task Exec(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
