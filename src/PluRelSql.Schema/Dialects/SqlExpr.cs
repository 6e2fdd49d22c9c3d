namespace PluRelSql.Schema.Dialects;

/// <summary>A dialect-neutral expression: what a DEFAULT, CHECK, computed column or index key says, read from one
/// dialect and written in the other. Functions carry neutral names (see <see cref="Fn"/>); a reader refuses what it
/// cannot express here, so a writer never meets a construct it would have to guess at.</summary>
internal abstract record SqlExpr
{
    /// <summary>Set by the PostgreSQL reader where the text is spelled beyond the simple CHECK forms (a qualified or
    /// keyword column, IS TRUE, a typed constant date '…', a sign before a parenthesis, a LIKE pattern that is not a
    /// plain string): <see cref="CheckForms"/> gives no predicate for such a node.</summary>
    public bool Unusual { get; init; }

    /// <summary>Set by the T-SQL reader where a constant or column was spelled with a sign the simple CHECK forms
    /// of T-SQL do not take (-(5), - -5, +a): <see cref="CheckForms.TSqlPredicate"/> gives no predicate for it.</summary>
    public bool UnusualInTSql { get; init; }
}

internal sealed record NumberLit(string Text) : SqlExpr;
internal sealed record StringLit(string Value) : SqlExpr;
internal sealed record BoolLit(bool Value) : SqlExpr
{
    /// <summary>The string a cast made this from ('t'::boolean); the simple CHECK forms keep that string.</summary>
    public string? CastFrom { get; init; }

    /// <summary>The T-SQL string ('TRUE') read as a boolean next to a bit column; T-SQL's CHECK forms keep the string.</summary>
    public string? FromString { get; init; }
}
internal sealed record NullLit : SqlExpr;
/// <summary>A binary constant as hex digits (T-SQL 0x…, PostgreSQL '\x…'::bytea).</summary>
internal sealed record BytesLit(string Hex) : SqlExpr;
internal sealed record ColumnRef(string Name) : SqlExpr;
/// <summary>A function in the neutral vocabulary of <see cref="Fn"/>.</summary>
internal sealed record Call(string Name, IReadOnlyList<SqlExpr> Args) : SqlExpr;
/// <summary>"-", "+" or "not".</summary>
internal sealed record Unary(string Op, SqlExpr Operand) : SqlExpr;
/// <summary>Arithmetic (+ - * / %), string concatenation ("||"), comparison (= &lt;&gt; &lt; &lt;= &gt; &gt;=) or "and" / "or".</summary>
internal sealed record Binary(string Op, SqlExpr Left, SqlExpr Right) : SqlExpr
{
    /// <summary>An AND / OR the T-SQL text put in parentheses of its own: T-SQL's CHECK forms keep it one term.</summary>
    public bool Parenthesized { get; init; }
}
internal sealed record IsNullExpr(SqlExpr Operand, bool Negated) : SqlExpr;
internal sealed record BetweenExpr(SqlExpr Operand, SqlExpr Low, SqlExpr High, bool Negated) : SqlExpr;
internal sealed record InExpr(SqlExpr Operand, IReadOnlyList<SqlExpr> Values, bool Negated) : SqlExpr;
internal sealed record LikeExpr(SqlExpr Operand, LikePattern Pattern, bool Negated) : SqlExpr;
internal sealed record CastExpr(SqlExpr Operand, SqlType Type) : SqlExpr;
internal sealed record CaseExpr(SqlExpr? Operand, IReadOnlyList<(SqlExpr When, SqlExpr Then)> Whens, SqlExpr? Else) : SqlExpr;
internal sealed record NextValue(QualifiedName Sequence) : SqlExpr;

/// <summary>The neutral function names and their arities.</summary>
internal static class Fn
{
    public const string Now = "now";                 // current date and time (getdate(), now(), CURRENT_TIMESTAMP)
    public const string UtcNow = "utcnow";           // getutcdate(), now() AT TIME ZONE 'utc'
    public const string CurrentDate = "current_date";
    public const string Uuid = "uuid";               // newid(), gen_random_uuid()
    public const string Length = "length";           // len(), length()
    public const string OctetLength = "octet_length"; // datalength(), octet_length()
    public const string CurrentUser = "current_user";
    public const string CurrentDatabase = "current_database";
    public const string Random = "random";
    public const string Position = "strpos";         // strpos(haystack, needle) = charindex(needle, haystack)
    public const string Year = "year", Month = "month", Day = "day";
    public const string Ceiling = "ceiling";
    public const string Ln = "ln", Log10 = "log10";
    /// <summary>dateadd(part as a string literal, number, date).</summary>
    public const string DateAdd = "dateadd";
    /// <summary>to_char(timestamp, PostgreSQL format): CONVERT(varchar, date, style). STABLE, so never in a generated column.</summary>
    public const string ToChar = "to_char";

    /// <summary>Functions spelled and behaving the same in both dialects (arity checked by the servers).</summary>
    public static readonly HashSet<string> Shared = new(StringComparer.Ordinal)
    {
        "coalesce", "nullif", "upper", "lower", "ltrim", "rtrim", "abs", "floor", "round", "power", "sqrt", "sign",
        "replace", "reverse", "left", "right", "exp", "concat", "substring",
    };

    public static readonly HashSet<string> DateParts = new(StringComparer.Ordinal)
    {
        "year", "month", "day", "hour", "minute", "second",
    };
}

/// <summary>An expression that has no counterpart in the target dialect (or could not be read); the converter
/// reports it with the object's name and position and leaves the object out.</summary>
internal sealed class UntranslatableException(string reason) : Exception(reason);
