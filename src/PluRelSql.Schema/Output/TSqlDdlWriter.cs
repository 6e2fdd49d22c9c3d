using System.Globalization;
using System.Text;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using PluRelSql.Schema.Dialects;

namespace PluRelSql.Schema.Output;

/// <summary>Writes a <see cref="SchemaGraph"/> as SQL Server DDL, split like <see cref="PgDdlWriter"/>:
/// <see cref="PreData"/> creates schemas, alias types, sequences and tables (columns, IDENTITY, DEFAULTs, computed
/// columns; no keys or checks), <see cref="PostData"/> adds primary keys, UNIQUEs, CHECKs, foreign keys and indexes
/// once the rows are in. Every identifier is bracketed. A graph read from PostgreSQL is first converted with
/// <see cref="DialectConverter"/> (call it yourself to see its warnings: what was approximated or left out). Each
/// statement is one batch; <see cref="Script"/> separates them with GO lines.</summary>
public static class TSqlDdlWriter
{
    public static IReadOnlyList<string> PreData(SchemaGraph g)
    {
        g = InTSql(g);
        var output = new List<string>();
        foreach (var schema in UsedSchemas(g))
            output.Add($"IF SCHEMA_ID({TSqlExpressions.Literal(schema)}) IS NULL EXEC({TSqlExpressions.Literal("CREATE SCHEMA " + TSqlIdent.Quote(schema))})");
        foreach (var d in g.Domains)
            output.Add($"CREATE TYPE {TSqlIdent.Quote(d.Name)} FROM {TSqlTypes.Name(TSqlTypes.Normalize(d.BaseType, key: false, out _))}{(d.NotNull ? " NOT NULL" : " NULL")}");
        foreach (var s in g.Sequences)
            output.Add(CreateSequence(s));
        foreach (var t in g.Tables)
            output.Add(CreateTable(t));
        return output;
    }

    public static IReadOnlyList<string> PostData(SchemaGraph g)
    {
        g = InTSql(g);
        var output = new List<string>();
        foreach (var t in g.Tables)
            if (t.PrimaryKey is { } pk)
                output.Add($"ALTER TABLE {TSqlIdent.Quote(t.Name)} ADD {ConstraintName(pk.Name)}PRIMARY KEY ({Columns(pk.Columns)})");
        foreach (var t in g.Tables)
            foreach (var u in t.Uniques)
                output.Add($"ALTER TABLE {TSqlIdent.Quote(t.Name)} ADD {ConstraintName(u.Name)}UNIQUE ({Columns(u.Columns)})");
        foreach (var t in g.Tables)
            foreach (var c in t.Checks)
                output.Add($"ALTER TABLE {TSqlIdent.Quote(t.Name)} ADD {ConstraintName(c.Name)}CHECK ({c.Expression})");
        foreach (var t in g.Tables)
            foreach (var fk in t.ForeignKeys)
                output.Add($"ALTER TABLE {TSqlIdent.Quote(t.Name)} ADD {ConstraintName(fk.Name)}{ForeignKeyClause(fk)}");
        foreach (var ix in g.Indexes)
        {
            if (g.FindTable(ix.Table) is not { } owner) continue;
            if (owner.KeyConstraintNames(StringComparer.OrdinalIgnoreCase).Contains(ix.Name)) continue; // created by its constraint
            output.Add(Index(ix, owner));
        }
        return output;
    }

    /// <summary>A script for sqlcmd / SSMS: <see cref="PreData"/> then <see cref="PostData"/>, one batch each, GO between.</summary>
    public static string Script(SchemaGraph g)
    {
        g = InTSql(g);
        var sb = new StringBuilder();
        foreach (var statement in PreData(g).Concat(PostData(g)))
            sb.Append(statement).Append(";\nGO\n");
        return sb.ToString();
    }

    private static SchemaGraph InTSql(SchemaGraph g) =>
        g.Dialect == SqlDialect.TSql ? g : DialectConverter.Convert(g, SqlDialect.TSql).Graph;

    private static string CreateSequence(SequenceDef s)
    {
        var type = s.DataType switch
        {
            "smallint" => "smallint",
            "integer" or "int" => "int",
            _ => "bigint",
        };
        var sb = new StringBuilder($"CREATE SEQUENCE {TSqlIdent.Quote(s.Name)} AS {type}");
        sb.Append(" START WITH ").Append(s.Start.ToString(CultureInfo.InvariantCulture));
        sb.Append(" INCREMENT BY ").Append(s.Increment.ToString(CultureInfo.InvariantCulture));
        if (s.MinValue is { } mn) sb.Append(" MINVALUE ").Append(mn.ToString(CultureInfo.InvariantCulture));
        if (s.MaxValue is { } mx) sb.Append(" MAXVALUE ").Append(mx.ToString(CultureInfo.InvariantCulture));
        if (s.Cycle) sb.Append(" CYCLE");
        return sb.ToString();
    }

    private static string CreateTable(TableDef t)
    {
        var sb = new StringBuilder("CREATE TABLE ").Append(TSqlIdent.Quote(t.Name)).Append(" (\n");
        for (var i = 0; i < t.Columns.Count; i++)
        {
            sb.Append("    ").Append(ColumnDefinition(t.Columns[i]));
            sb.Append(i + 1 < t.Columns.Count ? ",\n" : "\n");
        }
        return sb.Append(')').ToString();
    }

    private static string ColumnDefinition(ColumnDef c)
    {
        var sb = new StringBuilder(TSqlIdent.Quote(c.Name)).Append(' ');
        if (c.GeneratedExpression is { } expr)
            return sb.Append("AS (").Append(expr).Append(')').ToString();
        sb.Append(TypeName(c.Type));
        if (c.Collation is { } coll) sb.Append(" COLLATE ").Append(coll);
        if (c.Identity == IdentityKind.Always)
            sb.Append(" IDENTITY(").Append((c.IdentitySeed ?? 1).ToString(CultureInfo.InvariantCulture)).Append(", ")
              .Append((c.IdentityIncrement ?? 1).ToString(CultureInfo.InvariantCulture)).Append(')');
        else if (c.Default is { } def)
            sb.Append(" DEFAULT (").Append(def).Append(')');
        sb.Append(c.Nullable ? " NULL" : " NOT NULL");
        return sb.ToString();
    }

    private static string TypeName(SqlType t) => t switch
    {
        { Domain: { } d } => TSqlIdent.Quote(d),
        { Kind: TypeKind.Other, UserType: { Schema: not "sys" } u } => TSqlIdent.Quote(u),
        _ => TSqlTypes.Name(t),
    };

    private static string ForeignKeyClause(ForeignKey fk)
    {
        var sb = new StringBuilder();
        sb.Append("FOREIGN KEY (").Append(Columns(fk.Columns)).Append(") REFERENCES ").Append(TSqlIdent.Quote(fk.RefTable))
          .Append(" (").Append(Columns(fk.RefColumns)).Append(')');
        if (Action(fk.OnDelete) is { } d) sb.Append(" ON DELETE ").Append(d);
        if (Action(fk.OnUpdate) is { } u) sb.Append(" ON UPDATE ").Append(u);
        return sb.ToString();
    }

    // RESTRICT is NO ACTION in SQL Server (both refuse the change; T-SQL has no separate keyword).
    private static string? Action(ReferentialAction a) => a switch
    {
        ReferentialAction.Cascade => "CASCADE",
        ReferentialAction.SetNull => "SET NULL",
        ReferentialAction.SetDefault => "SET DEFAULT",
        _ => null,
    };

    /// <summary>The index re-written from its T-SQL text: schema-qualified, bracketed, and NONCLUSTERED (the primary key
    /// is the table's clustered index, as SQL Server makes it by default).</summary>
    private static string Index(IndexDef ix, TableDef table)
    {
        var parser = new TSql170Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(ix.Sql);
        var tree = parser.Parse(reader, out var errors);
        if (errors.Count > 0 || tree is not TSqlScript { Batches: [{ Statements: [CreateIndexStatement create] }] })
            throw new SchemaException($"index {ix.Name} on {ix.Table}: not a T-SQL CREATE INDEX: {ix.Sql}", ix.Position);
        var columns = create.Columns.Select(c =>
            TSqlIdent.Quote(c.Column.MultiPartIdentifier.Identifiers[^1].Value) + (c.SortOrder == SortOrder.Descending ? " DESC" : ""));
        var sb = new StringBuilder("CREATE ");
        if (create.Unique) sb.Append("UNIQUE ");
        sb.Append("NONCLUSTERED INDEX ").Append(TSqlIdent.Quote(ix.Name)).Append(" ON ").Append(TSqlIdent.Quote(table.Name))
          .Append(" (").Append(string.Join(", ", columns)).Append(')');
        if (create.IncludeColumns.Count > 0)
            sb.Append(" INCLUDE (").Append(string.Join(", ", create.IncludeColumns.Select(c => TSqlIdent.Quote(c.MultiPartIdentifier.Identifiers[^1].Value)))).Append(')');
        if (create.FilterPredicate is { } filter)
            sb.Append(" WHERE ").Append(ix.Sql.AsSpan(filter.StartOffset, filter.FragmentLength));
        return sb.ToString();
    }

    private static IEnumerable<string> UsedSchemas(SchemaGraph g) =>
        g.Domains.Select(d => d.Name.Schema)
            .Concat(g.Sequences.Select(s => s.Name.Schema))
            .Concat(g.Tables.Select(t => t.Name.Schema))
            .Where(s => !s.Equals("dbo", StringComparison.OrdinalIgnoreCase))
            .Distinct(StringComparer.OrdinalIgnoreCase);

    private static string ConstraintName(string? name) => name is null ? "" : "CONSTRAINT " + TSqlIdent.Quote(name) + " ";

    private static string Columns(IEnumerable<string> columns) => string.Join(", ", columns.Select(TSqlIdent.Quote));
}
