using System.Data.Common;
using System.Globalization;
using Npgsql;
using PluRelSql.Schema;
using PluRelSql.Storage;
using PluRelSql.Storage.Postgres;

namespace PluRelSql.Workflows.LikeReport;

/// <summary>What <c>plurel like-report</c> compares: a source database, its twin, optionally a file of queries.</summary>
/// <param name="AnalyzeSource">Run ANALYZE on the source too (off by default: the source is only read).</param>
public sealed record LikeReportOptions(DatabaseEndpoint Source, DatabaseEndpoint Target, string? QueriesFile = null,
    bool AnalyzeSource = false, LikeThresholds? Thresholds = null);

/// <summary>A side could not be reached or read: exit 3, naming the side.</summary>
public sealed class LikeReportException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Compares a twin with its source through their planner statistics (after ANALYZE on the twin) and, for a
/// query file, their <c>EXPLAIN (FORMAT JSON)</c> plan shapes. It reads the source's catalog only: statistics and
/// plans, never a table row.</summary>
public static class LikeReportWorkflow
{
    public static async Task<LikeComparison> RunAsync(LikeReportOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Source.Server.Provider != DatabaseProvider.Postgres || options.Target.Server.Provider != DatabaseProvider.Postgres)
            throw new UsageException("like-report compares PostgreSQL databases only");
        // Read the query file before any server is contacted: a bad file is bad input, whatever the databases.
        var queries = options.QueriesFile is { } file ? QueryFile.Read(file) : [];
        await using var source = await OpenAsync(options.Source, "source", ct).ConfigureAwait(false);
        await using var target = await OpenAsync(options.Target, "target", ct).ConfigureAwait(false);
        var sourceGraph = await source.ReadSchemaAsync(await source.ListSchemasAsync(ct).ConfigureAwait(false), ct).ConfigureAwait(false);
        if (!sourceGraph.LoadableTables.Any()) throw new UsageException($"the source database {options.Source.Description} has no tables");
        var targetSchemas = await target.ListSchemasAsync(ct).ConfigureAwait(false);
        var targetGraph = targetSchemas.Count == 0 ? new SchemaGraph() : await target.ReadSchemaAsync(targetSchemas, ct).ConfigureAwait(false);

        var src = (NpgsqlConnection)source.Connection;
        var tgt = (NpgsqlConnection)target.Connection;
        if (options.AnalyzeSource) await PgStatisticsReader.AnalyzeAsync(src, sourceGraph, ct).ConfigureAwait(false);
        await PgStatisticsReader.AnalyzeAsync(tgt, targetGraph, ct).ConfigureAwait(false);
        var sourceStats = await PgStatisticsReader.ReadAsync(src, sourceGraph, ct).ConfigureAwait(false);
        var targetStats = await PgStatisticsReader.ReadAsync(tgt, targetGraph, ct).ConfigureAwait(false);

        var thresholds = options.Thresholds ?? LikeThresholds.Default with { SampleLimit = await SampleLimitAsync(tgt, ct).ConfigureAwait(false) };
        var (tables, columns) = StatisticsComparer.Compare(sourceStats.Statistics, targetStats.Statistics, thresholds);
        var plans = new List<PlanComparison>();
        foreach (var q in queries) plans.Add(await ComparePlanAsync(src, tgt, q, ct).ConfigureAwait(false));
        return new LikeComparison
        {
            Source = options.Source.Description,
            Target = options.Target.Description,
            Thresholds = thresholds,
            Tables = tables,
            Columns = columns,
            Plans = plans,
            // An empty table has none either, but so has a filled one never analyzed (reltuples -1 and relpages 0 until the
            // first VACUUM or ANALYZE): the catalog cannot tell them apart, so every table without any is listed.
            SourceWithoutStatistics = [.. sourceStats.Statistics.Tables.Values.Where(t => t.Columns.Count == 0).Select(t => t.Table)],
            SourceAnalyzed = options.AnalyzeSource,
            StatisticsSource = sourceStats.Source,
        };
    }

    private static async Task<DatabaseSession> OpenAsync(DatabaseEndpoint endpoint, string side, CancellationToken ct)
    {
        try
        {
            return await endpoint.OpenAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DbException or System.Net.Sockets.SocketException or TimeoutException or IOException or ArgumentException)
        {
            var why = e is PostgresException pe ? pe.MessageText : e.InnerException is { } inner ? $"{e.Message} ({inner.Message})" : e.Message;
            throw new LikeReportException($"cannot reach the {side} database {endpoint.Description}: {why}", e);
        }
    }

    /// <summary>Rows ANALYZE samples on the target: 300 × default_statistics_target.</summary>
    private static async Task<double> SampleLimitAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT current_setting('default_statistics_target')::int", conn);
        return 300.0 * Convert.ToInt32(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    /// <summary>EXPLAIN (FORMAT JSON) — the plan only; the query does not run — on both sides.</summary>
    private static async Task<PlanComparison> ComparePlanAsync(NpgsqlConnection source, NpgsqlConnection target, NamedQuery q, CancellationToken ct)
    {
        PlanNode s, t;
        try { s = await ExplainAsync(source, q.Sql, ct).ConfigureAwait(false); }
        catch (PostgresException e) { return new PlanComparison(q.Name, q.Title, null, null, [], $"source: {e.MessageText}"); }
        try { t = await ExplainAsync(target, q.Sql, ct).ConfigureAwait(false); }
        catch (PostgresException e) { return new PlanComparison(q.Name, q.Title, s, null, [], $"target: {e.MessageText}"); }
        return new PlanComparison(q.Name, q.Title, s, t, PlanShape.Differences(s, t), null);
    }

    internal static async Task<PlanNode> ExplainAsync(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("EXPLAIN (FORMAT JSON) " + sql, conn);
        var json = await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false);
        return PlanShape.Parse(json switch
        {
            string text => text,
            null => throw new FormatException("EXPLAIN returned nothing"),
            var other => other.ToString() ?? "",
        });
    }
}
