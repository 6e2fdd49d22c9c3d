using PluRelSql.Schema.Dialects;
using PluRelSql.Schema.Output;
using PluRelSql.Schema.Postgres;
using PluRelSql.Schema.Tests.TSql;
using PluRelSql.Schema.TSql;
using PluRelSql.TestSupport;

namespace PluRelSql.Schema.Tests.Dialects;

/// <summary>Every corpus schema written as T-SQL parses back with the ScriptDom reader to an equal graph. "Equal" is
/// <see cref="SchemaDiff"/> against the graph <see cref="DialectConverter"/> made for T-SQL: equal modulo the
/// documented type mapping (docs/type-mapping.md — e.g. text → nvarchar(max), enums → nvarchar + CHECK IN,
/// domains flattened, serial → IDENTITY, public → dbo), since that converted graph is what the script says.</summary>
public sealed class TSqlRoundTripTests
{
    public static TheoryData<string[]> Schemas() => new()
    {
        new[] { "postgres/chinook.sql" },
        new[] { "postgres/northwind.sql" },
        new[] { "postgres/pagila-schema.sql" },
        new[] { "postgres/pagila-pg18-schema.sql" },
        new[] { "generic/tpch-dss.ddl", "generic/tpch-dss.ri" },
        new[] { "tsql/chinook.sql" },
        new[] { "tsql/pubs.sql" },
        new[] { "tsql/sakila-schema.sql" },
    };

    internal static SchemaGraph Read(string[] files)
    {
        var paths = files.Select(f => TSqlCorpus.Path(f.Split('/'))).ToList();
        return files[0].StartsWith("tsql/", StringComparison.Ordinal)
            ? TSqlDdlReader.ReadFiles(paths).Graph
            : PgDdlReader.ReadFiles(paths).Graph;
    }

    [CorpusTheory]
    [MemberData(nameof(Schemas))]
    public void Emitted_TSql_reads_back_to_the_converted_graph(string[] files)
    {
        var source = Read(files);
        var converted = DialectConverter.Convert(source, SqlDialect.TSql).Graph;
        var script = TSqlDdlWriter.Script(converted);
        var back = TSqlDdlReader.Read(script, "emitted.sql").Graph;
        var diffs = SchemaDiff.Compare(converted, back);
        Assert.True(diffs.Count == 0, string.Join("\n", diffs) + "\n---\n" + script);
        Assert.Equal(converted.Tables.Sum(t => t.Checks.Count), back.Tables.Sum(t => t.Checks.Count));
        Assert.Equal(converted.Tables.Count(t => t.Columns.Any(c => c.Default is not null)),
            back.Tables.Count(t => t.Columns.Any(c => c.Default is not null)));
    }
}
