namespace PluRelSql.Schema;

/// <summary>What a type is, as the code asks it (is it a number? a character string? on a time axis?).</summary>
[Flags]
public enum TypeTraits
{
    None = 0,
    /// <summary>smallint, integer, bigint.</summary>
    Integer = 1,
    /// <summary>Any number: the integers, numeric, money, real, double precision.</summary>
    Numeric = 2,
    /// <summary>text, varchar, char: strings whose length a CHECK or the type may bound.</summary>
    Character = 4,
    /// <summary>date, timestamp, timestamptz: a point on the calendar.</summary>
    Calendar = 8,
    /// <summary>time, timetz: a time of day.</summary>
    TimeOfDay = 16,
    /// <summary>interval.</summary>
    Duration = 32,
}

/// <summary>How a type's modifiers are spelled after its name (or, for the "… time zone" types, inside it).</summary>
public enum TypeModifier
{
    None,
    /// <summary>(n) when a length is given: varchar(n), bit varying(n).</summary>
    OptionalLength,
    /// <summary>(n) always.</summary>
    Length,
    /// <summary>(n), 1 when none is given: char(n), bit(n).</summary>
    LengthOrOne,
    /// <summary>(p) when a precision is given: timestamp(p), interval(p).</summary>
    OptionalPrecision,
    /// <summary>(p,s) when a precision is given, s defaulting to 0: numeric(p,s).</summary>
    OptionalPrecisionScale,
    /// <summary>(p,s) always, 38 and 0 when not given: decimal(p,s) in T-SQL.</summary>
    DecimalPrecisionScale,
}

/// <summary>How binary COPY writes a type's generated values (Storage maps each codec to its Npgsql writer once).</summary>
public enum PgCodec
{
    /// <summary>The value as generated, with the descriptor's NpgsqlDbType.</summary>
    Direct,
    /// <summary>An enum label, written as text (arrays by the enum's type name).</summary>
    EnumLabel,
    Inet,
    Cidr,
    MacAddr,
    /// <summary>A "0101" string as a bit string.</summary>
    BitString,
    /// <summary>A tsvector's text form, sent in its binary wire form.</summary>
    TsVector,
    /// <summary>No writer (types of unknown binary form): NULLs only.</summary>
    None,
}

/// <summary>A CLR type that generic code can be instantiated with, without reflection: a visitor's
/// <see cref="IClrTypeVisitor{TResult}.Visit{T}"/> runs with T the type itself.</summary>
public abstract class ClrType
{
    private protected ClrType() { }

    public abstract Type Type { get; }

    public abstract TResult Accept<TResult>(IClrTypeVisitor<TResult> visitor);

    public static ClrType Of<T>() => ClrType<T>.Instance;

    public override string ToString() => Type.Name;
}

public sealed class ClrType<T> : ClrType
{
    internal static readonly ClrType<T> Instance = new();

    private ClrType() { }

    public override Type Type => typeof(T);

    public override TResult Accept<TResult>(IClrTypeVisitor<TResult> visitor) => visitor.Visit<T>();
}

public interface IClrTypeVisitor<out TResult>
{
    TResult Visit<T>();
}

/// <summary>Everything about one <see cref="TypeKind"/> that is data, not behaviour. <paramref name="Clr"/> is the
/// CLR type the generators produce (arrays of it for array columns); <paramref name="PgName"/> is the base name
/// <c>format_type()</c> prints (null for enum/other, which print their own name), <paramref name="PgAliases"/> the
/// plain names the PostgreSQL type parser reads as this kind, <paramref name="PgCatalogName"/> its pg_type.typname; <paramref name="NpgsqlDbType"/> names the
/// <c>NpgsqlDbType</c> member (kept as text so Schema needs no Npgsql); <paramref name="TSqlName"/> is the type
/// SQL Server stores it as (null when <see cref="Dialects.TSqlTypes.Normalize"/> maps it to another kind),
/// <paramref name="TSqlAliases"/> the SQL Server types read as this kind without modifiers;
/// <paramref name="SqlBulkType"/> the type name SqlBulkCopy sends its values as; <paramref name="Width"/> a typical
/// stored size in bytes (plan estimates; 0 where it depends on the modifiers).</summary>
public sealed record TypeDescriptor(
    TypeKind Kind,
    ClrType Clr,
    TypeTraits Traits,
    string? PgName,
    TypeModifier PgModifier,
    IReadOnlyList<string> PgAliases,
    string? PgCatalogName,
    string? NpgsqlDbType,
    PgCodec PgCodec,
    string? TSqlName,
    TypeModifier TSqlModifier,
    IReadOnlyList<string> TSqlAliases,
    string SqlBulkType,
    int Width)
{
    public bool IsInteger => (Traits & TypeTraits.Integer) != 0;
    public bool IsNumeric => (Traits & TypeTraits.Numeric) != 0;
    public bool IsCharacter => (Traits & TypeTraits.Character) != 0;
    public bool IsCalendar => (Traits & TypeTraits.Calendar) != 0;
    public bool IsTimeOfDay => (Traits & TypeTraits.TimeOfDay) != 0;
    public bool IsTemporal => (Traits & (TypeTraits.Calendar | TypeTraits.TimeOfDay | TypeTraits.Duration)) != 0;

    /// <summary>Values on a numeric axis: numbers and the temporal kinds.</summary>
    public bool IsOrdinal => IsNumeric || IsTemporal;

    /// <summary>Values generated as strings (text forms).</summary>
    public bool IsTextForm => Clr.Type == typeof(string);
}

/// <summary>The one table of types: one <see cref="TypeDescriptor"/> per <see cref="TypeKind"/>. Adding a type is one
/// entry here plus its generator (ColumnFactory); the type names, writers and readers follow from the entry.</summary>
public static class TypeTable
{
    private const TypeTraits Int = TypeTraits.Integer | TypeTraits.Numeric;
    private const TypeTraits Num = TypeTraits.Numeric;
    private const TypeTraits Chr = TypeTraits.Character;
    private const TypeTraits Cal = TypeTraits.Calendar;
    private const TypeTraits Tod = TypeTraits.TimeOfDay;
    private const TypeTraits No = TypeTraits.None;
    private const TypeModifier NoMod = TypeModifier.None;
    private const string NVarChar = "nvarchar";

    // Columns: kind, generated CLR type, traits | PostgreSQL: name, modifiers, parser aliases, pg_type.typname,
    // NpgsqlDbType, COPY codec | SQL Server: stored name, modifiers, reader aliases, SqlBulkCopy type | width (bytes).
    private static readonly TypeDescriptor[] Entries =
    [
        new(TypeKind.SmallInt, ClrType.Of<short>(), Int, "smallint", NoMod, ["int2", "smallint"], "int2", "Smallint", PgCodec.Direct, "smallint", NoMod, ["smallint", "tinyint"], "smallint", 2),
        new(TypeKind.Integer, ClrType.Of<int>(), Int, "integer", NoMod, ["int", "int4", "integer"], "int4", "Integer", PgCodec.Direct, "int", NoMod, ["int", "integer"], "int", 4),
        new(TypeKind.BigInt, ClrType.Of<long>(), Int, "bigint", NoMod, ["int8", "bigint"], "int8", "Bigint", PgCodec.Direct, "bigint", NoMod, ["bigint"], "bigint", 8),
        new(TypeKind.Numeric, ClrType.Of<decimal>(), Num, "numeric", TypeModifier.OptionalPrecisionScale, ["numeric", "decimal", "dec"], "numeric", "Numeric", PgCodec.Direct, "decimal", TypeModifier.DecimalPrecisionScale, [], "decimal", 0),
        new(TypeKind.Real, ClrType.Of<float>(), Num, "real", NoMod, ["real", "float4"], "float4", "Real", PgCodec.Direct, "real", NoMod, ["real"], "real", 4),
        new(TypeKind.Double, ClrType.Of<double>(), Num, "double precision", NoMod, ["float8"], "float8", "Double", PgCodec.Direct, "float", NoMod, [], "float", 8),
        new(TypeKind.Money, ClrType.Of<decimal>(), Num, "money", NoMod, ["money"], "money", "Money", PgCodec.Direct, "money", NoMod, [], "money", 8),
        new(TypeKind.Boolean, ClrType.Of<bool>(), No, "boolean", NoMod, ["bool", "boolean"], "bool", "Boolean", PgCodec.Direct, "bit", NoMod, ["bit"], "bit", 1),
        new(TypeKind.Text, ClrType.Of<string>(), Chr, "text", NoMod, ["text"], "text", "Text", PgCodec.Direct, "nvarchar(max)", NoMod, ["text", "ntext"], NVarChar, 25),
        new(TypeKind.Varchar, ClrType.Of<string>(), Chr, "character varying", TypeModifier.OptionalLength, ["varchar"], "varchar", "Varchar", PgCodec.Direct, NVarChar, TypeModifier.Length, [], NVarChar, 0),
        new(TypeKind.Char, ClrType.Of<string>(), Chr, "character", TypeModifier.LengthOrOne, ["bpchar"], "bpchar", "Char", PgCodec.Direct, "nchar", TypeModifier.LengthOrOne, [], NVarChar, 0),
        new(TypeKind.Date, ClrType.Of<DateOnly>(), Cal, "date", NoMod, ["date"], "date", "Date", PgCodec.Direct, "date", NoMod, ["date"], "date", 4),
        new(TypeKind.Timestamp, ClrType.Of<DateTime>(), Cal, "timestamp without time zone", TypeModifier.OptionalPrecision, [], "timestamp", "Timestamp", PgCodec.Direct, "datetime2", TypeModifier.OptionalPrecision, [], "datetime2", 8),
        new(TypeKind.TimestampTz, ClrType.Of<DateTime>(), Cal, "timestamp with time zone", TypeModifier.OptionalPrecision, ["timestamptz"], "timestamptz", "TimestampTz", PgCodec.Direct, "datetimeoffset", TypeModifier.OptionalPrecision, [], "datetimeoffset", 8),
        new(TypeKind.Time, ClrType.Of<TimeOnly>(), Tod, "time without time zone", TypeModifier.OptionalPrecision, [], "time", "Time", PgCodec.Direct, "time", TypeModifier.OptionalPrecision, [], "time", 8),
        new(TypeKind.TimeTz, ClrType.Of<DateTimeOffset>(), Tod, "time with time zone", TypeModifier.OptionalPrecision, ["timetz"], "timetz", "TimeTz", PgCodec.Direct, null, NoMod, [], "datetimeoffset", 12),
        new(TypeKind.Interval, ClrType.Of<TimeSpan>(), TypeTraits.Duration, "interval", TypeModifier.OptionalPrecision, [], "interval", "Interval", PgCodec.Direct, null, NoMod, [], "time", 16),
        new(TypeKind.Uuid, ClrType.Of<Guid>(), No, "uuid", NoMod, ["uuid"], "uuid", "Uuid", PgCodec.Direct, "uniqueidentifier", NoMod, ["uniqueidentifier"], "uniqueidentifier", 16),
        new(TypeKind.Bytea, ClrType.Of<byte[]>(), No, "bytea", NoMod, ["bytea"], "bytea", "Bytea", PgCodec.Direct, "varbinary(max)", NoMod, ["binary", "varbinary", "image"], "varbinary", 25),
        new(TypeKind.Json, ClrType.Of<string>(), No, "json", NoMod, ["json"], "json", "Json", PgCodec.Direct, null, NoMod, ["json"], NVarChar, 50),
        new(TypeKind.Jsonb, ClrType.Of<string>(), No, "jsonb", NoMod, ["jsonb"], "jsonb", "Jsonb", PgCodec.Direct, null, NoMod, [], NVarChar, 50),
        new(TypeKind.Xml, ClrType.Of<string>(), No, "xml", NoMod, ["xml"], "xml", "Xml", PgCodec.Direct, "xml", NoMod, ["xml"], "xml", 25),
        new(TypeKind.Inet, ClrType.Of<string>(), No, "inet", NoMod, ["inet"], "inet", "Inet", PgCodec.Inet, null, NoMod, [], NVarChar, 10),
        new(TypeKind.Cidr, ClrType.Of<string>(), No, "cidr", NoMod, ["cidr"], "cidr", "Cidr", PgCodec.Cidr, null, NoMod, [], NVarChar, 10),
        new(TypeKind.MacAddr, ClrType.Of<string>(), No, "macaddr", NoMod, ["macaddr"], "macaddr", "MacAddr", PgCodec.MacAddr, null, NoMod, [], NVarChar, 6),
        new(TypeKind.Bit, ClrType.Of<string>(), No, "bit", TypeModifier.LengthOrOne, [], "bit", "Bit", PgCodec.BitString, null, NoMod, [], NVarChar, 0),
        new(TypeKind.VarBit, ClrType.Of<string>(), No, "bit varying", TypeModifier.OptionalLength, ["varbit"], "varbit", "Varbit", PgCodec.BitString, null, NoMod, [], NVarChar, 0),
        new(TypeKind.TsVector, ClrType.Of<string>(), No, "tsvector", NoMod, ["tsvector"], "tsvector", "TsVector", PgCodec.TsVector, null, NoMod, [], NVarChar, 40),
        new(TypeKind.Enum, ClrType.Of<string>(), No, null, NoMod, [], null, null, PgCodec.EnumLabel, null, NoMod, [], NVarChar, 4),
        new(TypeKind.Other, ClrType.Of<string>(), No, null, NoMod, [], null, null, PgCodec.None, null, NoMod, [], NVarChar, 25),
    ];

    private static readonly TypeDescriptor?[] ByKind = Index();

    private static TypeDescriptor?[] Index()
    {
        var byKind = new TypeDescriptor?[Enum.GetValues<TypeKind>().Max(k => (int)k) + 1];
        foreach (var d in Entries) byKind[(int)d.Kind] = d;
        return byKind;
    }

    /// <summary>Every descriptor, in <see cref="TypeKind"/> order.</summary>
    public static IReadOnlyList<TypeDescriptor> All => Entries;

    public static TypeDescriptor Of(TypeKind kind) =>
        (uint)kind < (uint)ByKind.Length && ByKind[(int)kind] is { } d
            ? d
            : throw new ArgumentOutOfRangeException(nameof(kind), kind, "no entry in TypeTable");

    private static readonly Dictionary<string, TypeKind> ByPgCatalogName = Entries
        .Where(d => d.PgCatalogName is not null).ToDictionary(d => d.PgCatalogName!, d => d.Kind, StringComparer.Ordinal);

    /// <summary>The kind of a pg_catalog type by its typname (int4, bpchar, timestamptz …); false for the types that
    /// have no kind of their own.</summary>
    public static bool TryPgCatalogName(string typname, out TypeKind kind) => ByPgCatalogName.TryGetValue(typname, out kind);

    private static readonly Dictionary<string, TypeKind> ByTSqlAlias = Entries
        .SelectMany(d => d.TSqlAliases.Select(a => (Alias: a, d.Kind))).ToDictionary(e => e.Alias, e => e.Kind, StringComparer.Ordinal);

    /// <summary>The kind of a plain SQL Server type name (lower case: int, ntext, uniqueidentifier …); false for the
    /// names read with their modifiers or as other kinds (decimal, varchar, datetime2, money …).</summary>
    public static bool TryTSqlAlias(string name, out TypeKind kind) => ByTSqlAlias.TryGetValue(name, out kind);

    /// <summary>Whether the table has an entry for <paramref name="kind"/> (the coverage test walks every kind).</summary>
    public static bool Has(TypeKind kind) => (uint)kind < (uint)ByKind.Length && ByKind[(int)kind] is not null;

    /// <summary>A type name with its modifiers spelled as <paramref name="modifier"/> says; "… with(out) time zone"
    /// names take them after their first word, as PostgreSQL writes them (timestamp(3) with time zone).</summary>
    public static string Spell(string name, TypeModifier modifier, SqlType t)
    {
        var mods = modifier switch
        {
            TypeModifier.OptionalLength => t.Length is { } l ? $"({l})" : "",
            TypeModifier.Length => $"({t.Length})",
            TypeModifier.LengthOrOne => $"({t.Length ?? 1})",
            TypeModifier.OptionalPrecision => t.Precision is { } p ? $"({p})" : "",
            TypeModifier.OptionalPrecisionScale => t.Precision is { } p ? $"({p},{t.Scale ?? 0})" : "",
            TypeModifier.DecimalPrecisionScale => $"({t.Precision ?? 38},{t.Scale ?? 0})",
            _ => "",
        };
        if (mods.Length == 0) return name;
        var at = name.IndexOf(" with", StringComparison.Ordinal);
        return at < 0 ? name + mods : name[..at] + mods + name[at..];
    }
}
