using System.Globalization;
using System.Text;

namespace PluRelSql.Schema.Output;

/// <summary>Writes a <see cref="SchemaGraph"/> as PostgreSQL DDL, split the way a bulk load wants it:
/// <see cref="PreData"/> creates every object rows go into (no keys, no checks), <see cref="PostData"/> adds the
/// keys, checks, foreign keys and indexes once the rows are in. Statements carry no trailing semicolon. A graph read
/// from T-SQL is converted first.</summary>
public static class PgDdlWriter
{
    /// <summary>The server version the plain overloads write for: everything the graph says is written as is.</summary>
    public const int LatestServerVersion = int.MaxValue;

    /// <summary>Schemas, extensions, enums, domains, sequences, tables (columns only, partitions after their parent)
    /// and sequence ownership, in an order PostgreSQL accepts.</summary>
    public static IReadOnlyList<string> PreData(SchemaGraph g) => PreData(g, LatestServerVersion);

    /// <summary><see cref="PreData(SchemaGraph)"/> for a server of the given major version: before 18, whose servers
    /// have no VIRTUAL generated columns, they are written STORED (loads never write generated columns, so the data
    /// is the same).</summary>
    public static IReadOnlyList<string> PreData(SchemaGraph g, int serverMajorVersion)
    {
        g = InPostgres(g);
        var output = new List<string>();
        foreach (var schema in UsedSchemas(g))
            output.Add("CREATE SCHEMA IF NOT EXISTS " + SqlIdent.Quote(schema));
        foreach (var ext in g.Extensions)
            output.Add("CREATE EXTENSION IF NOT EXISTS " + SqlIdent.Quote(ext));
        foreach (var e in g.Enums)
            output.Add($"CREATE TYPE {e.Name.ToSql()} AS ENUM ({string.Join(", ", e.Labels.Select(Literal))})");
        foreach (var d in g.Domains)
            output.Add(Domain(d));

        var identitySequences = IdentitySequences(g);
        foreach (var s in g.Sequences)
            if (!identitySequences.ContainsKey(s.Name))
                output.Add(CreateSequence(s.Name, s.DataType, s.Start, s.Increment, s.MinValue, s.MaxValue, s.Cycle));

        // serial columns whose sequence the graph names but does not define: create it so the DEFAULT resolves.
        var implicitSerials = ImplicitSerialSequences(g);
        foreach (var (seq, _, column) in implicitSerials)
            output.Add(CreateSequence(seq, column.Type.IsInteger ? (column.Type with { Domain = null }).ToPgSql() : "bigint",
                1, 1, null, null, false));

        foreach (var t in TablesParentFirst(g))
            output.Add(CreateTable(g, t, identitySequences, serverMajorVersion));

        foreach (var s in g.Sequences)
            if (!identitySequences.ContainsKey(s.Name) && s.OwnedBy is { } owner)
                output.Add($"ALTER SEQUENCE {s.Name.ToSql()} OWNED BY {owner.Table.ToSql()}.{SqlIdent.Quote(owner.Column)}");
        foreach (var (seq, table, column) in implicitSerials)
            output.Add($"ALTER SEQUENCE {seq.ToSql()} OWNED BY {table.Name.ToSql()}.{SqlIdent.Quote(column.Name)}");
        // Comments last, so that a schema without any writes exactly what it wrote before.
        foreach (var t in TablesParentFirst(g))
        {
            if (t.Comment is { } tc) output.Add($"COMMENT ON TABLE {t.Name.ToSql()} IS {Literal(tc)}");
            foreach (var c in t.Columns)
                if (c.Comment is { } cc) output.Add($"COMMENT ON COLUMN {t.Name.ToSql()}.{SqlIdent.Quote(c.Name)} IS {Literal(cc)}");
        }
        return output;
    }

    /// <summary>The UPDATE that fills computed columns PostgreSQL cannot generate (<see cref="ColumnDef.FillExpression"/>),
    /// then primary keys, then UNIQUEs, then CHECKs, then foreign keys (every key they reference exists by then),
    /// then the secondary indexes as written. Constraints a partition inherits from its parent are left to PostgreSQL.</summary>
    public static IReadOnlyList<string> PostData(SchemaGraph g)
    {
        g = InPostgres(g);
        var tables = TablesParentFirst(g);
        var output = new List<string>();
        // Computed columns PostgreSQL cannot generate get their values from the row first, so every key and CHECK
        // below is added over the final values.
        foreach (var t in tables)
            if (t.Columns.Where(c => c.FillExpression is not null).ToList() is { Count: > 0 } fill)
                output.Add($"UPDATE {t.Name.ToSql()} SET {string.Join(", ", fill.Select(c => $"{SqlIdent.Quote(c.Name)} = ({c.FillExpression})"))}");
        foreach (var t in tables)
            if (t.PrimaryKey is { } pk && !Inherited(g, t, p => p.PrimaryKey is { } ppk && SameColumns(ppk, pk)))
                output.Add($"ALTER TABLE {t.Name.ToSql()} ADD {ConstraintName(pk.Name)}PRIMARY KEY ({Columns(pk.Columns)}){KeyTail(pk)}");
        foreach (var t in tables)
            foreach (var u in t.Uniques)
                if (!Inherited(g, t, p => p.Uniques.Any(pu => SameColumns(pu, u))))
                    output.Add($"ALTER TABLE {t.Name.ToSql()} ADD {ConstraintName(u.Name)}UNIQUE {(u.NullsNotDistinct ? "NULLS NOT DISTINCT " : "")}({Columns(u.Columns)}){KeyTail(u)}");
        foreach (var t in tables)
            foreach (var c in t.Checks)
                if (!Inherited(g, t, p => p.Checks.Any(pc => !pc.NoInherit && CheckText.Normalize(pc.Expression) == CheckText.Normalize(c.Expression))))
                    output.Add($"ALTER TABLE {t.Name.ToSql()} ADD {ConstraintName(c.Name)}CHECK ({c.Expression}){(c.NoInherit ? " NO INHERIT" : "")}");
        foreach (var t in tables)
            foreach (var x in t.Exclusions)
                if (!Inherited(g, t, p => p.Exclusions.Any(px => ExclusionClause(px) == ExclusionClause(x))))
                    output.Add($"ALTER TABLE {t.Name.ToSql()} ADD {ConstraintName(x.Name)}{ExclusionClause(x)}");
        foreach (var t in tables)
            foreach (var fk in t.ForeignKeys)
                if (!Inherited(g, t, p => p.ForeignKeys.Any(pf => SameForeignKey(pf, fk))))
                    output.Add($"ALTER TABLE {t.Name.ToSql()} ADD {ConstraintName(fk.Name)}{ForeignKeyClause(fk)}");

        foreach (var ix in g.Indexes)
        {
            // An index that backs a key constraint is created by the constraint itself.
            if (g.FindTable(ix.Table) is { } owner && owner.KeyConstraintNames(StringComparer.Ordinal).Contains(ix.Name)) continue;
            output.Add(ix.Sql.Trim().TrimEnd(';').TrimEnd());
        }
        return output;
    }

    /// <summary>A schema.sql a user can run with psql: <see cref="PreData"/> then <see cref="PostData"/>, one
    /// statement per line group, each ended by a semicolon.</summary>
    public static string Script(SchemaGraph g) => Script(g, LatestServerVersion);

    /// <summary><see cref="Script(SchemaGraph)"/> for a server of the given major version (see <see cref="PreData(SchemaGraph, int)"/>).</summary>
    public static string Script(SchemaGraph g, int serverMajorVersion)
    {
        var sb = new StringBuilder();
        foreach (var statement in PreData(g, serverMajorVersion).Concat(PostData(g)))
            sb.Append(statement).Append(";\n");
        return sb.ToString();
    }

    /// <summary>A graph read from T-SQL is written through <see cref="Dialects.DialectConverter"/> (call it yourself to
    /// see what it approximated or left out).</summary>
    private static SchemaGraph InPostgres(SchemaGraph g) =>
        g.Dialect == SqlDialect.PostgreSql ? g : Dialects.DialectConverter.Convert(g, SqlDialect.PostgreSql).Graph;

    internal static string ForeignKeyClause(ForeignKey fk)
    {
        var sb = new StringBuilder();
        sb.Append("FOREIGN KEY (").Append(Columns(fk.Columns)).Append(") REFERENCES ").Append(fk.RefTable.ToSql());
        if (fk.RefColumns.Count > 0) sb.Append(" (").Append(Columns(fk.RefColumns)).Append(')');
        if (fk.Match == ForeignKeyMatch.Full) sb.Append(" MATCH FULL");
        else if (fk.Match == ForeignKeyMatch.Partial) sb.Append(" MATCH PARTIAL");
        if (fk.OnDelete != ReferentialAction.NoAction) sb.Append(" ON DELETE ").Append(Action(fk.OnDelete));
        if (fk.OnUpdate != ReferentialAction.NoAction) sb.Append(" ON UPDATE ").Append(Action(fk.OnUpdate));
        // INITIALLY DEFERRED implies DEFERRABLE; spelling both out reads the same in every PostgreSQL version.
        if (fk.Deferrable || fk.InitiallyDeferred) sb.Append(" DEFERRABLE");
        if (fk.InitiallyDeferred) sb.Append(" INITIALLY DEFERRED");
        return sb.ToString();
    }

    /// <summary>INCLUDE (…) and DEFERRABLE / INITIALLY DEFERRED after a key's column list.</summary>
    private static string KeyTail(KeyConstraint k) => IndexTail(k.Include, k.Deferrable, k.InitiallyDeferred);

    private static string IndexTail(IReadOnlyList<string> include, bool deferrable, bool initiallyDeferred)
    {
        var sb = new StringBuilder();
        if (include.Count > 0) sb.Append(" INCLUDE (").Append(Columns(include)).Append(')');
        if (deferrable || initiallyDeferred) sb.Append(" DEFERRABLE");
        if (initiallyDeferred) sb.Append(" INITIALLY DEFERRED");
        return sb.ToString();
    }

    /// <summary>EXCLUDE USING method (element WITH op, …) [INCLUDE (…)] [DEFERRABLE …] [WHERE (…)], elements as written.</summary>
    public static string ExclusionClause(ExclusionConstraint x)
    {
        var sb = new StringBuilder("EXCLUDE");
        if (x.Method is { } m) sb.Append(" USING ").Append(m);
        sb.Append(" (").Append(string.Join(", ", x.Elements.Select(e => e.Text + " WITH " + e.Operator))).Append(')');
        if (x.Include.Count > 0) sb.Append(" INCLUDE (").Append(Columns(x.Include)).Append(')');
        // PostgreSQL's grammar puts WHERE after the index parameters and before the constraint attributes.
        if (x.Where is { } w) sb.Append(" WHERE (").Append(w).Append(')');
        sb.Append(IndexTail([], x.Deferrable, x.InitiallyDeferred));
        return sb.ToString();
    }

    private static string Action(ReferentialAction a) => a switch
    {
        ReferentialAction.Restrict => "RESTRICT",
        ReferentialAction.Cascade => "CASCADE",
        ReferentialAction.SetNull => "SET NULL",
        ReferentialAction.SetDefault => "SET DEFAULT",
        _ => "NO ACTION",
    };

    private static string Domain(DomainType d)
    {
        var sb = new StringBuilder();
        sb.Append("CREATE DOMAIN ").Append(d.Name.ToSql()).Append(" AS ").Append(d.BaseType.ToPgSql());
        if (d.Default is { } def) sb.Append(" DEFAULT ").Append(def);
        if (d.NotNull) sb.Append(" NOT NULL");
        foreach (var c in d.Checks)
            sb.Append(' ').Append(ConstraintName(c.Name)).Append("CHECK (").Append(c.Expression).Append(')');
        return sb.ToString();
    }

    private static string CreateSequence(QualifiedName name, string dataType, long start, long increment,
        long? min, long? max, bool cycle) =>
        $"CREATE SEQUENCE {name.ToSql()} AS {dataType}{SequenceOptions(start, increment, min, max, cycle)}";

    private static string SequenceOptions(long start, long increment, long? min, long? max, bool cycle)
    {
        var sb = new StringBuilder();
        sb.Append(" START WITH ").Append(start.ToString(CultureInfo.InvariantCulture));
        sb.Append(" INCREMENT BY ").Append(increment.ToString(CultureInfo.InvariantCulture));
        if (min is { } mn) sb.Append(" MINVALUE ").Append(mn.ToString(CultureInfo.InvariantCulture));
        if (max is { } mx) sb.Append(" MAXVALUE ").Append(mx.ToString(CultureInfo.InvariantCulture));
        if (cycle) sb.Append(" CYCLE");
        return sb.ToString();
    }

    private static string CreateTable(SchemaGraph g, TableDef t, Dictionary<QualifiedName, SequenceDef> identitySequences,
        int serverMajorVersion)
    {
        var sb = new StringBuilder("CREATE ");
        if (t.Unlogged) sb.Append("UNLOGGED ");
        sb.Append("TABLE ").Append(t.Name.ToSql());
        if (t.PartitionOf is { } parentName)
        {
            // A partition takes its columns from the parent; only the bound is its own.
            var parent = g.FindTable(parentName)
                ?? throw new SchemaException($"partition {t.Name}: its parent {parentName} is not in the schema", t.Position);
            var bound = parent.Partitioning?.Partitions.FirstOrDefault(p => p.Table == t.Name)
                ?? throw new SchemaException($"partition {t.Name}: {parentName} declares no bound for it", t.Position);
            sb.Append(" PARTITION OF ").Append(parentName.ToSql()).Append(' ').Append(bound.Bound);
        }
        else if (t.Columns.Count == 0)
        {
            sb.Append(" ()");
        }
        else
        {
            sb.Append(" (\n");
            for (var i = 0; i < t.Columns.Count; i++)
            {
                sb.Append("    ").Append(ColumnDefinition(t, t.Columns[i], identitySequences, serverMajorVersion));
                sb.Append(i + 1 < t.Columns.Count ? ",\n" : "\n");
            }
            sb.Append(')');
        }
        if (t.Partitioning is { } spec)
        {
            // A key that is no column of the table (or of the parent a partition takes its columns from) is an expression.
            var keys = spec.Columns.Select(c => HasColumn(g, t, c) ? SqlIdent.Quote(c) : "(" + c + ")");
            sb.Append(" PARTITION BY ").Append(spec.Strategy.ToUpperInvariant()).Append(" (").Append(string.Join(", ", keys)).Append(')');
        }
        return sb.ToString();
    }

    private static bool HasColumn(SchemaGraph g, TableDef t, string column)
    {
        var seen = new HashSet<QualifiedName>();
        for (TableDef? current = t; current is not null && seen.Add(current.Name);
             current = current.PartitionOf is { } p ? g.FindTable(p) : null)
            if (current.FindColumn(column) is not null) return true;
        return false;
    }

    private static string ColumnDefinition(TableDef t, ColumnDef c, Dictionary<QualifiedName, SequenceDef> identitySequences,
        int serverMajorVersion)
    {
        var sb = new StringBuilder(SqlIdent.Quote(c.Name)).Append(' ');
        var serialKeyword = c is { Identity: IdentityKind.Sequence, Default: null, Sequence: null, Type.ArrayDims: 0 }
            ? c.Type.Kind switch
            {
                TypeKind.SmallInt => "smallserial",
                TypeKind.Integer => "serial",
                TypeKind.BigInt => "bigserial",
                _ => null,
            }
            : null;
        sb.Append(serialKeyword ?? TypeSql(c.Type));
        if (c.Collation is { } coll) sb.Append(" COLLATE ").Append(Collation(coll));

        if (c.GeneratedExpression is { } expr)
        {
            var kind = c.GeneratedKind?.ToUpperInvariant() ?? "STORED";
            if (kind == "VIRTUAL" && serverMajorVersion < 18) kind = "STORED";
            sb.Append(" GENERATED ALWAYS AS (").Append(expr).Append(") ").Append(kind);
        }
        else if (c.Identity is IdentityKind.Always or IdentityKind.ByDefault)
        {
            sb.Append(c.Identity == IdentityKind.Always ? " GENERATED ALWAYS AS IDENTITY" : " GENERATED BY DEFAULT AS IDENTITY");
            var seq = identitySequences.Values.FirstOrDefault(s => IsIdentitySequenceOf(s, t, c));
            if (seq is not null)
                sb.Append(" (SEQUENCE NAME ").Append(seq.Name.ToSql())
                  .Append(SequenceOptions(seq.Start, seq.Increment, seq.MinValue, seq.MaxValue, seq.Cycle)).Append(')');
        }
        else if (c.Default is { } def)
        {
            sb.Append(" DEFAULT ").Append(def);
        }
        else if (c is { Identity: IdentityKind.Sequence, Sequence: { } seqName })
        {
            sb.Append(" DEFAULT nextval(").Append(Literal(seqName.ToSql())).Append("::regclass)");
        }
        if (!c.Nullable) sb.Append(" NOT NULL");
        return sb.ToString();
    }

    /// <summary>A column type, with user types (domains, enums) always schema-qualified: pg_catalog comes first on the
    /// search path, so a domain named like a built-in type (pubs' <c>tid</c>) would otherwise mean the built-in.</summary>
    private static string TypeSql(SqlType t)
    {
        var dims = t.ArrayDims > 0 ? string.Concat(Enumerable.Repeat("[]", t.ArrayDims)) : "";
        if (t.Domain is { } d) return d.ToSql() + dims;
        if (t.Kind == TypeKind.Enum && t.UserType is { } e) return e.ToSql() + dims;
        return t.ToPgSql();
    }

    // A collation name as the graph holds it: bare ("C", "en_US") or already quoted / qualified SQL.
    private static string Collation(string coll) =>
        coll.Contains('"', StringComparison.Ordinal) || coll.Contains('.', StringComparison.Ordinal) ? coll : SqlIdent.Quote(coll);

    /// <summary>Sequences that belong to an identity column: PostgreSQL creates them with the column, so they are
    /// written as the column's identity options instead of a CREATE SEQUENCE.</summary>
    private static Dictionary<QualifiedName, SequenceDef> IdentitySequences(SchemaGraph g)
    {
        var result = new Dictionary<QualifiedName, SequenceDef>();
        foreach (var t in g.Tables)
            foreach (var c in t.Columns)
                if (c.Identity is IdentityKind.Always or IdentityKind.ByDefault)
                    foreach (var s in g.Sequences)
                        if (IsIdentitySequenceOf(s, t, c))
                            result.TryAdd(s.Name, s);
        return result;
    }

    private static bool IsIdentitySequenceOf(SequenceDef s, TableDef t, ColumnDef c) =>
        c.Sequence == s.Name || (c.Sequence is null && s.OwnedBy is { } o && o.Table == t.Name && o.Column == c.Name);

    private static List<(QualifiedName Sequence, TableDef Table, ColumnDef Column)> ImplicitSerialSequences(SchemaGraph g)
    {
        var result = new List<(QualifiedName, TableDef, ColumnDef)>();
        foreach (var t in g.Tables)
            foreach (var c in t.Columns)
                if (c is { Identity: IdentityKind.Sequence, Default: null, Sequence: { } seq } && g.FindSequence(seq) is null
                    && !result.Any(r => r.Item1 == seq))
                    result.Add((seq, t, c));
        return result;
    }

    /// <summary>Every table in graph order, except that a partition comes right after its parent (and its own
    /// partitions after it). Partitions whose parent is missing come last (CreateTable reports them).</summary>
    internal static List<TableDef> TablesParentFirst(SchemaGraph g)
    {
        var ordered = new List<TableDef>();
        var placed = new HashSet<TableDef>();
        void Place(TableDef t)
        {
            if (!placed.Add(t)) return;
            ordered.Add(t);
            foreach (var child in g.Tables)
                if (child.PartitionOf == t.Name) Place(child);
        }
        foreach (var t in g.Tables)
            if (t.PartitionOf is not { } parent || g.FindTable(parent) is null) Place(t);
        foreach (var t in g.Tables) Place(t); // partitions caught in a PartitionOf cycle
        return ordered;
    }

    /// <summary>True when an ancestor of the partition <paramref name="t"/> has the constraint, so PostgreSQL already
    /// created it on the partition.</summary>
    private static bool Inherited(SchemaGraph g, TableDef t, Func<TableDef, bool> ancestorHasIt)
    {
        var seen = new HashSet<QualifiedName> { t.Name };
        var current = t;
        while (current.PartitionOf is { } parentName && seen.Add(parentName) && g.FindTable(parentName) is { } parent)
        {
            if (ancestorHasIt(parent)) return true;
            current = parent;
        }
        return false;
    }

    private static bool SameColumns(KeyConstraint a, KeyConstraint b) => a.Columns.SequenceEqual(b.Columns);

    private static bool SameForeignKey(ForeignKey a, ForeignKey b) =>
        a.Columns.SequenceEqual(b.Columns) && a.RefTable == b.RefTable && a.RefColumns.SequenceEqual(b.RefColumns);

    /// <summary>Non-public schemas of the objects the graph defines, in first-use order.</summary>
    private static IEnumerable<string> UsedSchemas(SchemaGraph g) =>
        g.Enums.Select(e => e.Name.Schema)
            .Concat(g.Domains.Select(d => d.Name.Schema))
            .Concat(g.Sequences.Select(s => s.Name.Schema))
            .Concat(g.Tables.Select(t => t.Name.Schema))
            .Concat(g.Tables.SelectMany(t => t.Columns).Select(c => c.Sequence?.Schema).OfType<string>())
            .Where(s => s is not "public" and not "pg_catalog")
            .Distinct(StringComparer.Ordinal);

    private static string ConstraintName(string? name) => name is null ? "" : "CONSTRAINT " + SqlIdent.Quote(name) + " ";

    internal static string Columns(IEnumerable<string> columns) => string.Join(", ", columns.Select(SqlIdent.Quote));

    internal static string Literal(string s) => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'";
}
