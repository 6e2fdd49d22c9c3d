using System.Text;

namespace PluRelSql.Schema.Output;

/// <summary>A Mermaid <c>erDiagram</c> of the graph: one entity per loadable table (partitions are drawn as their
/// parent) with <c>type name PK/FK/UK</c> attributes, and one relationship per foreign key, parent on the left:
/// <c>PARENT ||--o{ CHILD : "fk_name"</c>. The parent side is <c>|o</c> when the FK columns may be NULL; the child
/// side is <c>o|</c> (one-to-one) when the FK columns are unique in the child. Names and types are reduced to
/// letters, digits and underscores so that Mermaid parses them; a renamed column keeps its real name as the
/// attribute comment.</summary>
public static class SchemaMermaid
{
    public static string Write(SchemaGraph g)
    {
        var entities = EntityNames(g);
        var sb = new StringBuilder("erDiagram\n");
        foreach (var t in g.LoadableTables)
        {
            var name = entities[t.Name];
            if (t.Columns.Count == 0)
            {
                sb.Append("    ").Append(name).Append('\n');
                continue;
            }
            sb.Append("    ").Append(name).Append(" {\n");
            var fkColumns = t.ForeignKeys.SelectMany(f => f.Columns).ToHashSet(StringComparer.Ordinal);
            var ukColumns = t.Uniques.SelectMany(u => u.Columns).ToHashSet(StringComparer.Ordinal);
            foreach (var c in t.Columns)
            {
                sb.Append("        ").Append(TypeName(c.Type)).Append(' ');
                var attr = Identifier(c.Name, "c");
                sb.Append(attr);
                var keys = new List<string>();
                if (t.PrimaryKey?.Columns.Contains(c.Name) == true) keys.Add("PK");
                if (fkColumns.Contains(c.Name)) keys.Add("FK");
                if (ukColumns.Contains(c.Name)) keys.Add("UK");
                if (keys.Count > 0) sb.Append(' ').AppendJoin(", ", keys);
                if (attr != c.Name) sb.Append(" \"").Append(Comment(c.Name)).Append('"');
                sb.Append('\n');
            }
            sb.Append("    }\n");
        }

        foreach (var t in g.LoadableTables)
            foreach (var fk in t.ForeignKeys)
            {
                var target = g.FindTable(fk.RefTable) is { PartitionOf: { } parent } ? parent : fk.RefTable;
                var parentName = entities.TryGetValue(target, out var known) ? known : Identifier(target.Schema + "_" + target.Name, "t");
                var optional = fk.Columns.Any(c => t.FindColumn(c)?.Nullable ?? true);
                var oneToOne = t.IsUniqueSet(fk.Columns);
                var label = fk.Name ?? string.Join(", ", fk.Columns);
                sb.Append("    ").Append(parentName).Append(' ')
                  .Append(optional ? "|o" : "||").Append("--").Append(oneToOne ? "o|" : "o{")
                  .Append(' ').Append(entities[t.Name]).Append(" : \"").Append(Comment(label)).Append("\"\n");
            }
        return sb.ToString();
    }

    /// <summary>Entity names: the table name for public tables, schema_table otherwise, sanitised and made unique.</summary>
    private static Dictionary<QualifiedName, string> EntityNames(SchemaGraph g)
    {
        var result = new Dictionary<QualifiedName, string>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in g.LoadableTables)
        {
            var baseName = Identifier(t.Name.Schema == "public" ? t.Name.Name : t.Name.Schema + "_" + t.Name.Name, "t");
            var name = baseName;
            for (var i = 2; !used.Add(name); i++) name = baseName + "_" + i;
            result[t.Name] = name;
        }
        return result;
    }

    /// <summary>A Mermaid attribute type: <c>character varying(20)</c> → <c>varchar_20_</c>, <c>integer[]</c> →
    /// <c>integer_array</c>; always starts with a letter.</summary>
    internal static string TypeName(SqlType type)
    {
        var text = type.ToPgSql()
            .Replace("[]", "_array", StringComparison.Ordinal)
            .Replace("character varying", "varchar", StringComparison.Ordinal)
            .Replace("bit varying", "varbit", StringComparison.Ordinal)
            .Replace(" without time zone", "", StringComparison.Ordinal)
            .Replace(" with time zone", "tz", StringComparison.Ordinal)
            .Replace("double precision", "double", StringComparison.Ordinal)
            .Replace("character(", "char(", StringComparison.Ordinal);
        return Identifier(text, "t");
    }

    // Letters, digits and underscores only (quotes dropped, anything else becomes '_'), starting with a letter.
    private static string Identifier(string text, string prefix)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
            if (c != '"') sb.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        var s = sb.ToString();
        return s.Length > 0 && char.IsAsciiLetter(s[0]) ? s : prefix + "_" + s;
    }

    // Mermaid comments and labels are double-quoted and cannot contain a double quote.
    private static string Comment(string text) => text.Replace('"', '\'');
}
