using System.Text.Json;
using PluRelSql.Schema.Output;

namespace PluRelSql.Schema.Tests.Output;

public sealed class SchemaJsonTests
{
    [Fact]
    public void Every_table_column_key_and_check_is_in_the_contract_shape()
    {
        var g = SampleGraph.Build();
        using var doc = JsonDocument.Parse(SchemaJson.Write(g));
        var root = doc.RootElement;
        Assert.Equal(["tables", "enums", "domains"], root.EnumerateObject().Select(p => p.Name));

        var tables = root.GetProperty("tables").EnumerateArray().ToList();
        Assert.Equal(g.Tables.Count, tables.Count);
        for (var i = 0; i < tables.Count; i++)
        {
            var t = g.Tables[i];
            var jt = tables[i];
            Assert.Equal(["schema", "name", "columns", "primaryKey", "unique", "foreignKeys", "checks"],
                jt.EnumerateObject().Select(p => p.Name));
            Assert.Equal(t.Name.Schema, jt.GetProperty("schema").GetString());
            Assert.Equal(t.Name.Name, jt.GetProperty("name").GetString());

            var columns = jt.GetProperty("columns").EnumerateArray().ToList();
            Assert.Equal(t.Columns.Count, columns.Count);
            for (var c = 0; c < columns.Count; c++)
            {
                var col = t.Columns[c];
                var jc = columns[c];
                Assert.Equal(["name", "type", "nullable"], jc.EnumerateObject().Select(p => p.Name).Take(3));
                Assert.Equal(col.Name, jc.GetProperty("name").GetString());
                Assert.Equal(col.Type.ToPgSql(), jc.GetProperty("type").GetString());
                Assert.Equal(col.Nullable, jc.GetProperty("nullable").GetBoolean());
            }

            Assert.Equal(t.PrimaryKey?.Columns ?? [], Strings(jt.GetProperty("primaryKey")));
            Assert.Equal(t.Uniques.Select(u => u.Columns), jt.GetProperty("unique").EnumerateArray().Select(Strings));
            var fks = jt.GetProperty("foreignKeys").EnumerateArray().ToList();
            Assert.Equal(t.ForeignKeys.Count, fks.Count);
            for (var f = 0; f < fks.Count; f++)
            {
                Assert.Equal(["columns", "refSchema", "refTable", "refColumns"], fks[f].EnumerateObject().Select(p => p.Name));
                Assert.Equal(t.ForeignKeys[f].Columns, Strings(fks[f].GetProperty("columns")));
                Assert.Equal(t.ForeignKeys[f].RefTable.Schema, fks[f].GetProperty("refSchema").GetString());
                Assert.Equal(t.ForeignKeys[f].RefTable.Name, fks[f].GetProperty("refTable").GetString());
                Assert.Equal(t.ForeignKeys[f].RefColumns, Strings(fks[f].GetProperty("refColumns")));
            }
            Assert.Equal(t.Checks.Select(ch => ch.Expression), Strings(jt.GetProperty("checks")));
        }
    }

    [Fact]
    public void Specific_values_come_out_as_written()
    {
        using var doc = JsonDocument.Parse(SchemaJson.Write(SampleGraph.Build()));
        var tables = doc.RootElement.GetProperty("tables");
        var customer = tables[0];
        Assert.Equal("text[]", customer.GetProperty("columns")[3].GetProperty("type").GetString());
        Assert.Equal("us_postal", customer.GetProperty("columns")[4].GetProperty("type").GetString());
        Assert.Equal("length(\"Full Name\") > 0", customer.GetProperty("checks")[0].GetString());
        Assert.Equal("always", customer.GetProperty("columns")[0].GetProperty("identity").GetString());
        Assert.Equal("'ok'::mood", customer.GetProperty("columns")[2].GetProperty("default").GetString());
        // Optional fields are absent, not null, when there is nothing to say.
        Assert.False(customer.GetProperty("columns")[1].TryGetProperty("default", out _));
        Assert.False(customer.GetProperty("columns")[1].TryGetProperty("identity", out _));

        var line = tables[2];
        Assert.Equal("LineItem", line.GetProperty("name").GetString());
        Assert.Equal("Sales", line.GetProperty("foreignKeys")[0].GetProperty("refSchema").GetString());
        Assert.Equal(["OrderNo", "LineNo"], Strings(line.GetProperty("foreignKeys")[0].GetProperty("refColumns")));

        var mood = doc.RootElement.GetProperty("enums")[0];
        Assert.Equal(["sad", "ok", "it's fine"], Strings(mood.GetProperty("labels")));
        var domain = doc.RootElement.GetProperty("domains")[0];
        Assert.Equal("character varying(10)", domain.GetProperty("baseType").GetString());
        Assert.True(domain.GetProperty("notNull").GetBoolean());
        Assert.Equal(["VALUE ~ '^[0-9]{5}$'"], Strings(domain.GetProperty("checks")));
    }

    [Fact]
    public void Compact_output_of_a_small_graph_is_exactly_the_contract()
    {
        var g = new SchemaGraph();
        var t = new TableDef { Name = new("public", "log") };
        t = t with { Columns = [.. t.Columns, new ColumnDef { Name = "msg", Type = new SqlType { Kind = TypeKind.Varchar, Length = 20 }, Nullable = false }] };
        t = t with { Checks = [.. t.Checks, new CheckConstraint { Expression = "msg <> ''" }] };
        g = g with { Tables = [.. g.Tables, t] };

        Assert.Equal(
            """{"tables":[{"schema":"public","name":"log","columns":[{"name":"msg","type":"character varying(20)","nullable":false}],"primaryKey":[],"unique":[],"foreignKeys":[],"checks":["msg <> ''"]}],"enums":[],"domains":[]}""",
            SchemaJson.Write(g, indented: false));
        Assert.Contains("\n  \"tables\": [", SchemaJson.Write(g), StringComparison.Ordinal);
    }

    private static List<string> Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToList();
}
