using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using PluRelSql.Schema.Dialects;

namespace PluRelSql.Schema.TSql;

/// <summary>Walks parsed T-SQL batches and builds the graph. Tables, alias types, constraints and indexes are read;
/// statements inside IF / BEGIN…END / TRY blocks are walked too (scripts guard their CREATE TABLEs); every other
/// statement is skipped and counted in one notice per statement kind. Foreign keys are resolved after the last
/// script, so a file may reference a table that a later file creates.</summary>
internal sealed partial class TSqlSchemaBuilder
{
    private readonly GraphDraft _graph = new();
    private readonly Dictionary<string, TableDraft> _tables = [];
    private readonly Dictionary<string, DomainType> _domains = [];
    private readonly List<PendingForeignKey> _foreignKeys = [];
    private readonly List<TSqlNotice> _notices = [];
    private readonly Dictionary<string, SequenceDef> _sequences = [];
    /// <summary>Named DEFAULT constraints, so that DROP CONSTRAINT DF_… can remove the default.</summary>
    private readonly Dictionary<(TableDraft, string), ColumnDraft> _defaultNames = [];
    private readonly Dictionary<(TSqlNoticeKind Kind, string What), (int Count, SourcePosition First)> _counted = [];
    private TSqlSource _source = null!;

    private sealed record PendingForeignKey(TableDraft Owner, ForeignKey Key, bool ColumnsGiven);

    public void Add(TSqlSource source)
    {
        _source = source;
        foreach (var (line, column, message) in source.Script.Problems)
            Count(TSqlNoticeKind.Sqlcmd, message, new SourcePosition(source.File, line, column));
        foreach (var batch in source.Tree.Batches)
        {
            StartBatch();
            foreach (var statement in batch.Statements)
                Statement(statement);
        }
    }

    public TSqlReadResult Finish()
    {
        Histories();
        foreach (var pending in _foreignKeys) Resolve(pending);
        foreach (var ((kind, what), (count, first)) in _counted)
            _notices.Add(new TSqlNotice(kind, kind switch
            {
                TSqlNoticeKind.SkippedStatements => $"skipped {count} × {what}",
                _ when count == 1 => what,
                _ => $"{count} × {what}",
            }, first));
        return new TSqlReadResult { Graph = _graph.Build(SqlDialect.TSql), Notices = _notices };
    }

    // ---- statements ------------------------------------------------------------------------------------------

    private void Statement(TSqlStatement? s)
    {
        if (_returned) return;
        switch (s)
        {
            case null:
                return;
            case DeclareVariableStatement declare:
                Declare(declare);
                Skip("DECLARE", declare);
                return;
            case SetVariableStatement set:
                SetVariable(set);
                Skip("SET", set);
                return;
            case SelectStatement select when SelectIntoVariables(select):
                return;
            case ReturnStatement ret:
                // Only a RETURN on a path the script decidedly takes ends the batch.
                if (_undecided == 0) _returned = true;
                Skip("RETURN", ret);
                return;
            case UseStatement use:
                Count(TSqlNoticeKind.SkippedStatements,
                    "USE (ignored: the tables go into the database the command names)", use);
                return;
            case ExecuteStatement exec when DynamicSql(exec):
                return;
            case CreateSchemaStatement schema:
                _schemas.Add(schema.Name.Value);
                Skip("CREATE SCHEMA", schema);
                return;
            case CreateViewStatement or CreateProcedureStatement or CreateFunctionStatement or CreateTriggerStatement
                or CreateOrAlterViewStatement or CreateOrAlterProcedureStatement or CreateOrAlterFunctionStatement or CreateOrAlterTriggerStatement:
                if (ObjectNameOf(s) is { } created) _otherObjects.Add(TSqlNames.Key(TSqlNames.Of(created)));
                Skip(StatementKind(s), s);
                return;
            case DropIndexStatement dropIndex:
                DropIndex(dropIndex);
                return;
            case CreateTableStatement ct:
                CreateTable(ct);
                return;
            case AlterTableStatement temp when temp.SchemaObjectName.BaseIdentifier.Value.StartsWith('#'):
                Skip("ALTER TABLE of a temporary table", temp);
                return;
            case AlterTableStatement missing when _undecided > 0 && !_tables.ContainsKey(TSqlNames.Key(TSqlNames.Of(missing.SchemaObjectName))):
                Count(TSqlNoticeKind.SkippedStatements,
                    "ALTER TABLE of a table not created so far, in a branch taken without deciding its condition (skipped)", missing);
                return;
            case AlterTableAddTableElementStatement add:
                AlterTableAdd(add);
                return;
            case AlterTableAlterColumnStatement alter:
                AlterColumn(alter);
                return;
            case AlterTableConstraintModificationStatement { ConstraintEnforcement: ConstraintEnforcement.NoCheck } mod:
                Count(TSqlNoticeKind.NoCheckConstraint,
                    "ALTER TABLE … NOCHECK CONSTRAINT (disables constraints: they stay in the schema and generated rows satisfy them)", mod);
                return;
            case AlterTableConstraintModificationStatement mod:
                // SSMS scripts enable every FK right after adding it WITH CHECK: nothing to learn from it.
                Skip("ALTER TABLE … CHECK CONSTRAINT", mod);
                return;
            case AlterTableDropTableElementStatement drop:
                AlterTableDrop(drop);
                return;
            case CreateSequenceStatement sequence:
                CreateSequence(sequence);
                return;
            case CreateTypeUddtStatement alias:
                AddDomain(TSqlNames.Of(alias.Name), alias.DataType, alias.NullableConstraint is { Nullable: false }, alias);
                return;
            case ExecuteStatement exec:
                Execute(exec);
                return;
            case CreateIndexStatement index:
                CreateIndex(index);
                return;
            case DropTableStatement drop:
                Count(TSqlNoticeKind.SkippedStatements, "DROP TABLE (a table created before it is removed; otherwise nothing)", drop);
                foreach (var name in drop.Objects)
                    if (_tables.Remove(TSqlNames.Key(TSqlNames.Of(name)), out var dropped))
                    {
                        _graph.Tables.Remove(dropped);
                        _foreignKeys.RemoveAll(p => p.Owner == dropped);
                    }
                return;
            case IfStatement ifs:
                If(ifs);
                return;
            case BeginEndBlockStatement block:
                foreach (var inner in block.StatementList.Statements) Statement(inner);
                return;
            case TryCatchStatement tryCatch:
                foreach (var inner in tryCatch.TryStatements.Statements) Statement(inner);
                return;
            default:
                Skip(StatementKind(s), s);
                return;
        }
    }

    private static SchemaObjectName? ObjectNameOf(TSqlStatement s) => s switch
    {
        ViewStatementBody v => v.SchemaObjectName,
        ProcedureStatementBody p => p.ProcedureReference?.Name,
        FunctionStatementBody f => f.Name,
        TriggerStatementBody t => t.Name,
        _ => null,
    };

    /// <summary>DROP INDEX ix ON t / DROP INDEX t.ix: the index is no longer created (scripts drop and re-create indexes).</summary>
    private void DropIndex(DropIndexStatement drop)
    {
        foreach (var clause in drop.DropIndexClauses)
        {
            var (index, on) = clause switch
            {
                DropIndexClause c => (c.Index?.Value, c.Object is null ? null : (QualifiedName?)TSqlNames.Of(c.Object)),
                BackwardsCompatibleDropIndexClause b => (b.Index?.ChildIdentifier?.Value,
                    b.Index?.BaseIdentifier is { } t ? new QualifiedName(b.Index.SchemaIdentifier?.Value ?? TSqlNames.DefaultSchema, t.Value) : null),
                _ => (null, null),
            };
            if (index is null) continue;
            _graph.Indexes.RemoveAll(i => i.Name.Equals(index, StringComparison.OrdinalIgnoreCase) &&
                                          (on is not { } q || TSqlNames.Key(i.Table) == TSqlNames.Key(q)));
        }
        Skip("DROP INDEX", drop);
    }

    private void Skip(string what, TSqlFragment at) => Count(TSqlNoticeKind.SkippedStatements, what + " (not part of the table schema)", at);

    /// <summary>One notice per kind of thing, with how many there were and where the first one is.</summary>
    private void Count(TSqlNoticeKind kind, string what, TSqlFragment at) => Count(kind, what, _source.Position(at));

    private void Count(TSqlNoticeKind kind, string what, SourcePosition at) =>
        _counted[(kind, what)] = _counted.TryGetValue((kind, what), out var seen) ? (seen.Count + 1, seen.First) : (1, at);

    private void Notice(TSqlNoticeKind kind, string message, TSqlFragment at) =>
        _notices.Add(new TSqlNotice(kind, message, _source.Position(at)));

    private SchemaException Error(string reason, TSqlFragment at) => new(reason, _source.Position(at));

    [GeneratedRegex("(?<=[a-z])(?=[A-Z])", RegexOptions.CultureInvariant)]
    private static partial Regex WordBoundary();

    /// <summary>"CreateProcedureStatement" → "CREATE PROCEDURE"; a few ScriptDom names read better as the keyword.</summary>
    private static string StatementKind(TSqlStatement s)
    {
        var name = s.GetType().Name;
        if (name.EndsWith("Statement", StringComparison.Ordinal)) name = name[..^"Statement".Length];
        return name switch
        {
            "PredicateSet" or "SetVariable" or "SetIdentityInsert" or "SetOnOff" or "SetCommand" => "SET",
            "RaiseError" or "RaiseErrorLegacy" => "RAISERROR",
            "DeclareVariable" => "DECLARE",
            _ => WordBoundary().Replace(name, " ").ToUpperInvariant(),
        };
    }

    // ---- tables ----------------------------------------------------------------------------------------------

    private void CreateTable(CreateTableStatement ct)
    {
        var name = TSqlNames.Of(ct.SchemaObjectName);
        if (name.Name.StartsWith('#'))
        {
            Notice(TSqlNoticeKind.SkippedTable, $"temporary table {name.Name} is not part of the schema", ct);
            return;
        }
        if (ct.Definition is null || ct.SelectStatement is not null)
        {
            Notice(TSqlNoticeKind.SkippedTable, $"CREATE TABLE {name} AS SELECT has no column list to read: skipped", ct);
            return;
        }
        if (_tables.TryGetValue(TSqlNames.Key(name), out var existing))
            throw Error($"table {name} is already defined at {existing.Position}", ct);
        if (ct.AsNode || ct.AsEdge)
            Notice(TSqlNoticeKind.SkippedTable, $"graph table {name}: its hidden node/edge columns are not part of the graph", ct);

        var table = new TableDraft { Name = name, Position = _source.Position(ct) };
        AddElements(table, ct.Definition);
        _tables[TSqlNames.Key(name)] = table;
        _graph.Tables.Add(table);
        StorageOptions(ct);
        Temporal(table, ct);
    }

    /// <summary>Where and how SQL Server stores a table (filegroups, partition schemes, compression) does not shape
    /// its rows: ignored with one note per kind.</summary>
    private void StorageOptions(CreateTableStatement ct)
    {
        var where = ct.OnFileGroupOrPartitionScheme;
        if (where is { PartitionSchemeColumns.Count: > 0 })
            Count(TSqlNoticeKind.Storage, "ON partition_scheme(column) ignored: the table is one ordinary table", where);
        else if (where is not null)
            Count(TSqlNoticeKind.Storage, "ON [filegroup] ignored (filegroups are SQL Server storage)", where);
        if (ct.TextImageOn is { } textImage)
            Count(TSqlNoticeKind.Storage, "TEXTIMAGE_ON [filegroup] ignored (filegroups are SQL Server storage)", textImage);
        if (ct.FileStreamOn is { } fileStream)
            Count(TSqlNoticeKind.Storage, "FILESTREAM_ON [filegroup] ignored (filegroups are SQL Server storage)", fileStream);
        foreach (var option in ct.Options)
            if (option is not SystemVersioningTableOption)
                Count(TSqlNoticeKind.Storage, $"table option {option.OptionKind} ignored (SQL Server storage)", option);
        foreach (var constraint in ct.Definition.TableConstraints.Concat(ct.Definition.ColumnDefinitions.SelectMany(c => c.Constraints)))
            if (constraint is UniqueConstraintDefinition { } key)
            {
                if (key.OnFileGroupOrPartitionScheme is { } on)
                    Count(TSqlNoticeKind.Storage, "ON [filegroup] ignored (filegroups are SQL Server storage)", on);
                foreach (var option in key.IndexOptions)
                    Count(TSqlNoticeKind.Storage, $"index option {option.OptionKind} of a key ignored (SQL Server storage)", option);
            }
    }

    /// <summary>System-versioned temporal tables: both tables are part of the schema. SQL Server creates the history
    /// table itself when the script does not; it has the same columns, no keys. Every period is ValidFrom ≤ ValidTo
    /// (closed periods in the history: ValidFrom &lt; ValidTo), written as CHECKs the generator meets by construction.</summary>
    private void Temporal(TableDraft table, CreateTableStatement ct)
    {
        if (ct.Definition.SystemTimePeriod is not { } period) return;
        var from = RequireColumn(table, period.StartTimeColumn).Name;
        var to = RequireColumn(table, period.EndTimeColumn).Name;
        table.Checks.Add(PeriodCheck(table, from, to, "<=", period));
        var versioning = ct.Options.OfType<SystemVersioningTableOption>().FirstOrDefault(o => o.OptionState == OptionState.On);
        if (versioning is null) return;
        var history = versioning.HistoryTable is { } h
            ? TSqlNames.Of(h)
            : new QualifiedName(table.Name.Schema, $"MSSQL_TemporalHistoryFor_{table.Name.Name}");
        _histories.Add((table, history, from, to, _source.Position(versioning)));
        Count(TSqlNoticeKind.Temporal, "system-versioned temporal table: the table and its history table are both loaded; " +
            "every row has ValidFrom <= ValidTo (CHECKs added), history periods are closed (ValidFrom < ValidTo)", versioning);
    }

    private readonly List<(TableDraft Current, QualifiedName History, string From, string To, SourcePosition At)> _histories = [];

    private CheckConstraint PeriodCheck(TableDraft table, string from, string to, string op, TSqlFragment at)
    {
        var text = $"[{from}] {op} [{to}]";
        var condition = Condition(text);
        return new CheckConstraint
        {
            Name = $"CK_{table.Name.Name}_period",
            Expression = text,
            Predicate = TSqlExpressions.ReadCheck(condition, n => FindColumn(table, n)?.Build()),
            Position = _source.Position(at),
        };
    }

    /// <summary>The history tables the script did not create: same columns (plain, nullable as in the current
    /// table), no keys; a history table the script created gets the closed-period CHECK.</summary>
    private void Histories()
    {
        foreach (var (current, name, from, to, at) in _histories)
        {
            if (!_tables.TryGetValue(TSqlNames.Key(name), out var history))
            {
                history = new TableDraft { Name = name, Position = at };
                foreach (var c in current.Columns.Where(c => c.GeneratedExpression is null || c.Name == from || c.Name == to))
                    history.Columns.Add(new ColumnDraft { Name = c.Name, Type = c.Type, Nullable = c.Nullable, Position = c.Position });
                _tables[TSqlNames.Key(name)] = history;
                _graph.Tables.Insert(_graph.Tables.IndexOf(current) + 1, history);
                _notices.Add(new TSqlNotice(TSqlNoticeKind.Temporal,
                    $"history table {name} of {current.Name} is not created by the script: created with the same columns, no keys", at));
            }
            if (FindColumn(history, from) is { } f && FindColumn(history, to) is { } t)
                history.Checks.Add(new CheckConstraint
                {
                    Name = $"CK_{history.Name.Name}_period",
                    Expression = $"[{f.Name}] < [{t.Name}]",
                    Predicate = TSqlExpressions.ReadCheck(Condition($"[{f.Name}] < [{t.Name}]"), n => FindColumn(history, n)?.Build()),
                    Position = at,
                });
        }
    }

    private static BooleanExpression Condition(string text)
    {
        using var reader = new StringReader(text);
        return new TSql170Parser(initialQuotedIdentifiers: true).ParseBooleanExpression(reader, out _);
    }

    private void AlterTableAdd(AlterTableAddTableElementStatement add)
    {
        var table = RequireTable(add.SchemaObjectName);
        AddElements(table, add.Definition);
        if (add.ExistingRowsCheckEnforcement == ConstraintEnforcement.NoCheck)
            foreach (var c in add.Definition.TableConstraints.Where(c => c is ForeignKeyConstraintDefinition or CheckConstraintDefinition))
                Notice(TSqlNoticeKind.NoCheckConstraint,
                    $"constraint {c.ConstraintIdentifier?.Value ?? "(unnamed)"} on {table.Name} is added WITH NOCHECK (existing rows " +
                    "were not checked): it is kept, and generated rows satisfy it", c);
    }

    private void AlterColumn(AlterTableAlterColumnStatement alter)
    {
        var table = RequireTable(alter.SchemaObjectName);
        var column = RequireColumn(table, alter.ColumnIdentifier);
        if (alter.DataType is not null)
        {
            var type = MapType(alter.DataType, table, alter.ColumnIdentifier.Value);
            column.Type = type.Type;
            column.Nullable = alter.AlterTableAlterColumnOption switch
            {
                AlterTableAlterColumnOption.NotNull => false,
                AlterTableAlterColumnOption.Null => true,
                _ => !type.NotNullByDefault,
            };
            if (table.PrimaryKey?.Columns.Contains(column.Name) == true) column.Nullable = false;
            if (alter.Collation is not null) column.Collation = alter.Collation.Value;
        }
        else Skip("ALTER TABLE ALTER COLUMN (options)", alter);
    }

    private TableDraft RequireTable(SchemaObjectName name)
    {
        var qualified = TSqlNames.Of(name);
        return _tables.TryGetValue(TSqlNames.Key(qualified), out var table)
            ? table
            : throw Error($"table {qualified} is not defined (ALTER TABLE before CREATE TABLE?)", name);
    }

    private ColumnDraft RequireColumn(TableDraft table, Identifier column) =>
        FindColumn(table, column.Value) ?? throw Error($"table {table.Name} has no column \"{column.Value}\"", column);

    private static ColumnDraft? FindColumn(TableDraft table, string name) =>
        table.Columns.Find(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    private void AddElements(TableDraft table, TableDefinition definition)
    {
        // Columns first, then their inline constraints: an inline CHECK or FK may name a later column.
        var added = new List<(ColumnDefinition Def, ColumnDraft Column)>();
        foreach (var def in definition.ColumnDefinitions)
        {
            if (def.StorageOptions is { SparseOption: SparseColumnOption.ColumnSetForAllSparseColumns })
            {
                // An XML view over the sparse columns, never stored: the sparse columns themselves are loaded.
                Notice(TSqlNoticeKind.Storage, $"{table.Name}.{def.ColumnIdentifier.Value} is a column set (XML COLUMN_SET FOR ALL_SPARSE_COLUMNS): skipped", def);
                continue;
            }
            if (FindColumn(table, def.ColumnIdentifier.Value) is { } dup)
                throw Error($"column \"{def.ColumnIdentifier.Value}\" is defined twice in table {table.Name} (first at {dup.Position})", def);
            var column = Column(table, def);
            table.Columns.Add(column);
            added.Add((def, column));
        }
        foreach (var (def, column) in added)
        {
            foreach (var constraint in def.Constraints)
                Constraint(table, constraint, column);
            if (def.Index is not null)
                Notice(TSqlNoticeKind.Index, $"inline index {def.Index.Name?.Value} on {table.Name}.{column.Name} is not kept", def.Index);
        }
        foreach (var constraint in definition.TableConstraints)
            Constraint(table, constraint, null);
        foreach (var index in definition.Indexes)
            Notice(TSqlNoticeKind.Index, $"inline index {index.Name?.Value} on {table.Name} is not kept", index);
    }

    /// <summary>ALTER TABLE … DROP [CONSTRAINT] name / DROP COLUMN name.</summary>
    private void AlterTableDrop(AlterTableDropTableElementStatement drop)
    {
        var table = RequireTable(drop.SchemaObjectName);
        foreach (var element in drop.AlterTableDropTableElements)
        {
            var name = element.Name.Value;
            bool Named(string? n) => n is not null && n.Equals(name, StringComparison.OrdinalIgnoreCase);
            switch (element.TableElementType)
            {
                case TableElementType.Column:
                    var column = FindColumn(table, name);
                    if (column is null && !element.IsIfExists) throw Error($"table {table.Name} has no column \"{name}\" to drop", element);
                    if (column is not null) table.Columns.Remove(column);
                    break;
                case TableElementType.Constraint or TableElementType.NotSpecified:
                    var found = 0;
                    if (Named(table.PrimaryKey?.Name)) { table.PrimaryKey = null; found++; }
                    found += table.Uniques.RemoveAll(k => Named(k.Name));
                    found += table.Checks.RemoveAll(k => Named(k.Name));
                    found += table.ForeignKeys.RemoveAll(k => Named(k.Name));
                    _foreignKeys.RemoveAll(p => p.Owner == table && Named(p.Key.Name));
                    if (_defaultNames.Remove((table, name.ToUpperInvariant()), out var withDefault)) { withDefault.Default = null; found++; }
                    if (found == 0 && !element.IsIfExists)
                        Notice(TSqlNoticeKind.SkippedStatements, $"ALTER TABLE {table.Name} DROP CONSTRAINT {name}: no such constraint was read, nothing dropped", element);
                    break;
                default:
                    Skip("ALTER TABLE DROP " + element.TableElementType.ToString().ToUpperInvariant(), element);
                    break;
            }
        }
    }

    private ColumnDraft Column(TableDraft table, ColumnDefinition def)
    {
        var name = def.ColumnIdentifier.Value;
        var position = _source.Position(def);
        ColumnDraft column;
        if (def.ComputedColumnExpression is { } computed)
        {
            // A computed column: the server computes it, a loader never writes it.
            column = new ColumnDraft
            {
                Name = name,
                Type = SqlType.Of(TypeKind.Other),
                GeneratedExpression = _source.Text(Unwrap(computed)),
                Position = position,
            };
        }
        else
        {
            // SQL Server lets a column named timestamp omit its type, which is then timestamp (rowversion).
            var type = def.DataType is not null ? MapType(def.DataType, table, name)
                : name.Equals("timestamp", StringComparison.OrdinalIgnoreCase) ? TSqlTypeMapper.Builtin("timestamp", [])!.Value
                : throw Error($"column {name} has no data type", def);
            column = new ColumnDraft { Name = name, Type = type.Type, Nullable = !type.NotNullByDefault, Position = position };
            if (type.ServerGenerated)
            {
                column.GeneratedExpression = "rowversion";
                column.Nullable = false;
                Notice(TSqlNoticeKind.ServerGeneratedColumn,
                    $"{table.Name}.{name} is a rowversion column: the server fills it, it is never loaded", def);
            }
        }
        if (def.GeneratedAlways is { } always)
        {
            column.GeneratedExpression = "GENERATED ALWAYS AS " + always switch
            {
                GeneratedAlwaysType.RowStart => "ROW START",
                GeneratedAlwaysType.RowEnd => "ROW END",
                _ => always.ToString().ToUpperInvariant(),
            };
            Notice(TSqlNoticeKind.ServerGeneratedColumn,
                $"{table.Name}.{name} is a system-versioning column: the server fills it, it is never loaded", def);
        }
        if (def.Collation is not null) column.Collation = def.Collation.Value;
        if (def.StorageOptions is { SparseOption: SparseColumnOption.Sparse })
            Count(TSqlNoticeKind.Storage, "SPARSE ignored (a storage choice for mostly-NULL columns): the column is an ordinary nullable column", def);
        if (def.StorageOptions is { IsFileStream: true })
            Count(TSqlNoticeKind.Storage, "FILESTREAM ignored: the column holds its bytes in the table", def);
        if (def.IsRowGuidCol)
            Count(TSqlNoticeKind.Storage, "ROWGUIDCOL ignored (it only marks the row's GUID column for $ROWGUID)", def);
        if (def.IdentityOptions is { } identity)
        {
            // IDENTITY refuses explicit values unless IDENTITY_INSERT is on: the same contract as GENERATED ALWAYS.
            column.Identity = IdentityKind.Always;
            column.IdentitySeed = identity.IdentitySeed is null ? 1 : Integer(identity.IdentitySeed);
            column.IdentityIncrement = identity.IdentityIncrement is null ? 1 : Integer(identity.IdentityIncrement);
            column.Nullable = false;
        }
        if (def.DefaultConstraint is { } dflt) SetDefault(table, column, dflt);
        foreach (var constraint in def.Constraints)
            if (constraint is NullableConstraintDefinition n)
                column.Nullable = n.Nullable && column.Identity != IdentityKind.Always; // IDENTITY is never NULL; a sequence default may be
        return column;
    }

    private TSqlColumnType MapType(DataTypeReference type, TableDraft table, string column)
    {
        var mapped = TSqlTypeMapper.Map(type, n => _domains.GetValueOrDefault(TSqlNames.Key(n)));
        if (mapped.Unknown)
            Notice(TSqlNoticeKind.UnknownType,
                $"{table.Name}.{column}: type {_source.Text(type)} is neither built in nor an alias type created before it; read as an unknown type", type);
        return mapped;
    }

    private static long? Integer(ScalarExpression e)
    {
        var negate = false;
        while (true)
        {
            switch (e)
            {
                case ParenthesisExpression p: e = p.Expression; continue;
                case UnaryExpression { UnaryExpressionType: UnaryExpressionType.Negative } u: negate = !negate; e = u.Expression; continue;
                case UnaryExpression { UnaryExpressionType: UnaryExpressionType.Positive } u: e = u.Expression; continue;
            }
            break;
        }
        if (e is Literal l && decimal.TryParse(l.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) &&
            d == decimal.Truncate(d) && d >= long.MinValue && d <= long.MaxValue)
            return negate ? -(long)d : (long)d;
        return null;
    }

    private static ScalarExpression Unwrap(ScalarExpression e)
    {
        while (e is ParenthesisExpression p) e = p.Expression;
        return e;
    }

    private static BooleanExpression Unwrap(BooleanExpression e)
    {
        while (e is BooleanParenthesisExpression p) e = p.Expression;
        return e;
    }

    // ---- constraints -----------------------------------------------------------------------------------------

    /// <summary>A column constraint (<paramref name="column"/> set: its column lists default to that column) or a table constraint.</summary>
    private void Constraint(TableDraft table, ConstraintDefinition constraint, ColumnDraft? column)
    {
        var name = constraint.ConstraintIdentifier?.Value;
        var position = _source.Position(constraint);
        switch (constraint)
        {
            case NullableConstraintDefinition:
                return;
            case UniqueConstraintDefinition key:
            {
                var columns = key.Columns.Count > 0
                    ? key.Columns.Select(c => ColumnName(table, c.Column)).ToList()
                    : column is not null ? [column.Name] : throw Error("PRIMARY KEY / UNIQUE without columns", constraint);
                var def = new KeyConstraint { Name = name, Columns = columns, Position = position };
                if (key.IsPrimaryKey)
                {
                    if (table.PrimaryKey is { } pk)
                        throw Error($"table {table.Name} already has a primary key ({pk.Name ?? "declared"} at {pk.Position})", constraint);
                    table.PrimaryKey = def;
                    foreach (var c in columns) table.Column(c).Nullable = false;
                }
                else table.Uniques.Add(def);
                return;
            }
            case ForeignKeyConstraintDefinition fk:
            {
                var columns = fk.Columns.Count > 0
                    ? fk.Columns.Select(c => RequireColumn(table, c).Name).ToList()
                    : column is not null ? [column.Name] : throw Error("FOREIGN KEY without columns", constraint);
                var key = new ForeignKey
                {
                    Name = name,
                    Columns = columns,
                    RefTable = TSqlNames.Of(fk.ReferenceTableName),
                    RefColumns = fk.ReferencedTableColumns.Select(c => c.Value).ToList(),
                    OnDelete = Action(fk.DeleteAction),
                    OnUpdate = Action(fk.UpdateAction),
                    Position = position,
                };
                table.ForeignKeys.Add(key);
                _foreignKeys.Add(new PendingForeignKey(table, key, fk.ReferencedTableColumns.Count > 0));
                return;
            }
            case CheckConstraintDefinition check:
            {
                var condition = Unwrap(check.CheckCondition);
                var refs = new ColumnReferences();
                condition.Accept(refs);
                foreach (var r in refs.Found)
                    if (FindColumn(table, r.MultiPartIdentifier.Identifiers[^1].Value) is null)
                        throw Error($"CHECK on table {table.Name} names column \"{r.MultiPartIdentifier.Identifiers[^1].Value}\", which the table does not have", r);
                table.Checks.Add(new CheckConstraint
                {
                    Name = name,
                    Expression = _source.Text(condition),
                    Predicate = TSqlExpressions.ReadCheck(condition, n => FindColumn(table, n)?.Build()),
                    Position = position,
                });
                return;
            }
            case DefaultConstraintDefinition dflt:
            {
                var target = dflt.Column is not null ? RequireColumn(table, dflt.Column)
                    : column ?? throw Error("DEFAULT constraint without FOR column", constraint);
                SetDefault(table, target, dflt);
                return;
            }
            default:
                Notice(TSqlNoticeKind.SkippedStatements, $"constraint {_source.Text(constraint)} on {table.Name} is not read", constraint);
                return;
        }
    }

    /// <summary>The default as written; DEFAULT (NEXT VALUE FOR seq) also ties the column to that sequence.</summary>
    private void SetDefault(TableDraft table, ColumnDraft column, DefaultConstraintDefinition dflt)
    {
        var expression = Unwrap(dflt.Expression);
        column.Default = _source.Text(expression);
        if (dflt.ConstraintIdentifier is { } name) _defaultNames[(table, name.Value.ToUpperInvariant())] = column;
        if (expression is NextValueForExpression next && column.Identity == IdentityKind.None)
        {
            var sequence = TSqlNames.Of(next.SequenceName);
            column.Identity = IdentityKind.Sequence;
            column.Sequence = _sequences.TryGetValue(TSqlNames.Key(sequence), out var known) ? known.Name : sequence;
        }
    }

    private string ColumnName(TableDraft table, ColumnReferenceExpression c)
    {
        var id = c.MultiPartIdentifier.Identifiers[^1];
        return RequireColumn(table, id).Name;
    }

    private static ReferentialAction Action(DeleteUpdateAction a) => a switch
    {
        DeleteUpdateAction.Cascade => ReferentialAction.Cascade,
        DeleteUpdateAction.SetNull => ReferentialAction.SetNull,
        DeleteUpdateAction.SetDefault => ReferentialAction.SetDefault,
        _ => ReferentialAction.NoAction,
    };

    private sealed class ColumnReferences : TSqlFragmentVisitor
    {
        public List<ColumnReferenceExpression> Found { get; } = [];

        public override void ExplicitVisit(ColumnReferenceExpression node)
        {
            if (node.ColumnType == ColumnType.Regular && node.MultiPartIdentifier is not null) Found.Add(node);
        }
    }

    private void Resolve(PendingForeignKey pending)
    {
        var (owner, declared, columnsGiven) = pending;
        var fk = declared;
        var label = fk.Name is { } n ? $"foreign key {n} on {owner.Name}" : $"foreign key on {owner.Name}";
        if (!_tables.TryGetValue(TSqlNames.Key(fk.RefTable), out var target))
            throw new SchemaException($"{label} references table {fk.RefTable}, which is not defined", fk.Position);
        fk = fk with { RefTable = target.Name };
        if (!columnsGiven)
        {
            fk = fk with
            {
                RefColumns = target.PrimaryKey?.Columns.ToList()
                    ?? throw new SchemaException($"{label} names no referenced columns and table {target.Name} has no primary key", fk.Position),
            };
        }
        else
        {
            fk = fk with
            {
                RefColumns = fk.RefColumns.Select(c => FindColumn(target, c)?.Name
                    ?? throw new SchemaException($"{label} references column \"{c}\", which table {target.Name} does not have", fk.Position)).ToList(),
            };
        }
        if (fk.RefColumns.Count != fk.Columns.Count)
            throw new SchemaException(
                $"{label} has {fk.Columns.Count} column(s) but references {fk.RefColumns.Count} in {target.Name}", fk.Position);
        if (owner.ForeignKeys.IndexOf(declared) is var at and >= 0) owner.ForeignKeys[at] = fk;
    }

    // ---- alias types, EXEC, indexes ----------------------------------------------------------------------------

    private void AddDomain(QualifiedName name, DataTypeReference type, bool notNull, TSqlFragment at)
    {
        var key = TSqlNames.Key(name);
        if (_domains.TryGetValue(key, out var existing))
            throw Error($"type {name} is already defined at {existing.Position}", at);
        var mapped = TSqlTypeMapper.Map(type, n => _domains.GetValueOrDefault(TSqlNames.Key(n)));
        var domain = new DomainType
        {
            Name = name,
            BaseType = mapped.Type with { Domain = null },
            NotNull = notNull,
            Position = _source.Position(at),
        };
        _domains[key] = domain;
        _graph.Domains.Add(domain);
    }

    private void Execute(ExecuteStatement exec)
    {
        if (exec.ExecuteSpecification?.ExecutableEntity is not ExecutableProcedureReference
            {
                ProcedureReference.ProcedureReference.Name: { } procedure,
            } call)
        {
            Skip("EXEC", exec);
            return;
        }
        var name = procedure.BaseIdentifier.Value;
        if (name.Equals("sp_addtype", StringComparison.OrdinalIgnoreCase))
        {
            AddTypeProcedure(call, exec);
            return;
        }
        if ((name.Equals("sp_addextendedproperty", StringComparison.OrdinalIgnoreCase)
             || name.Equals("sp_updateextendedproperty", StringComparison.OrdinalIgnoreCase)) && Description(call))
            return;
        Skip("EXEC " + name.ToLowerInvariant(), exec);
    }

    /// <summary><c>EXEC sp_addextendedproperty N'MS_Description', N'text', N'SCHEMA', N'dbo', N'TABLE', N'T'
    /// [, N'COLUMN', N'C']</c> (by position or by @name): the table's or column's comment. False (the call is then
    /// skipped as before) for other properties, other objects and tables the script does not create.</summary>
    private bool Description(ExecutableProcedureReference call)
    {
        string[] names = ["@name", "@value", "@level0type", "@level0name", "@level1type", "@level1name", "@level2type", "@level2name"];
        var args = new string?[names.Length];
        for (var i = 0; i < call.Parameters.Count; i++)
        {
            var p = call.Parameters[i];
            var slot = p.Variable is { } v ? Array.FindIndex(names, n => n.Equals(v.Name, StringComparison.OrdinalIgnoreCase)) : i;
            if (slot < 0 || slot >= names.Length) continue;
            args[slot] = p.ParameterValue is Literal l and not NullLiteral ? l.Value : null;
        }
        static bool Is(string? a, string b) => a is not null && a.Equals(b, StringComparison.OrdinalIgnoreCase);
        if (!Is(args[0], "MS_Description") || args[1] is not { } text || !Is(args[2], "SCHEMA") || args[3] is not { } schema
            || !Is(args[4], "TABLE") || args[5] is not { } tableName
            || !_tables.TryGetValue(TSqlNames.Key(new QualifiedName(schema, tableName)), out var table))
            return false;
        if (args[6] is null) { table.Comment = text; return true; }
        if (!Is(args[6], "COLUMN") || args[7] is not { } columnName) return false;
        var column = table.Columns.Find(c => c.Name.Equals(columnName, StringComparison.OrdinalIgnoreCase));
        if (column is null) return false;
        column.Comment = text;
        return true;
    }

    /// <summary><c>EXEC sp_addtype name, 'varchar(11)' [, 'NOT NULL']</c>: the old way to create an alias type.</summary>
    private void AddTypeProcedure(ExecutableProcedureReference call, ExecuteStatement exec)
    {
        string?[] args = new string?[3];
        string[] names = ["@typename", "@phystype", "@nulltype"];
        for (var i = 0; i < call.Parameters.Count; i++)
        {
            var p = call.Parameters[i];
            var slot = p.Variable is { } v ? Array.FindIndex(names, n => n.Equals(v.Name, StringComparison.OrdinalIgnoreCase)) : i;
            if (slot is < 0 or > 2) continue;
            args[slot] = p.ParameterValue switch
            {
                Literal l => l.Value,
                ColumnReferenceExpression c => string.Join(".", c.MultiPartIdentifier.Identifiers.Select(x => x.Value)),
                _ => null,
            };
        }
        if (args[0] is not { } typeName || args[1] is not { } physical)
            throw Error("sp_addtype needs a type name and a physical type", exec);
        var parser = new TSql170Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader("CREATE TYPE t FROM " + physical);
        var tree = parser.Parse(reader, out var errors);
        if (errors.Count > 0 || tree is not TSqlScript { Batches: [{ Statements: [CreateTypeUddtStatement created] }] })
            throw Error($"sp_addtype {typeName}: cannot read the physical type '{physical}'", exec);
        var notNull = args[2] is { } nullType &&
                      (nullType.Trim().Equals("NOT NULL", StringComparison.OrdinalIgnoreCase) ||
                       nullType.Trim().Equals("NONULL", StringComparison.OrdinalIgnoreCase));
        var parts = typeName.Split('.');
        AddDomain(new QualifiedName(parts.Length > 1 ? parts[^2] : TSqlNames.DefaultSchema, parts[^1]), created.DataType, notNull, exec);
    }

    /// <summary>CREATE SEQUENCE: SQL Server's defaults are bigint and, ascending, START WITH the minimum value.</summary>
    private void CreateSequence(CreateSequenceStatement statement)
    {
        var name = TSqlNames.Of(statement.Name);
        if (_sequences.TryGetValue(TSqlNames.Key(name), out var existing))
            throw Error($"sequence {name} is already defined at {existing.Position}", statement);
        var sequence = new SequenceDef { Name = name, Position = _source.Position(statement) };
        string? dataType = null;
        long? start = null;
        (long Min, long Max) range = (long.MinValue, long.MaxValue);
        foreach (var option in statement.SequenceOptions)
        {
            switch (option)
            {
                case DataTypeSequenceOption typed:
                    var type = TSqlTypeMapper.Map(typed.DataType, _ => null).Type;
                    var tiny = typed.DataType is SqlDataTypeReference { SqlDataTypeOption: SqlDataTypeOption.TinyInt };
                    (dataType, range) = type.Kind switch
                    {
                        TypeKind.SmallInt when tiny => ("smallint", (0L, 255L)),
                        TypeKind.SmallInt => ("smallint", (short.MinValue, short.MaxValue)),
                        TypeKind.Integer => ("integer", (int.MinValue, int.MaxValue)),
                        _ => ("bigint", (long.MinValue, long.MaxValue)),
                    };
                    break;
                case ScalarExpressionSequenceOption { OptionValue: { } value } valued:
                    var number = Integer(value);
                    switch (valued.OptionKind)
                    {
                        case SequenceOptionKind.Start: start = number; break;
                        case SequenceOptionKind.Increment: sequence = sequence with { Increment = number ?? 1 }; break;
                        case SequenceOptionKind.MinValue: sequence = sequence with { MinValue = number }; break;
                        case SequenceOptionKind.MaxValue: sequence = sequence with { MaxValue = number }; break;
                    }
                    break;
                case { OptionKind: SequenceOptionKind.Cycle, NoValue: false }:
                    sequence = sequence with { Cycle = true };
                    break;
            }
        }
        sequence = sequence with
        {
            DataType = dataType ?? sequence.DataType,
            Start = start ?? (sequence.Increment > 0 ? sequence.MinValue ?? range.Min : sequence.MaxValue ?? range.Max),
        };
        _sequences[TSqlNames.Key(name)] = sequence;
        _graph.Sequences.Add(sequence);
    }

    private void CreateIndex(CreateIndexStatement index)
    {
        var target = TSqlNames.Of(index.OnName);
        if (!_tables.TryGetValue(TSqlNames.Key(target), out var table))
        {
            Notice(TSqlNoticeKind.Index, $"index {index.Name.Value} is on {target}, which is not a table read here (a view?): not kept", index);
            return;
        }
        _graph.Indexes.Add(new IndexDef { Name = index.Name.Value, Table = table.Name, Sql = _source.Text(index).TrimEnd().TrimEnd(';').TrimEnd(), Unique = index.Unique, Position = _source.Position(index) });
        Count(TSqlNoticeKind.Index, "CREATE INDEX kept as T-SQL text (IndexDef.Sql; DialectConverter rewrites it for PostgreSQL)", index);
    }
}
