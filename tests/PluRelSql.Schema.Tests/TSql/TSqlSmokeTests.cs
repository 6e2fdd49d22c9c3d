using PluRelSql.Schema.TSql;
using Xunit.Abstractions;

namespace PluRelSql.Schema.Tests.TSql;

public sealed class TSqlSmokeTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("chinook.sql")]
    [InlineData("pubs.sql")]
    [InlineData("sakila-schema.sql")]
    public void Dump(string file)
    {
        var r = TSqlDdlReader.ReadFiles([TSqlCorpus.Path("tsql", file)]);
        foreach (var t in r.Graph.Tables)
        {
            output.WriteLine($"{t.Name} pk={string.Join(",", t.PrimaryKey?.Columns ?? [])}");
            foreach (var c in t.Columns) output.WriteLine($"   {c} default={c.Default} id={c.Identity}/{c.IdentitySeed}/{c.IdentityIncrement} gen={c.GeneratedExpression}");
            foreach (var fk in t.ForeignKeys) output.WriteLine($"   FK {fk.Name} ({string.Join(",", fk.Columns)}) -> {fk.RefTable}({string.Join(",", fk.RefColumns)}) {fk.OnDelete}/{fk.OnUpdate} @{fk.Position}");
            foreach (var ck in t.Checks) output.WriteLine($"   CK {ck.Name} [{ck.Expression}] => {ck.Predicate}");
            foreach (var u in t.Uniques) output.WriteLine($"   UQ {u.Name} ({string.Join(",", u.Columns)})");
        }
        foreach (var d in r.Graph.Domains) output.WriteLine($"domain {d.Name} {d.BaseType} notnull={d.NotNull}");
        foreach (var i in r.Graph.Indexes) output.WriteLine($"index {i.Name} on {i.Table} unique={i.Unique}: {i.Sql}");
        foreach (var n in r.Notices) output.WriteLine($"notice {n.Kind}: {n}");
    }
}
