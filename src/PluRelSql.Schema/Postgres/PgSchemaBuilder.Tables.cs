using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace PluRelSql.Schema.Postgres;

// CREATE dispatch, CREATE TABLE: columns, column and table constraints, partition clauses.
internal sealed partial class PgSchemaBuilder
{
    // ───────────────────────────── CREATE ─────────────────────────────

    private static readonly Dictionary<string, string> SkippedCreates = new(StringComparer.Ordinal)
    {
        ["function"] = "function", ["procedure"] = "function", ["aggregate"] = "function", ["routine"] = "function",
        ["trigger"] = "trigger", ["view"] = "view", ["rule"] = "rule", ["operator"] = "operator", ["cast"] = "cast",
        ["publication"] = "publication", ["subscription"] = "publication", ["text"] = "text-search",
        ["database"] = "database", ["role"] = "role", ["user"] = "role", ["group"] = "role", ["collation"] = "collation",
        ["conversion"] = "conversion", ["language"] = "language", ["policy"] = "policy", ["server"] = "foreign-data",
        ["tablespace"] = "tablespace", ["statistics"] = "statistics", ["access"] = "access-method",
        ["transform"] = "transform",
    };

    private void Create(Cursor c)
    {
        var createTok = c.Statement.Tokens[0];
        c.TryWords("or", "replace");
        bool unlogged = false;
        c.TryWord("global");
        c.TryWord("local");
        if (!c.TryWord("temp") && !c.TryWord("temporary")) unlogged = c.TryWord("unlogged");
        var w = c.Peek();
        if (w.Kind != TokKind.Word) throw c.Unexpected(w);
        switch (w.Text)
        {
            case "table": c.Next(); CreateTable(c, createTok, unlogged); return;
            case "type": c.Next(); CreateType(c); return;
            case "domain": c.Next(); CreateDomain(c); return;
            case "sequence": c.Next(); CreateSequence(c); return;
            case "index": CreateIndex(c, createTok, unique: false); return;
            case "unique" when c.PeekWord("index", 1): c.Next(); CreateIndex(c, createTok, unique: true); return;
            case "extension": c.Next(); CreateExtension(c); return;
            case "schema": c.Next(); CreateSchema(c); return;
            case "materialized" or "recursive":
                c.Next();
                if (!c.PeekWord("view")) throw c.Unexpected(c.Peek(), "VIEW");
                RememberView(c);
                SkipStatement(c, "view");
                return;
            case "view":
                RememberView(c);
                SkipStatement(c, "view");
                return;
            case "constraint" when c.PeekWord("trigger", 1): SkipStatement(c, "trigger"); return;
            case "event" when c.PeekWord("trigger", 1): SkipStatement(c, "trigger"); return;
            case "foreign":
                SkipStatement(c, c.PeekWord("table", 1) ? "foreign-table" : "foreign-data");
                return;
            case "default" or "trusted" or "procedural":
                SkipStatement(c, "conversion");
                return;
        }
        if (SkippedCreates.TryGetValue(w.Text, out var kind)) { SkipStatement(c, kind); return; }
        throw c.Unexpected(w);
    }

    private void RememberView(Cursor c)
    {
        c.Next(); // VIEW
        c.TryWords("if", "not", "exists");
        if (c.Peek().IsIdent) _views.Add(c.QualifiedName().Name);
    }

    // ───────────────────────────── CREATE TABLE ─────────────────────────────

    private void CreateTable(Cursor c, Token createTok, bool unlogged)
    {
        bool ifNotExists = c.TryWords("if", "not", "exists");
        var (name, _, namePos) = c.QualifiedName("a table name");
        if (FindTable(name) is not null)
        {
            if (ifNotExists) { SkipStatement(c, "existing-table"); return; }
            throw Error($"duplicate table {name}", c.Pos(createTok));
        }
        if (c.PeekWord("of"))
        {
            Note("typed-table", $"CREATE TABLE {name} OF a composite type is not supported; table skipped", namePos);
            return;
        }
        if (c.PeekWord("as") || c.PeekWord("execute"))
        {
            SkipStatement(c, "table-as");
            return;
        }
        var table = new TableDraft { Name = name, Unlogged = unlogged, Position = c.Pos(createTok) };
        AddTable(table);

        if (c.TryWords("partition", "of"))
        {
            var (parentName, parentExplicit, parentPos) = c.QualifiedName("a table name");
            var parent = LookupTable(parentName, parentExplicit, c.SearchPath)
                ?? throw Error($"partition parent {parentName} does not exist", parentPos);
            foreach (var col in parent.Columns)
            {
                var clone = CloneColumn(col);
                table.Columns.Add(clone);
                var pending = _columnTypes.FindIndex(x => ReferenceEquals(x.Column, col));
                if (pending >= 0) _columnTypes.Add((clone, _columnTypes[pending].Spec));
            }
            if (c.Peek().IsOp("(")) TableElements(c, table, partitionOf: true);
            var bound = PartitionBoundClause(c);
            _attaches.Add(new PendingAttach(parent.Name, true, parentPos, name, true, namePos, bound, c.SearchPath));
        }
        else if (c.Peek().IsOp("("))
        {
            TableElements(c, table, partitionOf: false);
        }
        else throw c.Unexpected(c.Peek(), "'('");

        // Table options in any order.
        while (!c.AtEnd)
        {
            var t = c.Peek();
            if (c.TryWord("inherits"))
            {
                var parents = c.ParenthesizedList();
                Note("inherits", $"table {name} INHERITS ({string.Join(", ", parents)}): inherited columns are not copied", c.Pos(t));
            }
            else if (c.TryWords("partition", "by"))
            {
                var strategyTok = c.Peek();
                var strategy = c.Ident("RANGE, LIST or HASH").ToUpperInvariant();
                if (strategy is not ("RANGE" or "LIST" or "HASH")) throw c.Unexpected(strategyTok, "RANGE, LIST or HASH");
                var cols = PartitionKey(c, table);
                table.Partitioning = new PartitionSpec { Strategy = strategy, Columns = cols };
            }
            else if (c.TryWord("using")) c.Ident("an access method");
            else if (c.TryWord("with"))
            {
                if (c.Peek().IsOp("(")) c.Parenthesized();
                else c.ExpectWord("oids");
            }
            else if (c.TryWords("without", "oids")) { }
            else if (c.TryWords("on", "commit"))
            {
                if (!c.TryWords("preserve", "rows") && !c.TryWords("delete", "rows")) c.ExpectWord("drop");
            }
            else if (c.TryWord("tablespace")) c.Ident("a tablespace");
            else throw c.Unexpected(t);
        }
    }

    private List<string> PartitionKey(Cursor c, TableDraft table)
    {
        c.ExpectOp("(");
        var cols = new List<string>();
        var simple = new List<(string, SourcePosition)>();
        do
        {
            var first = c.Peek();
            var text = c.SkipUntil(t => t.IsOp(","));
            if (text.Length == 0) throw c.Unexpected(c.Peek(), "a partition key");
            if (first.IsIdent && c.Last.Start == first.Start)
            {
                cols.Add(first.Text);
                simple.Add((first.Text, c.Pos(first)));
            }
            else cols.Add(text);
        }
        while (c.TryOp(","));
        c.ExpectOp(")");
        _partitionBy.Add((table, simple));
        return cols;
    }

    private static ColumnDraft CloneColumn(ColumnDraft col) => new()
    {
        Name = col.Name,
        Type = col.Type,
        Nullable = col.Nullable,
        Default = col.Default,
        Identity = col.Identity,
        Sequence = col.Sequence,
        GeneratedExpression = col.GeneratedExpression,
        GeneratedKind = col.GeneratedKind,
        Collation = col.Collation,
        Position = col.Position,
    };

    private void TableElements(Cursor c, TableDraft table, bool partitionOf)
    {
        c.ExpectOp("(");
        if (c.TryOp(")")) return;
        do
        {
            var t = c.Peek();
            if (IsTableConstraintStart(c))
            {
                TableConstraint(c, table);
            }
            else if (t.IsWord("like"))
            {
                c.SkipUntil(x => x.IsOp(","));
                Note("like", $"LIKE in table {table.Name} is not supported: its columns are not copied", c.Pos(t));
            }
            else if (partitionOf)
            {
                // Column options of a partition (name WITH OPTIONS …): the columns come from the parent.
                var (colName, colPos) = c.IdentAt("a column name");
                var col = table.FindColumn(colName) ?? throw Error($"column \"{colName}\" of partition {table.Name} does not exist in its parent", colPos);
                c.TryWords("with", "options");
                ColumnConstraints(c, table, col);
            }
            else
            {
                ColumnDefinition(c, table);
            }
        }
        while (c.TryOp(","));
        c.ExpectOp(")");
    }

    private static bool IsTableConstraintStart(Cursor c)
    {
        var t = c.Peek();
        if (t.Kind != TokKind.Word) return false;
        return t.Text switch
        {
            "constraint" or "check" or "unique" => true,
            "primary" => c.PeekWord("key", 1),
            "foreign" => c.PeekWord("key", 1),
            "exclude" => c.Peek(1).IsOp("(") || c.PeekWord("using", 1),
            "not" => c.PeekWord("null", 1) && c.Peek(2).IsIdent,
            _ => false,
        };
    }

    private ColumnDraft ColumnDefinition(Cursor c, TableDraft table)
    {
        var (colName, colPos) = c.IdentAt("a column name");
        if (table.FindColumn(colName) is not null) throw Error($"column \"{colName}\" specified more than once in table {table.Name}", colPos);
        var spec = PgTypeParser.Parse(c);
        var col = new ColumnDraft { Name = colName, Type = spec.Builtin ?? SqlType.Of(TypeKind.Other), Position = colPos };
        table.Columns.Add(col);
        if (spec.Builtin is null) _columnTypes.Add((col, spec));
        if (spec.Serial is { } serialType)
        {
            var seqName = ChooseRelationName(table.Name.Schema, table.Name.Name, colName, "seq");
            col.Nullable = false;
            col.Identity = IdentityKind.Sequence;
            col.Sequence = seqName;
            var shown = seqName.Schema == "public" ? SqlIdent.Quote(seqName.Name) : seqName.ToSql();
            col.Default = $"nextval('{shown.Replace("'", "''", StringComparison.Ordinal)}'::regclass)";
            _graph.Sequences.Add(new SequenceDef { Name = seqName, DataType = serialType, OwnedBy = (table.Name, colName), Position = colPos });
        }
        ColumnConstraints(c, table, col);
        return col;
    }

    /// <summary>PostgreSQL's name for an implicit object (ChooseRelationName / makeObjectName): name1_name2_label,
    /// the longer part shortened until it fits 63 bytes, with a number appended to the label on a clash.</summary>
    private QualifiedName ChooseRelationName(string schema, string name1, string name2, string label)
    {
        for (int pass = 0; ; pass++)
        {
            var modLabel = pass == 0 ? label : label + pass.ToString(CultureInfo.InvariantCulture);
            int avail = 63 - (modLabel.Length + 2);
            int n1 = Encoding.UTF8.GetByteCount(name1), n2 = Encoding.UTF8.GetByteCount(name2);
            while (n1 + n2 > avail)
            {
                if (n1 > n2) n1--;
                else n2--;
            }
            var candidate = new QualifiedName(schema,
                PgLexer.TruncateIdentifier(name1, n1) + "_" + PgLexer.TruncateIdentifier(name2, n2) + "_" + modLabel);
            if (_graph.FindSequence(candidate) is null && FindTable(candidate) is null) return candidate;
        }
    }

    private static readonly HashSet<string> DefaultStopWords = new(StringComparer.Ordinal)
    {
        "not", "null", "constraint", "check", "unique", "primary", "references", "default", "generated", "collate",
        "deferrable", "initially", "storage", "compression",
    };

    private void ColumnConstraints(Cursor c, TableDraft table, ColumnDraft col)
    {
        ForeignKey? lastFk = null;
        KeyConstraint? lastKey = null;
        CheckConstraint? lastCheck = null;
        while (!c.AtEnd && !c.Peek().IsOp(",") && !c.Peek().IsOp(")"))
        {
            var start = c.Peek();
            string? name = null;
            if (c.TryWord("constraint")) name = c.Ident("a constraint name");
            var t = c.Peek();
            if (c.TryWords("not", "null")) col.Nullable = false;
            else if (c.TryWord("null")) { }
            else if (c.TryWords("not", "deferrable")) { }
            else if (c.TryWords("not", "enforced") || c.TryWord("enforced")) { }
            else if (c.TryWords("no", "inherit")) { if (lastCheck is not null) lastCheck = Replace(table, lastCheck, lastCheck with { NoInherit = true }); }
            else if (c.TryWord("deferrable"))
            {
                if (lastFk is not null) lastFk = Replace(table, lastFk, lastFk with { Deferrable = true });
                if (lastKey is not null) lastKey = Replace(table, lastKey, lastKey with { Deferrable = true });
            }
            else if (c.TryWord("initially"))
            {
                if (c.TryWord("deferred"))
                {
                    if (lastFk is not null) lastFk = Replace(table, lastFk, lastFk with { InitiallyDeferred = true });
                    if (lastKey is not null) lastKey = Replace(table, lastKey, lastKey with { InitiallyDeferred = true });
                }
                else c.ExpectWord("immediate");
            }
            else if (c.TryWord("default"))
            {
                col.Default = c.SkipUntil(x => x.IsOp(",") || x.Kind == TokKind.Word && DefaultStopWords.Contains(x.Text), atLeastOne: true);
                if (col.Default.Length == 0) throw c.Unexpected(c.Peek(), "an expression");
                ApplyNextval(col, c.DefaultSchema);
            }
            else if (c.TryWord("collate")) col.Collation = CollationName(c);
            else if (c.TryWord("storage")) c.Ident("a storage mode");
            else if (c.TryWord("compression")) c.Ident("a compression method");
            else if (c.TryWords("primary", "key"))
            {
                var key = new KeyConstraint { Name = name, Columns = [col.Name], Position = c.Pos(start) };
                key = IndexParameters(c, table, key).Key!;
                AddKey(table, key, [col.Position!.Value], primary: true);
                lastKey = key;
            }
            else if (c.TryWord("unique"))
            {
                var key = new KeyConstraint { Name = name, Columns = [col.Name], Position = c.Pos(start), NullsNotDistinct = NullsNotDistinct(c) };
                key = IndexParameters(c, table, key).Key!;
                AddKey(table, key, [col.Position!.Value], primary: false);
                lastKey = key;
            }
            else if (c.TryWord("references"))
            {
                lastFk = References(c, table, name, start, [(col.Name, col.Position!.Value)]);
                lastKey = null;
            }
            else if (c.TryWord("check"))
            {
                lastCheck = AddCheck(c, table, name, start);
            }
            else if (c.TryWord("generated"))
            {
                if (c.TryWords("always", "as"))
                {
                    if (c.Peek().IsOp("("))
                    {
                        var (expr, _) = c.Parenthesized();
                        col.GeneratedExpression = expr;
                        col.GeneratedKind = c.TryWord("stored") ? "STORED" : "VIRTUAL";
                        if (col.GeneratedKind == "VIRTUAL") c.TryWord("virtual");
                    }
                    else
                    {
                        c.ExpectWord("identity");
                        SetIdentity(c, col, IdentityKind.Always);
                    }
                }
                else if (c.TryWords("by", "default", "as", "identity")) SetIdentity(c, col, IdentityKind.ByDefault);
                else throw c.Unexpected(c.Peek(), "ALWAYS or BY DEFAULT");
            }
            else throw c.Unexpected(t);
        }
    }

    private static string CollationName(Cursor c)
    {
        var (n, explicitSchema, _) = c.QualifiedName("a collation");
        return explicitSchema && n.Schema != "pg_catalog" ? n.ToString() : n.Name;
    }

    private void SetIdentity(Cursor c, ColumnDraft col, IdentityKind kind)
    {
        col.Identity = kind;
        col.Nullable = false;
        if (c.Peek().IsOp("("))
        {
            c.Next();
            var seq = new SequenceDef { Name = default };
            var named = SequenceOptions(c, ref seq, identity: true);
            c.ExpectOp(")");
            if (named is { } n) col.Sequence = n;
        }
    }

    /// <summary>NULLS [NOT] DISTINCT after UNIQUE: true for NOT DISTINCT.</summary>
    private static bool NullsNotDistinct(Cursor c)
    {
        if (!c.TryWord("nulls")) return false;
        var not = c.TryWord("not");
        c.ExpectWord("distinct");
        return not;
    }

    /// <summary>INCLUDE (…), WITH (…), USING INDEX TABLESPACE x, DEFERRABLE … after a PRIMARY KEY / UNIQUE / EXCLUDE;
    /// INCLUDE and DEFERRABLE / INITIALLY DEFERRED are kept on the constraint.</summary>
    private (KeyConstraint? Key, ExclusionConstraint? Exclusion) IndexParameters(Cursor c, TableDraft table, KeyConstraint? key,
        ExclusionConstraint? exclusion = null)
    {
        while (true)
        {
            if (c.TryWord("include"))
            {
                foreach (var (col, pos) in c.ColumnList())
                {
                    _exclusionColumns.Add((table, col, pos));
                    if (key is not null) key = key with { Include = [.. key.Include, col] };
                    if (exclusion is not null) exclusion = exclusion with { Include = [.. exclusion.Include, col] };
                }
            }
            else if (c.PeekWord("with") && c.Peek(1).IsOp("(")) { c.Next(); c.Parenthesized(); }
            else if (c.TryWords("using", "index", "tablespace")) c.Ident("a tablespace");
            else if (c.TryWords("not", "deferrable")) { }
            else if (c.TryWord("deferrable"))
            {
                if (key is not null) key = key with { Deferrable = true };
                if (exclusion is not null) exclusion = exclusion with { Deferrable = true };
            }
            else if (c.TryWord("initially"))
            {
                if (c.TryWord("deferred"))
                {
                    if (key is not null) key = key with { InitiallyDeferred = true };
                    if (exclusion is not null) exclusion = exclusion with { InitiallyDeferred = true };
                }
                else c.ExpectWord("immediate");
            }
            else return (key, exclusion);
        }
    }

    /// <summary>EXCLUDE [USING method] ( element WITH operator, … ) index_parameters [WHERE ( predicate )].</summary>
    private ExclusionConstraint Exclude(Cursor c, TableDraft table, string? name, Token start)
    {
        string? method = c.TryWord("using") ? c.Ident("an index method") : null;
        c.ExpectOp("(");
        var elements = new List<ExclusionElement>();
        do
        {
            var first = c.Peek();
            var second = c.Peek(1);
            var text = c.SkipUntil(t => t.IsWord("with"));
            if (text.Length == 0 || !c.PeekWord("with")) throw c.Unexpected(c.Peek(), "an element and WITH operator");
            // A plain column: a name followed only by COLLATE / an opclass / ordering words (not a call or an operator).
            string? column = null;
            if (first.IsIdent && (second.IsIdent || second.IsWord("with")))
            {
                column = first.Text;
                _exclusionColumns.Add((table, column, c.Pos(first)));
            }
            c.ExpectWord("with");
            var opStart = c.Peek();
            string op;
            if (c.TryWord("operator"))
            {
                c.Parenthesized();
                op = c.Text(opStart, c.Last).Trim();
            }
            else if (opStart.Kind == TokKind.Op && !opStart.IsOp(",") && !opStart.IsOp(")") && !opStart.IsOp("("))
            {
                c.Next();
                op = opStart.Text;
            }
            else throw c.Unexpected(opStart, "an operator");
            elements.Add(new ExclusionElement { Text = text, Column = column, Operator = op });
        }
        while (c.TryOp(","));
        c.ExpectOp(")");
        var ex = new ExclusionConstraint { Name = name, Method = method, Elements = elements, Position = c.Pos(start) };
        ex = IndexParameters(c, table, null, ex).Exclusion!;
        if (c.TryWord("where"))
        {
            var (predicate, _) = c.Parenthesized();
            if (predicate.Length == 0) throw c.Unexpected(c.Last, "an expression");
            ex = ex with { Where = predicate };
        }
        table.Exclusions.Add(ex);
        return ex;
    }

    private void TableConstraint(Cursor c, TableDraft table)
    {
        var start = c.Peek();
        string? name = null;
        if (c.TryWord("constraint")) name = c.Ident("a constraint name");
        var t = c.Peek();
        KeyConstraint? key = null;
        ForeignKey? fk = null;
        CheckConstraint? check = null;
        ExclusionConstraint? exclusion = null;
        if (c.TryWords("primary", "key"))
        {
            var cols = c.PeekWord("using") ? UsingIndex(c, table) : KeyColumns(c);
            key = new KeyConstraint { Name = name, Columns = cols.ConvertAll(x => x.Name), Position = c.Pos(start) };
            key = IndexParameters(c, table, key).Key!;
            AddKey(table, key, cols.ConvertAll(x => x.Pos), primary: true);
        }
        else if (c.TryWord("unique"))
        {
            var nnd = NullsNotDistinct(c);
            var cols = c.PeekWord("using") ? UsingIndex(c, table) : KeyColumns(c);
            key = new KeyConstraint { Name = name, Columns = cols.ConvertAll(x => x.Name), Position = c.Pos(start), NullsNotDistinct = nnd };
            key = IndexParameters(c, table, key).Key!;
            AddKey(table, key, cols.ConvertAll(x => x.Pos), primary: false);
        }
        else if (c.TryWords("foreign", "key"))
        {
            // DB2 / TPC-H: FOREIGN KEY name (cols) — the constraint name without CONSTRAINT.
            if (c.Peek().IsIdent) name = c.Ident("a constraint name");
            var cols = KeyColumns(c);
            c.ExpectWord("references");
            fk = References(c, table, name, start, cols);
        }
        else if (c.TryWord("check"))
        {
            check = AddCheck(c, table, name, start);
        }
        else if (c.TryWord("exclude"))
        {
            exclusion = Exclude(c, table, name, start);
        }
        else if (c.TryWords("not", "null"))
        {
            var (col, pos) = c.IdentAt("a column name");
            _notNulls.Add((table, col, pos));
            c.TryWords("no", "inherit");
        }
        else throw c.Unexpected(t, "PRIMARY KEY, UNIQUE, FOREIGN KEY, CHECK or EXCLUDE");
        // Constraint attributes that may follow any table constraint.
        while (true)
        {
            if (c.TryWords("not", "valid") || c.TryWords("not", "enforced") || c.TryWord("enforced")) continue;
            if (c.TryWords("no", "inherit"))
            {
                if (check is not null) check = Replace(table, check, check with { NoInherit = true });
                continue;
            }
            if (c.TryWords("not", "deferrable")) continue;
            if (c.TryWord("deferrable"))
            {
                if (key is not null) key = Replace(table, key, key with { Deferrable = true });
                if (fk is not null) fk = Replace(table, fk, fk with { Deferrable = true });
                if (exclusion is not null) exclusion = Replace(table, exclusion, exclusion with { Deferrable = true });
                continue;
            }
            if (c.TryWord("initially"))
            {
                if (c.TryWord("deferred"))
                {
                    if (key is not null) key = Replace(table, key, key with { InitiallyDeferred = true });
                    if (fk is not null) fk = Replace(table, fk, fk with { InitiallyDeferred = true });
                    if (exclusion is not null) exclusion = Replace(table, exclusion, exclusion with { InitiallyDeferred = true });
                }
                else c.ExpectWord("immediate");
                continue;
            }
            break;
        }
    }

    /// <summary>PRIMARY KEY / UNIQUE USING INDEX name: the key takes the columns of an existing unique index,
    /// which becomes the constraint's index (so it is no longer a separate index).</summary>
    private List<(string Name, SourcePosition Pos)> UsingIndex(Cursor c, TableDraft table)
    {
        c.ExpectWord("using");
        c.ExpectWord("index");
        var (indexName, pos) = c.IdentAt("an index name");
        int i = _indexes.FindIndex(x => x.Index.Name == indexName && x.Table.Schema == table.Name.Schema);
        if (i < 0) throw Error($"index \"{indexName}\" does not exist", pos);
        var index = _indexes[i].Index;
        if (!index.Unique || _indexKeys[index] is not { Columns: { } cols, Partial: false })
            throw Error($"index \"{indexName}\" is not a unique index on plain columns", pos);
        _indexes.RemoveAt(i);
        return cols.ConvertAll(col => (col, pos));
    }

    /// <summary>( a, b, … ) of a key, with PostgreSQL 18's temporal forms: PERIOD before the last column of a
    /// foreign key, WITHOUT OVERLAPS after the last column of a primary key or unique constraint.</summary>
    private static List<(string Name, SourcePosition Pos)> KeyColumns(Cursor c)
    {
        c.ExpectOp("(");
        var cols = new List<(string, SourcePosition)>();
        do
        {
            if (c.PeekWord("period") && c.Peek(1).IsIdent) c.Next();
            cols.Add(c.IdentAt("a column name"));
            c.TryWords("without", "overlaps");
        }
        while (c.TryOp(","));
        c.ExpectOp(")");
        return cols;
    }

    private void AddKey(TableDraft table, KeyConstraint key, List<SourcePosition> colPos, bool primary)
    {
        if (primary)
        {
            if (table.PrimaryKey is not null)
                throw Error($"multiple primary keys for table {table.Name} are not allowed", key.Position!.Value);
            table.PrimaryKey = key;
        }
        else table.Uniques.Add(key);
        _keys.Add(new PendingKey(table, key, colPos));
    }

    // Constraints are immutable: an attribute read after one was added replaces it in its table and pending lists.
    private KeyConstraint Replace(TableDraft table, KeyConstraint old, KeyConstraint now)
    {
        if (ReferenceEquals(table.PrimaryKey, old)) table.PrimaryKey = now;
        else if (table.Uniques.IndexOf(old) is var i and >= 0) table.Uniques[i] = now;
        var p = _keys.FindIndex(k => ReferenceEquals(k.Key, old));
        if (p >= 0) _keys[p] = _keys[p] with { Key = now };
        return now;
    }

    private ForeignKey Replace(TableDraft table, ForeignKey old, ForeignKey now)
    {
        if (table.ForeignKeys.IndexOf(old) is var i and >= 0) table.ForeignKeys[i] = now;
        var p = _fks.FindIndex(f => ReferenceEquals(f.Fk, old));
        if (p >= 0) _fks[p] = _fks[p] with { Fk = now };
        return now;
    }

    private CheckConstraint Replace(TableDraft table, CheckConstraint old, CheckConstraint now)
    {
        if (table.Checks.IndexOf(old) is var i and >= 0) table.Checks[i] = now;
        var p = _checks.FindIndex(x => ReferenceEquals(x.Check, old));
        if (p >= 0) _checks[p] = (table, now);
        return now;
    }

    private static ExclusionConstraint Replace(TableDraft table, ExclusionConstraint old, ExclusionConstraint now)
    {
        if (table.Exclusions.IndexOf(old) is var i and >= 0) table.Exclusions[i] = now;
        return now;
    }

    private CheckConstraint AddCheck(Cursor c, TableDraft table, string? name, Token start)
    {
        var (expr, open) = c.Parenthesized();
        if (expr.Length == 0) throw c.Unexpected(c.Last, "an expression");
        CheckExpressionSyntax(c, open);
        var noInherit = c.TryWords("no", "inherit");
        var chk = new CheckConstraint
        {
            Name = name, Expression = expr, Position = c.Pos(start), NoInherit = noInherit,
            Predicate = CheckExpressionParser.TryParse(expr, domain: false),
        };
        table.Checks.Add(chk);
        _checks.Add((table, chk));
        return chk;
    }

    /// <summary>A CHECK that is not even a well-formed expression is an error here, with the position of the token
    /// that breaks it (the closing parenthesis when it ends too early) — not a server error after a load.</summary>
    private static void CheckExpressionSyntax(Cursor c, Token open)
    {
        var close = c.Last;
        var all = c.Statement.Tokens;
        var tokens = new List<Token>();
        var i = all.IndexOf(open) + 1;
        for (; i < all.Count && all[i].Start < close.Start; i++) tokens.Add(all[i]);
        tokens.Add(close with { Kind = TokKind.End });
        if (ExpressionSyntax.Check(tokens) is not { } bad) return;
        var what = bad.At.Kind == TokKind.End ? "end of the expression" : $"'{c.Show(bad.At)}'";
        throw Error($"malformed CHECK expression: unexpected {what} (expected {bad.Expected})", c.Pos(bad.At));
    }

    private ForeignKey References(Cursor c, TableDraft table, string? name, Token start, List<(string Name, SourcePosition Pos)> cols)
    {
        var (target, explicitSchema, targetPos) = c.QualifiedName("a table name");
        var refCols = c.Peek().IsOp("(") ? KeyColumns(c) : [];
        var fk = new ForeignKey
        {
            Name = name,
            Columns = cols.ConvertAll(x => x.Name),
            RefTable = target,
            RefColumns = refCols.ConvertAll(x => x.Name),
            Position = c.Pos(start),
        };
        while (true)
        {
            if (c.TryWord("match"))
            {
                if (c.TryWord("full")) fk = fk with { Match = ForeignKeyMatch.Full };
                else if (c.TryWord("partial")) fk = fk with { Match = ForeignKeyMatch.Partial };
                else { c.ExpectWord("simple"); fk = fk with { Match = ForeignKeyMatch.Simple }; }
            }
            else if (c.TryWords("on", "delete")) fk = fk with { OnDelete = Action(c) };
            else if (c.TryWords("on", "update")) fk = fk with { OnUpdate = Action(c) };
            else if (c.TryWord("deferrable")) fk = fk with { Deferrable = true };
            else if (c.TryWords("not", "deferrable")) fk = fk with { Deferrable = false };
            else if (c.TryWord("initially"))
            {
                if (c.TryWord("deferred")) fk = fk with { InitiallyDeferred = true };
                else c.ExpectWord("immediate");
            }
            else break;
        }
        table.ForeignKeys.Add(fk);
        _fks.Add(new PendingFk(table, fk, target, explicitSchema, c.SearchPath, targetPos, cols.ConvertAll(x => x.Pos), refCols.ConvertAll(x => x.Pos)));
        return fk;
    }

    private static ReferentialAction Action(Cursor c)
    {
        if (c.TryWords("no", "action")) return ReferentialAction.NoAction;
        if (c.TryWord("restrict")) return ReferentialAction.Restrict;
        if (c.TryWord("cascade")) return ReferentialAction.Cascade;
        if (c.TryWords("set", "null")) { if (c.Peek().IsOp("(")) c.ColumnList(); return ReferentialAction.SetNull; }
        if (c.TryWords("set", "default")) { if (c.Peek().IsOp("(")) c.ColumnList(); return ReferentialAction.SetDefault; }
        throw c.Unexpected(c.Peek(), "a referential action");
    }

    [GeneratedRegex(@"^nextval\s*\(\s*'((?:[^']|'')+)'\s*(?:::\s*regclass\s*)?\)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NextvalRegex();

    /// <summary>DEFAULT nextval('seq'::regclass) makes the column a sequence column.</summary>
    private static void ApplyNextval(ColumnDraft col, string defaultSchema)
    {
        if (col.Default is null || col.Identity is IdentityKind.Always or IdentityKind.ByDefault) return;
        var m = NextvalRegex().Match(col.Default);
        if (!m.Success) return;
        var name = ParseNameString(m.Groups[1].Value.Replace("''", "'", StringComparison.Ordinal), defaultSchema);
        if (name is null) return;
        col.Identity = IdentityKind.Sequence;
        col.Sequence = name;
    }

    /// <summary>A (possibly qualified, possibly quoted) name inside a string, e.g. 'public."My_seq"'.</summary>
    internal static QualifiedName? ParseNameString(string s, string defaultSchema)
    {
        List<Token> toks;
        try
        {
            toks = new PgLexer(s, "").TokenizeAll();
        }
        catch (SchemaException)
        {
            return null;
        }
        var parts = new List<string>();
        int i = 0;
        while (true)
        {
            if (i >= toks.Count || !toks[i].IsIdent) return null;
            parts.Add(toks[i].Text);
            i++;
            if (toks[i].Kind == TokKind.End) break;
            if (!toks[i].IsOp(".")) return null;
            i++;
        }
        return parts.Count switch
        {
            1 => new QualifiedName(defaultSchema, parts[0]),
            2 or 3 => new QualifiedName(parts[^2], parts[^1]),
            _ => null,
        };
    }

    // ───────────────────────────── partitions ─────────────────────────────

    private static BoundSpec PartitionBoundClause(Cursor c)
    {
        var first = c.Peek();
        if (c.TryWord("default")) return new BoundSpec("DEFAULT", null, null, null);
        c.ExpectWord("for");
        c.ExpectWord("values");
        List<string>? from = null, to = null, inList = null;
        if (c.TryWord("from"))
        {
            from = c.ParenthesizedList();
            c.ExpectWord("to");
            to = c.ParenthesizedList();
        }
        else if (c.TryWord("in")) inList = c.ParenthesizedList();
        else if (c.TryWord("with")) c.ParenthesizedList();
        else throw c.Unexpected(c.Peek(), "FROM, IN or WITH");
        return new BoundSpec(c.Text(first, c.Last).Trim(), from, to, inList);
    }
}
