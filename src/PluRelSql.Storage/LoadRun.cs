using System.Diagnostics;
using PluRelSql.Core;
using PluRelSql.Schema;
using PluRelSql.Storage.Postgres;

namespace PluRelSql.Storage;

/// <summary>The phases every bulk load goes through inside its one transaction, whatever the server: prepare the
/// tables, copy each table in load order, run the post-data statements (keys, checks, indexes, sequences), commit;
/// timed for the <see cref="LoadReport"/>. It also tracks where the load is (<see cref="Phase"/>, <see cref="Current"/>
/// table), so a loader's driver-specific error mapping can name both.</summary>
internal sealed class LoadRun
{
    /// <summary>What the load was doing: "schema statements", "copy", "constraints after the data", a phase the
    /// post-data step names itself, or "commit".</summary>
    public string Phase { get; set; } = "schema statements";

    /// <summary>The table being copied, null outside the copy phase.</summary>
    public TableDef? Current { get; private set; }

    /// <summary>Runs the phases. <paramref name="copyTable"/> gets the table and the shared generator timing and
    /// returns the rows it wrote; <paramref name="postData"/> may set <see cref="Phase"/> for its own steps.</summary>
    public async Task<LoadReport> ExecuteAsync(IReadOnlyList<TableDef> tables, Func<Task> prepare,
        Func<TableDef, GenerateTiming, Task<long>> copyTable, Func<Task> postData, Func<Task> commit)
    {
        var clock = Stopwatch.StartNew();
        await prepare().ConfigureAwait(false);
        var createSeconds = clock.Elapsed.TotalSeconds;

        Phase = "copy";
        clock.Restart();
        var loads = new List<TableLoad>();
        var timing = new GenerateTiming();
        foreach (var table in tables)
        {
            Current = table;
            var tableClock = Stopwatch.StartNew();
            var rows = await copyTable(table, timing).ConfigureAwait(false);
            loads.Add(new TableLoad(table.Name, rows, tableClock.Elapsed.TotalSeconds));
        }
        Current = null;
        var copySeconds = clock.Elapsed.TotalSeconds;

        Phase = "constraints after the data";
        clock.Restart();
        await postData().ConfigureAwait(false);
        Phase = "commit";
        await commit().ConfigureAwait(false);
        return new LoadReport
        {
            Tables = loads,
            CreateSeconds = createSeconds,
            CopySeconds = copySeconds,
            GenerateWaitSeconds = timing.WaitSeconds,
            GenerateThreadSeconds = timing.GenerateSeconds,
            ConstrainSeconds = clock.Elapsed.TotalSeconds,
        };
    }

    /// <summary>Every planned table exists in the target and has every column the plan loads.
    /// <paramref name="hasColumn"/> gives a table's column test, or null when the target lacks the table.</summary>
    public static void RequireTargets(IEnumerable<TableDef> tables, LoadOptions options, Func<TableDef, Func<string, bool>?> hasColumn)
    {
        foreach (var table in tables)
        {
            if (hasColumn(table) is not { } has)
                throw new LoadException(
                    options.PreDataSql.Count == 0
                        ? $"{LoadException.DisplayName(table.Name)}: table does not exist in the target database (create the schema first, or let the load create it)"
                        : $"{LoadException.DisplayName(table.Name)}: table does not exist after the schema statements ran",
                    table.Name);
            foreach (var col in table.Columns.Where(c => c.IsLoaded))
                if (!has(col.Name))
                    throw new LoadException($"{LoadException.DisplayName(table.Name)}: the target table has no column \"{col.Name}\" ({col.Type})",
                        table.Name, col.Name);
        }
    }
}
