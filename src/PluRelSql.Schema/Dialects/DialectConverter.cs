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
/// then does not enforce (the warning says so). The input graph is not modified: the result is a new graph built
/// with <c>with</c> expressions (objects a conversion leaves alone are shared).</summary>
public static class DialectConverter
{
    public static DialectConversion Convert(SchemaGraph graph, SqlDialect target)
    {
        ArgumentNullException.ThrowIfNull(graph);
        if (graph.Dialect == target) return new DialectConversion(graph, []);
        // Each dialect's default schema stands for the other's: public ⇄ dbo.
        var (from, to) = target == SqlDialect.TSql ? ("public", "dbo") : ("dbo", "public");
        var renamed = Rename(graph, n => n.Schema == from ? n with { Schema = to } : n);
        var warnings = new List<ConversionWarning>();
        // Warnings name objects as the source does (public.film, not the dbo.film it becomes).
        string Show(QualifiedName n) => (n.Schema == to ? n with { Schema = from } : n).ToString();
        var converted = target == SqlDialect.TSql
            ? new ToTSql(renamed, warnings, Show).Run()
            : new ToPostgres(renamed, warnings, Show).Run();
        return new DialectConversion(converted, warnings);
    }

    internal static Func<string, ColumnDef?> Columns(TableDef t) => Columns(t.Columns);

    internal static Func<string, ColumnDef?> Columns(IReadOnlyList<ColumnDef> columns) =>
        name => columns.FirstOrDefault(c => c.Name == name) ?? columns.FirstOrDefault(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The graph with every name passed through <paramref name="rename"/> (the schema swap public ⇄ dbo).</summary>
    private static SchemaGraph Rename(SchemaGraph g, Func<QualifiedName, QualifiedName> rename)
    {
        QualifiedName? R(QualifiedName? n) => n is { } x ? rename(x) : null;
        SqlType T(SqlType t) => t with { Domain = R(t.Domain), UserType = t.Kind == TypeKind.Enum ? R(t.UserType) : t.UserType };
        return g with
        {
            Extensions = [.. g.Extensions],
            Enums = [.. g.Enums.Select(e => e with { Name = rename(e.Name) })],
            Domains = [.. g.Domains.Select(d => d with { Name = rename(d.Name), BaseType = T(d.BaseType) })],
            Sequences = [.. g.Sequences.Select(s => s with { Name = rename(s.Name), OwnedBy = s.OwnedBy is { } o ? (rename(o.Table), o.Column) : null })],
            Indexes = [.. g.Indexes.Select(ix => ix with { Table = rename(ix.Table) })],
            Tables = [.. g.Tables.Select(t => t with
            {
                Name = rename(t.Name),
                PartitionOf = R(t.PartitionOf),
                Partitioning = t.Partitioning is { } p ? p with { Partitions = [.. p.Partitions.Select(b => b with { Table = rename(b.Table) })] } : null,
                Columns = [.. t.Columns.Select(c => c with { Type = T(c.Type), Sequence = R(c.Sequence) })],
                ForeignKeys = [.. t.ForeignKeys.Select(fk => fk with { RefTable = rename(fk.RefTable) })],
            })],
        };
    }

    /// <summary><paramref name="items"/> with the one at <paramref name="index"/> replaced.</summary>
    private static List<T> Replace<T>(IReadOnlyList<T> items, int index, T item)
    {
        var copy = items.ToList();
        copy[index] = item;
        return copy;
    }

    // ---- PostgreSQL → T-SQL ----------------------------------------------------------------------------------

    /// <summary>The steps run in the order of the source's tables and columns; each replaces objects in the working
    /// lists (tables, sequences, indexes), and a column step sees the columns before it already converted.</summary>
    private sealed class ToTSql(SchemaGraph g, List<ConversionWarning> warnings, Func<QualifiedName, string> show)
    {
        private readonly List<TableDef> _tables = [.. g.Tables];
        private readonly List<SequenceDef> _sequences = [.. g.Sequences];
        private List<IndexDef> _indexes = [.. g.Indexes];

        private void Warn(SourcePosition? at, string subject, string message) => warnings.Add(new ConversionWarning(at, subject, message));

        private TableDef? FindTable(QualifiedName name) => _tables.Find(t => t.Name == name);

        private SequenceDef? FindSequence(QualifiedName name) => _sequences.Find(s => s.Name == name);

        private QualifiedName LoadedTableOf(QualifiedName name)
        {
            while (FindTable(name) is { PartitionOf: { } parent }) name = parent; // sub-partitions route to the top
            return name;
        }

        private void EachTable(Func<TableDef, TableDef> step)
        {
            for (var i = 0; i < _tables.Count; i++) _tables[i] = step(_tables[i]);
        }

        public SchemaGraph Run()
        {
            foreach (var ext in g.Extensions)
                Warn(null, $"extension {ext}", "SQL Server has no extensions: not carried over");
            FlattenPartitions();
            FlattenDomains();
            ReplaceEnums();
            var indexed = Indexes();
            var keyColumns = KeyColumns(indexed);
            for (var i = 0; i < _tables.Count; i++)
                for (var j = 0; j < _tables[i].Columns.Count; j++)
                {
                    var columns = _tables[i].Columns.ToList();
                    Column(_tables[i], columns, j, keyColumns.Contains((_tables[i].Name, columns[j].Name)));
                    _tables[i] = _tables[i] with { Columns = columns };
                }
            EachTable(ConstraintClauses);
            EachTable(Checks);
            EachTable(t => t with { ForeignKeys = [.. t.ForeignKeys.Select(fk => ForeignKey(t, fk))] });
            UniqueConstraintNames();
            EachTable(t =>
            {
                if (!t.Unlogged) return t;
                Warn(t.Position, show(t.Name), "UNLOGGED has no T-SQL counterpart: an ordinary table");
                return t with { Unlogged = false };
            });
            return g with
            {
                Tables = _tables,
                Sequences = _sequences,
                Indexes = _indexes,
                Extensions = [],
                Domains = [],
                Enums = [],
                Dialect = SqlDialect.TSql,
            };
        }

        private ForeignKey ForeignKey(TableDef t, ForeignKey fk)
        {
            var subject = $"{show(t.Name)} foreign key {fk.Name ?? string.Join(",", fk.Columns)}";
            if (fk.Deferrable || fk.InitiallyDeferred)
            {
                Warn(fk.Position, subject, "DEFERRABLE has no T-SQL counterpart: the key is checked immediately");
                fk = fk with { Deferrable = false, InitiallyDeferred = false };
            }
            if (fk.Match != ForeignKeyMatch.Simple)
            {
                Warn(fk.Position, subject, $"MATCH {fk.Match.ToString().ToUpperInvariant()} has no T-SQL counterpart: " +
                    "a row with some key columns NULL is not checked (MATCH SIMPLE)");
                fk = fk with { Match = ForeignKeyMatch.Simple };
            }
            return fk;
        }

        /// <summary>Clauses of keys, CHECKs and exclusions that SQL Server has no counterpart for: each is a warning.</summary>
        private TableDef ConstraintClauses(TableDef t)
        {
            KeyConstraint Key(KeyConstraint k, string kind)
            {
                var subject = $"{show(t.Name)} {kind} {k.Name ?? string.Join(",", k.Columns)}";
                if (k.Deferrable || k.InitiallyDeferred)
                {
                    Warn(k.Position, subject, "DEFERRABLE has no T-SQL counterpart: the key is checked immediately");
                    k = k with { Deferrable = false, InitiallyDeferred = false };
                }
                if (k.Include.Count > 0)
                {
                    Warn(k.Position, subject, $"INCLUDE ({string.Join(", ", k.Include)}) has no counterpart on a T-SQL constraint: left out");
                    k = k with { Include = [] };
                }
                // A T-SQL UNIQUE already treats NULLs as equal, which is what NULLS NOT DISTINCT says.
                return k.NullsNotDistinct ? k with { NullsNotDistinct = false } : k;
            }
            var primaryKey = t.PrimaryKey is { } pk ? Key(pk, "primary key") : null;
            var uniques = t.Uniques.Select(u => Key(u, "unique key")).ToList();
            var checks = t.Checks.Select(ck =>
            {
                if (!ck.NoInherit) return ck;
                Warn(ck.Position, $"{show(t.Name)} CHECK {ck.Name ?? ""}".TrimEnd(), "NO INHERIT has no T-SQL counterpart (no table inheritance): left out");
                return ck with { NoInherit = false };
            }).ToList();
            foreach (var x in t.Exclusions)
                Warn(x.Position, $"{show(t.Name)} exclusion constraint {x.Name ?? ""}".TrimEnd(),
                    $"{Output.PgDdlWriter.ExclusionClause(x)} has no T-SQL counterpart: left out, so SQL Server will not enforce it");
            return t with { PrimaryKey = primaryKey, Uniques = uniques, Checks = checks, Exclusions = [] };
        }

        /// <summary>SQL Server partitions through partition functions and schemes, not tables: a partitioned table
        /// becomes one ordinary table and its partitions go (foreign keys to them point at it).</summary>
        private void FlattenPartitions()
        {
            var partitions = _tables.Where(t => t.IsPartition).ToList();
            EachTable(t => t with { ForeignKeys = [.. t.ForeignKeys.Select(fk => fk with { RefTable = LoadedTableOf(fk.RefTable) })] });
            foreach (var p in partitions)
            {
                Warn(p.Position, show(p.Name), $"partition of {show(p.PartitionOf!.Value)}: its rows live in that table (SQL Server has no table partitions)");
                _tables.RemoveAll(t => t.Name == p.Name);
            }
            EachTable(t =>
            {
                if (t.Partitioning is null) return t;
                Warn(t.Position, show(t.Name), "PARTITION BY is not carried over: one ordinary table");
                return t with { Partitioning = null };
            });
            _indexes.RemoveAll(ix => FindTable(ix.Table) is null);
            EachTable(t => t with { ForeignKeys = [.. t.ForeignKeys.Where(fk => FindTable(fk.RefTable) is not null)] });
        }

        /// <summary>Alias types cannot carry CHECKs or defaults: every domain column takes the base type, and the
        /// domain's NOT NULL, DEFAULT and CHECKs move onto the column.</summary>
        private void FlattenDomains() => EachTable(t =>
        {
            var columns = new List<ColumnDef>();
            var checks = t.Checks.ToList();
            foreach (var column in t.Columns)
            {
                var c = column;
                if (c.Type.Domain is { } dn)
                {
                    var d = g.FindDomain(dn);
                    c = c with { Type = c.Type with { Domain = null } };
                    if (d is not null && !c.Type.IsArray)
                    {
                        if (d.NotNull) c = c with { Nullable = false };
                        if (c.Default is null && c.Identity == IdentityKind.None) c = c with { Default = d.Default };
                        foreach (var ck in d.Checks)
                            checks.Add(new CheckConstraint
                            {
                                Name = ck.Name is null ? null : $"{ck.Name}_{t.Name.Name}_{c.Name}",
                                Expression = RenameValue(ck.Expression, c.Name),
                                Position = ck.Position,
                            });
                    }
                }
                columns.Add(c);
            }
            return t with { Columns = columns, Checks = checks };
        });

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
        private void ReplaceEnums() => EachTable(t =>
        {
            var columns = new List<ColumnDef>();
            var checks = t.Checks.ToList();
            foreach (var c in t.Columns)
            {
                if (c.Type.Kind != TypeKind.Enum || c.Type.UserType is not { } en) { columns.Add(c); continue; }
                var e = g.FindEnum(en);
                if (c.Type.IsArray || e is null) { columns.Add(c with { Type = SqlType.Of(TypeKind.Text) }); continue; }
                columns.Add(c with { Type = new SqlType { Kind = TypeKind.Varchar, Length = Math.Max(1, e.Labels.Max(l => l.Length)) } });
                checks.Add(new CheckConstraint
                {
                    Name = null,
                    Expression = $"{SqlIdent.Quote(c.Name)} IN ({string.Join(", ", e.Labels.Select(PgExpressions.Literal))})",
                    Position = c.Position,
                });
            }
            return t with { Columns = columns, Checks = checks };
        });

        /// <summary>Columns that end up in an index key (keys, foreign keys on both ends, plain indexes): they cannot be nvarchar(max).</summary>
        private HashSet<(QualifiedName, string)> KeyColumns(List<(QualifiedName Table, IReadOnlyList<string> Columns)> indexed)
        {
            var keys = new HashSet<(QualifiedName, string)>();
            foreach (var t in _tables)
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

        /// <summary>Converts <c>columns[j]</c> of <paramref name="t"/>, replacing it in <paramref name="columns"/> at each
        /// change, so that the expressions it translates see the column as converted so far.</summary>
        private void Column(TableDef t, List<ColumnDef> columns, int j, bool key)
        {
            var c = columns[j];
            void Set(ColumnDef changed) => columns[j] = c = changed;
            var cols = Columns(columns);
            var subject = $"{show(t.Name)}.{c.Name}";
            var original = c.Type;
            Set(c with { Type = TSqlTypes.Normalize(c.Type, key, out var note) });
            if (note is not null) Warn(c.Position, subject, note);
            if (c.Collation is not null)
            {
                Warn(c.Position, subject, $"collation {c.Collation} is not a SQL Server collation: the database default is used");
                Set(c with { Collation = null });
            }

            switch (c.Identity)
            {
                case IdentityKind.Always or IdentityKind.ByDefault:
                {
                    var seq = IdentitySequence(t, c);
                    if (c.Identity == IdentityKind.ByDefault)
                        Warn(c.Position, subject, "GENERATED BY DEFAULT AS IDENTITY becomes IDENTITY (explicit values need IDENTITY_INSERT)");
                    Set(c with
                    {
                        IdentitySeed = seq?.Start ?? c.IdentitySeed ?? 1,
                        IdentityIncrement = seq?.Increment ?? c.IdentityIncrement ?? 1,
                        Identity = IdentityKind.Always,
                        Sequence = null,
                        Default = null,
                    });
                    if (seq is not null) _sequences.Remove(seq);
                    break;
                }
                case IdentityKind.Sequence when c.Sequence is { } sn && OwnSerial(t, c, sn):
                {
                    // A serial: its sequence serves only this column, which is what IDENTITY is.
                    var seq = FindSequence(sn);
                    Set(c with
                    {
                        Identity = IdentityKind.Always,
                        IdentitySeed = seq?.Start ?? 1,
                        IdentityIncrement = seq?.Increment ?? 1,
                        Sequence = null,
                        Default = null,
                        Nullable = false,
                    });
                    if (seq is not null) _sequences.Remove(seq);
                    break;
                }
                case IdentityKind.Sequence when c.Sequence is { } shared:
                    Set(c with { Default = "NEXT VALUE FOR " + TSqlIdent.Quote(shared) });
                    if (FindSequence(shared) is null) _sequences.Add(new SequenceDef { Name = shared, DataType = IntegerTypeName(original) });
                    break;
            }

            if (c.GeneratedExpression is { } gen)
            {
                try
                {
                    var written = TSqlExpressions.WriteScalar(PgExpressions.Read(gen, cols), cols);
                    // T-SQL computed columns have no declared type: the reader sees an unknown type.
                    Set(c with { GeneratedExpression = written, GeneratedKind = null, Type = SqlType.Of(TypeKind.Other) });
                }
                catch (UntranslatableException e)
                {
                    Warn(c.Position, subject, $"generated column expression ({gen}) left out ({e.Message}): the column becomes an ordinary column the loader fills");
                    Set(c with { GeneratedExpression = null, GeneratedKind = null });
                }
            }
            else if (c.Default is { } def && !def.StartsWith("NEXT VALUE FOR ", StringComparison.Ordinal))
            {
                try
                {
                    Set(c with { Default = TSqlExpressions.WriteScalar(PgExpressions.Read(def, cols), cols, c.Type) });
                }
                catch (UntranslatableException e)
                {
                    Warn(c.Position, subject, $"DEFAULT {def} left out: {e.Message}");
                    Set(c with { Default = null });
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
            c.Sequence is { } s ? FindSequence(s)
                : _sequences.Find(s => s.OwnedBy is { } o && o.Table == t.Name && o.Column == c.Name);

        private bool OwnSerial(TableDef t, ColumnDef c, QualifiedName sequence)
        {
            var users = _tables.SelectMany(x => x.Columns.Select(col => (x, col))).Count(p => p.col.Sequence == sequence);
            var seq = FindSequence(sequence);
            return users == 1 && (seq is null || seq.OwnedBy is null || (seq.OwnedBy.Value.Table == t.Name && seq.OwnedBy.Value.Column == c.Name));
        }

        private TableDef Checks(TableDef t)
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
            return t with { Checks = kept };
        }

        /// <summary>Indexes over plain columns are rewritten; expression, partial and non-btree indexes are left out.</summary>
        private List<(QualifiedName, IReadOnlyList<string>)> Indexes()
        {
            var kept = new List<IndexDef>();
            var indexed = new List<(QualifiedName, IReadOnlyList<string>)>();
            foreach (var ix in _indexes)
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
                if (ix.PlainColumns() is not { } cols || FindTable(ix.Table) is not { } table || cols.Any(c => table.FindColumn(c) is null))
                {
                    Warn(ix.Position, subject, "an index over expressions is not translated: left out");
                    continue;
                }
                var sql = $"CREATE {(ix.Unique ? "UNIQUE " : "")}INDEX {TSqlIdent.Quote(ix.Name)} ON {TSqlIdent.Quote(ix.Table)} ({string.Join(", ", cols.Select(TSqlIdent.Quote))})";
                kept.Add(ix with { Sql = sql });
                indexed.Add((ix.Table, cols));
            }
            _indexes = kept;
            return indexed;
        }

        /// <summary>SQL Server constraint names are unique per schema, PostgreSQL's per table: clashes get the table's name appended.</summary>
        private void UniqueConstraintNames()
        {
            var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var t in _tables) used.Add(t.Name.Schema + "." + t.Name.Name);
            string? Unique(TableDef t, string? name)
            {
                if (name is null) return null;
                var candidate = name;
                for (var i = 2; !used.Add(t.Name.Schema + "." + candidate); i++) candidate = $"{name}_{t.Name.Name}{(i > 2 ? "_" + i : "")}";
                return candidate;
            }
            EachTable(t =>
            {
                var primaryKey = t.PrimaryKey is { } key ? key with { Name = Unique(t, key.Name) } : null;
                List<KeyConstraint> uniques = [.. t.Uniques.Select(u => u with { Name = Unique(t, u.Name) })];
                List<ForeignKey> fks = [.. t.ForeignKeys.Select(fk => fk with { Name = Unique(t, fk.Name) })];
                List<CheckConstraint> checks = [.. t.Checks.Select(ck => ck with { Name = Unique(t, ck.Name) })];
                return t with { PrimaryKey = primaryKey, Uniques = uniques, ForeignKeys = fks, Checks = checks };
            });
        }
    }

    // ---- T-SQL → PostgreSQL ----------------------------------------------------------------------------------

    /// <summary>Like <see cref="ToTSql"/>: tables are replaced in a working list, and a column step sees the columns
    /// before it already converted.</summary>
    private sealed class ToPostgres(SchemaGraph g, List<ConversionWarning> warnings, Func<QualifiedName, string> show)
    {
        private readonly List<TableDef> _tables = [.. g.Tables];

        private void Warn(SourcePosition? at, string subject, string message) => warnings.Add(new ConversionWarning(at, subject, message));

        public SchemaGraph Run()
        {
            for (var i = 0; i < _tables.Count; i++)
            {
                var columns = _tables[i].Columns.ToList();
                for (var j = 0; j < columns.Count; j++) Column(_tables[i], columns, j);
                _tables[i] = _tables[i] with { Columns = columns };
            }
            for (var i = 0; i < _tables.Count; i++) _tables[i] = Checks(_tables[i]);
            return g with { Tables = _tables, Indexes = Indexes(), Dialect = SqlDialect.PostgreSql };
        }

        /// <summary>Converts <c>columns[j]</c>, replacing it in <paramref name="columns"/> at each change (see
        /// <see cref="ToTSql"/>).</summary>
        private void Column(TableDef t, List<ColumnDef> columns, int j)
        {
            var c = columns[j];
            void Set(ColumnDef changed) => columns[j] = c = changed;
            var cols = Columns(columns);
            var subject = $"{show(t.Name)}.{c.Name}";
            if (c.Collation is not null)
            {
                Warn(c.Position, subject, $"collation {c.Collation} is a SQL Server collation: the database default is used");
                Set(c with { Collation = null });
            }
            if (c.GeneratedExpression == "rowversion")
            {
                Warn(c.Position, subject, "rowversion is filled by SQL Server; in PostgreSQL it is an ordinary bytea column the loader fills");
                Set(c with { GeneratedExpression = null, Type = SqlType.Of(TypeKind.Bytea) });
            }
            else if (c.GeneratedExpression is { } period && period.StartsWith("GENERATED ALWAYS AS ", StringComparison.Ordinal))
            {
                Warn(c.Position, subject, $"system-versioning column ({period}) becomes an ordinary column the loader fills");
                Set(c with { GeneratedExpression = null });
            }
            else if (c.GeneratedExpression is { } computed)
            {
                try
                {
                    var e = TSqlExpressions.ReadScalar(computed, cols, styles: true);
                    if (!Immutable(e) && !HasNextValue(e))
                    {
                        // PostgreSQL refuses it in GENERATED ALWAYS AS: an ordinary column the load overwrites with the
                        // expression over the same row once the rows are in, cast so the UPDATE cannot fail on its type.
                        Set(c with { Type = TypeOf(e, cols) ?? ComputedResultType(computed) });
                        Set(c with
                        {
                            FillExpression = PgExpressions.Write(e is CastExpr top && top.Type == c.Type ? e : new CastExpr(e, c.Type)),
                            GeneratedExpression = null,
                        });
                        Warn(c.Position, subject, $"computed column ({computed}) is not immutable in PostgreSQL (it formats dates or reads the clock, " +
                                                  $"a random number or the session): loaded as a plain {c.Type.ToPgSql()} column whose values are " +
                                                  $"computed from the row after the load ({c.FillExpression})");
                    }
                    else
                    {
                        if (Volatile(e)) throw new UntranslatableException("it reads the clock, a random number or the session, which PostgreSQL does not allow in a generated column");
                        Set(c with { Type = TypeOf(e, cols) ?? SqlType.Of(TypeKind.Text) });
                        Set(c with
                        {
                            GeneratedExpression = PgExpressions.Write(TypeOf(e, cols) is null ? new CastExpr(e, SqlType.Of(TypeKind.Text)) : e),
                            GeneratedKind = "STORED",
                        });
                    }
                }
                catch (UntranslatableException ex)
                {
                    // Never a server error and never a lost column: a plain column of the expression's declared type
                    // (CONVERT/CAST's target, else text) that the generator fills like any other.
                    Set(c with { Type = ComputedResultType(computed), GeneratedExpression = null });
                    Warn(c.Position, subject, $"computed column ({computed}) cannot be written for PostgreSQL ({ex.Message}): " +
                                              $"loaded as a plain {c.Type.ToPgSql()} column with generated values");
                }
            }
            if (c.Type is { Kind: TypeKind.Other, UserType: { Schema: "sys", Name: "hierarchyid" } } && c.GeneratedExpression is null)
            {
                // hierarchyid's text form (/1/3/2/) is at most 4000 characters long, as ToString() returns nvarchar(4000).
                Warn(c.Position, subject, "hierarchyid has no PostgreSQL counterpart: stored as its text form in varchar(4000)");
                Set(c with { Type = new SqlType { Kind = TypeKind.Varchar, Length = 4000 } });
            }
            if (c.Type.Kind == TypeKind.Other && c.GeneratedExpression is null)
            {
                Warn(c.Position, subject, $"type {c.Type.UserType?.ToString() ?? c.Type.ToPgSql()} has no PostgreSQL counterpart: stored as text");
                Set(c with { Type = c.Type with { Kind = TypeKind.Text, UserType = null } });
            }
            if (c.Default is { } def)
            {
                try
                {
                    var e = TSqlExpressions.ReadScalar(def, cols, c.Type);
                    Set(c with { Default = e is NextValue && c.Identity == IdentityKind.Sequence ? null : PgExpressions.Write(e) });
                }
                catch (UntranslatableException ex)
                {
                    Warn(c.Position, subject, $"DEFAULT {def} left out: {ex.Message}");
                    Set(c with { Default = null });
                }
            }
        }
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
                case NumberLit n:
                    return n.Text.Contains('.', StringComparison.Ordinal) || n.Text.Contains('e', StringComparison.OrdinalIgnoreCase)
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

        private TableDef Checks(TableDef t)
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
            return t with { Checks = kept };
        }

        /// <summary>T-SQL index statements re-read with ScriptDom and written for PostgreSQL. Index names are per table in
        /// SQL Server but per schema in PostgreSQL (shared with tables and key constraints), so a clash gets the
        /// table's name appended.</summary>
        private List<IndexDef> Indexes()
        {
            var used = new HashSet<string>(StringComparer.Ordinal);
            foreach (var t in _tables)
            {
                used.Add(t.Name.Schema + "." + t.Name.Name);
                if (t.PrimaryKey?.Name is { } pk) used.Add(t.Name.Schema + "." + pk);
                foreach (var u in t.Uniques) if (u.Name is { } n) used.Add(t.Name.Schema + "." + n);
            }
            var kept = new List<IndexDef>();
            foreach (var ix in g.Indexes)
            {
                var subject = $"index {ix.Name} on {show(ix.Table)}";
                if (_tables.Find(t => t.Name == ix.Table) is not { } table) continue;
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
                kept.Add(ix with { Name = pgName, Sql = sql });
            }
            return kept;
        }
    }
}
