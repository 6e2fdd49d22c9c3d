using System.Globalization;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace PluRelSql.Schema.TSql;

/// <summary>A column type read from T-SQL: the graph type, whether the column is NOT NULL unless it says NULL
/// (alias types declared NOT NULL, sysname), and whether the server fills it (rowversion).</summary>
internal readonly record struct TSqlColumnType(SqlType Type, bool NotNullByDefault, bool ServerGenerated, bool Unknown = false);

/// <summary>SQL Server types → <see cref="TypeKind"/>. Choices: money/smallmoney become numeric(19,4)/(10,4) (their
/// exact ranges); (n)varchar(max)/varbinary(max) become text/bytea; datetime is timestamp(3), smalldatetime
/// timestamp(0), and datetime2/datetimeoffset/time keep their precision capped at 6 (PostgreSQL's limit);
/// tinyint becomes smallint; rowversion/timestamp, sql_variant, hierarchyid, geography, geometry and vector
/// become <see cref="TypeKind.Other"/> named sys.&lt;type&gt;.</summary>
internal static class TSqlTypeMapper
{
    public static TSqlColumnType Map(DataTypeReference type, Func<QualifiedName, DomainType?> findDomain)
    {
        switch (type)
        {
            case SqlDataTypeReference s:
                return Builtin(s.SqlDataTypeOption.ToString().ToLowerInvariant(), s.Parameters)
                    ?? Unknown(new QualifiedName("sys", s.SqlDataTypeOption.ToString().ToLowerInvariant()));
            case XmlDataTypeReference:
                return new(SqlType.Of(TypeKind.Xml), false, false);
            case UserDataTypeReference u:
            {
                var schema = u.Name.SchemaIdentifier?.Value;
                var name = u.Name.BaseIdentifier.Value;
                if (schema is null || schema.Equals("sys", StringComparison.OrdinalIgnoreCase))
                {
                    // Bracketed built-in names ([int]) and the CLR system types arrive as user types.
                    if (Builtin(name.ToLowerInvariant(), u.Parameters) is { } builtin) return builtin;
                }
                var qualified = new QualifiedName(schema ?? TSqlNames.DefaultSchema, name);
                if (findDomain(qualified) is { } domain)
                    return new(domain.BaseType with { Domain = domain.Name }, domain.NotNull, false);
                return Unknown(qualified);
            }
            default:
                return Unknown(new QualifiedName("sys", type.Name?.BaseIdentifier?.Value ?? "unknown"));
        }
    }

    private static TSqlColumnType Unknown(QualifiedName name) =>
        new(new SqlType { Kind = TypeKind.Other, UserType = name }, false, false, Unknown: true);

    internal static TSqlColumnType? Builtin(string name, IList<Literal> args)
    {
        var max = args.Count > 0 && args[0] is MaxLiteral;
        int? Arg(int i) => args.Count > i && args[i] is not MaxLiteral &&
            int.TryParse(args[i].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;
        int? Capped(int? p) => p is { } v ? Math.Min(v, 6) : null;
        TSqlColumnType Of(SqlType t) => new(t, false, false);
        TSqlColumnType Kind(TypeKind k) => Of(SqlType.Of(k));
        TSqlColumnType Sys(string n, bool serverGenerated = false) =>
            new(new SqlType { Kind = TypeKind.Other, UserType = new QualifiedName("sys", n) }, false, serverGenerated);

        // The plain names (int, ntext, uniqueidentifier …) are the type table's; these read modifiers or map elsewhere.
        if (TypeTable.TryTSqlAlias(name, out var plain)) return Kind(plain);
        return name switch
        {
            "decimal" or "numeric" or "dec" =>
                Of(new SqlType { Kind = TypeKind.Numeric, Precision = Arg(0) ?? 18, Scale = Arg(1) ?? 0 }),
            "money" => Of(new SqlType { Kind = TypeKind.Numeric, Precision = 19, Scale = 4 }),
            "smallmoney" => Of(new SqlType { Kind = TypeKind.Numeric, Precision = 10, Scale = 4 }),
            "float" => Kind(Arg(0) is { } n && n <= 24 ? TypeKind.Real : TypeKind.Double),
            "char" or "nchar" or "character" => Of(new SqlType { Kind = TypeKind.Char, Length = Arg(0) ?? 1 }),
            "varchar" or "nvarchar" => max ? Kind(TypeKind.Text) : Of(new SqlType { Kind = TypeKind.Varchar, Length = Arg(0) ?? 1 }),
            "sysname" => new(new SqlType { Kind = TypeKind.Varchar, Length = 128 }, true, false),
            "datetime" => Of(new SqlType { Kind = TypeKind.Timestamp, Precision = 3 }),
            "smalldatetime" => Of(new SqlType { Kind = TypeKind.Timestamp, Precision = 0 }),
            "datetime2" => Of(new SqlType { Kind = TypeKind.Timestamp, Precision = Capped(Arg(0)) }),
            "datetimeoffset" => Of(new SqlType { Kind = TypeKind.TimestampTz, Precision = Capped(Arg(0)) }),
            "time" => Of(new SqlType { Kind = TypeKind.Time, Precision = Capped(Arg(0)) }),
            "rowversion" or "timestamp" => Sys("rowversion", serverGenerated: true),
            "sql_variant" or "hierarchyid" or "geography" or "geometry" or "vector" or "cursor" or "table" => Sys(name),
            _ => null,
        };
    }
}

internal static class TSqlNames
{
    /// <summary>The schema of unqualified names: SQL Server's default schema.</summary>
    public const string DefaultSchema = "dbo";

    public static QualifiedName Of(SchemaObjectName name) =>
        new(name.SchemaIdentifier?.Value ?? DefaultSchema, name.BaseIdentifier.Value);

    /// <summary>SQL Server's default collations compare names case-insensitively: so does every lookup here.</summary>
    public static string Key(QualifiedName n) => n.Schema.ToUpperInvariant() + "\u0001" + n.Name.ToUpperInvariant();
}
