namespace PluRelSql.Schema.Dialects;

/// <summary>The graph's types in SQL Server (the table in docs/type-mapping.md). <see cref="Normalize"/> turns any
/// graph type into the one SQL Server holds, as the T-SQL reader reads it back (e.g. <c>jsonb</c> → <c>text</c>,
/// since it is stored as nvarchar(max)); <see cref="Name"/> spells a normalized type in T-SQL. A graph that went
/// through <see cref="DialectConverter"/> to T-SQL only has normalized types, so write → read gives it back.</summary>
public static class TSqlTypes
{
    /// <summary>Longest nvarchar a key or index column may be: 450 characters are SQL Server's 900-byte index key limit.</summary>
    public const int MaxKeyLength = 450;

    /// <summary>Longest bounded nvarchar / nchar.</summary>
    public const int MaxLength = 4000;

    /// <summary>The type SQL Server stores for <paramref name="t"/>; <paramref name="key"/> marks a column of a key,
    /// foreign key or index, which cannot be (n)varchar(max). <paramref name="note"/> says what was approximated.</summary>
    public static SqlType Normalize(SqlType t, bool key, out string? note)
    {
        note = null;
        if (t.IsArray)
        {
            note = $"{t.ToPgSql()} is stored as its text form in nvarchar(max) (SQL Server has no arrays)";
            return Bounded(SqlType.Of(TypeKind.Text), key);
        }
        var scalar = t with { Domain = null };
        switch (t.Kind)
        {
            case TypeKind.SmallInt or TypeKind.Integer or TypeKind.BigInt or TypeKind.Real or TypeKind.Double or TypeKind.Boolean
                or TypeKind.Date or TypeKind.Uuid or TypeKind.Xml:
                return SqlType.Of(t.Kind);
            case TypeKind.Numeric:
                if (t.Precision is null)
                {
                    note = "numeric without precision is stored as decimal(38,10)";
                    return new SqlType { Kind = TypeKind.Numeric, Precision = 38, Scale = 10 };
                }
                if (t.Precision > 38)
                {
                    note = $"{t.ToPgSql()} is beyond decimal(38): stored as decimal(38,{Math.Min(t.Scale ?? 0, 38)})";
                    return new SqlType { Kind = TypeKind.Numeric, Precision = 38, Scale = Math.Min(t.Scale ?? 0, 38) };
                }
                return new SqlType { Kind = TypeKind.Numeric, Precision = t.Precision, Scale = t.Scale ?? 0 };
            case TypeKind.Money:
                return new SqlType { Kind = TypeKind.Numeric, Precision = 19, Scale = 4 };
            case TypeKind.Text:
                return Bounded(scalar, key);
            case TypeKind.Varchar:
                if (t.Length is null or > MaxLength) return Bounded(SqlType.Of(TypeKind.Text), key);
                return new SqlType { Kind = TypeKind.Varchar, Length = t.Length };
            case TypeKind.Char:
                if (t.Length > MaxLength) return Bounded(SqlType.Of(TypeKind.Text), key);
                return new SqlType { Kind = TypeKind.Char, Length = t.Length ?? 1 };
            case TypeKind.Timestamp or TypeKind.TimestampTz or TypeKind.Time:
                return new SqlType { Kind = t.Kind, Precision = t.Precision };
            case TypeKind.TimeTz or TypeKind.Interval or TypeKind.Json or TypeKind.Jsonb or TypeKind.TsVector or TypeKind.VarBit:
                note = $"{t.ToPgSql()} has no SQL Server type: stored as its text form in nvarchar(max)";
                return Bounded(SqlType.Of(TypeKind.Text), key);
            case TypeKind.Bit:
                note = $"{t.ToPgSql()} is stored as a string of 0/1 in nchar({t.Length ?? 1})";
                return new SqlType { Kind = TypeKind.Char, Length = t.Length ?? 1 };
            case TypeKind.Inet or TypeKind.Cidr:
                note = $"{t.ToPgSql()} is stored as its text form in nvarchar(43)";
                return new SqlType { Kind = TypeKind.Varchar, Length = 43 };
            case TypeKind.MacAddr:
                note = $"{t.ToPgSql()} is stored as its text form in nvarchar(17)";
                return new SqlType { Kind = TypeKind.Varchar, Length = 17 };
            case TypeKind.Bytea:
                return SqlType.Of(TypeKind.Bytea);
            case TypeKind.Enum:
                // The converter replaces enums by nvarchar + CHECK IN before types get here.
                note = $"enum {t.UserType} is stored as nvarchar(max)";
                return Bounded(SqlType.Of(TypeKind.Text), key);
            case TypeKind.Other when t.UserType is { Schema: "sys" }:
                return scalar;
            default:
                note = $"type {t.ToPgSql()} has no SQL Server counterpart: stored as its text form in nvarchar(max)";
                return Bounded(SqlType.Of(TypeKind.Text), key);
        }
    }

    private static SqlType Bounded(SqlType text, bool key) =>
        key ? new SqlType { Kind = TypeKind.Varchar, Length = MaxKeyLength } : text;

    /// <summary>The T-SQL spelling of a normalized type (see <see cref="Normalize"/>); a domain column is written with
    /// its alias type's name.</summary>
    public static string Name(SqlType t)
    {
        if (t.Domain is { } d) return TSqlIdent.Quote(d);
        if (t is { Kind: TypeKind.Other, UserType: { Schema: "sys" } u }) return u.Name;
        var desc = t.Descriptor;
        return desc.TSqlName is { } name
            ? TypeTable.Spell(name, desc.TSqlModifier, t)
            : throw new ArgumentException($"type {t.ToPgSql()} is not a SQL Server type: normalize it first", nameof(t));
    }
}
