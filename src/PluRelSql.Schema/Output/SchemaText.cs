using System.Text;

namespace PluRelSql.Schema.Output;

/// <summary>The <c>plurel inspect --format text</c> view: enums and domains first, then one block per table
/// (columns aligned with their types, keys, foreign keys, checks, partitioning), then a one-line summary
/// "N tables, N columns, N foreign keys".</summary>
public static class SchemaText
{
    public static string Write(SchemaGraph g)
    {
        var sb = new StringBuilder();
        foreach (var e in g.Enums)
            sb.Append("enum ").Append(e.Name).Append(": ").AppendJoin(", ", e.Labels.Select(PgDdlWriter.Literal)).Append('\n');
        foreach (var d in g.Domains)
        {
            sb.Append("domain ").Append(d.Name).Append(": ").Append(d.BaseType.ToPgSql());
            if (d.NotNull) sb.Append(" NOT NULL");
            if (d.Default is { } def) sb.Append(" DEFAULT ").Append(def);
            foreach (var c in d.Checks) sb.Append(" CHECK (").Append(c.Expression).Append(')');
            sb.Append('\n');
        }
        foreach (var s in g.Sequences)
        {
            sb.Append("sequence ").Append(s.Name).Append(": ").Append(s.DataType);
            if (s.OwnedBy is { } o) sb.Append(", owned by ").Append(o.Table).Append('.').Append(o.Column);
            sb.Append('\n');
        }
        if (sb.Length > 0) sb.Append('\n');

        foreach (var t in g.Tables)
        {
            WriteTable(sb, t);
            sb.Append('\n');
        }

        var columns = g.Tables.Sum(t => t.Columns.Count);
        var fks = g.Tables.Sum(t => t.ForeignKeys.Count);
        sb.Append(g.Tables.Count).Append(" tables, ").Append(columns).Append(" columns, ").Append(fks).Append(" foreign keys\n");
        return sb.ToString();
    }

    private static void WriteTable(StringBuilder sb, TableDef t)
    {
        sb.Append("table ").Append(t.Name);
        if (t.Unlogged) sb.Append(" (unlogged)");
        if (t.PartitionOf is { } parent) sb.Append(" partition of ").Append(parent);
        sb.Append('\n');

        var nameWidth = t.Columns.Count == 0 ? 0 : t.Columns.Max(c => c.Name.Length);
        var typeWidth = t.Columns.Count == 0 ? 0 : t.Columns.Max(c => c.Type.ToPgSql().Length);
        foreach (var c in t.Columns)
        {
            var line = new StringBuilder("  ");
            line.Append(c.Name.PadRight(nameWidth)).Append("  ").Append(c.Type.ToPgSql().PadRight(typeWidth));
            if (!c.Nullable) line.Append(" NOT NULL");
            switch (c.Identity)
            {
                case IdentityKind.Always: line.Append(" identity always"); break;
                case IdentityKind.ByDefault: line.Append(" identity by default"); break;
                case IdentityKind.Sequence: line.Append(" serial"); break;
            }
            if (c.GeneratedExpression is { } expr) line.Append(" generated (").Append(expr).Append(')');
            else if (c.Default is { } def && c.Identity != IdentityKind.Sequence) line.Append(" default ").Append(def);
            sb.Append(line.ToString().TrimEnd()).Append('\n');
        }
        if (t.PrimaryKey is { } pk) sb.Append("  PRIMARY KEY (").AppendJoin(", ", pk.Columns).Append(")\n");
        foreach (var u in t.Uniques) sb.Append("  UNIQUE (").AppendJoin(", ", u.Columns).Append(")\n");
        foreach (var fk in t.ForeignKeys)
        {
            sb.Append("  FOREIGN KEY (").AppendJoin(", ", fk.Columns).Append(") -> ").Append(fk.RefTable)
              .Append(" (").AppendJoin(", ", fk.RefColumns).Append(')');
            if (fk.OnDelete != ReferentialAction.NoAction) sb.Append(" on delete ").Append(Action(fk.OnDelete));
            if (fk.Name is { } name) sb.Append("  [").Append(name).Append(']');
            sb.Append('\n');
        }
        foreach (var c in t.Checks) sb.Append("  CHECK (").Append(c.Expression).Append(")\n");
        if (t.Partitioning is { } spec)
        {
            sb.Append("  PARTITION BY ").Append(spec.Strategy.ToUpperInvariant()).Append(" (").AppendJoin(", ", spec.Columns).Append(")\n");
            foreach (var p in spec.Partitions) sb.Append("    ").Append(p.Table).Append(' ').Append(p.Bound).Append('\n');
        }
    }

    private static string Action(ReferentialAction a) => a switch
    {
        ReferentialAction.Restrict => "restrict",
        ReferentialAction.Cascade => "cascade",
        ReferentialAction.SetNull => "set null",
        ReferentialAction.SetDefault => "set default",
        _ => "no action",
    };
}
