using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using PluRelSql.Core;
using PluRelSql.Generation;
using PluRelSql.Generation.PluRel;
using PluRelSql.Storage;

namespace PluRelSql.Workflows;

/// <summary><c>plurel corpus</c> and the scaling study's corpus: N sampled databases as schemas plurel_00000… of one
/// PostgreSQL database, with a manifest; resumable.</summary>
public static class CorpusWorkflow
{
    /// <summary>What <see cref="EnsureAsync"/> did: databases already complete, rows it made and where the time went.</summary>
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
    public static async Task<CorpusResult> EnsureAsync(DatabaseEndpoint target, int count, ulong corpusSeed, SamplerConfig cfg, double scale,
        int threads, TextWriter log, CancellationToken ct, EncoderMode encoders = EncoderMode.Exact)
    {
        SampleWorkflow.RequirePostgres(target.Server, "a corpus");
        await target.Server.EnsureDatabaseAsync(target.ConnectionString, recreate: false, ct).ConfigureAwait(false);
        await using (var conn = target.Server.CreateConnection(target.ConnectionString))
        {
            await conn.OpenAsync(ct).ConfigureAwait(false);
            await Exec(conn, """
                CREATE TABLE IF NOT EXISTS public.plurel_manifest (
                    schema_name text PRIMARY KEY, seed numeric(20) NOT NULL, family text NOT NULL, tables int NOT NULL,
                    rows bigint NOT NULL, seconds double precision NOT NULL, created_at timestamptz NOT NULL DEFAULT now())
                """, ct).ConfigureAwait(false);
            // Manifests written before the recipe column existed get it empty: their schemas are made again.
            await Exec(conn, "ALTER TABLE public.plurel_manifest ADD COLUMN IF NOT EXISTS recipe text", ct).ConfigureAwait(false);
        }
        // Everything besides the seed that decides a database's rows: a re-run with other settings (or another engine
        // version) must not silently keep schemas made differently.
        var recipe = string.Create(CultureInfo.InvariantCulture,
            $"engine={PluRelDatabase.EngineVersion};tables={cfg.Tables.Min}-{cfg.Tables.Max};forced={cfg.ForceTables};family={cfg.ForceFamily?.ToString() ?? "any"};scale={scale:R}")
            + (encoders == EncoderMode.Exact ? "" : $";encoders={encoders}");
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
            var entry = await MakeCorpusDatabase(target, i, corpusSeed, cfg, scale, recipe, engineThreads, encoders, token).ConfigureAwait(false);
            lock (gate)
            {
                // Progress lines in database order, each as soon as it and every earlier one are done.
                outcomes[i] = entry;
                for (; printed < count && outcomes[printed] is { } done; printed++)
                    if (done.Line is { } line) log.WriteLine(line);
            }
        }).ConfigureAwait(false);
        var made = outcomes.Select(o => o!).ToList();
        var reports = made.Where(o => o.Report is not null).Select(o => o.Report!).ToList();
        return new CorpusResult(made.Count(o => o.Report is null), reports.Sum(r => r.TotalRows), sw.Elapsed.TotalSeconds,
            reports.Sum(r => r.CopySeconds), reports.Sum(r => r.GenerateWaitSeconds), reports.Sum(r => r.ConstrainSeconds + r.CreateSeconds),
            made.Sum(o => o.Seconds), workers, made.Sum(o => o.MlpFmas), reports.Sum(r => r.GenerateThreadSeconds));
    }

    private sealed record CorpusEntry(LoadReport? Report, string? Line, double Seconds, double MlpFmas = 0);

    /// <summary>Makes corpus database <paramref name="index"/> unless the manifest says it is complete with this recipe.</summary>
    private static async Task<CorpusEntry> MakeCorpusDatabase(DatabaseEndpoint target, int index, ulong corpusSeed, SamplerConfig cfg,
        double scale, string recipe, int threads, EncoderMode encoders, CancellationToken ct)
    {
        var began = Stopwatch.GetTimestamp();
        var schema = CorpusSchema(index);
        var dbSeed = CounterRng.Stream(corpusSeed, (ulong)index).Key;
        await using var conn = target.Server.CreateConnection(target.ConnectionString);
        await conn.OpenAsync(ct).ConfigureAwait(false);
        await using (var done = Command(conn, "SELECT 1 FROM public.plurel_manifest WHERE schema_name = $1 AND seed = $2 AND recipe = $3",
                         schema, (decimal)dbSeed, recipe))
        {
            if (await done.ExecuteScalarAsync(ct).ConfigureAwait(false) is not null) return new CorpusEntry(null, null, 0);
        }
        // Half-made, or from another seed or recipe: start that schema over.
        await Exec(conn, $"DELETE FROM public.plurel_manifest WHERE schema_name = '{schema}'", ct).ConfigureAwait(false);
        await Exec(conn, $"DROP SCHEMA IF EXISTS {schema} CASCADE", ct).ConfigureAwait(false);
        var sampled = SampleWorkflow.Scaled(SchemaSampler.Sample(dbSeed, cfg), scale, schema);
        var generator = SampleWorkflow.Generator(sampled, threads, encoders);
        var (report, fmas) = await SampleWorkflow.LoadAsync(target.Server, target.ConnectionString, target.Database, generator, threads, ct).ConfigureAwait(false);
        await using (var ins = Command(conn,
            "INSERT INTO public.plurel_manifest (schema_name, seed, family, tables, rows, seconds, recipe) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            schema, (decimal)dbSeed, sampled.Family.ToString(), sampled.Tables.Count, report.TotalRows, report.TotalSeconds, recipe))
        {
            await ins.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        var seconds = Stopwatch.GetElapsedTime(began).TotalSeconds;
        return new CorpusEntry(report, string.Create(CultureInfo.InvariantCulture,
            $"  {schema}: {sampled.Family}, {sampled.Tables.Count} tables, {report.TotalRows:N0} rows in {seconds:F2} s"), seconds, fmas);
    }

    private static async Task Exec(DbConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = Command(conn, sql);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>A command with positional parameters ($1, $2 … in PostgreSQL's driver), typed from their values.</summary>
    private static DbCommand Command(DbConnection conn, string sql, params object[] values)
    {
        var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        foreach (var value in values)
        {
            var p = cmd.CreateParameter();
            p.Value = value;
            cmd.Parameters.Add(p);
        }
        return cmd;
    }
}
