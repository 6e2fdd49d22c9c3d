using PluRelSql.Schema.Output;

namespace PluRelSql.Schema.Tests.Output;

public sealed class SchemaTextTests
{
    [Fact]
    public void Text_lists_types_first_then_tables_then_a_summary()
    {
        var text = SchemaText.Write(SampleGraph.Build());
        var lines = text.Split('\n');

        Assert.Equal("enum public.mood: 'sad', 'ok', 'it''s fine'", lines[0]);
        Assert.Equal("domain public.us_postal: character varying(10) NOT NULL CHECK (VALUE ~ '^[0-9]{5}$')", lines[1]);
        Assert.Equal("6 tables, 26 columns, 6 foreign keys", lines[^2]);
        Assert.Equal("", lines[^1]);

        var customer = Array.IndexOf(lines, "table public.customer");
        Assert.True(customer > 1);
        Assert.Equal(
        [
            "  id         bigint    NOT NULL identity always",
            "  Full Name  text      NOT NULL",
            "  mood       mood      default 'ok'::mood",
            "  tags       text[]",
            "  zip        us_postal NOT NULL",
            "  PRIMARY KEY (id)",
            "  UNIQUE (Full Name, zip)",
            "  CHECK (length(\"Full Name\") > 0)",
        ], lines[(customer + 1)..(customer + 9)]);
        Assert.Contains("  FOREIGN KEY (OrderNo, ParentLine) -> Sales.LineItem (OrderNo, LineNo)  [line_parent_fk]", lines);
        Assert.Contains("  FOREIGN KEY (customer_id) -> public.customer (id) on delete cascade  [orders_customer_fk]", lines);
        Assert.Contains("  total        numeric(12,2) generated (qty * unit_price)", lines);
        Assert.Contains("  PARTITION BY RANGE (created_on)", lines);
        Assert.Contains("table public.events_2024 partition of public.events", lines);
    }

    [Fact]
    public void Empty_graph_still_has_a_summary()
    {
        Assert.Equal("0 tables, 0 columns, 0 foreign keys\n", SchemaText.Write(new SchemaGraph()));
    }
}

public sealed class SchemaMermaidTests
{
    [Fact]
    public void Diagram_has_an_entity_per_loadable_table_and_a_relationship_per_foreign_key()
    {
        var mermaid = SchemaMermaid.Write(SampleGraph.Build());
        var lines = mermaid.Split('\n');

        Assert.Equal("erDiagram", lines[0]);
        Assert.Contains("    customer {", lines);
        Assert.Contains("    inventory_orders {", lines);
        Assert.Contains("    Sales_LineItem {", lines);
        Assert.Contains("    events {", lines);
        // Partitions are drawn as their parent.
        Assert.DoesNotContain(lines, l => l.Contains("events_2024", StringComparison.Ordinal));

        Assert.Equal(
        [
            "    customer ||--o{ inventory_orders : \"orders_customer_fk\"",
            "    Sales_LineItem |o--o{ Sales_LineItem : \"line_parent_fk\"",
            "    inventory_orders ||--o{ Sales_LineItem : \"OrderNo\"",
            "    customer |o--o{ events : \"events_customer_fk\"",
        ], lines.Where(l => l.Contains("--", StringComparison.Ordinal)));
    }

    [Fact]
    public void Attributes_are_sanitised_and_marked_with_keys()
    {
        var lines = SchemaMermaid.Write(SampleGraph.Build()).Split('\n');
        Assert.Contains("        bigint id PK", lines);
        Assert.Contains("        text Full_Name UK \"Full Name\"", lines);
        Assert.Contains("        text_array tags", lines);
        Assert.Contains("        integer OrderNo PK, FK", lines);
        Assert.Contains("        varchar_20_ sku", lines);
        Assert.Contains("        numeric_12_2_ total", lines);
        // Nothing Mermaid's attribute grammar rejects: no spaces, parentheses or brackets inside a type.
        foreach (var l in lines.Where(l => l.StartsWith("        ", StringComparison.Ordinal)))
            Assert.Matches(@"^        [A-Za-z][A-Za-z0-9_]* [A-Za-z][A-Za-z0-9_]*( (PK|FK|UK)(, (PK|FK|UK))*)?( ""[^""]*"")?$", l);
    }

    [Theory]
    [InlineData(TypeKind.Varchar, 20, "varchar_20_")]
    [InlineData(TypeKind.Timestamp, null, "timestamp")]
    [InlineData(TypeKind.TimestampTz, null, "timestamptz")]
    [InlineData(TypeKind.Double, null, "double")]
    [InlineData(TypeKind.Char, 3, "char_3_")]
    public void Type_names_are_shortened_and_sanitised(TypeKind kind, int? length, string expected)
    {
        Assert.Equal(expected, SchemaMermaid.TypeName(new SqlType { Kind = kind, Length = length }));
    }

    [Fact]
    public void Quoted_user_types_and_one_to_one_keys()
    {
        var g = new SchemaGraph();
        var person = new TableDef { Name = new("public", "Person \"P\"") };
        person = person with { Columns = [.. person.Columns, new ColumnDef { Name = "id", Type = SqlType.Of(TypeKind.Integer), Nullable = false }] };
        person = person with { Columns = [.. person.Columns, new ColumnDef { Name = "2nd name", Type = new SqlType { Kind = TypeKind.Enum, UserType = new("crm", "Name Kind") } }] };
        person = person with { PrimaryKey = new KeyConstraint { Columns = ["id"] } };
        var passport = new TableDef { Name = new("public", "passport") };
        passport = passport with { Columns = [.. passport.Columns, new ColumnDef { Name = "person_id", Type = SqlType.Of(TypeKind.Integer), Nullable = false }] };
        passport = passport with { PrimaryKey = new KeyConstraint { Columns = ["person_id"] } };
        passport = passport with { ForeignKeys = [.. passport.ForeignKeys, new ForeignKey { Columns = ["person_id"], RefTable = person.Name, RefColumns = ["id"] }] };
        g = g with { Tables = [.. g.Tables, person, passport] };

        var lines = SchemaMermaid.Write(g).Split('\n');
        Assert.Contains("    Person_P {", lines);
        Assert.Contains("        crm_Name_Kind c_2nd_name \"2nd name\"", lines);
        Assert.Contains("    Person_P ||--o| passport : \"person_id\"", lines);
    }
}
