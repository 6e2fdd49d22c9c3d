using System.CommandLine;

namespace PluRelSql.Cli.Commands;

/// <summary><c>plurel db start|stop|status|url</c>: the private PostgreSQL cluster under ./.plurel/pg.</summary>
public static class DbCommands
{
    public static Command Create()
    {
        var db = new Command("db", "Manage the embedded PostgreSQL cluster under ./.plurel/pg (used whenever --db is not given).");

        var start = new Command("start", "Start the embedded cluster (initdb on first use).");
        start.SetAction((_, ct) => ExitCodes.Run(async () =>
        {
            var cluster = Target.Cluster();
            await cluster.StartAsync(ct);
            // The password stays out of the terminal's scrollback here; `plurel db url` prints the URI that carries it.
            Console.WriteLine($"running: postgresql://postgres@127.0.0.1:{cluster.Port}/postgres " +
                              $"(password in {cluster.PasswordFile}; `plurel db url` prints a URI with it)");
            return ExitCodes.Ok;
        }));

        var stop = new Command("stop", "Stop the embedded cluster (data is kept).");
        stop.SetAction((_, ct) => ExitCodes.Run(async () =>
        {
            await Target.Cluster().StopAsync(ct);
            Console.WriteLine("stopped");
            return ExitCodes.Ok;
        }));

        var status = new Command("status", "Say whether the embedded cluster runs, where, and which version.");
        status.SetAction((_, ct) => ExitCodes.Run(async () =>
        {
            var s = await Target.Cluster().StatusAsync(ct);
            Console.WriteLine(s.ToString());
            return s.Running ? ExitCodes.Ok : ExitCodes.Failure;
        }));

        var database = new Option<string>("--database") { Description = "Database name in the URL.", DefaultValueFactory = _ => "postgres" };
        var url = new Command("url", "Print a libpq URI of the embedded cluster, with its password (psql accepts it); starts the cluster when needed.") { database };
        url.SetAction((pr, ct) => ExitCodes.Run(async () =>
        {
            var cluster = Target.Cluster();
            await cluster.StartAsync(ct);
            Console.WriteLine(cluster.Url(pr.GetValue(database)!));
            return ExitCodes.Ok;
        }));

        db.Subcommands.Add(start);
        db.Subcommands.Add(stop);
        db.Subcommands.Add(status);
        db.Subcommands.Add(url);
        return db;
    }
}
