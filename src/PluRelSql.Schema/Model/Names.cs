namespace PluRelSql.Schema;

/// <summary>A schema-qualified object name, exactly as the catalog stores it (PostgreSQL folds unquoted
/// identifiers to lower case before they get here).</summary>
public readonly record struct QualifiedName(string Schema, string Name)
{
    public override string ToString() => Schema + "." + Name;

    /// <summary>SQL text with identifiers quoted only where PostgreSQL needs it.</summary>
    public string ToSql() => SqlIdent.Quote(Schema) + "." + SqlIdent.Quote(Name);
}

/// <summary>Where something was declared in a DDL file (1-based line and column).</summary>
public readonly record struct SourcePosition(string File, int Line, int Column)
{
    public override string ToString() => $"{File}:{Line}:{Column}";
}

public static class SqlIdent
{
    /// <summary>Quotes an identifier for PostgreSQL unless it is a plain lower-case identifier that is not a keyword.</summary>
    public static string Quote(string ident)
    {
        if (ident.Length > 0 && IsPlain(ident) && !ReservedWords.Contains(ident)) return ident;
        return "\"" + ident.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    private static bool IsPlain(string s)
    {
        if (!(s[0] is >= 'a' and <= 'z' || s[0] == '_')) return false;
        foreach (var c in s)
            if (!(c is >= 'a' and <= 'z' || c is >= '0' and <= '9' || c == '_' || c == '$')) return false;
        return true;
    }

    // Words that must be quoted as column or table names in PostgreSQL (reserved + type-ish words that break DDL).
    private static readonly HashSet<string> ReservedWords = new(StringComparer.Ordinal)
    {
        "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "both", "case", "cast",
        "check", "collate", "column", "constraint", "create", "current_catalog", "current_date", "current_role",
        "current_time", "current_timestamp", "current_user", "default", "deferrable", "desc", "distinct", "do",
        "else", "end", "except", "false", "fetch", "for", "foreign", "from", "grant", "group", "having", "in",
        "initially", "intersect", "into", "lateral", "leading", "limit", "localtime", "localtimestamp", "not",
        "null", "offset", "on", "only", "or", "order", "placing", "primary", "references", "returning", "select",
        "session_user", "some", "symmetric", "table", "then", "to", "trailing", "true", "union", "unique", "user",
        "using", "variadic", "when", "where", "window", "with", "authorization", "binary", "collation",
        "concurrently", "cross", "current_schema", "freeze", "full", "ilike", "inner", "is", "isnull", "join",
        "left", "like", "natural", "notnull", "outer", "overlaps", "right", "similar", "tablesample", "verbose",
        "between", "bigint", "bit", "boolean", "char", "character", "coalesce", "dec", "decimal", "exists",
        "extract", "float", "greatest", "grouping", "inout", "int", "integer", "interval", "least", "national",
        "nchar", "none", "normalize", "nullif", "numeric", "out", "overlay", "position", "precision", "real",
        "row", "setof", "smallint", "substring", "time", "timestamp", "treat", "trim", "values", "varchar",
        "xmlattributes", "xmlconcat", "xmlelement", "xmlexists", "xmlforest", "xmlnamespaces", "xmlparse",
        "xmlpi", "xmlroot", "xmlserialize", "xmltable",
    };
}
