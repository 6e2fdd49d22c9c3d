using System.Globalization;
using Npgsql;
using PluRelSql.Generation.Like;
using PluRelSql.Schema;
using PluRelSql.Storage.Postgres;

namespace PluRelSql.Workflows;

/// <summary>What <c>populate --like</c> read from the source: its schema (from the catalog, or the given one) and its
/// statistics.</summary>
public sealed record LikeSourceRead(SchemaGraph Graph, StatisticsRead Statistics);

/// <summary>Reads a PostgreSQL source for <c>populate --like</c>: the catalog and the planner statistics, never a row
/// (ANALYZE runs only when asked, and then on the server).</summary>
public static class LikeSource
{
    public static async Task<LikeSourceRead> ReadAsync(string connectionString, SchemaGraph? schema, bool analyze, TextWriter log, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(log);
        NpgsqlConnectionStringBuilder csb;
        try { csb = PgConnectionString.Parse(connectionString); }
        catch (FormatException e) { throw new UsageException($"--like: {e.Message}"); }
        csb.Pooling = false;
        await using var conn = new NpgsqlConnection(csb.ConnectionString);
        try { await conn.OpenAsync(ct).ConfigureAwait(false); }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            throw new UsageException($"--like: cannot connect to the source ({e.Message})");
        }
        var graph = schema ?? await PgIntrospector.ReadAsync(conn, null, ct).ConfigureAwait(false);
        if (!graph.LoadableTables.Any()) throw new UsageException($"--like: the source database \"{csb.Database}\" has no table");
        if (analyze)
        {
            try { await PgStatisticsReader.AnalyzeAsync(conn, graph, ct).ConfigureAwait(false); }
            catch (PostgresException e) { throw new UsageException($"--analyze-source: ANALYZE on the source failed: {e.MessageText}"); }
            log.WriteLine($"note: ran ANALYZE on the source's {graph.LoadableTables.Count()} tables");
        }
        var read = await PgStatisticsReader.ReadAsync(conn, graph, ct).ConfigureAwait(false);
        if (read.Hidden.Count > 0)
            log.WriteLine($"warning: pg_stats hides the statistics of {read.Hidden.Count} table(s) from this role " +
                          $"({string.Join(", ", read.Hidden.Take(5))}{(read.Hidden.Count > 5 ? ", …" : "")}): it needs SELECT on them, " +
                          $"or {PgStatisticsReader.Function} installed by a superuser (`plurel like-setup-sql`); their columns use the default generator");
        var never = graph.LoadableTables.Where(t => read.Statistics.Table(t.Name)?.RowEstimate is null).Select(t => t.Name.ToString()).ToList();
        if (never.Count > 0)
            throw new UsageException($"--like: the source has no row estimate for {string.Join(", ", never)} (never analyzed): " +
                                     "run ANALYZE there or pass --analyze-source");
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"read the statistics of {graph.LoadableTables.Count()} tables from {csb.Database} through {read.Source}; no row was read"));
        return new LikeSourceRead(graph, read);
    }

    /// <summary>One line per table of how many columns came from statistics, and the columns that did not or whose
    /// values were replaced (personal data).</summary>
    public static void Describe(IReadOnlyList<LikeColumnReport> columns, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(log);
        var fromStats = columns.Count(c => c.Source != LikeColumnSource.Default);
        log.WriteLine($"like: {fromStats} of {columns.Count} columns follow the source's statistics");
        foreach (var g in columns.GroupBy(c => c.Table))
        {
            var others = g.Where(c => c.Source is LikeColumnSource.Default or LikeColumnSource.StatisticsGeneratedValues)
                .Select(c => c.Source == LikeColumnSource.Default ? $"{c.Column} (default: {c.Detail})" : $"{c.Column} (generated values: {c.Detail})");
            var line = string.Join("; ", others);
            log.WriteLine($"  {g.Key}: {g.Count(c => c.Source != LikeColumnSource.Default)}/{g.Count()} from statistics" + (line.Length > 0 ? "; " + line : ""));
        }
    }
}
