using System.Collections;
using System.Net;
using System.Net.NetworkInformation;
using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;
using PluRelSql.Core;
using PluRelSql.Schema;

namespace PluRelSql.Storage.Postgres;

/// <summary>Writes one column of a <see cref="RowBatch"/> into a binary COPY, value by value, through the typed
/// <c>Write&lt;T&gt;(T, NpgsqlDbType)</c> (no boxing, no per-value allocation for the native kinds).</summary>
internal abstract class ColumnWriter
{
    protected ColumnWriter(TableDef table, ColumnDef column)
    {
        Table = table;
        Column = column;
    }

    public TableDef Table { get; }
    public ColumnDef Column { get; }

    /// <summary>Takes the column's vector of the next batch (one type check per batch, not per value).</summary>
    public abstract void Bind(ColumnVector vector);

    public abstract void Write(NpgsqlBinaryImporter importer, int row);

    /// <summary>The writer for a column, chosen from its type's <see cref="PgCodec"/> (a domain column is written as its
    /// base type, which is what binary COPY expects).</summary>
    public static ColumnWriter For(TableDef table, ColumnDef column)
    {
        var t = column.Type;
        if (t.IsArray) return ArrayWriter(table, column, t);
        var d = t.Descriptor;
        return d.PgCodec switch
        {
            PgCodec.Direct => d.Clr.Accept(new DirectOf(table, column, DbType(d))),
            // An enum's binary form is its label's text, and binary COPY does not check a scalar's type OID: writing the
            // label as text works even for an enum created in this very transaction (unknown to Npgsql's type cache).
            PgCodec.EnumLabel => new Direct<string>(table, column, NpgsqlDbType.Text),
            PgCodec.Inet => new Converted<NpgsqlInet>(table, column, DbType(d), s => new NpgsqlInet(s)),
            PgCodec.Cidr => new Converted<IPNetwork>(table, column, DbType(d), ParseCidr),
            PgCodec.MacAddr => new Converted<PhysicalAddress>(table, column, DbType(d), ParseMac),
            PgCodec.BitString => new Converted<BitArray>(table, column, DbType(d), ParseBits),
            // tsvector goes as its binary wire form through the bytea converter: Npgsql's own tsvector converter fails
            // ("Cannot call FlushAsync on a blocking PgWriter") when a value crosses the write buffer's end. Binary COPY
            // carries no type OIDs, so the server reads the bytes with tsvector's receive function.
            PgCodec.TsVector => new Converted<byte[]>(table, column, NpgsqlDbType.Bytea, TsVectorWire),
            // citext's binary form is text's.
            _ when t is { Kind: TypeKind.Other, UserType.Name: "citext" } => new Direct<string>(table, column, NpgsqlDbType.Text),
            _ => new NullsOnly(table, column),
        };
    }

    private static ColumnWriter ArrayWriter(TableDef table, ColumnDef column, SqlType t)
    {
        // Arrays carry their element type's OID, which the server checks: the element type must be exact.
        const NpgsqlDbType A = NpgsqlDbType.Array;
        var d = t.Descriptor;
        return d.PgCodec switch
        {
            PgCodec.Direct => d.Clr.Accept(new DirectArrayOf(table, column, A | DbType(d))),
            // Needs the enum's OID: the loader reloads Npgsql's type cache after creating types.
            PgCodec.EnumLabel => new Named<string[]>(table, column,
                EnumTypeName(t.UserType ?? throw new InvalidOperationException($"{table.Name}.{column.Name}: enum without a type")) + "[]"),
            PgCodec.Inet => new ConvertedArray<NpgsqlInet>(table, column, A | DbType(d), s => new NpgsqlInet(s)),
            PgCodec.Cidr => new ConvertedArray<IPNetwork>(table, column, A | DbType(d), ParseCidr),
            PgCodec.MacAddr => new ConvertedArray<PhysicalAddress>(table, column, A | DbType(d), ParseMac),
            PgCodec.BitString => new ConvertedArray<BitArray>(table, column, A | DbType(d), ParseBits),
            PgCodec.TsVector => new ConvertedArray<NpgsqlTsVector>(table, column, A | DbType(d), ParseTsVector),
            _ => new NullsOnly(table, column),
        };
    }

    /// <summary>The NpgsqlDbType the type table names for each kind, parsed once.</summary>
    private static readonly Dictionary<TypeKind, NpgsqlDbType> DbTypes = TypeTable.All
        .Where(d => d.NpgsqlDbType is not null)
        .ToDictionary(d => d.Kind, d => Enum.Parse<NpgsqlDbType>(d.NpgsqlDbType!));

    internal static NpgsqlDbType DbType(TypeDescriptor d) =>
        DbTypes.TryGetValue(d.Kind, out var t) ? t : throw new InvalidOperationException($"type {d.Kind} has no NpgsqlDbType");

    /// <summary>Direct&lt;T&gt; with T the type's generated CLR type.</summary>
    private sealed class DirectOf(TableDef table, ColumnDef column, NpgsqlDbType type) : IClrTypeVisitor<ColumnWriter>
    {
        public ColumnWriter Visit<T>() => new Direct<T>(table, column, type);
    }

    private sealed class DirectArrayOf(TableDef table, ColumnDef column, NpgsqlDbType type) : IClrTypeVisitor<ColumnWriter>
    {
        public ColumnWriter Visit<T>() => new Direct<T[]>(table, column, type);
    }

    /// <summary>Npgsql's data type name of an enum: <c>schema.name</c>, unquoted.</summary>
    internal static string EnumTypeName(QualifiedName n) => n.Schema + "." + n.Name;

    // PostgreSQL prints cidr with its prefix; a bare address is a host network.
    private static IPNetwork ParseCidr(string s) =>
        IPNetwork.Parse(s.Contains('/', StringComparison.Ordinal) ? s : s + (s.Contains(':', StringComparison.Ordinal) ? "/128" : "/32"));

    // Npgsql marks its client-side tsvector parser obsolete because it cannot mirror every PostgreSQL rule; the
    // generators emit plain "'lexeme':1 'other':2A" forms, which it parses exactly.
#pragma warning disable CS0618
    private static NpgsqlTsVector ParseTsVector(string s) => NpgsqlTsVector.Parse(s);
#pragma warning restore CS0618

    /// <summary>tsvector_recv's format: int32 lexeme count; per lexeme its UTF-8 text and a NUL, uint16 position
    /// count, then each position as uint16 (weight in the top two bits, A=3 … D=0); big-endian.</summary>
    internal static byte[] TsVectorWire(string text)
    {
        var vector = ParseTsVector(text);
        using var ms = new MemoryStream();
        Span<byte> b4 = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(b4, vector.Count);
        ms.Write(b4);
        foreach (var lexeme in vector)
        {
            ms.Write(System.Text.Encoding.UTF8.GetBytes(lexeme.Text));
            ms.WriteByte(0);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(b4, (ushort)lexeme.Count);
            ms.Write(b4[..2]);
            for (var i = 0; i < lexeme.Count; i++)
            {
                var pos = lexeme[i];
                System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(b4, (ushort)(((int)pos.Weight << 14) | (pos.Pos & 0x3FFF)));
                ms.Write(b4[..2]);
            }
        }
        return ms.ToArray();
    }

    private static PhysicalAddress ParseMac(string s) => PhysicalAddress.Parse(s.Replace(':', '-').Replace('.', '-'));

    private static BitArray ParseBits(string s)
    {
        var bits = new BitArray(s.Length);
        for (var i = 0; i < s.Length; i++)
            bits[i] = s[i] switch
            {
                '1' => true,
                '0' => false,
                _ => throw new FormatException($"\"{s}\" is not a bit string"),
            };
        return bits;
    }

    protected LoadException WrongType(ColumnVector v, Type expected) => new(
        $"{LoadException.DisplayName(Table.Name)}.{Column.Name} ({Column.Type}): the generator produced " +
        $"{v.ValueType.Name} values, the loader expects {expected.Name}", Table.Name, Column.Name);

    /// <summary>Values written as they are.</summary>
    private sealed class Direct<T>(TableDef table, ColumnDef column, NpgsqlDbType type) : ColumnWriter(table, column)
    {
        private T[] _values = [];
        private bool[]? _nulls;

        public override void Bind(ColumnVector vector)
        {
            _values = (vector as ColumnVector<T> ?? throw WrongType(vector, typeof(T))).Values;
            _nulls = vector.Nulls;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override void Write(NpgsqlBinaryImporter importer, int row)
        {
            if (_nulls is { } n && n[row]) importer.WriteNull();
            else importer.Write(_values[row], type);
        }
    }

    /// <summary>Values written with a data type name (types that have no NpgsqlDbType, e.g. enum arrays).</summary>
    private sealed class Named<T>(TableDef table, ColumnDef column, string dataTypeName) : ColumnWriter(table, column)
    {
        private T[] _values = [];
        private bool[]? _nulls;

        public override void Bind(ColumnVector vector)
        {
            _values = (vector as ColumnVector<T> ?? throw WrongType(vector, typeof(T))).Values;
            _nulls = vector.Nulls;
        }

        public override void Write(NpgsqlBinaryImporter importer, int row)
        {
            if (_nulls is { } n && n[row]) importer.WriteNull();
            else importer.Write(_values[row], dataTypeName);
        }
    }

    /// <summary>Text forms (inet, macaddr, bit, tsvector) converted to the Npgsql type that writes their binary form.</summary>
    private sealed class Converted<T>(TableDef table, ColumnDef column, NpgsqlDbType type, Func<string, T> parse)
        : ColumnWriter(table, column)
    {
        private string[] _values = [];
        private bool[]? _nulls;

        public override void Bind(ColumnVector vector)
        {
            _values = (vector as ColumnVector<string> ?? throw WrongType(vector, typeof(string))).Values;
            _nulls = vector.Nulls;
        }

        public override void Write(NpgsqlBinaryImporter importer, int row)
        {
            if (_nulls is { } n && n[row]) importer.WriteNull();
            else importer.Write(Parse(_values[row]), type);
        }

        private T Parse(string s)
        {
            try
            {
                return parse(s);
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                throw new FormatException($"\"{s}\" is not a valid {Column.Type}", e);
            }
        }
    }

    private sealed class ConvertedArray<T>(TableDef table, ColumnDef column, NpgsqlDbType type, Func<string, T> parse)
        : ColumnWriter(table, column)
    {
        private string[][] _values = [];
        private bool[]? _nulls;

        public override void Bind(ColumnVector vector)
        {
            _values = (vector as ColumnVector<string[]> ?? throw WrongType(vector, typeof(string[]))).Values;
            _nulls = vector.Nulls;
        }

        public override void Write(NpgsqlBinaryImporter importer, int row)
        {
            if (_nulls is { } n && n[row])
            {
                importer.WriteNull();
                return;
            }
            var text = _values[row];
            var converted = new T[text.Length];
            for (var i = 0; i < text.Length; i++) converted[i] = parse(text[i]);
            importer.Write(converted, type);
        }
    }

    /// <summary>The writer of a column staged as text (see <see cref="StagedCopy"/>).</summary>
    internal static ColumnWriter StagedText(TableDef table, ColumnDef column) => new StagedTextWriter(table, column);

    /// <summary>Text forms into a staging table's text or text[] column; a column without a generator brings only NULLs
    /// (as a string vector, whatever its array dimensions).</summary>
    private sealed class StagedTextWriter(TableDef table, ColumnDef column) : ColumnWriter(table, column)
    {
        private string[]? _values;
        private string[][]? _arrays;
        private bool[]? _nulls;

        public override void Bind(ColumnVector vector)
        {
            _values = (vector as ColumnVector<string>)?.Values;
            _arrays = (vector as ColumnVector<string[]>)?.Values;
            if (_values is null && _arrays is null) throw WrongType(vector, typeof(string));
            _nulls = vector.Nulls;
        }

        public override void Write(NpgsqlBinaryImporter importer, int row)
        {
            if (_nulls is { } n && n[row]) importer.WriteNull();
            else if (_arrays is { } a) importer.Write(a[row], NpgsqlDbType.Array | NpgsqlDbType.Text);
            else if (Column.Type.IsArray) throw new NotSupportedException($"values of type {Column.Type} cannot be generated (only NULLs)");
            else importer.Write(_values![row], NpgsqlDbType.Text);
        }
    }

    /// <summary>A type binary COPY cannot produce from a text form (PostGIS geometry, pgvector, …): NULLs only.</summary>
    private sealed class NullsOnly(TableDef table, ColumnDef column) : ColumnWriter(table, column)
    {
        private ColumnVector? _vector;

        public override void Bind(ColumnVector vector) => _vector = vector;

        public override void Write(NpgsqlBinaryImporter importer, int row)
        {
            if (_vector!.IsNull(row))
            {
                importer.WriteNull();
                return;
            }
            throw new NotSupportedException(
                $"values of type {Column.Type} cannot be loaded with binary COPY (only NULLs)");
        }
    }
}
