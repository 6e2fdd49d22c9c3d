using System.CommandLine;
using PluRelSql.Schema;
using PluRelSql.Schema.Output;

namespace PluRelSql.Cli.Commands;

/// <summary><c>plurel inspect (--schema FILE | --db CONN)</c>: the graph as text, JSON or a Mermaid ER diagram.</summary>
public static class InspectCommand
{
    public static Command Create()
    {
        var schema = new Option<string[]>("--schema", "-s") { Description = "Schema file(s), directories of *.sql files or quoted globs to read (repeatable; e.g. tpch-dss.ddl and tpch-dss.ri together)." };
        var db = new Option<string>("--db") { Description = "Read a live database instead: libpq URI, Npgsql or SqlClient connection string." };
        var provider = PopulateCommand.ProviderOption();
        var database = new Option<string>("--database") { Description = "Database name (overrides the one in --db; with neither --schema nor --db: a database of the embedded cluster)." };
        var format = new Option<string>("--format", "-f") { Description = "text, json or mermaid.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json", "mermaid");
        var verbose = SchemaFiles.VerboseOption();
        var vars = SchemaFiles.VarOption();
        var cmd = new Command("inspect", "Show the table graph of a schema file or a live database.") { schema, db, provider, database, format, verbose, vars };
        cmd.SetAction((pr, ct) => ExitCodes.Run(async () =>
        {
            var files = pr.GetValue(schema) ?? [];
            var conn = pr.GetValue(db);
            if (files.Length > 0 && conn is not null) throw new UsageException("give either --schema or --db, not both");
            SchemaGraph graph;
            if (files.Length > 0)
                graph = SchemaFiles.Read(files, Console.Error, pr.GetValue(verbose), SchemaFiles.Variables(pr.GetValue(vars)));
            else
            {
                var target = await Target.Resolve(conn, pr.GetValue(database), ct, pr.GetValue(provider));
                await using var session = await target.OpenAsync(ct);
                graph = await session.ReadSchemaAsync(ct: ct);
            }
            Console.Out.Write(pr.GetValue(format) switch
            {
                "json" => SchemaJson.Write(graph) + Environment.NewLine,
                "mermaid" => SchemaMermaid.Write(graph),
                _ => SchemaText.Write(graph),
            });
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}
