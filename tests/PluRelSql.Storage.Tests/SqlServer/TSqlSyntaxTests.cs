using Microsoft.SqlServer.TransactSql.ScriptDom;
using PluRelSql.Generation;
using PluRelSql.Storage.SqlServer;

namespace PluRelSql.Storage.Tests.SqlServer;

/// <summary>Without a server, every statement the SQL Server code sends is at least valid T-SQL for SQL Server 2022
/// (ScriptDom's 160 parser).</summary>
public sealed class TSqlSyntaxTests
{
    private static void AssertParses(string sql)
    {
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(sql);
        parser.Parse(reader, out var errors);
        Assert.True(errors.Count == 0, string.Join("; ", errors.Select(e => $"{e.Line}:{e.Column} {e.Message}")) + "\n" + sql);
    }

    public static TheoryData<string> IntrospectionQueries => new()
    {
        SqlServerIntrospector.TablesSql, SqlServerIntrospector.ColumnsSql, SqlServerIntrospector.AliasTypesSql,
        SqlServerIntrospector.KeysSql, SqlServerIntrospector.ForeignKeysSql, SqlServerIntrospector.ChecksSql,
        SqlServerIntrospector.IndexesSql, SqlServerIntrospector.SequencesSql,
    };

    [Theory]
    [MemberData(nameof(IntrospectionQueries))]
    public void Introspection_queries_parse(string sql) => AssertParses(sql);

    [Fact]
    public void Statements_after_the_load_parse()
    {
        var graph = TSqlTestSchema.Read();
        var plan = GenerationPlanner.Create(graph, new GenerationOptions { DefaultRows = 5 });
        var statements = SqlServerLoader.IdentityAndSequenceUpdates(plan.Graph, plan.Rows, plan.Order.Tables).ToList();
        Assert.NotEmpty(statements);
        foreach (var s in statements) AssertParses(s);
    }

    [Fact]
    public void Quoting_survives_hostile_names()
    {
        AssertParses($"SELECT 1 FROM {SqlServerNames.Quote(new Schema.QualifiedName("we]ird", "t[a]ble"))} WHERE N'x' = {SqlServerNames.Literal("it's")}");
        AssertParses($"SELECT {SqlServerNames.Literal("it's ]")}");
    }
}
