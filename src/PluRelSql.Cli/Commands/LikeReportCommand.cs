using System.CommandLine;
using PluRelSql.Workflows.LikeReport;

namespace PluRelSql.Cli.Commands;

/// <summary><c>plurel like-report --source DB --target DB</c>: a twin's planner statistics and query plans against its
/// source's (issue 18). It reports and does not judge: exit 0 whatever the share that passed.</summary>
public static class LikeReportCommand
{
    public static Command Create()
    {
        var source = new Option<string>("--source") { Description = "The source database: a database name of the embedded cluster, or a libpq URI / Npgsql connection string. Only its catalog is read (statistics, plans).", Required = true };
        var target = new Option<string>("--target") { Description = "The twin (name or connection string, as --source). ANALYZE runs on it first.", Required = true };
        var queries = new Option<string>("--queries") { Description = "A file of SQL queries separated by ';' (each named by the comment line before it): compare their EXPLAIN (FORMAT JSON) plan shapes." };
        var json = new Option<string>("--json") { Description = "Also write the report as JSON to this file." };
        var analyzeSource = new Option<bool>("--analyze-source") { Description = "Run ANALYZE on the source too (by default the source is only read)." };
        var failuresOnly = new Option<bool>("--failures-only") { Description = "List only the columns, tables and plans that fail (the summary counts all)." };
        var cmd = new Command("like-report", "Compare a twin's statistics (null fraction, n_distinct, MCVs, histograms, row counts) and query plans with its source's.")
        {
            source, target, queries, json, analyzeSource, failuresOnly,
        };
        cmd.SetAction((pr, ct) => ExitCodes.Run(async () =>
        {
            var queryFile = pr.GetValue(queries);
            if (queryFile is not null && !File.Exists(queryFile)) throw new UsageException($"--queries {queryFile}: no such file");
            var inputs = queryFile is null ? [] : new[] { ("--queries", queryFile) };
            var jsonFile = pr.GetValue(json) is { } j ? OutputFile.Prepare("--json", "the report", j, inputs) : null;
            var src = await RealismCommand.Resolve(pr.GetValue(source)!, "--source", ct, "like-report");
            var tgt = await RealismCommand.Resolve(pr.GetValue(target)!, "--target", ct, "like-report");
            var report = await LikeReportWorkflow.RunAsync(
                new LikeReportOptions(src.Endpoint, tgt.Endpoint, queryFile, pr.GetValue(analyzeSource)), ct);
            Console.Out.Write(LikeReportFormat.Text(report, all: !pr.GetValue(failuresOnly)));
            jsonFile?.Write(LikeReportFormat.Json(report) + Environment.NewLine, Console.Error);
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}
