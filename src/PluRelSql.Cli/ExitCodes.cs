using System.CommandLine;
using Npgsql;
using PluRelSql.Analysis;
using PluRelSql.LocalServer;
using PluRelSql.Schema;
using PluRelSql.Storage;
using PluRelSql.Storage.Postgres;
using PluRelSql.Training;

namespace PluRelSql.Cli;

/// <summary>Failure classes the CLI reports: 2 for bad input (schema files, options), 3 for the database, 130 for an interrupted train.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int BadInput = 2;
    public const int Database = 3;
    /// <summary>Stopped by Ctrl-C (SIGINT): <c>plurel train</c> after saving its checkpoint, any other command after rolling
    /// back what it had started. 128 + SIGINT, as shells report it.</summary>
    public const int Interrupted = 130;

    /// <summary>Runs a command body, printing failures for people and mapping them to exit codes.</summary>
    public static async Task<int> Run(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        // After Ctrl-C whatever ends the command (cancellation, a cancelled query, a closed connection) is the interrupt.
        catch (Exception) when (InterruptRequested) { return Fail(Interrupted, "interrupted; the target was left as it was"); }
        catch (SchemaException e) { return Fail(BadInput, e.Message); }
        catch (UsageException e) { return Fail(BadInput, SettingFlags.Message(e)); }
        catch (DeviceUnavailableException e) { return Fail(BadInput, Commands.ModelCommands.DeviceMessage(e)); }
        catch (FitException e) { return Fail(BadInput, e.Message); }
        catch (FileNotFoundException e) { return Fail(BadInput, e.Message); }
        catch (DirectoryNotFoundException e) { return Fail(BadInput, e.Message); }
        catch (FormatException e) { return Fail(BadInput, e.Message); }
        catch (NotSupportedException e) { return Fail(BadInput, e.Message); }
        catch (LoadException e) { return Fail(Database, e.TableNotEmpty ? e.Message + " with --truncate" : e.Message); }
        catch (DatabaseBusyException e) { return Fail(Database, e.Message); }
        catch (PluRelSql.Workflows.Realism.RealDataLoadException e) { return Fail(Database, e.Message); }
        catch (PluRelSql.Workflows.LikeReport.LikeReportException e) { return Fail(Database, e.Message); }
        // Host not found, connection refused, server gone: named with the target's host and database.
        catch (Exception e) when (Target.Current?.DescribeServerError(e) is { } message) { return Fail(Database, message); }
        catch (PostgresException e) { return Fail(Database, $"{e.MessageText}{(e.Detail is { } d ? $" ({d})" : "")}"); }
        catch (NpgsqlException e) { return Fail(Database, e.InnerException is { } inner ? $"{e.Message}: {inner.Message}" : e.Message); }
        // SQL Server (SqlException) and any other driver's errors.
        catch (System.Data.Common.DbException e) { return Fail(Database, e.Message); }
        catch (ClusterException e) { return Fail(Database, e.Message); }
        catch (OperationCanceledException) { return Fail(Failure, "cancelled; the target was left as it was"); }
    }

    private static volatile bool _interruptRequested;

    /// <summary>Set by the first Ctrl-C (SIGINT), before the commands' cancellation token fires.</summary>
    public static bool InterruptRequested => _interruptRequested;

    public static void RequestInterrupt() => _interruptRequested = true;

    private static int Fail(int code, string message)
    {
        Console.Error.WriteLine($"plurel: error: {message}");
        return code;
    }
}

/// <summary>Options shared by the commands that generate.</summary>
public static class CommonOptions
{
    /// <summary><c>--threads N</c>: generator threads (default: every core). Rows never depend on it.</summary>
    public static Option<int> Threads() => new("--threads")
    {
        Description = "Generator threads (default: the number of cores); the rows are the same for every value.",
        DefaultValueFactory = _ => Environment.ProcessorCount,
    };

    /// <summary><c>--max-rows N</c>: the most rows one run may plan (a guard against a mistyped count); 0 lifts it.</summary>
    public static Option<long> MaxRows() => new("--max-rows")
    {
        Description = "Refuse plans with more rows than this in all (default 10,000,000,000; 0: no limit).",
        DefaultValueFactory = _ => PluRelSql.Generation.GenerationOptions.DefaultMaxTotalRows,
    };

    public static long CheckMaxRows(long maxRows) =>
        maxRows >= 0 ? maxRows : throw new UsageException($"--max-rows {maxRows}: expected 0 (no limit) or a positive count");

    public static int CheckThreads(int threads) =>
        threads is >= 1 and <= 1024 ? threads : throw new UsageException($"--threads {threads}: expected 1 to 1024");
}
