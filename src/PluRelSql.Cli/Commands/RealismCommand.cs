using System.CommandLine;
using PluRelSql.LocalServer;
using PluRelSql.Workflows.Realism;

namespace PluRelSql.Cli.Commands;

/// <summary><c>plurel realism --real DB --generated DB</c>: how plausible a generated database looks next to a real one
/// of the same schema (issue 15's measure), per column and as a score; it measures and does not judge (exit 0).</summary>
public static class RealismCommand
{
    public static Command Create()
    {
        var real = new Option<string>("--real") { Description = "The real database: a database name of the embedded cluster, or a libpq URI / Npgsql connection string.", Required = true };
        var generated = new Option<string>("--generated") { Description = "The generated database of the same schema (name or connection string, as --real).", Required = true };
        var format = new Option<string>("--format", "-f") { Description = "text or json.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var load = new Option<string>("--load-real") { Description = "First (re)create the --real database and load this SQL file WITH its data into it with psql (its DROP/CREATE DATABASE and \\c lines left out)." };
        var cmd = new Command("realism", "Measure how plausible a generated PostgreSQL database looks next to a real one of the same schema.") { real, generated, format, load };
        cmd.SetAction((pr, ct) => ExitCodes.Run(async () =>
        {
            var realTarget = await Resolve(pr.GetValue(real)!, "--real", ct);
            if (pr.GetValue(load) is { } file)
            {
                if (!File.Exists(file)) throw new UsageException($"--load-real {file}: no such file");
                await realTarget.EnsureDatabase(recreate: true, ct);
                await RealDataLoader.LoadAsync(Psql(), realTarget.ConnectionString, file, ct);
            }
            var generatedTarget = await Resolve(pr.GetValue(generated)!, "--generated", ct);
            var report = await RealismMeter.MeasureAsync(realTarget.Endpoint, generatedTarget.Endpoint, ct);
            Console.Out.Write(pr.GetValue(format) == "json" ? RealismFormat.Json(report) + Environment.NewLine : RealismFormat.Text(report));
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    // A bare name is a database of the embedded cluster (like --database elsewhere); anything with '=' or a scheme is a connection.
    internal static async Task<Target> Resolve(string value, string flag, CancellationToken ct, string command = "realism")
    {
        if (string.IsNullOrWhiteSpace(value)) throw new UsageException($"{flag} is empty: give a database name or a connection string");
        var isConnection = value.Contains('=', StringComparison.Ordinal) || value.Contains("://", StringComparison.Ordinal);
        var target = isConnection ? await Target.Resolve(value, null, ct) : await Target.Resolve(null, value, ct);
        if (target.Provider != Storage.DatabaseProvider.Postgres) throw new UsageException($"{flag}: {command} reads PostgreSQL only");
        return target;
    }

    // The embedded cluster's psql when the server is installed where we found it, else psql on the PATH.
    private static string Psql()
    {
        try { return Path.Combine(Target.Cluster().BinDirectory, "psql"); }
        catch (ClusterException) { return "psql"; }
    }
}
