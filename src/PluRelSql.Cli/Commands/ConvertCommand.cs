using System.CommandLine;
using PluRelSql.Schema;
using PluRelSql.Schema.Output;

namespace PluRelSql.Cli.Commands;

/// <summary><c>plurel convert --schema FILE… --to postgres|tsql [--out FILE]</c>: the schema as DDL of the other (or the
/// same) dialect. What the target cannot hold is reported as warnings on stderr, each with its file:line:col.</summary>
public static class ConvertCommand
{
    public static Command Create()
    {
        var schema = new Option<string[]>("--schema", "-s") { Description = "Schema file(s), directories of *.sql files or quoted globs to read (repeatable), PostgreSQL or T-SQL.", Required = true };
        var to = new Option<string>("--to") { Description = "Target dialect: postgres or tsql.", Required = true };
        to.AcceptOnlyFromAmong("postgres", "tsql");
        var output = new Option<string>("--out", "-o") { Description = "Write the DDL to this file instead of stdout." };
        var verbose = SchemaFiles.VerboseOption();
        var vars = SchemaFiles.VarOption();
        var cmd = new Command("convert", "Write a schema as PostgreSQL or T-SQL DDL (defaults, CHECKs and indexes translated).") { schema, to, output, verbose, vars };
        cmd.SetAction((pr, _) => ExitCodes.Run(() =>
        {
            var dialect = pr.GetValue(to) == "tsql" ? SqlDialect.TSql : SqlDialect.PostgreSql;
            var inputs = pr.GetValue(schema) ?? [];
            // Checked before reading: never one of the --schema files, never through a link (see OutputFile).
            var file = pr.GetValue(output) is { } path
                ? OutputFile.Prepare("--out", "the DDL", path, SchemaFiles.Expand(inputs).Select(i => ("--schema", i)))
                : null;
            var graph = SchemaFiles.Read(inputs, Console.Error, dialect, pr.GetValue(verbose), SchemaFiles.Variables(pr.GetValue(vars)));
            var ddl = dialect == SqlDialect.TSql ? TSqlDdlWriter.Script(graph) : PgDdlWriter.Script(graph);
            if (file is not null)
            {
                file.Write(ddl, Console.Error);
                Console.Error.WriteLine($"wrote {graph.Tables.Count} tables as {(dialect == SqlDialect.TSql ? "T-SQL" : "PostgreSQL")} to {file.Path}");
            }
            else Console.Out.Write(ddl);
            return Task.FromResult(ExitCodes.Ok);
        }));
        return cmd;
    }
}
