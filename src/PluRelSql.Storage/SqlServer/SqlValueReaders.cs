using System.Globalization;
using System.Text;
using System.Text.Json;
using PluRelSql.Core;
using PluRelSql.Schema;
using PluRelSql.Storage.Postgres;

namespace PluRelSql.Storage.SqlServer;

/// <summary>Reads one column of the current <see cref="RowBatch"/> as the CLR type SqlBulkCopy sends for the
/// destination column: DateOnly → DateTime (date), TimeOnly → TimeSpan (time), UTC DateTime → DateTimeOffset
/// (datetimeoffset), arrays → JSON text, and text forms wherever the destination is a character type. One type check
/// per batch (<see cref="Bind"/>), none per value.</summary>
internal abstract class SqlValueReader
{
    protected SqlValueReader(TableDef table, ColumnDef column)
    {
        Table = table;
        Column = column;
    }

    public TableDef Table { get; }
    public ColumnDef Column { get; }
    protected bool[]? Nulls { get; set; }

    /// <summary>The CLR type of <see cref="GetValue"/>'s results.</summary>
    public abstract Type FieldType { get; }

    /// <summary>SQL Server's name for the type this reader produces (DbDataReader.GetDataTypeName).</summary>
    public abstract string DataTypeName { get; }

    public abstract void Bind(ColumnVector vector);

    public bool IsNull(int row) => Nulls is { } n && n[row];

    public abstract object GetValue(int row);

    protected LoadException WrongType(ColumnVector v, Type expected) => new(
        $"{LoadException.DisplayName(Table.Name)}.{Column.Name} ({Column.Type}): the generator produced " +
        $"{v.ValueType.Name} values, the SQL Server loader expects {expected.Name}", Table.Name, Column.Name);

    /// <summary>The reader for a column; <paramref name="destinationType"/> is the target column's type name as
    /// sys.types has it (e.g. <c>nvarchar</c>, <c>datetimeoffset</c>), or null when the target is not known yet.</summary>
    public static SqlValueReader For(TableDef table, ColumnDef column, string? destinationType)
    {
        var t = column.Type;
        var dest = destinationType?.ToLowerInvariant();
        var desc = t.Descriptor;
        if (t.IsArray) return ArrayReader(table, column, t);
        if (dest is not null && IsCharacter(dest) && !desc.IsTextForm) return TextOf(table, column, t);
        // The conversions the destination asks for; every other kind goes as generated (Same), named by the type table.
        return t.Kind switch
        {
            TypeKind.SmallInt when dest == "tinyint" => new Mapped<short, byte>(table, column, "tinyint", v => checked((byte)v)),
            TypeKind.Date => new Mapped<DateOnly, DateTime>(table, column, "date", d => d.ToDateTime(TimeOnly.MinValue)),
            // A datetime2 target of a timestamptz column holds the UTC instant.
            TypeKind.TimestampTz when dest is "datetime2" or "datetime" or "smalldatetime" =>
                new Mapped<DateTime, DateTime>(table, column, dest, d => DateTime.SpecifyKind(d, DateTimeKind.Unspecified)),
            TypeKind.TimestampTz => new Mapped<DateTime, DateTimeOffset>(table, column, "datetimeoffset",
                d => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc))),
            TypeKind.Time => new Mapped<TimeOnly, TimeSpan>(table, column, "time", d => d.ToTimeSpan()),
            // SQL Server has no time with time zone: a time target keeps the local time of day.
            TypeKind.TimeTz when dest == "time" => new Mapped<DateTimeOffset, TimeSpan>(table, column, "time", d => d.TimeOfDay),
            TypeKind.Interval when dest is "bigint" => new Mapped<TimeSpan, long>(table, column, "bigint", d => d.Ticks / TimeSpan.TicksPerMicrosecond),
            TypeKind.Bit when dest == "bit" => new Mapped<string, bool>(table, column, "bit", ParseBit),
            TypeKind.Bit or TypeKind.VarBit when dest is "binary" or "varbinary" =>
                new Mapped<string, byte[]>(table, column, dest, PackBits),
            _ => desc.Clr.Accept(new SameOf(table, column, desc.SqlBulkType)),
        };
    }

    internal static bool IsCharacter(string dest) =>
        dest is "char" or "varchar" or "nchar" or "nvarchar" or "text" or "ntext" or "sysname" or "json";

    /// <summary>A non-text value in its text form, for a character destination.</summary>
    private static SqlValueReader TextOf(TableDef table, ColumnDef column, SqlType t) => t.Kind switch
    {
        // A time with time zone is a time of day and an offset (PostgreSQL's text form), not a date.
        TypeKind.TimeTz => new Mapped<DateTimeOffset, string>(table, column, "nvarchar",
            v => v.ToString("HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture).TrimEnd('.') + v.ToString("zzz", CultureInfo.InvariantCulture)),
        _ => t.Descriptor.Clr.Accept(new TextFormOf(table, column)),
    };

    /// <summary>SQL Server has no arrays: an array column is stored as a JSON array in a character column.</summary>
    private static SqlValueReader ArrayReader(TableDef table, ColumnDef column, SqlType t) =>
        t.Descriptor.Clr.Accept(new JsonOf(table, column));

    private sealed class SameOf(TableDef table, ColumnDef column, string dataTypeName) : IClrTypeVisitor<SqlValueReader>
    {
        public SqlValueReader Visit<T>() => new Same<T>(table, column, dataTypeName);
    }

    private sealed class TextFormOf(TableDef table, ColumnDef column) : IClrTypeVisitor<SqlValueReader>
    {
        public SqlValueReader Visit<T>() => typeof(T) == typeof(string)
            ? new Same<string>(table, column, "nvarchar")
            : new Mapped<T, string>(table, column, "nvarchar", v => TextForm(v!));
    }

    private sealed class JsonOf(TableDef table, ColumnDef column) : IClrTypeVisitor<SqlValueReader>
    {
        public SqlValueReader Visit<T>() => new Mapped<T[], string>(table, column, "nvarchar", JsonArray);
    }

    internal static string JsonArray<T>(T[] values)
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            foreach (var v in values)
            {
                switch (v)
                {
                    case null: w.WriteNullValue(); break;
                    case bool b: w.WriteBooleanValue(b); break;
                    case short s: w.WriteNumberValue(s); break;
                    case int i: w.WriteNumberValue(i); break;
                    case long l: w.WriteNumberValue(l); break;
                    case decimal d: w.WriteNumberValue(d); break;
                    case float f when float.IsFinite(f): w.WriteNumberValue(f); break;
                    case double d when double.IsFinite(d): w.WriteNumberValue(d); break;
                    default: w.WriteStringValue(TextForm(v)); break;
                }
            }
            w.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>A value as text that SQL Server converts back to the same value (ISO dates, invariant numbers,
    /// 0x… for bytes).</summary>
    internal static string TextForm(object value) => value switch
    {
        string s => s,
        bool b => b ? "1" : "0",
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime d => d.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture).TrimEnd('.'),
        TimeOnly t => t.ToString("HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture).TrimEnd('.'),
        DateTimeOffset o => o.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF zzz", CultureInfo.InvariantCulture).Replace(". ", " ", StringComparison.Ordinal),
        TimeSpan s => s.ToString("c", CultureInfo.InvariantCulture),
        Guid g => g.ToString("D"),
        byte[] bytes => "0x" + Convert.ToHexString(bytes),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static bool ParseBit(string s) => s switch
    {
        "1" => true,
        "0" => false,
        _ => throw new FormatException($"\"{s}\" is not a single bit (a bit column takes 0 or 1)"),
    };

    /// <summary>A PostgreSQL bit string ("0101…") as bytes, most significant bit first, zero-padded at the end.</summary>
    internal static byte[] PackBits(string s)
    {
        var bytes = new byte[(s.Length + 7) / 8];
        for (var i = 0; i < s.Length; i++)
        {
            switch (s[i])
            {
                case '1': bytes[i / 8] |= (byte)(0x80 >> (i % 8)); break;
                case '0': break;
                default: throw new FormatException($"\"{s}\" is not a bit string");
            }
        }
        return bytes;
    }
}

/// <summary>A reader whose values have one CLR type, readable without boxing.</summary>
internal abstract class SqlValueReader<TOut>(TableDef table, ColumnDef column, string dataTypeName)
    : SqlValueReader(table, column)
{
    public override Type FieldType => typeof(TOut);
    public override string DataTypeName => dataTypeName;
    public abstract TOut Get(int row);
    public override object GetValue(int row) => IsNull(row) ? DBNull.Value : Get(row)!;
}

internal sealed class Same<T>(TableDef table, ColumnDef column, string dataTypeName)
    : SqlValueReader<T>(table, column, dataTypeName)
{
    private T[] _values = [];

    public override void Bind(ColumnVector vector)
    {
        _values = (vector as ColumnVector<T> ?? throw WrongType(vector, typeof(T))).Values;
        Nulls = vector.Nulls;
    }

    public override T Get(int row) => _values[row];
}

internal sealed class Mapped<TIn, TOut>(TableDef table, ColumnDef column, string dataTypeName, Func<TIn, TOut> map)
    : SqlValueReader<TOut>(table, column, dataTypeName)
{
    private TIn[] _values = [];

    public override void Bind(ColumnVector vector)
    {
        _values = (vector as ColumnVector<TIn> ?? throw WrongType(vector, typeof(TIn))).Values;
        Nulls = vector.Nulls;
    }

    public override TOut Get(int row) => map(_values[row]);
}
