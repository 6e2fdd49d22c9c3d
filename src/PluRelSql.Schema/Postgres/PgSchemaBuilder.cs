namespace PluRelSql.Schema.Postgres;

/// <summary>Builds a <see cref="SchemaGraph"/> statement by statement; references that may point forward (types,
/// FK targets, index tables) are kept pending and resolved in <see cref="Finish"/>.</summary>
internal sealed partial class PgSchemaBuilder
{
    private readonly GraphDraft _graph = new();
    private readonly List<(int Seq, ReaderNotice Notice)> _notices = [];
    private readonly Dictionary<string, (int Seq, string Message, SourcePosition Pos, int Count)> _skipped = new(StringComparer.Ordinal);
    private readonly List<SkippedStatement> _skippedAll = [];
    private int _seq;
    private readonly List<string> _files = [];
    private readonly Dictionary<QualifiedName, TableDraft> _tables = [];
    private IReadOnlyList<string> _searchPath = ["public"];

    private readonly List<(ColumnDraft Column, TypeSpec Spec)> _columnTypes = [];
    private readonly List<PendingDomain> _domains = [];
    private readonly List<PendingKey> _keys = [];
    private readonly List<PendingFk> _fks = [];
    private readonly List<(TableDraft Table, CheckConstraint Check)> _checks = [];
    private readonly List<(TableDraft Table, string Column, SourcePosition Pos)> _exclusionColumns = [];
    private readonly List<(TableDraft Table, string Column, SourcePosition Pos)> _notNulls = [];
    private readonly List<(TableDraft Table, List<(string Name, SourcePosition Pos)> Columns)> _partitionBy = [];
    private readonly List<PendingAttach> _attaches = [];
    private readonly List<(IndexDef Index, QualifiedName Table, bool Explicit, IReadOnlyList<string> Path, SourcePosition Pos)> _indexes = [];
    // Seq: the sequence's name, null for an identity column's options (checked, but they name no graph sequence).
    private readonly List<(QualifiedName? Seq, QualifiedName Table, bool Explicit, IReadOnlyList<string> Path, string Column, SourcePosition Pos)> _ownedBy = [];
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

    private sealed record PendingKey(TableDraft Table, KeyConstraint Key, List<SourcePosition> ColumnPositions);

    private sealed record PendingFk(TableDraft Table, ForeignKey Fk, QualifiedName Target, bool ExplicitSchema,
        IReadOnlyList<string> SearchPath, SourcePosition TargetPos, List<SourcePosition> ColumnPositions, List<SourcePosition> RefColumnPositions);

    private sealed record PendingAttach(QualifiedName Parent, bool ParentExplicit, SourcePosition ParentPos,
        QualifiedName Child, bool ChildExplicit, SourcePosition ChildPos, BoundSpec Bound, IReadOnlyList<string> SearchPath);

    private sealed record BoundSpec(string Text, List<string>? From, List<string>? To, List<string>? In);

    // ───────────────────────────── driver ─────────────────────────────

    /// <summary>\i nesting deeper than this is refused (a runaway include chain, not a real script).</summary>
    private const int MaxIncludeDepth = 16;

    private PsqlSession? _psql;
    private PgLexer? _lexer;
    // Full paths of the files being read, the outermost first: a file that includes one of them is a cycle.
    private readonly List<string> _including = [];

    /// <param name="strictUtf8">The text was decoded from a file as strict UTF-8 (see <see cref="PgLexer"/>).</param>
    public void ReadText(string text, string file, bool strictUtf8 = false)
    {
        // One psql session for all files of a read: variables set in one file are seen by the next, as with psql -f a -f b.
        _psql ??= new PsqlSession
        {
            Include = IncludeFile,
            Skipped = (name, message, at) => Skip("psql-command", message, at, $"\\{name} command"),
        };
        _files.Add(file);
        var outer = _lexer;
        var lexer = new PgLexer(text, file, Skip, _psql, strictUtf8) { BackslashInStrings = outer?.BackslashInStrings ?? false };
        _lexer = lexer;
        _including.Add(file.Length == 0 ? "" : Path.GetFullPath(file));
        try
        {
            while (lexer.NextStatement() is { } st)
            {
                var c = new Cursor(st) { SearchPath = _searchPath };
                Dispatch(c);
                if (c.Statement.Tokens[0].IsWord("set")) StandardConformingStrings(c.Statement, lexer);
            }
        }
        finally
        {
            _including.RemoveAt(_including.Count - 1);
            _lexer = outer;
        }
        // SET standard_conforming_strings in an included file holds for the rest of the including one (one session).
        if (outer is not null) outer.BackslashInStrings = lexer.BackslashInStrings;
    }

    /// <summary>\i FILE and \ir FILE: the file is read where the command stands, its positions naming it. A relative
    /// name is taken from the including file's directory (\i falls back to the working directory, as psql does).</summary>
    private void IncludeFile(string name, bool relative, SourcePosition at)
    {
        var command = relative ? "\\ir" : "\\i";
        var dir = Path.GetDirectoryName(at.File);
        var path = Path.IsPathRooted(name) || string.IsNullOrEmpty(dir) ? name : Path.Combine(dir, name);
        if (!relative && !File.Exists(path) && File.Exists(name)) path = name;
        var full = Path.GetFullPath(path);
        var cycle = _including.IndexOf(full);
        if (cycle >= 0)
            throw Error($"{command} {name}: include cycle ({string.Join(" → ", _including.Skip(cycle).Append(full).Select(Path.GetFileName))})", at);
        if (_including.Count > MaxIncludeDepth)
            throw Error($"{command} {name}: files are included more than {MaxIncludeDepth} deep", at);
        if (!File.Exists(path))
            throw Error(Directory.Exists(path) ? $"{command} {name}: {path} is a directory, not a file" : $"{command} {name}: no such file {path}", at);
        ReadText(PgDdlReader.ReadFileText(path), path, strictUtf8: true);
    }

    /// <summary>Counts a skipped statement in its kind's notice and keeps it for the summary (<paramref name="what"/>:
    /// the singular noun it is counted under, e.g. "function").</summary>
    private void Skip(string kind, string message, SourcePosition pos, string what)
    {
        if (_skipped.TryGetValue(kind, out var s)) _skipped[kind] = s with { Count = s.Count + 1 };
        else _skipped[kind] = (_seq++, message, pos, 1);
        _skippedAll.Add(new SkippedStatement(what, message.StartsWith("skipped ", StringComparison.Ordinal) ? message[8..] : message, pos));
    }

    private void SkipStatement(Cursor c, string kind) =>
        Skip(kind, "skipped " + c.Head(), c.Pos(c.Statement.Tokens[0]), SkipLabel(c.Statement, kind));

    /// <summary>What a skipped statement is called in the summary: the object a CREATE/ALTER makes ("event trigger",
    /// "materialized view"), set_config/setval calls, the data statement, and so on.</summary>
    private static string SkipLabel(Statement st, string kind)
    {
        var toks = st.Tokens;
        string W(int i) => i < toks.Count && toks[i].Kind == TokKind.Word ? toks[i].Text : "";
        switch (kind)
        {
            case "owner": return "owner change";
            case "grant": return W(0) == "revoke" ? "revoke" : W(0) == "alter" ? "default privilege" : "grant";
            case "comment": return "comment";
            case "security-label": return "security label";
            case "transaction": return "transaction statement";
            case "drop": return "DROP statement";
            case "data": return W(0) == "copy" && toks.Exists(t => t.IsWord("stdin")) ? "COPY data block" : W(0).ToUpperInvariant();
            case "set": return W(0) == "reset" ? "RESET" : "SET";
            case "select":
                if (toks.Exists(t => t.IsWord("set_config"))) return "set_config call";
                if (toks.Exists(t => t.IsWord("setval"))) return "setval call";
                return W(0).ToUpperInvariant();
            case "refresh": return "materialized view refresh";
            case "maintenance": return W(0).ToUpperInvariant();
            case "existing-table" or "existing-sequence": return "CREATE … IF NOT EXISTS of an existing object";
            case "table-as": return "CREATE TABLE AS";
        }
        if (W(0) == "do") return "DO block";
        if (W(0) == "call") return "CALL";
        if (W(0) == "connect") return "CONNECT";
        int i = 1;
        if (W(0) == "alter")
        {
            var obj = W(1) is "materialized" or "event" or "foreign" or "default" or "large" or "operator" or "text" or "user"
                ? W(1) + " " + W(2) : W(1);
            return $"ALTER {obj.ToUpperInvariant()} statement";
        }
        if (W(0) != "create") return kind;
        if (W(i) == "or" && W(i + 1) == "replace") i += 2;
        while (W(i) is "temp" or "temporary" or "global" or "local" or "unlogged" or "trusted" or "procedural" or "recursive" or "default" or "constraint")
            i++;
        return W(i) switch
        {
            "foreign" when W(i + 1) == "data" => "foreign data wrapper",
            "event" or "materialized" or "foreign" when W(i + 1) is "trigger" or "view" or "table" => W(i) + " " + W(i + 1),
            "user" when W(i + 1) == "mapping" => "user mapping",
            "access" => "access method",
            "text" => "text search " + (W(i + 2) == "configuration" ? "config" : W(i + 2)),
            "operator" when W(i + 1) is "class" or "family" => "operator " + W(i + 1),
            "server" => "foreign server",
            "statistics" => "statistics object",
            "user" or "group" => "role",
            "" => kind,
            var w => w,
        };
    }

    private void Note(string kind, string message, SourcePosition pos) =>
        _notices.Add((_seq++, new ReaderNotice(kind, message, pos)));

    private void AddTable(TableDraft table)
    {
        _graph.Tables.Add(table);
        _tables.Add(table.Name, table);
    }

    private TableDraft? FindTable(QualifiedName name) => _tables.GetValueOrDefault(name);

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
            case "comment": CommentOn(c); break;
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

    /// <summary>COMMENT ON TABLE t / COLUMN t.c IS '…' | NULL: kept on the model (the classifier reads it, the DDL
    /// writer emits it). Comments on other objects, or on tables the script does not create, are skipped.</summary>
    private void CommentOn(Cursor c)
    {
        c.ExpectWord("comment");
        c.ExpectWord("on");
        var isColumn = c.PeekWord("column");
        if (!isColumn && !c.PeekWord("table")) { SkipStatement(c, "comment"); return; }
        c.Next();
        var pos = c.Pos(c.Peek());
        var parts = new List<string> { c.Ident("a table name") };
        while (c.TryOp(".")) parts.Add(c.Ident("a name"));
        c.ExpectWord("is");
        var text = c.TryWord("null") ? null : StringLiteral(c);
        if (!c.AtEnd) throw c.Unexpected(c.Peek(), "the end of the COMMENT statement");
        string? column = null;
        if (isColumn)
        {
            if (parts.Count < 2) throw Error("COMMENT ON COLUMN needs table.column", pos);
            column = parts[^1];
            parts.RemoveAt(parts.Count - 1);
        }
        var name = parts.Count == 1 ? new QualifiedName(c.DefaultSchema, parts[0]) : new QualifiedName(parts[^2], parts[^1]);
        var table = LookupTable(name, parts.Count > 1, c.SearchPath);
        var col = column is null ? null : table?.FindColumn(column);
        if (table is null || (column is not null && col is null)) { SkipStatement(c, "comment"); return; }
        if (col is not null) col.Comment = text;
        else table.Comment = text;
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
    internal static void StandardConformingStrings(Statement st, PgLexer lexer)
    {
        var toks = st.Tokens;
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
}
