using System.Globalization;
using System.Text.Json;
using PluRelSql.Generation;
using PluRelSql.Storage;
using Spectre.Console;

namespace PluRelSql.Cli;

/// <summary>The closing summary of a load (always printed) and its JSON form for scripts and benchmarks.</summary>
public static class Summary
{
    public static void Print(LoadReport r, TextWriter output)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = output == Console.Out && !Console.IsOutputRedirected ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = output == Console.Out && !Console.IsOutputRedirected ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        });
        var table = new Table().Border(TableBorder.Simple)
            .AddColumn("table").AddColumn(new TableColumn("rows").RightAligned())
            .AddColumn(new TableColumn("seconds").RightAligned()).AddColumn(new TableColumn("rows/s").RightAligned());
        foreach (var t in r.Tables)
            table.AddRow(Markup.Escape(t.Table.ToString()), t.Rows.ToString("N0", CultureInfo.InvariantCulture),
                t.Seconds.ToString("F2", CultureInfo.InvariantCulture), Rate(t.Rows, t.Seconds));
        console.Write(table);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"loaded {r.TotalRows:N0} rows into {r.Tables.Count} tables in {r.TotalSeconds:F2} s ({Rate(r.TotalRows, r.TotalSeconds)} rows/s): " +
            $"create {r.CreateSeconds:F2} s, copy {r.CopySeconds:F2} s (of which waiting for the generator {r.GenerateWaitSeconds:F2} s; " +
            $"generator thread time {r.GenerateThreadSeconds:F2} s), constrain {r.ConstrainSeconds:F2} s; peak RSS {PeakRss() / 1048576.0:F0} MiB"));
    }

    /// <summary>Tables that got fewer rows than asked (--fit-rows), each with both numbers and why.</summary>
    public static void PrintFitted(IReadOnlyList<RowCap> caps, TextWriter output)
    {
        if (caps.Count == 0) return;
        output.WriteLine($"{caps.Count} table(s) got fewer rows than asked (--fit-rows):");
        foreach (var c in caps)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {c.Table}: {c.Rows:N0} of {c.Requested:N0} rows ({c.Reason})"));
    }

    public static string Json(LoadReport r) => JsonSerializer.Serialize(new
    {
        totalRows = r.TotalRows,
        seconds = r.TotalSeconds,
        rowsPerSecond = r.TotalSeconds > 0 ? r.TotalRows / r.TotalSeconds : 0,
        createSeconds = r.CreateSeconds,
        copySeconds = r.CopySeconds,
        generateWaitSeconds = r.GenerateWaitSeconds,
        generateThreadSeconds = r.GenerateThreadSeconds,
        peakWorkingSetBytes = PeakRss(),
        constrainSeconds = r.ConstrainSeconds,
        tables = r.Tables.Select(t => new { table = t.Table.ToString(), rows = t.Rows, seconds = t.Seconds }),
    }, new JsonSerializerOptions { WriteIndented = true });

    /// <summary>This process's peak resident set size (VmHWM on Linux).</summary>
    public static long PeakRss()
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        return self.PeakWorkingSet64;
    }

    private static string Rate(long rows, double seconds) =>
        seconds > 0 ? (rows / seconds).ToString("N0", CultureInfo.InvariantCulture) : "-";
}

/// <summary>Per-table progress bars on a terminal; one line per finished table otherwise.</summary>
public static class LoadProgressView
{
    public static async Task<LoadReport> Run(GenerationPlan plan, Func<IProgress<TableProgress>, Task<LoadReport>> load)
    {
        if (Console.IsErrorRedirected || Console.IsOutputRedirected)
        {
            var done = new HashSet<string>();
            var progress = new SyncProgress(p =>
            {
                if (p.RowsDone >= p.RowsTotal && done.Add(p.Table.ToString()))
                    Console.Error.WriteLine($"  {p.Table}: {p.RowsDone:N0} rows");
            });
            return await load(progress);
        }
        LoadReport? report = null;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async ctx =>
            {
                var tasks = plan.Order.Tables.ToDictionary(t => t.Name,
                    t => ctx.AddTask(Markup.Escape(t.Name.ToString()), maxValue: Math.Max(1, plan.Rows(t))));
                var progress = new SyncProgress(p =>
                {
                    if (tasks.TryGetValue(p.Table, out var task)) task.Value = Math.Max(p.RowsDone, p.RowsTotal == 0 ? 1 : 0);
                });
                report = await load(progress);
            });
        return report!;
    }

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to the thread pool, out of order).</summary>
    private sealed class SyncProgress(Action<TableProgress> report) : IProgress<TableProgress>
    {
        public void Report(TableProgress value) => report(value);
    }
}
