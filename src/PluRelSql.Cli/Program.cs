using System.CommandLine;
using System.Globalization;
using PluRelSql.Cli.Commands;

namespace PluRelSql.Cli;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        // The process runs with ICU (SqlClient needs it) but formats and parses as in invariant mode, whatever LANG says.
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
        var root = new RootCommand("plurel — read a schema, generate constraint-valid rows the PluRel way, bulk-load them into a real database.")
        {
            DbCommands.Create(),
            PopulateCommand.Create(),
            PopulateCommand.LikeSetupSql(),
            InspectCommand.Create(),
            ProfileCommand.Create(),
            RealismCommand.Create(),
            LikeReportCommand.Create(),
            ConvertCommand.Create(),
            SampleCommands.Sample(),
            SampleCommands.Corpus(),
            ModelCommands.Train(),
            ModelCommands.FineTune(),
            ModelCommands.Eval(),
            ModelCommands.BenchTrain(),
            ScalingCommand.Create(),
        };
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0 && parsed.Action is not System.CommandLine.Help.HelpAction)
        {
            foreach (var e in parsed.Errors) Console.Error.WriteLine($"plurel: {e.Message}");
            Console.Error.WriteLine("Try 'plurel --help'.");
            return ExitCodes.BadInput;
        }
        using var cts = new CancellationTokenSource();
        // The first Ctrl-C asks the command to stop (train finishes its step and saves a checkpoint); a second one
        // ends the process at once.
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = !cts.IsCancellationRequested;
            ExitCodes.RequestInterrupt();
            cts.Cancel();
        };
        // No System.CommandLine signal handler: its forced exit after a timeout could cut a checkpoint write short.
        return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, cts.Token);
    }
}
