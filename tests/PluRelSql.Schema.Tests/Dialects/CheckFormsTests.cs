using PluRelSql.Schema.Dialects;
using PluRelSql.Schema.TSql;

namespace PluRelSql.Schema.Tests.Dialects;

/// <summary>CHECK predicates taken off the one expression tree: a T-SQL CHECK keeps T-SQL's simple forms when read,
/// and gets PostgreSQL's when converted (as the PostgreSQL text it is written as always read).</summary>
public sealed class CheckFormsTests
{
    private const string Script = """
        CREATE TABLE [dbo].[t] (
            [a] int NULL,
            [b] varchar(5) NULL,
            [flag] bit NULL,
            [d] datetime2 NULL,
            CONSTRAINT [CK_cast] CHECK (CAST([a] AS int) > 0),
            CONSTRAINT [CK_sign] CHECK ([a] > -(5)),
            CONSTRAINT [CK_bit] CHECK ([flag] = 1.0),
            CONSTRAINT [CK_bytes] CHECK (datalength([b]) > 1),
            CONSTRAINT [CK_nested] CHECK ([a] > 0 AND ([a] < 5 AND [a] <> 3)),
            CONSTRAINT [CK_time] CHECK ([d] > CAST('2020-01-01' AS datetime2(3)))
        )
        GO
        """;

    private static readonly string[] Names = ["CK_cast", "CK_sign", "CK_bit", "CK_bytes", "CK_nested", "CK_time"];

    [Fact]
    public void A_tsql_check_read_keeps_the_tsql_forms()
    {
        var t = TSqlDdlReader.Read(Script, "t.sql").Graph.Table("dbo", "t");
        Assert.Equal(["null", "null", "flag = true", "null", "and(a > 0, and(a < 5, a <> 3))", "null"],
            Names.Select(n => PredicateText.Show(t.Checks.Single(c => c.Name == n).Predicate)));
    }

    [Fact]
    public void A_tsql_check_converted_gets_the_postgres_forms()
    {
        var t = DialectConverter.Convert(TSqlDdlReader.Read(Script, "t.sql").Graph, SqlDialect.PostgreSql).Graph.Table("public", "t");
        Assert.Equal(["a > 0", "a > -5", "flag = 1.0", "length(b) > 1", "and(a > 0, a < 5, a <> 3)", "null"],
            Names.Select(n => PredicateText.Show(t.Checks.Single(c => c.Name == n).Predicate)));
    }
}
