using System.Globalization;

namespace PluRelSql.Schema.Postgres;

// CREATE TYPE / DOMAIN / SEQUENCE / INDEX / EXTENSION / SCHEMA.
internal sealed partial class PgSchemaBuilder
{
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
                var (expr, open) = c.Parenthesized();
                if (expr.Length == 0) throw c.Unexpected(c.Last, "an expression");
                CheckExpressionSyntax(c, open);
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
        SequenceOptions(c, ref seq, identity: false);
        if (!c.AtEnd) throw c.Unexpected(c.Peek());
        _graph.Sequences.Add(seq);
    }

    /// <summary>Sequence options (CREATE/ALTER SEQUENCE and identity columns), applied to <paramref name="seq"/> with
    /// <c>with</c>. Returns SEQUENCE NAME when given.</summary>
    private QualifiedName? SequenceOptions(Cursor c, ref SequenceDef seq, bool identity)
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
                seq = seq with { DataType = b.ToPgSql() };
            }
            else if (c.TryWord("increment")) { c.TryWord("by"); seq = seq with { Increment = Int64(c) }; }
            else if (c.TryWords("no", "minvalue")) seq = seq with { MinValue = null };
            else if (c.TryWords("no", "maxvalue")) seq = seq with { MaxValue = null };
            else if (c.TryWords("no", "cycle")) seq = seq with { Cycle = false };
            else if (c.TryWord("minvalue")) seq = seq with { MinValue = Int64(c) };
            else if (c.TryWord("maxvalue")) seq = seq with { MaxValue = Int64(c) };
            else if (c.TryWord("start")) { c.TryWord("with"); seq = seq with { Start = Int64(c) }; }
            else if (c.TryWord("restart"))
            {
                if (c.TryWord("with") || c.Peek().Kind == TokKind.Number || c.Peek().IsOp("-")) Int64(c);
            }
            else if (c.TryWord("cache")) Int64(c);
            else if (c.TryWord("cycle")) seq = seq with { Cycle = true };
            else if (c.TryWord("logged") || c.TryWord("unlogged")) { }
            else if (c.TryWords("owned", "by"))
            {
                if (c.TryWord("none")) seq = seq with { OwnedBy = null };
                else
                {
                    var first = c.Peek();
                    var parts = new List<string> { c.Ident() };
                    while (c.TryOp(".")) parts.Add(c.Ident());
                    if (parts.Count < 2) throw Error("invalid OWNED BY option: name a table column", c.Pos(first));
                    var tableName = parts.Count == 2 ? new QualifiedName(c.DefaultSchema, parts[0]) : new QualifiedName(parts[^3], parts[^2]);
                    _ownedBy.Add((identity ? null : seq.Name, tableName, parts.Count > 2, c.SearchPath, parts[^1], c.Pos(first)));
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
        var index = new IndexDef { Name = name, Table = table, Sql = sql, Unique = unique, Position = pos };
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
}
