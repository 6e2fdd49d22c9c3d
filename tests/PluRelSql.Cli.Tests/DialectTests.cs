using System.Text.Json;
using PluRelSql.TestSupport;

namespace PluRelSql.Cli.Tests;

/// <summary>inspect reads T-SQL scripts through ScriptDom into the same graph and JSON contract.</summary>
public sealed class DialectTests
{
    private static (HashSet<string> Tables, HashSet<string> ForeignKeys) Inspect(string file)
    {
        var run = Cli.Plurel("inspect", "--schema", Repo.Corpus(file), "--format", "json");
        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.StdOut);
        // Chinook's scripts spell names InvoiceLine (T-SQL) and invoice_line (PostgreSQL): compare without case or '_'.
        static string N(string s) => s.Replace("_", "", StringComparison.Ordinal).ToLowerInvariant();
        var tables = new HashSet<string>();
        var fks = new HashSet<string>();
        foreach (var t in json.RootElement.GetProperty("tables").EnumerateArray())
        {
            var name = N(t.GetProperty("name").GetString()!);
            tables.Add(name);
            foreach (var fk in t.GetProperty("foreignKeys").EnumerateArray())
                fks.Add($"{name}({string.Join(",", fk.GetProperty("columns").EnumerateArray().Select(c => N(c.GetString()!)))})->" +
                        N(fk.GetProperty("refTable").GetString()!));
        }
        return (tables, fks);
    }

    [CorpusFact("tsql/chinook.sql", "postgres/chinook.sql")]
    public void Chinook_in_tsql_and_postgres_gives_the_same_tables_and_foreign_keys()
    {
        var tsql = Inspect("tsql/chinook.sql");
        var pg = Inspect("postgres/chinook.sql");
        Assert.Equal(11, tsql.Tables.Count);
        Assert.True(pg.Tables.SetEquals(tsql.Tables), $"{string.Join(",", pg.Tables)} vs {string.Join(",", tsql.Tables)}");
        Assert.Equal(11, tsql.ForeignKeys.Count);
        Assert.True(pg.ForeignKeys.SetEquals(tsql.ForeignKeys), $"{string.Join(";", pg.ForeignKeys)} vs {string.Join(";", tsql.ForeignKeys)}");
    }

    [CorpusFact("tsql/pubs.sql", "postgres/northwind.sql")]
    public void Mixed_dialects_are_refused()
    {
        var run = Cli.Plurel("inspect", "--schema", Repo.Corpus("tsql/pubs.sql"), "--schema", Repo.Corpus("postgres/northwind.sql"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("mix T-SQL and PostgreSQL", run.StdErr);
    }
}
