using Microsoft.SqlServer.TransactSql.ScriptDom;
using PluRelSql.Schema.Postgres;
using PluRelSql.Schema.TSql;

namespace PluRelSql.Schema.Dialects;

/// <summary>Something the target dialect cannot hold as the source said it: what was done instead (dropped,
/// approximated), with the object and where the source declared it.</summary>
public sealed record ConversionWarning(SourcePosition? Position, string Subject, string Message)
{
    public override string ToString() => (Position is { } p ? $"{p}: " : "") + $"{Subject}: {Message}";
}

/// <summary>The converted graph and what the conversion could not carry over exactly.</summary>
public sealed record DialectConversion(SchemaGraph Graph, IReadOnlyList<ConversionWarning> Warnings);

/// <summary>Rewrites a graph into another dialect: expressions (defaults, CHECKs, computed columns, index
/// statements) are translated through <see cref="SqlExpr"/>, and what the target cannot hold is reshaped — see
/// docs/type-mapping.md. Whatever cannot be translated is left out of the result and reported as a
/// <see cref="ConversionWarning"/> naming it and its source position; this includes a CHECK, which the target
/// then does not enforce (the warning says so). The input graph is not modified.</summary>
public static class DialectConverter
{
    public static DialectConversion Convert(SchemaGraph graph, SqlDialect target)
    {
        ArgumentNullException.ThrowIfNull(graph);
        if (graph.Dialect == target) return new DialectConversion(graph, []);
        // Each dialect's default schema stands for the other's: public ⇄ dbo.
        var (from, to) = target == SqlDialect.TSql ? ("public", "dbo") : ("dbo", "public");
        var copy = GraphCopy.Of(graph, n => n.Schema == from ? n with { Schema = to } : n);
        var warnings = new List<ConversionWarning>();
        // Warnings name objects as the source does (public.film, not the dbo.film it becomes).
        string Show(QualifiedName n) => (n.Schema == to ? n with { Schema = from } : n).ToString();
        if (target == SqlDialect.TSql) new ToTSql(copy, warnings, Show).Run();
        else new ToPostgres(copy, warnings, Show).Run();
        copy.Dialect = target;
        return new DialectConversion(copy, warnings);
    }

    internal static Func<string, ColumnDef?> Columns(TableDef t) =>
        name => t.Columns.Find(c => c.Name == name) ?? t.Columns.Find(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    // ---- PostgreSQL → T-SQL ----------------------------------------------------------------------------------

    private sealed class ToTSql(SchemaGraph g, List<ConversionWarning> warnings, Func<QualifiedName, string> show)
    {
        private void Warn(SourcePosition? at, string subject, string message) => warnings.Add(new ConversionWarning(at, subject, message));

        public void Run()
        {
            foreach (var ext in g.Extensions)
                Warn(null, $"extension {ext}", "SQL Server has no extensions: not carried over");
            g.Extensions.Clear();
            FlattenPartitions();
            FlattenDomains();
            ReplaceEnums();
            var indexed = Indexes();
            var keyColumns = KeyColumns(indexed);
            foreach (var t in g.Tables)
                foreach (var c in t.Columns)
                    Column(t, c, keyColumns.Contains((t.Name, c.Name)));
            foreach (var t in g.Tables) ConstraintClauses(t);
            foreach (var t in g.Tables) Checks(t);
            foreach (var t in g.Tables)
                foreach (var fk in t.ForeignKeys)
                {
                    var subject = $"{show(t.Name)} foreign key {fk.Name ?? string.Join(",", fk.Columns)}";
                    if (fk.Deferrable || fk.InitiallyDeferred)
                    {
                        Warn(fk.Position, subject, "DEFERRABLE has no T-SQL counterpart: the key is checked immediately");
                        fk.Deferrable = fk.InitiallyDeferred = false;
                    }
                    if (fk.Match != ForeignKeyMatch.Simple)
                    {
                        Warn(fk.Position, subject, $"MATCH {fk.Match.ToString().ToUpperInvariant()} has no T-SQL counterpart: " +
                            "a row with some key columns NULL is not checked (MATCH SIMPLE)");
                        fk.Match = ForeignKeyMatch.Simple;
                    }
                }
            UniqueConstraintNames();
            foreach (var t in g.Tables)
                if (t.Unlogged) { Warn(t.Position, show(t.Name), "UNLOGGED has no T-SQL counterpart: an ordinary table"); t.Unlogged = false; }
        }

        /// <summary>Clauses of keys, CHECKs and exclusions that SQL Server has no counterpart for: each is a warning.</summary>
        private void ConstraintClauses(TableDef t)
        {
            foreach (var k in t.PrimaryKey is { } pk ? t.Uniques.Prepend(pk) : t.Uniques)
            {
                var subject = $"{show(t.Name)} {(ReferenceEquals(k, t.PrimaryKey) ? "primary key" : "unique key")} {k.Name ?? string.Join(",", k.Columns)}";
                if (k.Deferrable || k.InitiallyDeferred)
                {
                    Warn(k.Position, subject, "DEFERRABLE has no T-SQL counterpart: the key is checked immediately");
                    k.Deferrable = k.InitiallyDeferred = false;
                }
                if (k.Include.Count > 0)
                {
                    Warn(k.Position, subject, $"INCLUDE ({string.Join(", ", k.Include)}) has no counterpart on a T-SQL constraint: left out");
                    k.Include.Clear();
                }
                // A T-SQL UNIQUE already treats NULLs as equal, which is what NULLS NOT DISTINCT says.
                k.NullsNotDistinct = false;
            }
            foreach (var ck in t.Checks)
                if (ck.NoInherit)
                {
                    Warn(ck.Position, $"{show(t.Name)} CHECK {ck.Name ?? ""}".TrimEnd(), "NO INHERIT has no T-SQL counterpart (no table inheritance): left out");
                    ck.NoInherit = false;
                }
            foreach (var x in t.Exclusions)
                Warn(x.Position, $"{show(t.Name)} exclusion constraint {x.Name ?? ""}".TrimEnd(),
                    $"{Output.PgDdlWriter.ExclusionClause(x)} has no T-SQL counterpart: left out, so SQL Server will not enforce it");
            t.Exclusions.Clear();
        }

        /// <summary>SQL Server partitions through partition functions and schemes, not tables: a partitioned table
        /// becomes one ordinary table and its partitions go (foreign keys to them point at it).</summary>
        private void FlattenPartitions()
        {
            var partitions = g.Tables.Where(t => t.IsPartition).ToList();
            foreach (var t in g.Tables)
                foreach (var fk in t.ForeignKeys)
                    fk.RefTable = g.LoadedTableOf(fk.RefTable);
            foreach (var p in partitions)
            {
                Warn(p.Position, show(p.Name), $"partition of {show(p.PartitionOf!.Value)}: its rows live in that table (SQL Server has no table partitions)");
                g.Tables.Remove(p);
            }
            foreach (var t in g.Tables)
                if (t.Partitioning is not null)
                {
                    Warn(t.Position, show(t.Name), "PARTITION BY is not carried over: one ordinary table");
                    t.Partitioning = null;
                }
            g.Indexes.RemoveAll(ix => g.FindTable(ix.Table) is null);
            foreach (var t in g.Tables) t.ForeignKeys.RemoveAll(fk => g.FindTable(fk.RefTable) is null);
        }

        /// <summary>Alias types cannot carry CHECKs or defaults: every domain column takes the base type, and the
        /// domain's NOT NULL, DEFAULT and CHECKs move onto the column.</summary>
        private void FlattenDomains()
        {
            foreach (var t in g.Tables)
                foreach (var c in t.Columns)
                {
                    if (c.Type.Domain is not { } dn) continue;
                    var d = g.FindDomain(dn);
                    c.Type = c.Type with { Domain = null };
                    if (d is null || c.Type.IsArray) continue;
                    if (d.NotNull) c.Nullable = false;
                    if (c.Default is null && c.Identity == IdentityKind.None) c.Default = d.Default;
                    foreach (var ck in d.Checks)
                        t.Checks.Add(new CheckConstraint
                        {
                            Name = ck.Name is null ? null : $"{ck.Name}_{t.Name.Name}_{c.Name}",
                            Expression = RenameValue(ck.Expression, c.Name),
                            Position = ck.Position,
                        });
                }
            g.Domains.Clear();
        }

        private static string RenameValue(string expression, string column)
        {
            // VALUE is a keyword-like word in a domain CHECK; every unquoted occurrence is the checked column.
            var tokens = new PgLexer(expression, "").TokenizeAll();
            var sb = new System.Text.StringBuilder();
            var last = 0;
            foreach (var t in tokens)
                if (t.Kind == TokKind.Word && t.Text == "value")
                {
                    sb.Append(expression, last, t.Start - last).Append(SqlIdent.Quote(column));
                    last = t.End;
                }
            return sb.Append(expression, last, expression.Length - last).ToString();
        }

        /// <summary>An enum column becomes nvarchar(longest label) with CHECK (column IN (labels…)).</summary>
        private void ReplaceEnums()
        {
            foreach (var t in g.Tables)
                foreach (var c in t.Columns)
                {
                    if (c.Type.Kind != TypeKind.Enum || c.Type.UserType is not { } en) continue;
                    var e = g.FindEnum(en);
                    if (c.Type.IsArray || e is null) { c.Type = SqlType.Of(TypeKind.Text); continue; }
                    c.Type = new SqlType { Kind = TypeKind.Varchar, Length = Math.Max(1, e.Labels.Max(l => l.Length)) };
                    t.Checks.Add(new CheckConstraint
                    {
                        Name = null,
                        Expression = $"{SqlIdent.Quote(c.Name)} IN ({string.Join(", ", e.Labels.Select(PgExpressions.Literal))})",
                        Position = c.Position,
                    });
                }
            g.Enums.Clear();
        }

        /// <summary>Columns that end up in an index key (keys, foreign keys on both ends, plain indexes): they cannot be nvarchar(max).</summary>
        private HashSet<(QualifiedName, string)> KeyColumns(List<(QualifiedName Table, IReadOnlyList<string> Columns)> indexed)
        {
            var keys = new HashSet<(QualifiedName, string)>();
            foreach (var t in g.Tables)
            {
                foreach (var c in t.PrimaryKey?.Columns ?? []) keys.Add((t.Name, c));
                foreach (var u in t.Uniques) foreach (var c in u.Columns) keys.Add((t.Name, c));
                foreach (var fk in t.ForeignKeys)
                {
                    foreach (var c in fk.Columns) keys.Add((t.Name, c));
                    foreach (var c in fk.RefColumns) keys.Add((fk.RefTable, c));
                }
            }
            foreach (var (table, columns) in indexed)
                foreach (var c in columns) keys.Add((table, c));
            return keys;
        }

        private void Column(TableDef t, ColumnDef c, bool key)
        {
            var subject = $"{show(t.Name)}.{c.Name}";
            var original = c.Type;
            c.Type = TSqlTypes.Normalize(c.Type, key, out var note);
            if (note is not null) Warn(c.Position, subject, note);
            if (c.Collation is not null)
            {
                Warn(c.Position, subject, $"collation {c.Collation} is not a SQL Server collation: the database default is used");
                c.Collation = null;
            }

            switch (c.Identity)
            {
                case IdentityKind.Always or IdentityKind.ByDefault:
                {
                    var seq = IdentitySequence(t, c);
                    c.IdentitySeed = seq?.Start ?? c.IdentitySeed ?? 1;
                    c.IdentityIncrement = seq?.Increment ?? c.IdentityIncrement ?? 1;
                    if (c.Identity == IdentityKind.ByDefault)
                        Warn(c.Position, subject, "GENERATED BY DEFAULT AS IDENTITY becomes IDENTITY (explicit values need IDENTITY_INSERT)");
                    c.Identity = IdentityKind.Always;
                    if (seq is not null) g.Sequences.Remove(seq);
                    c.Sequence = null;
                    c.Default = null;
                    break;
                }
                case IdentityKind.Sequence when c.Sequence is { } sn && OwnSerial(t, c, sn):
                {
                    // A serial: its sequence serves only this column, which is what IDENTITY is.
                    var seq = g.FindSequence(sn);
                    c.Identity = IdentityKind.Always;
                    c.IdentitySeed = seq?.Start ?? 1;
                    c.IdentityIncrement = seq?.Increment ?? 1;
                    if (seq is not null) g.Sequences.Remove(seq);
                    c.Sequence = null;
                    c.Default = null;
                    c.Nullable = false;
                    break;
                }
                case IdentityKind.Sequence when c.Sequence is { } shared:
                    c.Default = "NEXT VALUE FOR " + TSqlIdent.Quote(shared);
                    if (g.FindSequence(shared) is null) g.Sequences.Add(new SequenceDef { Name = shared, DataType = IntegerTypeName(original) });
                    break;
            }

            if (c.GeneratedExpression is { } gen)
            {
                try
                {
                    c.GeneratedExpression = TSqlExpressions.WriteScalar(PgExpressions.Read(gen, Columns(t)), Columns(t));
                    c.GeneratedKind = null;
                    // T-SQL computed columns have no declared type: the reader sees an unknown type.
                    c.Type = SqlType.Of(TypeKind.Other);
                }
                catch (UntranslatableException e)
                {
                    Warn(c.Position, subject, $"generated column expression ({gen}) left out ({e.Message}): the column becomes an ordinary column the loader fills");
                    c.GeneratedExpression = null;
                    c.GeneratedKind = null;
                }
            }
            else if (c.Default is { } def && !def.StartsWith("NEXT VALUE FOR ", StringComparison.Ordinal))
            {
                try
                {
                    c.Default = TSqlExpressions.WriteScalar(PgExpressions.Read(def, Columns(t)), Columns(t), c.Type);
                }
                catch (UntranslatableException e)
                {
                    Warn(c.Position, subject, $"DEFAULT {def} left out: {e.Message}");
                    c.Default = null;
                }
            }
        }

        private static string IntegerTypeName(SqlType t) => t.Kind switch
        {
            TypeKind.SmallInt => "smallint",
            TypeKind.Integer => "integer",
            _ => "bigint",
        };

        private SequenceDef? IdentitySequence(TableDef t, ColumnDef c) =>
            c.Sequence is { } s ? g.FindSequence(s)
                : g.Sequences.Find(s => s.OwnedBy is { } o && o.Table == t.Name && o.Column == c.Name);

        private bool OwnSerial(TableDef t, ColumnDef c, QualifiedName sequence)
        {
            var users = g.Tables.SelectMany(x => x.Columns.Select(col => (x, col))).Count(p => p.col.Sequence == sequence);
            var seq = g.FindSequence(sequence);
            return users == 1 && (seq is null || seq.OwnedBy is null || (seq.OwnedBy.Value.Table == t.Name && seq.OwnedBy.Value.Column == c.Name));
        }

        private void Checks(TableDef t)
        {
            var kept = new List<CheckConstraint>();
            foreach (var ck in t.Checks)
            {
                try
                {
                    var text = TSqlExpressions.WriteCondition(PgExpressions.Read(ck.Expression, Columns(t)), Columns(t));
                    kept.Add(new CheckConstraint
                    {
                        Name = ck.Name,
                        Expression = text,
                        Predicate = TSqlExpressions.ReadCheck(text, Columns(t)),
                        Position = ck.Position,
                    });
                }
                catch (UntranslatableException e)
                {
                    Warn(ck.Position, $"{show(t.Name)} CHECK {ck.Name ?? ""}".TrimEnd(),
                        $"CHECK ({ck.Expression}) cannot be written in T-SQL ({e.Message}): left out, so SQL Server will not enforce it");
                }
            }
            t.Checks.Clear();
            t.Checks.AddRange(kept);
        }

        /// <summary>Indexes over plain columns are rewritten; expression, partial and non-btree indexes are left out.</summary>
        private List<(QualifiedName, IReadOnlyList<string>)> Indexes()
        {
            var kept = new List<IndexDef>();
            var indexed = new List<(QualifiedName, IReadOnlyList<string>)>();
            foreach (var ix in g.Indexes)
            {
                var subject = $"index {ix.Name} on {show(ix.Table)}";
                var tokens = new PgLexer(ix.Sql, "").TokenizeAll();
                var method = tokens.FindIndex(tk => tk.IsWord("using"));
                if (method >= 0 && !tokens[method + 1].IsWord("btree"))
                {
                    Warn(ix.Position, subject, $"USING {tokens[method + 1].Text} has no SQL Server counterpart: left out");
                    continue;
                }
                if (tokens.Any(tk => tk.IsWord("where")))
                {
                    Warn(ix.Position, subject, "partial indexes (WHERE …) are not translated: left out");
                    continue;
                }
                if (ix.PlainColumns() is not { } cols || g.FindTable(ix.Table) is not { } table || cols.Any(c => table.FindColumn(c) is null))
                {
                    Warn(ix.Position, subject, "an index over expressions is not translated: left out");
                    continue;
                }
                var sql = $"CREATE {(ix.Unique ? "UNIQUE " : "")}INDEX {TSqlIdent.Quote(ix.Name)} ON {TSqlIdent.Quote(ix.Table)} ({string.Join(", ", cols.Select(TSqlIdent.Quote))})";
                kept.Add(new IndexDef { Name = ix.Name, Table = ix.Table, Sql = sql, Unique = ix.Unique, Position = ix.Position });
                indexed.Add((ix.Table, cols));
            }
            g.Indexes.Clear();
            g.Indexes.AddRange(kept);
            return indexed;
        }

        /// <summary>SQL Server constraint names are unique per schema, PostgreSQL's per table: clashes get the table's name appended.</summary>
        private void UniqueConstraintNames()
        {
            var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var t in g.Tables) used.Add(t.Name.Schema + "." + t.Name.Name);
            string Unique(TableDef t, string name)
            {
                var candidate = name;
                for (var i = 2; !used.Add(t.Name.Schema + "." + candidate); i++) candidate = $"{name}_{t.Name.Name}{(i > 2 ? "_" + i : "")}";
                return candidate;
            }
            foreach (var t in g.Tables)
            {
                if (t.PrimaryKey is { Name: { } pk } key) key.Name = Unique(t, pk);
                foreach (var u in t.Uniques) if (u.Name is { } n) u.Name = Unique(t, n);
                foreach (var fk in t.ForeignKeys) if (fk.Name is { } n) fk.Name = Unique(t, n);
                foreach (var ck in t.Checks) if (ck.Name is { } n) ck.Name = Unique(t, n);
            }
        }
    }

    // ---- T-SQL → PostgreSQL ----------------------------------------------------------------------------------

    private sealed class ToPostgres(SchemaGraph g, List<ConversionWarning> warnings, Func<QualifiedName, string> show)
    {
        private void Warn(SourcePosition? at, string subject, string message) => warnings.Add(new ConversionWarning(at, subject, message));

        public void Run()
        {
            foreach (var t in g.Tables)
                foreach (var c in t.Columns.ToList())
                    Column(t, c);
            foreach (var t in g.Tables) Checks(t);
            Indexes();
        }

        private void Column(TableDef t, ColumnDef c)
        {
            var subject = $"{show(t.Name)}.{c.Name}";
            if (c.Collation is not null)
            {
                Warn(c.Position, subject, $"collation {c.Collation} is a SQL Server collation: the database default is used");
                c.Collation = null;
            }
            if (c.GeneratedExpression == "rowversion")
            {
                Warn(c.Position, subject, "rowversion is filled by SQL Server; in PostgreSQL it is an ordinary bytea column the loader fills");
                c.GeneratedExpression = null;
                c.Type = SqlType.Of(TypeKind.Bytea);
            }
            else if (c.GeneratedExpression is { } period && period.StartsWith("GENERATED ALWAYS AS ", StringComparison.Ordinal))
            {
                Warn(c.Position, subject, $"system-versioning column ({period}) becomes an ordinary column the loader fills");
                c.GeneratedExpression = null;
            }
            else if (c.GeneratedExpression is { } computed)
            {
                try
                {
                    var e = TSqlExpressions.ReadScalar(computed, Columns(t), styles: true);
                    if (!Immutable(e) && !HasNextValue(e))
                    {
                        // PostgreSQL refuses it in GENERATED ALWAYS AS: an ordinary column the load overwrites with the
                        // expression over the same row once the rows are in, cast so the UPDATE cannot fail on its type.
                        c.Type = TypeOf(e, Columns(t)) ?? ComputedResultType(computed);
                        c.FillExpression = PgExpressions.Write(e is CastExpr top && top.Type == c.Type ? e : new CastExpr(e, c.Type));
                        c.GeneratedExpression = null;
                        Warn(c.Position, subject, $"computed column ({computed}) is not immutable in PostgreSQL (it formats dates or reads the clock, " +
                                                  $"a random number or the session): loaded as a plain {c.Type.ToPgSql()} column whose values are " +
                                                  $"computed from the row after the load ({c.FillExpression})");
                    }
                    else
                    {
                        if (Volatile(e)) throw new UntranslatableException("it reads the clock, a random number or the session, which PostgreSQL does not allow in a generated column");
                        c.Type = TypeOf(e, Columns(t)) ?? SqlType.Of(TypeKind.Text);
                        c.GeneratedExpression = PgExpressions.Write(TypeOf(e, Columns(t)) is null ? new CastExpr(e, SqlType.Of(TypeKind.Text)) : e);
                        c.GeneratedKind = "STORED";
                    }
                }
                catch (UntranslatableException ex)
                {
                    // Never a server error and never a lost column: a plain column of the expression's declared type
                    // (CONVERT/CAST's target, else text) that the generator fills like any other.
                    c.Type = ComputedResultType(computed);
                    c.GeneratedExpression = null;
                    Warn(c.Position, subject, $"computed column ({computed}) cannot be written for PostgreSQL ({ex.Message}): " +
                                              $"loaded as a plain {c.Type.ToPgSql()} column with generated values");
                }
            }
            if (c.Type is { Kind: TypeKind.Other, UserType: { Schema: "sys", Name: "hierarchyid" } } && c.GeneratedExpression is null)
            {
                // hierarchyid's text form (/1/3/2/) is at most 4000 characters long, as ToString() returns nvarchar(4000).
                Warn(c.Position, subject, "hierarchyid has no PostgreSQL counterpart: stored as its text form in varchar(4000)");
                c.Type = new SqlType { Kind = TypeKind.Varchar, Length = 4000 };
            }
            if (c.Type.Kind == TypeKind.Other && c.GeneratedExpression is null)
            {
                Warn(c.Position, subject, $"type {c.Type.UserType?.ToString() ?? c.Type.ToPgSql()} has no PostgreSQL counterpart: stored as text");
                c.Type = c.Type with { Kind = TypeKind.Text, UserType = null };
            }
            if (c.Default is { } def)
            {
                try
                {
                    var e = TSqlExpressions.ReadScalar(def, Columns(t), c.Type);
                    c.Default = e is NextValue && c.Identity == IdentityKind.Sequence ? null : PgExpressions.Write(e);
                }
                catch (UntranslatableException ex)
                {
                    Warn(c.Position, subject, $"DEFAULT {def} left out: {ex.Message}");
                    c.Default = null;
                }
            }
        }

        private void DropColumn(TableDef t, ColumnDef c)
        {
            t.Columns.Remove(c);
            t.Checks.RemoveAll(k => Mentions(k.Expression, c.Name));
            t.Uniques.RemoveAll(k => k.Columns.Contains(c.Name));
            g.Indexes.RemoveAll(ix => ix.Table == t.Name && Mentions(ix.Sql, c.Name));
        }

        private static bool Mentions(string text, string column) => text.Contains(column, StringComparison.OrdinalIgnoreCase);

        /// <summary>The type a computed column's expression declares at its top (CONVERT/TRY_CONVERT/CAST/TRY_CAST), else text.</summary>
    private static SqlType ComputedResultType(string expression)
    {
        using var reader = new StringReader(expression);
        var e = new TSql170Parser(initialQuotedIdentifiers: true).ParseExpression(reader, out var errors);
        while (e is ParenthesisExpression p) e = p.Expression;
        var type = e switch
        {
            ConvertCall convert => convert.DataType,
            TryConvertCall convert => convert.DataType,
            CastCall cast => cast.DataType,
            TryCastCall cast => cast.DataType,
            _ => null,
        };
        return errors.Count == 0 && type is not null && TSqlTypeMapper.Map(type, _ => null) is { Unknown: false } mapped
            ? mapped.Type with { Domain = null }
            : SqlType.Of(TypeKind.Text);
    }

    /// <summary>False when PostgreSQL would refuse the expression in a generated column: it reads the clock, a
    /// random number or the session (<see cref="Volatile"/>) or formats a date (to_char is STABLE).</summary>
    private static bool Immutable(SqlExpr e) => !Volatile(e) && !Any(e, x => x is Call { Name: Fn.ToChar });

    private static bool HasNextValue(SqlExpr e) => Any(e, x => x is NextValue);

    private static bool Any(SqlExpr e, Func<SqlExpr, bool> test) => test(e) || e switch
        {
            Call c => c.Args.Any(a => Any(a, test)),
            Unary u => Any(u.Operand, test),
            Binary b => Any(b.Left, test) || Any(b.Right, test),
            CastExpr c => Any(c.Operand, test),
            IsNullExpr i => Any(i.Operand, test),
            BetweenExpr b => Any(b.Operand, test) || Any(b.Low, test) || Any(b.High, test),
            InExpr i => Any(i.Operand, test) || i.Values.Any(v => Any(v, test)),
            LikeExpr l => Any(l.Operand, test),
            CaseExpr c => (c.Operand is { } o && Any(o, test)) || c.Whens.Any(w => Any(w.When, test) || Any(w.Then, test)) || (c.Else is { } x && Any(x, test)),
            _ => false,
        };

    private static bool Volatile(SqlExpr e) => e switch
        {
            Call { Name: Fn.Now or Fn.UtcNow or Fn.CurrentDate or Fn.Uuid or Fn.Random or Fn.CurrentUser or Fn.CurrentDatabase } => true,
            NextValue => true,
            Call c => c.Args.Any(Volatile),
            Unary u => Volatile(u.Operand),
            Binary b => Volatile(b.Left) || Volatile(b.Right),
            CastExpr c => Volatile(c.Operand),
            CaseExpr c => (c.Operand is { } o && Volatile(o)) || c.Whens.Any(w => Volatile(w.When) || Volatile(w.Then)) || (c.Else is { } x && Volatile(x)),
            _ => false,
        };

        /// <summary>The type of a computed column's expression, when it follows from its parts; null when unknown.</summary>
        private static SqlType? TypeOf(SqlExpr e, Func<string, ColumnDef?> column)
        {
            switch (e)
            {
                case NumberLit n: return n.Text.Contains('.', StringComparison.Ordinal) || n.Text.Contains('e', StringComparison.OrdinalIgnoreCase)
                    ? SqlType.Of(TypeKind.Numeric) : SqlType.Of(TypeKind.Integer);
                case StringLit: return SqlType.Of(TypeKind.Text);
                case BoolLit: return SqlType.Of(TypeKind.Boolean);
                case ColumnRef c: return column(c.Name)?.Type is { } t && t.Kind != TypeKind.Other ? t with { Domain = null } : null;
                case CastExpr c: return c.Type;
                case Binary { Op: "||" }: return SqlType.Of(TypeKind.Text);
                case Binary { Op: "+" or "-" or "*" or "/" or "%" } b:
                {
                    var l = TypeOf(b.Left, column);
                    var r = TypeOf(b.Right, column);
                    if (l is null || r is null) return null;
                    if (l.Kind is TypeKind.Text or TypeKind.Varchar or TypeKind.Char || r.Kind is TypeKind.Text or TypeKind.Varchar or TypeKind.Char) return null;
                    if (l.Kind is TypeKind.Double or TypeKind.Real || r.Kind is TypeKind.Double or TypeKind.Real) return SqlType.Of(TypeKind.Double);
                    if (l.IsInteger && r.IsInteger) return SqlType.Of(l.Kind == TypeKind.BigInt || r.Kind == TypeKind.BigInt ? TypeKind.BigInt : TypeKind.Integer);
                    if ((l.IsInteger || l.Kind == TypeKind.Numeric) && (r.IsInteger || r.Kind == TypeKind.Numeric)) return SqlType.Of(TypeKind.Numeric);
                    return null;
                }
                case Unary { Op: "-" or "+" } u: return TypeOf(u.Operand, column);
                case Call { Name: Fn.Length or Fn.OctetLength or Fn.Position or Fn.Year or Fn.Month or Fn.Day }: return SqlType.Of(TypeKind.Integer);
                case Call { Name: "upper" or "lower" or "ltrim" or "rtrim" or "replace" or "reverse" or "left" or "right" or "substring" or "concat" }:
                    return SqlType.Of(TypeKind.Text);
                case Call { Name: "coalesce" or "nullif" or "abs" or "round" or "floor" or Fn.Ceiling } c: return TypeOf(c.Args[0], column);
                case CaseExpr c: return c.Whens.Count > 0 ? TypeOf(c.Whens[0].Then, column) : null;
                default: return null;
            }
        }

        private void Checks(TableDef t)
        {
            var kept = new List<CheckConstraint>();
            foreach (var ck in t.Checks)
            {
                try
                {
                    var tree = TSqlExpressions.ReadCondition(ck.Expression, Columns(t));
                    kept.Add(new CheckConstraint
                    {
                        Name = ck.Name,
                        Expression = PgExpressions.Write(tree),
                        Predicate = CheckForms.Predicate(tree),
                        Position = ck.Position,
                    });
                }
                catch (UntranslatableException e)
                {
                    Warn(ck.Position, $"{show(t.Name)} CHECK {ck.Name ?? ""}".TrimEnd(),
                        $"CHECK ({ck.Expression}) cannot be written for PostgreSQL ({e.Message}): left out, so PostgreSQL will not enforce it");
                }
            }
            t.Checks.Clear();
            t.Checks.AddRange(kept);
        }

        /// <summary>T-SQL index statements re-read with ScriptDom and written for PostgreSQL. Index names are per table in
        /// SQL Server but per schema in PostgreSQL (shared with tables and key constraints), so a clash gets the
        /// table's name appended.</summary>
        private void Indexes()
        {
            var used = new HashSet<string>(StringComparer.Ordinal);
            foreach (var t in g.Tables)
            {
                used.Add(t.Name.Schema + "." + t.Name.Name);
                if (t.PrimaryKey?.Name is { } pk) used.Add(t.Name.Schema + "." + pk);
                foreach (var u in t.Uniques) if (u.Name is { } n) used.Add(t.Name.Schema + "." + n);
            }
            var kept = new List<IndexDef>();
            foreach (var ix in g.Indexes)
            {
                var subject = $"index {ix.Name} on {show(ix.Table)}";
                if (g.FindTable(ix.Table) is not { } table) continue;
                var (tree, errors) = LargeStack.Run(() =>
                {
                    var parser = new TSql170Parser(initialQuotedIdentifiers: true);
                    using var reader = new StringReader(ix.Sql);
                    return (parser.Parse(reader, out var errs), errs);
                });
                if (errors.Count > 0 || tree is not TSqlScript { Batches: [{ Statements: [CreateIndexStatement create] }] })
                {
                    Warn(ix.Position, subject, "cannot re-read the index statement: left out");
                    continue;
                }
                var columns = new List<string>();
                var ok = true;
                foreach (var col in create.Columns)
                {
                    var name = col.Column.MultiPartIdentifier.Identifiers[^1].Value;
                    var found = Columns(table)(name);
                    if (found is null) { ok = false; break; }
                    columns.Add(SqlIdent.Quote(found.Name) + (col.SortOrder == SortOrder.Descending ? " DESC" : ""));
                }
                if (!ok)
                {
                    Warn(ix.Position, subject, "names a column the table does not have: left out");
                    continue;
                }
                var include = create.IncludeColumns.Select(c => Columns(table)(c.MultiPartIdentifier.Identifiers[^1].Value)?.Name).ToList();
                string? where = null;
                if (create.FilterPredicate is not null)
                {
                    var text = ix.Sql.Substring(create.FilterPredicate.StartOffset, create.FilterPredicate.FragmentLength);
                    try { where = PgExpressions.Write(TSqlExpressions.ReadCondition(text, Columns(table))); }
                    catch (UntranslatableException e)
                    {
                        Warn(ix.Position, subject, $"filter WHERE {text} cannot be written for PostgreSQL ({e.Message}): left out");
                        continue;
                    }
                }
                var pgName = ix.Name;
                for (var i = 2; !used.Add(table.Name.Schema + "." + pgName); i++)
                    pgName = PgLexer.TruncateIdentifier($"{ix.Name}_{table.Name.Name}{(i > 2 ? "_" + i : "")}");
                if (pgName != ix.Name)
                    Warn(ix.Position, subject, $"named {pgName} in PostgreSQL, where index names are unique per schema");
                var sql = $"CREATE {(ix.Unique ? "UNIQUE " : "")}INDEX {SqlIdent.Quote(pgName)} ON {table.Name.ToSql()} ({string.Join(", ", columns)})";
                if (include.Count > 0 && include.All(c => c is not null)) sql += $" INCLUDE ({string.Join(", ", include.Select(c => SqlIdent.Quote(c!)))})";
                if (where is not null) sql += " WHERE " + where;
                kept.Add(new IndexDef { Name = pgName, Table = ix.Table, Sql = sql, Unique = ix.Unique, Position = ix.Position });
            }
            g.Indexes.Clear();
            g.Indexes.AddRange(kept);
        }
    }
}

/// <summary>A deep copy of a graph, so a conversion never touches its input.</summary>
internal static class GraphCopy
{
    public static SchemaGraph Of(SchemaGraph g, Func<QualifiedName, QualifiedName> rename)
    {
        QualifiedName? R(QualifiedName? n) => n is { } x ? rename(x) : null;
        SqlType T(SqlType t) => t with { Domain = R(t.Domain), UserType = t.Kind == TypeKind.Enum ? R(t.UserType) : t.UserType };
        var copy = new SchemaGraph { Dialect = g.Dialect };
        copy.Extensions.AddRange(g.Extensions);
        foreach (var e in g.Enums) copy.Enums.Add(new EnumType { Name = rename(e.Name), Labels = [.. e.Labels], Position = e.Position });
        foreach (var d in g.Domains)
        {
            var nd = new DomainType { Name = rename(d.Name), BaseType = T(d.BaseType), NotNull = d.NotNull, Default = d.Default, Position = d.Position };
            nd.Checks.AddRange(d.Checks.Select(Check));
            copy.Domains.Add(nd);
        }
        foreach (var s in g.Sequences)
            copy.Sequences.Add(new SequenceDef
            {
                Name = rename(s.Name), DataType = s.DataType, Start = s.Start, Increment = s.Increment, MinValue = s.MinValue,
                MaxValue = s.MaxValue, Cycle = s.Cycle, OwnedBy = s.OwnedBy is { } o ? (rename(o.Table), o.Column) : null,
                Position = s.Position,
            });
        foreach (var ix in g.Indexes)
            copy.Indexes.Add(new IndexDef { Name = ix.Name, Table = rename(ix.Table), Sql = ix.Sql, Unique = ix.Unique, Position = ix.Position });
        foreach (var t in g.Tables)
        {
            var nt = new TableDef
            {
                Name = rename(t.Name), PrimaryKey = t.PrimaryKey is { } pk ? Key(pk) : null, PartitionOf = R(t.PartitionOf),
                Unlogged = t.Unlogged, Position = t.Position,
            };
            if (t.Partitioning is { } p)
            {
                nt.Partitioning = new PartitionSpec { Strategy = p.Strategy, Columns = [.. p.Columns] };
                nt.Partitioning.Partitions.AddRange(p.Partitions.Select(b => new PartitionBound
                {
                    Table = rename(b.Table), Bound = b.Bound, From = b.From, To = b.To, In = b.In,
                }));
            }
            foreach (var c in t.Columns)
                nt.Columns.Add(new ColumnDef
                {
                    Name = c.Name, Type = T(c.Type), Nullable = c.Nullable, Default = c.Default, Identity = c.Identity,
                    Sequence = R(c.Sequence), IdentitySeed = c.IdentitySeed, IdentityIncrement = c.IdentityIncrement,
                    GeneratedExpression = c.GeneratedExpression, GeneratedKind = c.GeneratedKind, Collation = c.Collation,
                    FillExpression = c.FillExpression, Position = c.Position,
                });
            nt.Uniques.AddRange(t.Uniques.Select(Key));
            nt.ForeignKeys.AddRange(t.ForeignKeys.Select(fk => new ForeignKey
            {
                Name = fk.Name, Columns = [.. fk.Columns], RefTable = rename(fk.RefTable), RefColumns = [.. fk.RefColumns],
                OnDelete = fk.OnDelete, OnUpdate = fk.OnUpdate, Match = fk.Match, Deferrable = fk.Deferrable,
                InitiallyDeferred = fk.InitiallyDeferred, Position = fk.Position,
            }));
            nt.Checks.AddRange(t.Checks.Select(Check));
            nt.Exclusions.AddRange(t.Exclusions.Select(Exclusion));
            copy.Tables.Add(nt);
        }
        return copy;
    }

    private static KeyConstraint Key(KeyConstraint k) => new()
    {
        Name = k.Name, Columns = [.. k.Columns], Position = k.Position, NullsNotDistinct = k.NullsNotDistinct,
        Include = [.. k.Include], Deferrable = k.Deferrable, InitiallyDeferred = k.InitiallyDeferred,
    };

    private static CheckConstraint Check(CheckConstraint c) =>
        new() { Name = c.Name, Expression = c.Expression, Predicate = c.Predicate, NoInherit = c.NoInherit, Position = c.Position };

    private static ExclusionConstraint Exclusion(ExclusionConstraint x) => new()
    {
        Name = x.Name, Method = x.Method, Where = x.Where, Include = [.. x.Include], Deferrable = x.Deferrable,
        InitiallyDeferred = x.InitiallyDeferred, Position = x.Position,
        Elements = x.Elements.ConvertAll(e => new ExclusionElement { Text = e.Text, Column = e.Column, Operator = e.Operator }),
    };
}
