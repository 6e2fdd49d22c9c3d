using System.Globalization;

namespace PluRelSql.Schema.Postgres;

/// <summary>A type as written in DDL: either a built-in type (already an <see cref="SqlType"/>) or the name of a
/// user type (enum, domain, extension type) that is resolved when the whole file has been read.</summary>
internal sealed class TypeSpec
{
    public SqlType? Builtin { get; init; }
    /// <summary>For serial/bigserial/smallserial: the integer type's name ("integer", "bigint", "smallint").</summary>
    public string? Serial { get; init; }
    public QualifiedName? UserName { get; init; }
    /// <summary>A PostgreSQL type we know exists but cannot generate (point, tsquery, int4range …).</summary>
    public bool OtherBuiltin { get; init; }
    public bool ExplicitSchema { get; init; }
    /// <summary>Where an unqualified user type is looked for.</summary>
    public IReadOnlyList<string> SearchPath { get; init; } = ["public"];
    public int ArrayDims { get; init; }
    /// <summary>A user type's modifiers as written, without spaces: "(Point,4326)" of geometry(Point, 4326).</summary>
    public string? Modifiers { get; init; }
    public required SourcePosition Pos { get; init; }
    public required string Text { get; init; }
}

internal static class PgTypeParser
{
    // The plain names of the type table (int4, varchar, timestamptz, …); the multi-word and modified names are parsed below.
    private static readonly Dictionary<string, TypeKind> Simple =
        TypeTable.All.SelectMany(d => d.PgAliases.Select(a => (Alias: a, d.Kind))).ToDictionary(e => e.Alias, e => e.Kind, StringComparer.Ordinal);

    private static readonly Dictionary<string, string> Serials = new(StringComparer.Ordinal)
    {
        ["smallserial"] = "smallint", ["serial2"] = "smallint",
        ["serial"] = "integer", ["serial4"] = "integer",
        ["bigserial"] = "bigint", ["serial8"] = "bigint",
    };

    /// <summary>Built-in PostgreSQL types with no <see cref="TypeKind"/> of their own: read as <see cref="TypeKind.Other"/>.</summary>
    private static readonly HashSet<string> OtherBuiltins = new(StringComparer.Ordinal)
    {
        "macaddr8", "point", "line", "lseg", "box", "path", "polygon", "circle", "tsquery", "oid", "regclass",
        "regproc", "regtype", "name", "char", "pg_lsn", "txid_snapshot", "pg_snapshot", "int4range", "int8range",
        "numrange", "tsrange", "tstzrange", "daterange", "int4multirange", "int8multirange", "nummultirange",
        "tsmultirange", "tstzmultirange", "datemultirange", "jsonpath", "xid", "xid8", "cid", "tid",
    };

    private static readonly HashSet<string> IntervalFields = new(StringComparer.Ordinal)
    {
        "year", "month", "day", "hour", "minute", "second", "to",
    };

    public static TypeSpec Parse(Cursor c)
    {
        var first = c.Peek();
        var pos = c.Pos(first);
        if (!first.IsIdent) throw c.Unexpected(first, "a type");
        var spec = ParseScalar(c, first, pos);
        int dims = ParseArrayDims(c);
        var text = c.Text(first, c.Last);
        if (spec.Serial is not null && dims > 0)
            throw new SchemaException("array of serial is not implemented", pos);
        return new TypeSpec
        {
            Builtin = spec.Builtin is { } b ? b with { ArrayDims = dims } : null,
            Serial = spec.Serial,
            UserName = spec.UserName,
            ExplicitSchema = spec.ExplicitSchema,
            SearchPath = c.SearchPath,
            OtherBuiltin = spec.OtherBuiltin,
            ArrayDims = dims,
            Modifiers = spec.Modifiers,
            Pos = pos,
            Text = spec.UserName is not null && !spec.OtherBuiltin ? spec.Text : text,
        };
    }

    private static int ParseArrayDims(Cursor c)
    {
        int dims = 0;
        while (true)
        {
            if (c.Peek().IsOp("["))
            {
                c.Next();
                if (c.Peek().Kind == TokKind.Number) c.Next();
                c.ExpectOp("]");
                dims++;
            }
            else if (c.PeekWord("array"))
            {
                c.Next();
                if (c.TryOp("["))
                {
                    if (c.Peek().Kind == TokKind.Number) c.Next();
                    c.ExpectOp("]");
                }
                dims++;
            }
            else return dims;
        }
    }

    private static TypeSpec ParseScalar(Cursor c, Token first, SourcePosition pos)
    {
        // Unquoted multi-word and parameterised built-ins.
        var t = c.Peek();
        if (t.Kind == TokKind.Word && t.Text == "pg_catalog" && c.Peek(1).IsOp(".") && c.Peek(2).IsIdent)
        {
            c.Next();
            c.Next();
            t = c.Peek();
        }
        string w = t.Text;
        bool quoted = t.Kind == TokKind.QuotedIdent;
        if (!quoted && !c.Peek(1).IsOp("."))
        {
            switch (w)
            {
                case "double":
                    c.Next();
                    c.ExpectWord("precision");
                    return Builtin(SqlType.Of(TypeKind.Double), pos);
                case "national":
                    c.Next();
                    if (!c.TryWord("character") && !c.TryWord("char")) throw c.Unexpected(c.Peek(), "CHARACTER");
                    return CharType(c, pos);
                case "character" or "char" or "nchar":
                    c.Next();
                    return CharType(c, pos);
                case "bit":
                    c.Next();
                    if (c.TryWord("varying")) return WithLength(c, TypeKind.VarBit, pos);
                    return WithLength(c, TypeKind.Bit, pos);
                case "time" or "timestamp":
                {
                    c.Next();
                    int? p = OptionalPrecision(c);
                    bool tz = false;
                    if (c.TryWord("with")) { c.ExpectWord("time"); c.ExpectWord("zone"); tz = true; }
                    else if (c.TryWord("without")) { c.ExpectWord("time"); c.ExpectWord("zone"); }
                    var kind = w == "time" ? (tz ? TypeKind.TimeTz : TypeKind.Time) : (tz ? TypeKind.TimestampTz : TypeKind.Timestamp);
                    return Builtin(new SqlType { Kind = kind, Precision = CheckTimePrecision(p, pos) }, pos);
                }
                case "interval":
                {
                    c.Next();
                    while (c.Peek().Kind == TokKind.Word && IntervalFields.Contains(c.Peek().Text)) c.Next();
                    int? p = OptionalPrecision(c);
                    return Builtin(new SqlType { Kind = TypeKind.Interval, Precision = CheckTimePrecision(p, pos) }, pos);
                }
                case "float":
                {
                    c.Next();
                    int? p = OptionalPrecision(c);
                    if (p is < 1 or > 53) throw new SchemaException("precision for type float must be between 1 and 53", pos);
                    return Builtin(SqlType.Of(p is <= 24 ? TypeKind.Real : TypeKind.Double), pos);
                }
            }
        }

        var nameStart = c.Peek();
        var (name, explicitSchema, _) = c.QualifiedName("a type");
        var nameText = c.Text(nameStart, c.Last);
        bool catalog = !explicitSchema || name.Schema == "pg_catalog";
        if (catalog)
        {
            var n = name.Name;
            if (Serials.TryGetValue(n, out var serialBase) && !explicitSchema)
            {
                NoModifiers(c, n, pos);
                return new TypeSpec { Builtin = SqlType.Of(Simple[serialBase]), Serial = serialBase, Pos = pos, Text = n };
            }
            if (n is "timestamptz" or "timetz")
            {
                int? p = OptionalPrecision(c);
                return Builtin(new SqlType { Kind = Simple[n], Precision = CheckTimePrecision(p, pos) }, pos);
            }
            if (n is "time" or "timestamp" or "interval")
            {
                int? p = OptionalPrecision(c);
                var kind = n switch { "time" => TypeKind.Time, "timestamp" => TypeKind.Timestamp, _ => TypeKind.Interval };
                return Builtin(new SqlType { Kind = kind, Precision = CheckTimePrecision(p, pos) }, pos);
            }
            if (n is "bit" && quoted) return WithLength(c, TypeKind.Bit, pos);
            if (Simple.TryGetValue(n, out var k))
            {
                switch (k)
                {
                    case TypeKind.Numeric:
                    {
                        var mods = Modifiers(c, pos, 2);
                        if (mods.Count == 0) return Builtin(SqlType.Of(TypeKind.Numeric), pos);
                        int p = mods[0];
                        int s = mods.Count > 1 ? mods[1] : 0;
                        if (p is < 1 or > 1000) throw new SchemaException($"NUMERIC precision {p} must be between 1 and 1000", pos);
                        if (s is < -1000 or > 1000) throw new SchemaException($"NUMERIC scale {s} must be between -1000 and 1000", pos);
                        return Builtin(new SqlType { Kind = TypeKind.Numeric, Precision = p, Scale = s }, pos);
                    }
                    case TypeKind.Varchar or TypeKind.Char or TypeKind.VarBit:
                        return WithLength(c, k, pos);
                    default:
                        NoModifiers(c, n, pos);
                        return Builtin(SqlType.Of(k), pos);
                }
            }
            if (OtherBuiltins.Contains(n) && (!quoted || n == "char"))
            {
                SkipModifiers(c);
                return new TypeSpec { OtherBuiltin = true, UserName = new QualifiedName("pg_catalog", n), Pos = pos, Text = n };
            }
        }
        // A user type: modifiers such as vector(20) or geometry(Point, 4326) are kept as written for an extension type.
        string? modifiers = c.Peek().IsOp("(") ? "(" + string.Join(",", c.ParenthesizedList().Select(m => string.Concat(m.Where(ch => !char.IsWhiteSpace(ch))))) + ")" : null;
        return new TypeSpec { UserName = name, ExplicitSchema = explicitSchema, Pos = pos, Text = nameText + modifiers, Modifiers = modifiers };
    }

    private static TypeSpec Builtin(SqlType t, SourcePosition pos) => new() { Builtin = t, Pos = pos, Text = t.ToPgSql() };

    private static TypeSpec CharType(Cursor c, SourcePosition pos)
    {
        if (c.TryWord("varying")) return WithLength(c, TypeKind.Varchar, pos);
        return WithLength(c, TypeKind.Char, pos);
    }

    private static TypeSpec WithLength(Cursor c, TypeKind k, SourcePosition pos)
    {
        var mods = Modifiers(c, pos, 1);
        int? len = mods.Count > 0 ? mods[0] : null;
        if (len is < 1 or > 10485760)
            throw new SchemaException($"length for type {SqlType.Of(k).ToPgSql().Split('(')[0]} must be between 1 and 10485760", pos);
        return Builtin(new SqlType { Kind = k, Length = len }, pos);
    }

    private static int? CheckTimePrecision(int? p, SourcePosition pos)
    {
        // PostgreSQL reduces a precision above 6 to 6 (with a warning).
        if (p < 0) throw new SchemaException($"time precision {p} must not be negative", pos);
        return p > 6 ? 6 : p;
    }

    private static int? OptionalPrecision(Cursor c)
    {
        if (!c.Peek().IsOp("(")) return null;
        var at = c.Pos(c.Peek());
        var mods = Modifiers(c, at, 1);
        return mods.Count == 0 ? null : mods[0];
    }

    private static void NoModifiers(Cursor c, string name, SourcePosition pos)
    {
        if (c.Peek().IsOp("(")) throw new SchemaException($"type modifier is not allowed for type \"{name}\"", c.Pos(c.Peek()));
        _ = pos;
    }

    /// <summary>( int [, int …] ) with at most <paramref name="max"/> values.</summary>
    private static List<int> Modifiers(Cursor c, SourcePosition pos, int max)
    {
        var list = new List<int>();
        if (!c.TryOp("(")) return list;
        do
        {
            var t = c.Peek();
            bool neg = false;
            if (t.IsOp("-")) { neg = true; c.Next(); t = c.Peek(); }
            if (t.Kind != TokKind.Number || !int.TryParse(t.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var v))
                throw c.Unexpected(t, "an integer type modifier");
            c.Next();
            list.Add(neg ? -v : v);
        }
        while (c.TryOp(","));
        c.ExpectOp(")");
        if (list.Count > max) throw new SchemaException("invalid type modifier", pos);
        return list;
    }

    private static void SkipModifiers(Cursor c)
    {
        if (c.Peek().IsOp("(")) c.Parenthesized();
    }
}
