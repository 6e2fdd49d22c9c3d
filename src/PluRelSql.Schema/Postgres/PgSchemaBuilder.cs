using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace PluRelSql.Schema.Postgres;

/// <summary>Builds a <see cref="SchemaGraph"/> statement by statement; references that may point forward (types,
/// FK targets, index tables) are kept pending and resolved in <see cref="Finish"/>.</summary>
internal sealed partial class PgSchemaBuilder
{
    private readonly SchemaGraph _graph = new();
    private readonly List<(int Seq, ReaderNotice Notice)> _notices = [];
    private readonly Dictionary<string, (int Seq, string Message, SourcePosition Pos, int Count)> _skipped = new(StringComparer.Ordinal);
    private int _seq;
    private readonly List<string> _files = [];
    private IReadOnlyList<string> _searchPath = ["public"];

    private readonly List<(ColumnDef Column, TypeSpec Spec)> _columnTypes = [];
    private readonly List<PendingDomain> _domains = [];
    private readonly List<PendingKey> _keys = [];
    private readonly List<PendingFk> _fks = [];
    private readonly List<(TableDef Table, CheckConstraint Check)> _checks = [];
    private readonly List<(TableDef Table, string Column, SourcePosition Pos)> _notNulls = [];
    private readonly List<(TableDef Table, List<(string Name, SourcePosition Pos)> Columns)> _partitionBy = [];
    private readonly List<PendingAttach> _attaches = [];
    private readonly List<(IndexDef Index, QualifiedName Table, bool Explicit, IReadOnlyList<string> Path, SourcePosition Pos)> _indexes = [];
    private readonly List<(SequenceDef Seq, QualifiedName Table, bool Explicit, IReadOnlyList<string> Path, string Column, SourcePosition Pos)> _ownedBy = [];
    private readonly Dictionary<IndexDef, (List<string>? Columns, bool Partial)> _indexKeys = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<QualifiedName> _opaqueTypes = [];
    private readonly HashSet<QualifiedName> _views = [];

    private sealed class PendingDomain
    {
        public required QualifiedName Name { get; init; }
        public required TypeSpec Base { get; init; }
        public required SourcePosition Pos { get; init; }
        public bool NotNull { get; set; }
        public string? Default { get; set; }
        public List<CheckConstraint> Checks { get; } = [];
        public DomainType? Built { get; set; }
        public bool EffectiveNotNull { get; set; }
        public bool Resolving { get; set; }
    }

    private sealed record PendingKey(TableDef Table, KeyConstraint Key, List<SourcePosition> ColumnPositions);

    private sealed record PendingFk(TableDef Table, ForeignKey Fk, QualifiedName Target, bool ExplicitSchema,
        IReadOnlyList<string> SearchPath, SourcePosition TargetPos, List<SourcePosition> ColumnPositions, List<SourcePosition> RefColumnPositions);

    private sealed record PendingAttach(QualifiedName Parent, bool ParentExplicit, SourcePosition ParentPos,
        QualifiedName Child, bool ChildExplicit, SourcePosition ChildPos, BoundSpec Bound, IReadOnlyList<string> SearchPath);

    private sealed record BoundSpec(string Text, List<string>? From, List<string>? To, List<string>? In);

    // ───────────────────────────── driver ─────────────────────────────

    public void ReadText(string text, string file)
    {
        _files.Add(file);
        var lexer = new PgLexer(text, file, Skip);
        while (lexer.NextStatement() is { } st)
        {
            var c = new Cursor(st) { SearchPath = _searchPath };
            Dispatch(c);
            if (c.Statement.Tokens[0].IsWord("set")) StandardConformingStrings(c, lexer);
        }
    }

    private void Skip(string kind, string message, SourcePosition pos)
    {
        if (_skipped.TryGetValue(kind, out var s)) _skipped[kind] = s with { Count = s.Count + 1 };
        else _skipped[kind] = (_seq++, message, pos, 1);
    }

    private void SkipStatement(Cursor c, string kind) => Skip(kind, "skipped " + c.Head(), c.Pos(c.Statement.Tokens[0]));

    private void Note(string kind, string message, SourcePosition pos) =>
        _notices.Add((_seq++, new ReaderNotice(kind, message, pos)));

    private static SchemaException Error(string reason, SourcePosition pos) => new(reason, pos);

    private void Dispatch(Cursor c)
    {
        var first = c.Peek();
        if (first.Kind != TokKind.Word) throw c.Unexpected(first);
        switch (first.Text)
        {
            case "create": c.Next(); Create(c); break;
            case "alter": c.Next(); Alter(c); break;
            case "drop": SkipStatement(c, "drop"); break;
            case "set" or "reset": SearchPathFromSet(c); SkipStatement(c, "set"); break;
            case "select" or "with" or "values" or "show" or "explain" or "table": SearchPathFromSetConfig(c); SkipStatement(c, "select"); break;
            case "insert" or "update" or "delete" or "copy" or "truncate" or "merge": SkipStatement(c, "data"); break;
            case "comment": SkipStatement(c, "comment"); break;
            case "security": SkipStatement(c, "security-label"); break;
            case "grant" or "revoke": SkipStatement(c, "grant"); break;
            case "begin" or "commit" or "rollback" or "end" or "start" or "savepoint" or "release" or "abort":
                SkipStatement(c, "transaction"); break;
            case "connect": SkipStatement(c, "database"); break;
            case "refresh": SkipStatement(c, "refresh"); break;
            case "do" or "call": SkipStatement(c, "function"); break;
            case "analyze" or "analyse" or "vacuum" or "cluster" or "reindex" or "checkpoint" or "lock" or "discard"
                or "listen" or "notify" or "unlisten" or "load" or "reassign" or "import" or "prepare" or "execute"
                or "deallocate":
                SkipStatement(c, "maintenance"); break;
            default: throw c.Unexpected(first);
        }
    }

    /// <summary>SET [SESSION|LOCAL] search_path {TO|=} a, b — later unqualified names are created in a and looked up in a, b.</summary>
    private void SearchPathFromSet(Cursor c)
    {
        if (!c.TryWord("set")) return;
        if (!c.TryWord("session")) c.TryWord("local");
        if (!c.TryWord("search_path")) return;
        if (!c.TryWord("to") && !c.TryOp("=")) return;
        var schemas = new List<string>();
        do
        {
            var t = c.Peek();
            if (t.IsWord("default")) { schemas.Add("public"); c.Next(); }
            else if (t.IsIdent || t.Kind == TokKind.String) { schemas.Add(t.Text); c.Next(); }
            else return;
        }
        while (c.TryOp(","));
        if (c.AtEnd) SetSearchPath(schemas);
    }

    /// <summary>SET standard_conforming_strings = off makes backslashes escapes in the '…' strings that follow.</summary>
    private static void StandardConformingStrings(Cursor c, PgLexer lexer)
    {
        var toks = c.Statement.Tokens;
        int i = 1;
        if (toks[i].IsWord("session") || toks[i].IsWord("local")) i++;
        if (!toks[i].IsWord("standard_conforming_strings") || !(toks[i + 1].IsWord("to") || toks[i + 1].IsOp("="))) return;
        var v = toks[i + 2].Text.ToLowerInvariant();
        if (v is "off" or "false") lexer.BackslashInStrings = true;
        else if (v is "on" or "true" or "default") lexer.BackslashInStrings = false;
    }

    /// <summary>pg_dump's SELECT pg_catalog.set_config('search_path', '…', false).</summary>
    private void SearchPathFromSetConfig(Cursor c)
    {
        var toks = c.Statement.Tokens;
        for (int i = 0; i + 4 < toks.Count; i++)
        {
            if (!toks[i].IsWord("set_config") || !toks[i + 1].IsOp("(") || toks[i + 2] is not { Kind: TokKind.String, Text: "search_path" }
                || !toks[i + 3].IsOp(",") || toks[i + 4].Kind != TokKind.String) continue;
            var schemas = new List<string>();
            foreach (var part in toks[i + 4].Text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                schemas.Add(part.Length > 1 && part[0] == '"' && part[^1] == '"' ? part[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal) : PgLexer.FoldAscii(part));
            SetSearchPath(schemas);
            return;
        }
    }

    private void SetSearchPath(List<string> schemas)
    {
        // "$user" and pg_catalog do not hold the schema's objects; an empty path (pg_dump) still creates in public.
        schemas.RemoveAll(s => s is "$user" or "pg_catalog");
        _searchPath = schemas.Count == 0 ? ["public"] : schemas;
    }

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
        bool orReplace = c.TryWords("or", "replace");
        bool unlogged = false;
        c.TryWord("global");
        c.TryWord("local");
        if (c.TryWord("temp") || c.TryWord("temporary")) { }
        else if (c.TryWord("unlogged")) unlogged = true;
        _ = orReplace;
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
        if (_graph.FindTable(name) is not null)
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
        var table = new TableDef { Name = name, Unlogged = unlogged, Position = c.Pos(createTok) };
        _graph.Tables.Add(table);

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

    private List<string> PartitionKey(Cursor c, TableDef table)
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

    private static ColumnDef CloneColumn(ColumnDef col) => new()
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

    private void TableElements(Cursor c, TableDef table, bool partitionOf)
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

    private ColumnDef ColumnDefinition(Cursor c, TableDef table)
    {
        var (colName, colPos) = c.IdentAt("a column name");
        if (table.FindColumn(colName) is not null) throw Error($"column \"{colName}\" specified more than once in table {table.Name}", colPos);
        var spec = PgTypeParser.Parse(c);
        var col = new ColumnDef { Name = colName, Type = spec.Builtin ?? SqlType.Of(TypeKind.Other), Position = colPos };
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
            if (_graph.FindSequence(candidate) is null && _graph.FindTable(candidate) is null) return candidate;
        }
    }

    private static readonly HashSet<string> DefaultStopWords = new(StringComparer.Ordinal)
    {
        "not", "null", "constraint", "check", "unique", "primary", "references", "default", "generated", "collate",
        "deferrable", "initially", "storage", "compression",
    };

    private void ColumnConstraints(Cursor c, TableDef table, ColumnDef col)
    {
        ForeignKey? lastFk = null;
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
            else if (c.TryWord("deferrable")) { if (lastFk is not null) lastFk.Deferrable = true; }
            else if (c.TryWord("initially"))
            {
                if (c.TryWord("deferred")) { if (lastFk is not null) lastFk.InitiallyDeferred = true; }
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
                IndexParameters(c);
                AddKey(table, new KeyConstraint { Name = name, Columns = [col.Name], Position = c.Pos(start) }, [col.Position!.Value], primary: true);
            }
            else if (c.TryWord("unique"))
            {
                NullsDistinct(c);
                IndexParameters(c);
                AddKey(table, new KeyConstraint { Name = name, Columns = [col.Name], Position = c.Pos(start) }, [col.Position!.Value], primary: false);
            }
            else if (c.TryWord("references"))
            {
                lastFk = References(c, table, name, start, [(col.Name, col.Position!.Value)]);
            }
            else if (c.TryWord("check"))
            {
                AddCheck(c, table, name, start);
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

    private void SetIdentity(Cursor c, ColumnDef col, IdentityKind kind)
    {
        col.Identity = kind;
        col.Nullable = false;
        if (c.Peek().IsOp("("))
        {
            c.Next();
            var seq = new SequenceDef { Name = default };
            var named = SequenceOptions(c, seq, identity: true);
            c.ExpectOp(")");
            if (named is { } n) col.Sequence = n;
        }
    }

    private static void NullsDistinct(Cursor c)
    {
        if (c.TryWord("nulls"))
        {
            c.TryWord("not");
            c.ExpectWord("distinct");
        }
    }

    /// <summary>INCLUDE (…), WITH (…), USING INDEX TABLESPACE x, DEFERRABLE … after a PRIMARY KEY / UNIQUE.</summary>
    private static void IndexParameters(Cursor c)
    {
        while (true)
        {
            if (c.TryWord("include")) c.ColumnList();
            else if (c.PeekWord("with") && c.Peek(1).IsOp("(")) { c.Next(); c.Parenthesized(); }
            else if (c.TryWords("using", "index", "tablespace")) c.Ident("a tablespace");
            else if (c.TryWord("deferrable") || c.TryWords("not", "deferrable")) { }
            else if (c.TryWord("initially")) { if (!c.TryWord("deferred")) c.ExpectWord("immediate"); }
            else return;
        }
    }

    private void TableConstraint(Cursor c, TableDef table)
    {
        var start = c.Peek();
        string? name = null;
        if (c.TryWord("constraint")) name = c.Ident("a constraint name");
        var t = c.Peek();
        if (c.TryWords("primary", "key"))
        {
            var cols = c.PeekWord("using") ? UsingIndex(c, table) : c.ColumnList();
            IndexParameters(c);
            AddKey(table, new KeyConstraint { Name = name, Columns = cols.ConvertAll(x => x.Name), Position = c.Pos(start) }, cols.ConvertAll(x => x.Pos), primary: true);
        }
        else if (c.TryWord("unique"))
        {
            NullsDistinct(c);
            var cols = c.PeekWord("using") ? UsingIndex(c, table) : c.ColumnList();
            IndexParameters(c);
            AddKey(table, new KeyConstraint { Name = name, Columns = cols.ConvertAll(x => x.Name), Position = c.Pos(start) }, cols.ConvertAll(x => x.Pos), primary: false);
        }
        else if (c.TryWords("foreign", "key"))
        {
            // DB2 / TPC-H: FOREIGN KEY name (cols) — the constraint name without CONSTRAINT.
            if (c.Peek().IsIdent) name = c.Ident("a constraint name");
            var cols = c.ColumnList();
            c.ExpectWord("references");
            References(c, table, name, start, cols);
        }
        else if (c.TryWord("check"))
        {
            AddCheck(c, table, name, start);
        }
        else if (c.TryWord("exclude"))
        {
            c.SkipUntil(x => x.IsOp(","));
            Note("exclude", $"EXCLUDE constraint{(name is null ? "" : " " + name)} on {table.Name} is not enforced by generation", c.Pos(start));
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
            if (c.TryWords("not", "valid") || c.TryWords("no", "inherit") || c.TryWords("not", "enforced") || c.TryWord("enforced")) continue;
            if (c.TryWord("deferrable") || c.TryWords("not", "deferrable")) continue;
            if (c.TryWord("initially")) { if (!c.TryWord("deferred")) c.ExpectWord("immediate"); continue; }
            break;
        }
    }

    /// <summary>PRIMARY KEY / UNIQUE USING INDEX name: the key takes the columns of an existing unique index,
    /// which becomes the constraint's index (so it is no longer a separate index).</summary>
    private List<(string Name, SourcePosition Pos)> UsingIndex(Cursor c, TableDef table)
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

    private void AddKey(TableDef table, KeyConstraint key, List<SourcePosition> colPos, bool primary)
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

    private void AddCheck(Cursor c, TableDef table, string? name, Token start)
    {
        var (expr, _) = c.Parenthesized();
        if (expr.Length == 0) throw c.Unexpected(c.Last, "an expression");
        c.TryWords("no", "inherit");
        var chk = new CheckConstraint { Name = name, Expression = expr, Position = c.Pos(start), Predicate = CheckExpressionParser.TryParse(expr, domain: false) };
        table.Checks.Add(chk);
        _checks.Add((table, chk));
    }

    private ForeignKey References(Cursor c, TableDef table, string? name, Token start, List<(string Name, SourcePosition Pos)> cols)
    {
        var (target, explicitSchema, targetPos) = c.QualifiedName("a table name");
        var refCols = c.Peek().IsOp("(") ? c.ColumnList() : [];
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
                if (!c.TryWord("full") && !c.TryWord("partial")) c.ExpectWord("simple");
            }
            else if (c.TryWords("on", "delete")) fk.OnDelete = Action(c);
            else if (c.TryWords("on", "update")) fk.OnUpdate = Action(c);
            else if (c.TryWord("deferrable")) fk.Deferrable = true;
            else if (c.TryWords("not", "deferrable")) fk.Deferrable = false;
            else if (c.TryWord("initially"))
            {
                if (c.TryWord("deferred")) fk.InitiallyDeferred = true;
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
    private static void ApplyNextval(ColumnDef col, string defaultSchema)
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

    // ───────────────────────────── ALTER ─────────────────────────────

    private static readonly HashSet<string> AlterObjects = new(StringComparer.Ordinal)
    {
        "aggregate", "collation", "conversion", "database", "default", "event", "extension", "foreign", "function",
        "group", "index", "language", "large", "materialized", "operator", "policy", "procedure", "publication",
        "role", "routine", "rule", "schema", "server", "statistics", "subscription", "system", "tablespace", "text",
        "trigger", "user", "view",
    };

    private void Alter(Cursor c)
    {
        var w = c.Peek();
        if (w.Kind != TokKind.Word) throw c.Unexpected(w);
        switch (w.Text)
        {
            case "table": c.Next(); AlterTable(c); return;
            case "sequence": c.Next(); AlterSequence(c); return;
            case "domain": c.Next(); AlterDomain(c); return;
            case "type": c.Next(); AlterType(c); return;
        }
        if (!AlterObjects.Contains(w.Text)) throw c.Unexpected(w);
        if (w.Text == "database") { SkipStatement(c, "database"); return; }
        if (w.Text == "default") { SkipStatement(c, "grant"); return; }
        SkipStatement(c, HasOwnerTo(c) ? "owner" : "alter-" + w.Text);
    }

    private static bool HasOwnerTo(Cursor c)
    {
        var toks = c.Statement.Tokens;
        for (int i = 0; i + 1 < toks.Count; i++)
            if (toks[i].IsWord("owner") && toks[i + 1].IsWord("to")) return true;
        return false;
    }

    private void AlterTable(Cursor c)
    {
        bool ifExists = c.TryWords("if", "exists");
        c.TryWord("only");
        if (c.PeekWord("all") && c.PeekWord("in", 1)) { SkipStatement(c, "alter-table"); return; }
        var (name, explicitSchema, namePos) = c.QualifiedName("a table name");
        c.TryOp("*");
        var table = LookupTable(name, explicitSchema, c.SearchPath);
        TableDef Need() => table ?? throw Error($"ALTER TABLE on missing table {name}", namePos);
        if (table is null && ifExists) { SkipStatement(c, "alter-table"); return; }

        if (c.PeekWord("rename") || c.PeekWord("set") && c.PeekWord("schema", 1))
        {
            Note("rename", $"{c.Head()}: renames are not applied", c.Pos(c.Statement.Tokens[0]));
            return;
        }
        do
        {
            var t = c.Peek();
            if (c.TryWord("add"))
            {
                if (IsTableConstraintStart(c)) TableConstraint(c, Need());
                else
                {
                    c.TryWord("column");
                    bool ifNotExists = c.TryWords("if", "not", "exists");
                    if (ifNotExists && c.Peek().IsIdent && Need().FindColumn(c.Peek().Text) is not null)
                        c.SkipUntil(x => x.IsOp(","));
                    else ColumnDefinition(c, Need());
                }
            }
            else if (c.TryWord("alter"))
            {
                c.TryWord("column");
                AlterColumn(c, Need());
            }
            else if (c.TryWord("drop"))
            {
                if (c.TryWord("constraint"))
                {
                    bool ie = c.TryWords("if", "exists");
                    var (cn, cpos) = c.IdentAt("a constraint name");
                    if (!DropConstraint(Need(), cn) && !ie) throw Error($"constraint \"{cn}\" of table {name} does not exist", cpos);
                }
                else
                {
                    c.TryWord("column");
                    bool ie = c.TryWords("if", "exists");
                    var (cn, cpos) = c.IdentAt("a column name");
                    var tbl = Need();
                    var col = tbl.FindColumn(cn);
                    if (col is null) { if (!ie) throw Error($"column \"{cn}\" of table {name} does not exist", cpos); }
                    else tbl.Columns.Remove(col);
                }
                if (!c.TryWord("cascade")) c.TryWord("restrict");
            }
            else if (c.TryWords("attach", "partition"))
            {
                var (child, childExplicit, childPos) = c.QualifiedName("a table name");
                var bound = PartitionBoundClause(c);
                Need();
                _attaches.Add(new PendingAttach(table!.Name, true, namePos, child, childExplicit, childPos, bound, c.SearchPath));
            }
            else if (c.TryWords("owner", "to"))
            {
                c.Ident("a role");
                Skip("owner", "skipped " + c.Head(), c.Pos(c.Statement.Tokens[0]));
            }
            else if (t.Kind == TokKind.Word && t.Text is "replica" or "cluster" or "enable" or "disable" or "set" or "reset"
                         or "inherit" or "no" or "validate" or "force" or "of" or "not" or "detach" or "owner")
            {
                c.SkipUntil(x => x.IsOp(","));
                Skip("alter-table", "skipped " + c.Head(), c.Pos(t));
            }
            else throw c.Unexpected(t);
        }
        while (c.TryOp(","));
        if (!c.AtEnd) throw c.Unexpected(c.Peek());
    }

    private static bool DropConstraint(TableDef t, string name)
    {
        if (t.PrimaryKey?.Name == name) { t.PrimaryKey = null; return true; }
        return t.Uniques.RemoveAll(k => k.Name == name) + t.ForeignKeys.RemoveAll(k => k.Name == name) + t.Checks.RemoveAll(k => k.Name == name) > 0;
    }

    private void AlterColumn(Cursor c, TableDef table)
    {
        var (colName, colPos) = c.IdentAt("a column name");
        var col = table.FindColumn(colName) ?? throw Error($"column \"{colName}\" of table {table.Name} does not exist", colPos);
        if (c.TryWords("set", "default"))
        {
            col.Default = c.SkipUntil(x => x.IsOp(","), atLeastOne: true);
            if (col.Default.Length == 0) throw c.Unexpected(c.Peek(), "an expression");
            ApplyNextval(col, c.DefaultSchema);
        }
        else if (c.TryWords("drop", "default"))
        {
            col.Default = null;
            if (col.Identity == IdentityKind.Sequence) { col.Identity = IdentityKind.None; col.Sequence = null; }
        }
        else if (c.TryWords("set", "not", "null")) col.Nullable = false;
        else if (c.TryWords("drop", "not", "null")) col.Nullable = true;
        else if (c.TryWords("add", "generated"))
        {
            IdentityKind kind;
            if (c.TryWord("always")) kind = IdentityKind.Always;
            else { c.ExpectWord("by"); c.ExpectWord("default"); kind = IdentityKind.ByDefault; }
            c.ExpectWord("as");
            c.ExpectWord("identity");
            SetIdentity(c, col, kind);
        }
        else if (c.TryWords("drop", "identity"))
        {
            c.TryWords("if", "exists");
            col.Identity = IdentityKind.None;
            col.Sequence = null;
        }
        else if (c.TryWords("set", "data", "type") || c.TryWord("type"))
        {
            var spec = PgTypeParser.Parse(c);
            if (spec.Serial is not null) throw Error("type \"serial\" does not exist here", spec.Pos);
            col.Type = spec.Builtin ?? SqlType.Of(TypeKind.Other);
            _columnTypes.RemoveAll(x => ReferenceEquals(x.Column, col));
            if (spec.Builtin is null) _columnTypes.Add((col, spec));
            if (c.TryWord("collate")) col.Collation = CollationName(c);
            if (c.TryWord("using")) c.SkipUntil(x => x.IsOp(","));
        }
        else if (c.TryWords("drop", "expression"))
        {
            c.TryWords("if", "exists");
            col.GeneratedExpression = null;
            col.GeneratedKind = null;
        }
        else if (c.TryWords("set", "expression", "as"))
        {
            col.GeneratedExpression = c.Parenthesized().Text;
        }
        else
        {
            var t = c.Peek();
            if (!(t.IsWord("set") || t.IsWord("reset") || t.IsWord("restart"))) throw c.Unexpected(t);
            c.SkipUntil(x => x.IsOp(","));
            Skip("alter-table", "skipped " + c.Head(), c.Pos(t));
        }
    }

    private void AlterSequence(Cursor c)
    {
        bool ifExists = c.TryWords("if", "exists");
        var (name, _, pos) = c.QualifiedName("a sequence name");
        if (HasOwnerTo(c)) { SkipStatement(c, "owner"); return; }
        if (c.PeekWord("rename") || c.PeekWord("set") && c.PeekWord("schema", 1)) { Note("rename", $"{c.Head()}: renames are not applied", pos); return; }
        var seq = _graph.FindSequence(name);
        if (seq is null)
        {
            if (ifExists) { SkipStatement(c, "alter-sequence"); return; }
            throw Error($"ALTER SEQUENCE on missing sequence {name}", pos);
        }
        SequenceOptions(c, seq, identity: false);
        if (!c.AtEnd) throw c.Unexpected(c.Peek());
    }

    private void AlterDomain(Cursor c)
    {
        var (name, _, pos) = c.QualifiedName("a domain name");
        if (HasOwnerTo(c)) { SkipStatement(c, "owner"); return; }
        var d = _domains.Find(x => x.Name == name) ?? throw Error($"ALTER DOMAIN on missing domain {name}", pos);
        var start = c.Peek();
        if (c.TryWord("add"))
        {
            string? cname = null;
            if (c.TryWord("constraint")) cname = c.Ident("a constraint name");
            if (c.TryWords("not", "null")) d.NotNull = true;
            else
            {
                c.ExpectWord("check");
                var (expr, _) = c.Parenthesized();
                d.Checks.Add(new CheckConstraint { Name = cname, Expression = expr, Position = c.Pos(start), Predicate = CheckExpressionParser.TryParse(expr, domain: true) });
            }
            c.TryWords("not", "valid");
        }
        else if (c.TryWords("set", "not", "null")) d.NotNull = true;
        else if (c.TryWords("drop", "not", "null")) d.NotNull = false;
        else if (c.TryWords("set", "default")) d.Default = c.SkipUntil(_ => false, atLeastOne: true);
        else if (c.TryWords("drop", "default")) d.Default = null;
        else if (c.TryWords("drop", "constraint"))
        {
            c.TryWords("if", "exists");
            var cn = c.Ident("a constraint name");
            d.Checks.RemoveAll(x => x.Name == cn);
            if (!c.TryWord("cascade")) c.TryWord("restrict");
        }
        else { SkipStatement(c, "alter-domain"); return; }
        if (!c.AtEnd) throw c.Unexpected(c.Peek());
    }

    private void AlterType(Cursor c)
    {
        var (name, _, pos) = c.QualifiedName("a type name");
        if (HasOwnerTo(c)) { SkipStatement(c, "owner"); return; }
        var e = _graph.FindEnum(name);
        if (e is not null && c.TryWords("add", "value"))
        {
            bool ifNotExists = c.TryWords("if", "not", "exists");
            var label = StringLiteral(c);
            int at = e.Labels.Count;
            if (c.TryWord("before")) at = LabelIndex(c, e, pos);
            else if (c.TryWord("after")) at = LabelIndex(c, e, pos) + 1;
            if (e.Labels.Contains(label))
            {
                if (!ifNotExists) throw Error($"enum label \"{label}\" already exists", pos);
            }
            else e.Labels.Insert(at, label);
        }
        else if (e is not null && c.TryWords("rename", "value"))
        {
            int i = LabelIndex(c, e, pos);
            c.ExpectWord("to");
            e.Labels[i] = StringLiteral(c);
        }
        else { SkipStatement(c, "alter-type"); return; }
        if (!c.AtEnd) throw c.Unexpected(c.Peek());
    }

    private static int LabelIndex(Cursor c, EnumType e, SourcePosition pos)
    {
        var l = StringLiteral(c);
        int i = e.Labels.IndexOf(l);
        return i >= 0 ? i : throw Error($"\"{l}\" is not an existing enum label", pos);
    }

    private static string StringLiteral(Cursor c)
    {
        var t = c.Peek();
        if (t.Kind != TokKind.String) throw c.Unexpected(t, "a string");
        c.Next();
        return t.Text;
    }

    // ───────────────────────────── types, domains, sequences ─────────────────────────────

    private void CreateType(Cursor c)
    {
        var (name, _, pos) = c.QualifiedName("a type name");
        if (TypeExists(name)) throw Error($"type {name} already exists", pos);
        if (c.TryWords("as", "enum"))
        {
            c.ExpectOp("(");
            var labels = new List<string>();
            if (!c.Peek().IsOp(")"))
            {
                do
                {
                    var (l, lp) = (StringLiteral(c), c.Pos(c.Last));
                    if (labels.Contains(l)) throw Error($"enum label \"{l}\" used more than once", lp);
                    labels.Add(l);
                }
                while (c.TryOp(","));
            }
            c.ExpectOp(")");
            if (!c.AtEnd) throw c.Unexpected(c.Peek());
            _graph.Enums.Add(new EnumType { Name = name, Labels = labels, Position = c.Pos(c.Statement.Tokens[0]) });
            return;
        }
        _opaqueTypes.Add(name);
        string what = c.PeekWord("as") && c.PeekWord("range", 1) ? "range" : c.PeekWord("as") ? "composite" : "base";
        Note("type", $"{what} type {name} is not generated: columns of this type are read as an unknown type", pos);
    }

    private bool TypeExists(QualifiedName name) =>
        _graph.FindEnum(name) is not null || _domains.Exists(d => d.Name == name) || _opaqueTypes.Contains(name);

    private void CreateDomain(Cursor c)
    {
        var (name, _, pos) = c.QualifiedName("a domain name");
        if (TypeExists(name)) throw Error($"type {name} already exists", pos);
        c.TryWord("as");
        var spec = PgTypeParser.Parse(c);
        if (spec.Serial is not null) throw Error("a domain cannot be based on serial", spec.Pos);
        var d = new PendingDomain { Name = name, Base = spec, Pos = c.Pos(c.Statement.Tokens[0]) };
        while (!c.AtEnd)
        {
            var start = c.Peek();
            string? cname = null;
            if (c.TryWord("constraint")) cname = c.Ident("a constraint name");
            if (c.TryWord("collate")) CollationName(c);
            else if (c.TryWord("default"))
                d.Default = c.SkipUntil(x => x.Kind == TokKind.Word && x.Text is "constraint" or "not" or "null" or "check" or "collate", atLeastOne: true);
            else if (c.TryWords("not", "null")) d.NotNull = true;
            else if (c.TryWord("null")) d.NotNull = false;
            else if (c.TryWord("check"))
            {
                var (expr, _) = c.Parenthesized();
                if (expr.Length == 0) throw c.Unexpected(c.Last, "an expression");
                c.TryWords("no", "inherit");
                c.TryWords("not", "valid");
                d.Checks.Add(new CheckConstraint { Name = cname, Expression = expr, Position = c.Pos(start), Predicate = CheckExpressionParser.TryParse(expr, domain: true) });
            }
            else throw c.Unexpected(c.Peek());
        }
        _domains.Add(d);
    }

    private void CreateSequence(Cursor c)
    {
        bool ifNotExists = c.TryWords("if", "not", "exists");
        var (name, _, pos) = c.QualifiedName("a sequence name");
        if (_graph.FindSequence(name) is not null)
        {
            if (ifNotExists) { SkipStatement(c, "existing-sequence"); return; }
            throw Error($"duplicate sequence {name}", pos);
        }
        var seq = new SequenceDef { Name = name, Position = c.Pos(c.Statement.Tokens[0]) };
        SequenceOptions(c, seq, identity: false);
        if (!c.AtEnd) throw c.Unexpected(c.Peek());
        _graph.Sequences.Add(seq);
    }

    /// <summary>Sequence options (CREATE/ALTER SEQUENCE and identity columns). Returns SEQUENCE NAME when given.</summary>
    private QualifiedName? SequenceOptions(Cursor c, SequenceDef seq, bool identity)
    {
        QualifiedName? named = null;
        while (!c.AtEnd && !(identity && c.Peek().IsOp(")")))
        {
            var t = c.Peek();
            if (c.TryWord("as"))
            {
                var spec = PgTypeParser.Parse(c);
                if (spec.Builtin is not { IsInteger: true } b || spec.Serial is not null)
                    throw Error("sequence type must be smallint, integer, or bigint", spec.Pos);
                seq.DataType = b.ToPgSql();
            }
            else if (c.TryWord("increment")) { c.TryWord("by"); seq.Increment = Int64(c); }
            else if (c.TryWords("no", "minvalue")) seq.MinValue = null;
            else if (c.TryWords("no", "maxvalue")) seq.MaxValue = null;
            else if (c.TryWords("no", "cycle")) seq.Cycle = false;
            else if (c.TryWord("minvalue")) seq.MinValue = Int64(c);
            else if (c.TryWord("maxvalue")) seq.MaxValue = Int64(c);
            else if (c.TryWord("start")) { c.TryWord("with"); seq.Start = Int64(c); }
            else if (c.TryWord("restart"))
            {
                if (c.TryWord("with") || c.Peek().Kind == TokKind.Number || c.Peek().IsOp("-")) Int64(c);
            }
            else if (c.TryWord("cache")) Int64(c);
            else if (c.TryWord("cycle")) seq.Cycle = true;
            else if (c.TryWord("logged") || c.TryWord("unlogged")) { }
            else if (c.TryWords("owned", "by"))
            {
                if (c.TryWord("none")) seq.OwnedBy = null;
                else
                {
                    var first = c.Peek();
                    var parts = new List<string> { c.Ident() };
                    while (c.TryOp(".")) parts.Add(c.Ident());
                    if (parts.Count < 2) throw Error("invalid OWNED BY option: name a table column", c.Pos(first));
                    var tableName = parts.Count == 2 ? new QualifiedName(c.DefaultSchema, parts[0]) : new QualifiedName(parts[^3], parts[^2]);
                    _ownedBy.Add((seq, tableName, parts.Count > 2, c.SearchPath, parts[^1], c.Pos(first)));
                }
            }
            else if (identity && c.TryWords("sequence", "name")) named = c.QualifiedName("a sequence name").Name;
            else throw c.Unexpected(t);
        }
        return named;
    }

    private static long Int64(Cursor c)
    {
        var t = c.Peek();
        bool neg = false;
        if (t.IsOp("-") || t.IsOp("+")) { neg = t.Text == "-"; c.Next(); t = c.Peek(); }
        if (t.Kind != TokKind.Number || !decimal.TryParse(t.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var v))
            throw c.Unexpected(t, "an integer");
        c.Next();
        if (neg) v = -v;
        if (v < long.MinValue || v > long.MaxValue) throw Error($"value {t.Text} is out of range for a sequence", c.Pos(t));
        return (long)v;
    }

    // ───────────────────────────── index, extension, schema ─────────────────────────────

    private void CreateIndex(Cursor c, Token createTok, bool unique)
    {
        c.ExpectWord("index");
        c.TryWord("concurrently");
        c.TryWords("if", "not", "exists");
        string name = "";
        if (!c.PeekWord("on")) name = c.Ident("an index name");
        c.ExpectWord("on");
        c.TryWord("only");
        var (table, explicitSchema, pos) = c.QualifiedName("a table name");
        if (c.TryWord("using")) c.Ident("an index method");
        // The key: plain column names are remembered (for FK targets and USING INDEX); an expression makes it null.
        c.ExpectOp("(");
        List<string>? columns = [];
        do
        {
            var element = c.SkipUntil(t => t.IsOp(","));
            if (element.Length == 0) throw c.Unexpected(c.Peek(), "an index column");
            if (PlainIndexColumn(element) is { } col) columns?.Add(col);
            else columns = null;
        }
        while (c.TryOp(","));
        c.ExpectOp(")");
        bool partial = false;
        while (!c.AtEnd)
        {
            if (c.Peek().IsWord("where")) partial = true;
            c.Next();
        }
        var sql = c.Text(createTok, c.Last).Trim();
        var index = new IndexDef { Name = name, Table = table, Sql = sql, Unique = unique };
        _indexes.Add((index, table, explicitSchema, c.SearchPath, pos));
        _indexKeys[index] = (columns, partial);
    }

    /// <summary>The column of an index element "col [COLLATE x] [opclass] [ASC|DESC] [NULLS FIRST|LAST]", or null
    /// for an expression.</summary>
    private static string? PlainIndexColumn(string element)
    {
        var toks = new PgLexer(element, "").TokenizeAll();
        var first = toks[0];
        if (!first.IsIdent || first.Kind == TokKind.Word && first.Text is "case" or "row" or "array" or "not" or "exists" or "cast") return null;
        for (int i = 1; i < toks.Count - 1; i++)
            if (!toks[i].IsIdent && !toks[i].IsOp(".")) return null;
        return first.Text;
    }

    private void CreateExtension(Cursor c)
    {
        c.TryWords("if", "not", "exists");
        var name = c.Ident("an extension name");
        if (!_graph.Extensions.Contains(name)) _graph.Extensions.Add(name);
        c.SkipUntil(_ => false);
    }

    private static void CreateSchema(Cursor c)
    {
        c.TryWords("if", "not", "exists");
        if (!c.PeekWord("authorization")) c.Ident("a schema name");
        if (c.TryWord("authorization")) c.Ident("a role");
        if (!c.AtEnd) throw new SchemaException("CREATE SCHEMA with schema elements is not supported; end the CREATE SCHEMA with ';'", c.Pos(c.Peek()));
    }

    // ───────────────────────────── resolution ─────────────────────────────

    /// <summary>A table by name: an unqualified name is looked for along the search path; a qualifier naming a
    /// schema in which no table was created (DB2's TPCD.REGION) falls back to the one table of that name in any
    /// schema, ignoring case.</summary>
    private TableDef? LookupTable(QualifiedName name, bool explicitSchema, IReadOnlyList<string> searchPath)
    {
        var t = _graph.FindTable(name);
        if (t is not null) return t;
        if (!explicitSchema)
        {
            foreach (var schema in searchPath)
                if (_graph.FindTable(new QualifiedName(schema, name.Name)) is { } onPath) return onPath;
            return null;
        }
        if (_graph.Tables.Exists(x => x.Name.Schema == name.Schema)) return null;
        TableDef? found = null;
        foreach (var x in _graph.Tables)
        {
            if (!string.Equals(x.Name.Name, name.Name, StringComparison.OrdinalIgnoreCase)) continue;
            if (found is not null) return null;
            found = x;
        }
        return found;
    }

    public SchemaReadResult Finish()
    {
        // 1. Domains, then column types (a type may be used before its declaration).
        foreach (var d in _domains)
        {
            ResolveDomain(d, 0);
            foreach (var chk in d.Checks)
                if (chk.Predicate?.Columns().FirstOrDefault(x => x != "VALUE") is { } other)
                    throw Error($"a domain CHECK can only refer to VALUE, not \"{other}\"", chk.Position!.Value);
        }
        foreach (var (col, spec) in _columnTypes)
        {
            var (type, notNull) = ResolveType(spec, 0);
            col.Type = type;
            if (notNull) col.Nullable = false;
        }
        foreach (var (table, colName, pos) in _notNulls) ColumnOf(table, colName, pos).Nullable = false;

        // 2. Keys and checks name existing columns; primary-key columns are NOT NULL.
        foreach (var k in _keys)
        {
            for (int i = 0; i < k.Key.Columns.Count; i++) ColumnOf(k.Table, k.Key.Columns[i], k.ColumnPositions[i]);
            if (ReferenceEquals(k.Table.PrimaryKey, k.Key))
                foreach (var cn in k.Key.Columns) k.Table.Column(cn).Nullable = false;
        }
        foreach (var (table, chk) in _checks)
            if (chk.Predicate is { } p)
                foreach (var cn in p.Columns().Distinct())
                    ColumnOf(table, cn, chk.Position!.Value);
        foreach (var (table, cols) in _partitionBy)
            foreach (var (cn, pos) in cols) ColumnOf(table, cn, pos);

        // 3. Indexes (their tables may be referenced with a search path or DB2 qualifier).
        var uniqueIndexes = new List<(TableDef Table, List<string>? Columns)>();
        foreach (var (index, tableName, explicitSchema, path, pos) in _indexes)
        {
            var table = LookupTable(tableName, explicitSchema, path);
            if (table is null)
            {
                if (_views.Contains(tableName)) { Skip("index", $"skipped index {index.Name} on materialized view {tableName}", pos); continue; }
                throw Error($"index {index.Name} on missing table {tableName}", pos);
            }
            var cols = _indexKeys[index].Columns;
            if (cols is not null)
                for (int i = 0; i < cols.Count; i++) ColumnOf(table, cols[i], pos);
            if (index.Unique && !_indexKeys[index].Partial) uniqueIndexes.Add((table, cols));
            _graph.Indexes.Add(table.Name == index.Table ? index : new IndexDef { Name = index.Name, Table = table.Name, Sql = index.Sql, Unique = index.Unique });
        }

        // 4. Foreign keys: the referenced columns must be a primary key, a UNIQUE constraint or a unique index.
        foreach (var f in _fks)
        {
            for (int i = 0; i < f.Fk.Columns.Count; i++) ColumnOf(f.Table, f.Fk.Columns[i], f.ColumnPositions[i]);
            var target = LookupTable(f.Target, f.ExplicitSchema, f.SearchPath)
                ?? throw Error($"foreign key references missing table {f.Target}", f.TargetPos);
            f.Fk.RefTable = target.Name;
            if (f.Fk.RefColumns.Count == 0)
            {
                if (target.PrimaryKey is null)
                    throw Error($"foreign key references table {target.Name} without naming columns, and it has no primary key", f.TargetPos);
                f.Fk.RefColumns = [.. target.PrimaryKey.Columns];
            }
            else
                for (int i = 0; i < f.Fk.RefColumns.Count; i++) ColumnOf(target, f.Fk.RefColumns[i], f.RefColumnPositions[i]);
            if (f.Fk.RefColumns.Count != f.Fk.Columns.Count)
                throw Error($"number of referencing and referenced columns for foreign key disagree ({f.Fk.Columns.Count} vs {f.Fk.RefColumns.Count})", f.Fk.Position!.Value);
            if (!IsUniqueKey(target, f.Fk.RefColumns, uniqueIndexes))
                throw Error($"there is no unique constraint matching given keys for referenced table {target.Name}", f.TargetPos);
        }

        // 5. Partitions.
        foreach (var a in _attaches)
        {
            var parent = LookupTable(a.Parent, a.ParentExplicit, a.SearchPath) ?? throw Error($"partition parent {a.Parent} does not exist", a.ParentPos);
            var child = LookupTable(a.Child, a.ChildExplicit, a.SearchPath) ?? throw Error($"partition {a.Child} does not exist", a.ChildPos);
            if (parent.Partitioning is null) throw Error($"table {parent.Name} is not partitioned", a.ParentPos);
            if (child.PartitionOf is not null) throw Error($"table {child.Name} is already a partition", a.ChildPos);
            for (var p = parent; p is not null; p = Parent(p))
                if (ReferenceEquals(p, child)) throw Error($"table {child.Name} cannot be a partition of itself or of its own partition", a.ChildPos);
            child.PartitionOf = parent.Name;
            parent.Partitioning.Partitions.Add(new PartitionBound { Table = child.Name, Bound = a.Bound.Text, From = a.Bound.From, To = a.Bound.To, In = a.Bound.In });
        }

        // Partitions: a NOT NULL column of the parent is NOT NULL in its partitions.
        foreach (var t in _graph.Tables)
            for (var p = Parent(t); p is not null; p = Parent(p))
                foreach (var col in t.Columns)
                    if (p.FindColumn(col.Name) is { Nullable: false }) col.Nullable = false;

        // 6. Sequence owners.
        foreach (var (seq, tableName, explicitSchema, path, colName, pos) in _ownedBy)
        {
            var table = LookupTable(tableName, explicitSchema, path) ?? throw Error($"sequence owner table {tableName} does not exist", pos);
            ColumnOf(table, colName, pos);
            seq.OwnedBy = (table.Name, colName);
        }

        var notices = _notices.Select(n => (n.Seq, n.Notice))
            .Concat(_skipped.Select(kv => (kv.Value.Seq, new ReaderNotice(kv.Key,
                kv.Value.Count == 1 ? kv.Value.Message : $"{kv.Value.Message} (and {kv.Value.Count - 1} more)", kv.Value.Pos))))
            .OrderBy(x => _files.IndexOf(x.Item2.Position.File)).ThenBy(x => x.Item2.Position.Line)
            .ThenBy(x => x.Item2.Position.Column).ThenBy(x => x.Seq)
            .Select(x => x.Item2).ToList();
        return new SchemaReadResult { Graph = _graph, Notices = notices };
    }

    private TableDef? Parent(TableDef t) => t.PartitionOf is { } p ? _graph.FindTable(p) : null;

    private static bool IsUniqueKey(TableDef table, List<string> columns, List<(TableDef Table, List<string>? Columns)> uniqueIndexes)
    {
        bool Same(IReadOnlyCollection<string> k) => k.Count == columns.Count && k.All(columns.Contains) && columns.All(k.Contains);
        if (table.PrimaryKey is { } pk && Same(pk.Columns)) return true;
        if (table.Uniques.Exists(u => Same(u.Columns))) return true;
        // A unique index on expressions cannot be checked here: give it the benefit of the doubt.
        return uniqueIndexes.Exists(u => ReferenceEquals(u.Table, table) && (u.Columns is null || Same(u.Columns)));
    }

    private static ColumnDef ColumnOf(TableDef table, string name, SourcePosition pos) =>
        table.FindColumn(name) ?? throw Error($"column \"{name}\" does not exist in table {table.Name}", pos);

    private void ResolveDomain(PendingDomain d, int depth)
    {
        if (d.Built is not null) return;
        if (d.Resolving || depth > 50) throw Error($"domain {d.Name} is defined in terms of itself", d.Pos);
        d.Resolving = true;
        var (baseType, notNull) = ResolveType(d.Base, depth + 1);
        var built = new DomainType { Name = d.Name, BaseType = baseType with { Domain = null }, NotNull = d.NotNull, Default = d.Default, Position = d.Pos };
        built.Checks.AddRange(d.Checks);
        d.EffectiveNotNull = d.NotNull || notNull;
        d.Built = built;
        d.Resolving = false;
        _graph.Domains.Add(built);
    }

    private (SqlType Type, bool NotNull) ResolveType(TypeSpec spec, int depth)
    {
        if (spec.Builtin is { } b) return (b, false);
        var name = spec.UserName!.Value;
        if (spec.OtherBuiltin)
        {
            Note("type", $"type {name.Name} is read as an unknown type (no generator)", spec.Pos);
            return (new SqlType { Kind = TypeKind.Other, UserType = name, ArrayDims = spec.ArrayDims }, false);
        }
        var domain = _domains.Find(x => x.Name == name);
        var en = _graph.FindEnum(name);
        var opaque = _opaqueTypes.Contains(name);
        if (domain is null && en is null && !opaque && !spec.ExplicitSchema)
            foreach (var schema in spec.SearchPath)
            {
                var q = new QualifiedName(schema, name.Name);
                domain = _domains.Find(x => x.Name == q);
                en = _graph.FindEnum(q);
                opaque = _opaqueTypes.Contains(q);
                if (domain is not null || en is not null || opaque) break;
            }
        if (domain is null && en is null && !opaque && !spec.ExplicitSchema)
        {
            // Unqualified and not in public: the one type of that name in another schema.
            var ds = _domains.FindAll(x => x.Name.Name == name.Name);
            var es = _graph.Enums.FindAll(x => x.Name.Name == name.Name);
            if (ds.Count + es.Count == 1) { domain = ds.FirstOrDefault(); en = es.FirstOrDefault(); }
        }
        if (domain is not null)
        {
            ResolveDomain(domain, depth + 1);
            var bt = domain.Built!.BaseType;
            return (bt with { Domain = domain.Name, ArrayDims = bt.ArrayDims + spec.ArrayDims }, domain.EffectiveNotNull && spec.ArrayDims == 0);
        }
        if (en is not null) return (new SqlType { Kind = TypeKind.Enum, UserType = en.Name, ArrayDims = spec.ArrayDims }, false);
        if (opaque || _graph.Extensions.Count > 0)
        {
            Note("type", $"type {spec.Text} is read as an unknown type (no generator)", spec.Pos);
            return (new SqlType { Kind = TypeKind.Other, UserType = name, ArrayDims = spec.ArrayDims }, false);
        }
        throw Error($"unknown type '{spec.Text}'", spec.Pos);
    }
}
