using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace PluRelSql.Schema.Output;

/// <summary>The <c>plurel inspect --format json</c> contract. Field names and order are fixed; objects and arrays
/// follow the graph's order so the output is stable:
/// <code>
/// {"tables":[{"schema","name","columns":[{"name","type","nullable"[,"default"][,"identity"]}],
///             "primaryKey":[…],"unique":[[…]],"foreignKeys":[{"columns","refSchema","refTable","refColumns"}],
///             "checks":[…]}],
///  "enums":[{"schema","name","labels"}],
///  "domains":[{"schema","name","baseType","notNull","checks"}]}
/// </code>
/// "type" is <see cref="SqlType.ToPgSql"/>; "primaryKey" is [] when there is none; "checks" are expression texts;
/// "default" appears only when the column has one, "identity" ("always", "byDefault", "sequence") only when it is one.</summary>
public static class SchemaJson
{
    public static string Write(SchemaGraph g, bool indented = true)
    {
        var options = new JsonWriterOptions
        {
            Indented = indented,
            NewLine = "\n",
            // Readable quotes and non-ASCII in CHECK texts; the output goes to files and terminals, not into HTML.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, options))
        {
            w.WriteStartObject();
            w.WriteStartArray("tables");
            foreach (var t in g.Tables) WriteTable(w, t);
            w.WriteEndArray();

            w.WriteStartArray("enums");
            foreach (var e in g.Enums)
            {
                w.WriteStartObject();
                w.WriteString("schema", e.Name.Schema);
                w.WriteString("name", e.Name.Name);
                Strings(w, "labels", e.Labels);
                w.WriteEndObject();
            }
            w.WriteEndArray();

            w.WriteStartArray("domains");
            foreach (var d in g.Domains)
            {
                w.WriteStartObject();
                w.WriteString("schema", d.Name.Schema);
                w.WriteString("name", d.Name.Name);
                w.WriteString("baseType", d.BaseType.ToPgSql());
                w.WriteBoolean("notNull", d.NotNull);
                Strings(w, "checks", d.Checks.Select(c => c.Expression));
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteTable(Utf8JsonWriter w, TableDef t)
    {
        w.WriteStartObject();
        w.WriteString("schema", t.Name.Schema);
        w.WriteString("name", t.Name.Name);
        w.WriteStartArray("columns");
        foreach (var c in t.Columns)
        {
            w.WriteStartObject();
            w.WriteString("name", c.Name);
            w.WriteString("type", c.Type.ToPgSql());
            w.WriteBoolean("nullable", c.Nullable);
            if (c.Default is { } def) w.WriteString("default", def);
            if (c.Identity != IdentityKind.None) w.WriteString("identity", IdentityName(c.Identity));
            w.WriteEndObject();
        }
        w.WriteEndArray();
        Strings(w, "primaryKey", t.PrimaryKey?.Columns ?? []);
        w.WriteStartArray("unique");
        foreach (var u in t.Uniques) Strings(w, null, u.Columns);
        w.WriteEndArray();
        w.WriteStartArray("foreignKeys");
        foreach (var fk in t.ForeignKeys)
        {
            w.WriteStartObject();
            Strings(w, "columns", fk.Columns);
            w.WriteString("refSchema", fk.RefTable.Schema);
            w.WriteString("refTable", fk.RefTable.Name);
            Strings(w, "refColumns", fk.RefColumns);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        Strings(w, "checks", t.Checks.Select(c => c.Expression));
        w.WriteEndObject();
    }

    private static string IdentityName(IdentityKind kind) => kind switch
    {
        IdentityKind.Always => "always",
        IdentityKind.ByDefault => "byDefault",
        _ => "sequence",
    };

    private static void Strings(Utf8JsonWriter w, string? name, IEnumerable<string> values)
    {
        if (name is null) w.WriteStartArray(); else w.WriteStartArray(name);
        foreach (var v in values) w.WriteStringValue(v);
        w.WriteEndArray();
    }
}
