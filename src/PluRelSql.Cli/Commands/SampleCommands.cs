using System.CommandLine;
using System.Globalization;
using PluRelSql.Core;
using PluRelSql.Generation.PluRel;
using PluRelSql.Schema;
using PluRelSql.Schema.Output;
using PluRelSql.Storage;
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
        var encoders = EncodersOption();
        var cmd = new Command("sample", "Sample a database from the PluRel prior and load it (drops and recreates --database).")
        {
            seed, tables, family, scale, db, database, emit, threads, maxRows, encoders,
        };
        cmd.SetAction((pr, ct) => ExitCodes.Run(async () =>
        {
            var cfg = Config(pr.GetValue(family)!, pr.GetValue(tables), null);
            var threadCount = CommonOptions.CheckThreads(pr.GetValue(threads));
            var ddlFile = pr.GetValue(emit) is { } file ? OutputFile.Prepare("--emit-ddl", "the DDL", file, []) : null;
            var sampled = SampleWorkflow.Scaled(SchemaSampler.Sample(pr.GetValue(seed), cfg), pr.GetValue(scale), SampledSchema.SchemaName);
            // Sizes are checked before any server is contacted: --scale 1e300 must not get as far as a database.
            CheckTotal(sampled.Tables.Sum(t => (double)t.Rows), CommonOptions.CheckMaxRows(pr.GetValue(maxRows)), "the sampled database");
            var sampledGraph = sampled.ToSchemaGraph();
            PopulateWorkflow.DescribeLargePlan(sampled.Tables.Select((t, i) => (sampledGraph.Tables[i], t.Rows)).ToList(), Console.Error);
            var target = await Target.Resolve(pr.GetValue(db), pr.GetValue(database), ct);
            target.RequirePostgres(cmd.Name);
            // The emitted schema leaves out the constant boolean columns the reference drops.
            var generator = SampleWorkflow.Generator(sampled, threadCount, ParseEncoders(pr.GetValue(encoders)!));
            // Written before the database is touched, so a failure here leaves it as it was.
            ddlFile?.Write(PgDdlWriter.Script(generator.Plan.Graph), Console.Error);
            var (report, fmas) = await SampleWorkflow.RunAsync(target.Endpoint, cmd.Name, generator, threadCount, Console.Error,
                LoadProgressView.Run, ct);
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
        var encoders = EncodersOption();
        var cmd = new Command("corpus", "Create N sampled databases as schemas plurel_00000… of one database, with a manifest; resumable.")
        {
            count, seed, range, family, scale, db, database, threads, maxRows, encoders,
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
            var made = await CorpusWorkflow.EnsureAsync(target.Endpoint, n, pr.GetValue(seed), cfg, pr.GetValue(scale), threadCount, Console.Error, ct,
                ParseEncoders(pr.GetValue(encoders)!));
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

    /// <summary>--tables-range a-b.</summary>
    public static IntRange ParseTablesRange(string r)
    {
        var parts = r.Split('-');
        if (parts.Length != 2 || !int.TryParse(parts[0], out var a) || !int.TryParse(parts[1], out var b) || a < 1 || b < a)
            throw new UsageException($"--tables-range {r}: expected a-b with 1 ≤ a ≤ b");
        return new IntRange(a, b);
    }

    private static Option<string> EncodersOption()
    {
        var o = new Option<string>("--encoders")
        {
            Description = "Numeric encoders: exact (every row through its MLP) or tabulated (interpolated, exact where the table is not accurate).",
            DefaultValueFactory = _ => "exact",
        };
        o.AcceptOnlyFromAmong("exact", "tabulated");
        return o;
    }

    internal static EncoderMode ParseEncoders(string value) => value == "tabulated" ? EncoderMode.Tabulated : EncoderMode.Exact;

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
            total += SampleWorkflow.Scaled(SchemaSampler.Sample(CounterRng.Stream(corpusSeed, (ulong)i).Key, cfg), scale, CorpusWorkflow.CorpusSchema(i)).Tables.Sum(t => (double)t.Rows);
        CheckTotal(total, maxRows, $"the corpus of {count} databases");
        if (total > 1_000_000)
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"planned at most {total:N0} rows in {count} databases (those already complete are kept)"));
    }
}
