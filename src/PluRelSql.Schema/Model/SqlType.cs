namespace PluRelSql.Schema;

/// <summary>What a column holds, independent of dialect. The generator and the sinks switch on this.</summary>
public enum TypeKind
{
    SmallInt, Integer, BigInt,
    Numeric, Real, Double, Money,
    Boolean,
    Text, Varchar, Char,
    Date, Timestamp, TimestampTz, Time, TimeTz, Interval,
    Uuid, Bytea, Json, Jsonb, Xml,
    Inet, Cidr, MacAddr,
    Bit, VarBit, TsVector,
    /// <summary>A user-defined enum (see <see cref="SqlType.UserType"/>).</summary>
    Enum,
    /// <summary>A type we do not know how to generate (e.g. a PostGIS geometry, pgvector's vector).</summary>
    Other,
}

/// <summary>A column type: the kind plus its modifiers. Domains are resolved: <see cref="Domain"/> names the
/// domain and <see cref="Kind"/> is its base type's kind, so generators never need to look the domain up.</summary>
public sealed record SqlType
{
    public required TypeKind Kind { get; init; }

    /// <summary>Character length (varchar/char/bit), or null when unbounded.</summary>
    public int? Length { get; init; }

    /// <summary>numeric precision / time(stamp) fractional precision; null when unspecified.</summary>
    public int? Precision { get; init; }

    /// <summary>numeric scale; null when unspecified.</summary>
    public int? Scale { get; init; }

    /// <summary>Number of array dimensions; 0 for a scalar.</summary>
    public int ArrayDims { get; init; }

    /// <summary>The enum type for <see cref="TypeKind.Enum"/>; the type name for <see cref="TypeKind.Other"/>.</summary>
    public QualifiedName? UserType { get; init; }

    /// <summary>The modifiers of a <see cref="TypeKind.Other"/> type as written, e.g. "(Point,4326)" of
    /// geometry(Point,4326) or "(3)" of vector(3); null when none. Kept so the type is created as declared.</summary>
    public string? Modifiers { get; init; }

    /// <summary>Set when the column is declared with a domain; Kind/Length/… then describe the domain's base type.</summary>
    public QualifiedName? Domain { get; init; }

    public bool IsArray => ArrayDims > 0;

    public SqlType ElementType => this with { ArrayDims = 0 };

    /// <summary>The kind's entry in <see cref="TypeTable"/>.</summary>
    public TypeDescriptor Descriptor => TypeTable.Of(Kind);

    public bool IsInteger => Descriptor.IsInteger;

    public static SqlType Of(TypeKind kind) => new() { Kind = kind };

    /// <summary>The type as PostgreSQL's <c>format_type()</c> prints it (e.g. <c>character varying(20)</c>,
    /// <c>numeric(10,2)</c>, <c>integer[]</c>, <c>public.mpaa_rating</c>). For a domain column this is the domain's name.
    /// This is the canonical form used in JSON and in graph comparisons.</summary>
    public string ToPgSql()
    {
        if (Domain is { } d) return FormatUser(d) + Brackets();
        return ScalarName() + Brackets();
    }

    // format_type() prints one [] whatever the declared dimensions (text[][] is shown as text[]).
    private string Brackets() => ArrayDims > 0 ? "[]" : "";

    // pg_catalog types (point, oid, … kept as TypeKind.Other) are always visible, so format_type prints them bare.
    private static string FormatUser(QualifiedName n) =>
        n.Schema is "public" or "pg_catalog" ? SqlIdent.Quote(n.Name) : n.ToSql();

    private string ScalarName() => Kind switch
    {
        TypeKind.Enum => FormatUser(UserType ?? throw new InvalidOperationException("enum type without a name")),
        TypeKind.Other => UserType is { } u ? FormatUser(u) + Modifiers : "unknown",
        _ => TypeTable.Spell(Descriptor.PgName!, Descriptor.PgModifier, this),
    };

    public override string ToString() => ToPgSql();
}
