namespace PluRelSql.Schema.Postgres;

// ALTER TABLE / SEQUENCE / DOMAIN / TYPE.
internal sealed partial class PgSchemaBuilder
{
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

    // ENABLE ROW LEVEL SECURITY, ENABLE TRIGGER, REPLICA IDENTITY …: counted as "ALTER TABLE … action"s.
    private static string AlterTableAction(Token t) => $"ALTER TABLE {t.Text.ToUpperInvariant()} action";

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
        TableDraft Need() => table ?? throw Error($"ALTER TABLE on missing table {name}", namePos);
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
                Skip("owner", "skipped " + c.Head(), c.Pos(c.Statement.Tokens[0]), "owner change");
            }
            else if (t.Kind == TokKind.Word && t.Text is "replica" or "cluster" or "enable" or "disable" or "set" or "reset"
                         or "inherit" or "no" or "validate" or "force" or "of" or "not" or "detach" or "owner")
            {
                c.SkipUntil(x => x.IsOp(","));
                Skip("alter-table", "skipped " + c.Head(), c.Pos(t), AlterTableAction(t));
            }
            else throw c.Unexpected(t);
        }
        while (c.TryOp(","));
        if (!c.AtEnd) throw c.Unexpected(c.Peek());
    }

    private static bool DropConstraint(TableDraft t, string name)
    {
        if (t.PrimaryKey?.Name == name) { t.PrimaryKey = null; return true; }
        return t.Uniques.RemoveAll(k => k.Name == name) + t.ForeignKeys.RemoveAll(k => k.Name == name) + t.Checks.RemoveAll(k => k.Name == name) > 0;
    }

    private void AlterColumn(Cursor c, TableDraft table)
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
            Skip("alter-table", "skipped " + c.Head(), c.Pos(t), AlterTableAction(t));
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
        var altered = seq;
        SequenceOptions(c, ref altered, identity: false);
        if (!c.AtEnd) throw c.Unexpected(c.Peek());
        _graph.Sequences[_graph.Sequences.IndexOf(seq)] = altered;
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
                var (expr, open) = c.Parenthesized();
                if (expr.Length == 0) throw c.Unexpected(c.Last, "an expression");
                CheckExpressionSyntax(c, open);
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
            else ReplaceEnum(e, e with { Labels = [.. e.Labels.Take(at), label, .. e.Labels.Skip(at)] });
        }
        else if (e is not null && c.TryWords("rename", "value"))
        {
            int i = LabelIndex(c, e, pos);
            c.ExpectWord("to");
            var renamed = StringLiteral(c);
            ReplaceEnum(e, e with { Labels = [.. e.Labels.Select((l, j) => j == i ? renamed : l)] });
        }
        else { SkipStatement(c, "alter-type"); return; }
        if (!c.AtEnd) throw c.Unexpected(c.Peek());
    }

    private void ReplaceEnum(EnumType old, EnumType altered) => _graph.Enums[_graph.Enums.IndexOf(old)] = altered;

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
}
