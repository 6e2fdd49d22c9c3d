using PluRelSql.Core;
using PluRelSql.Schema;
using PluRelSql.Storage.Postgres;
using PluRelSql.Storage.SqlServer;

namespace PluRelSql.Storage.Tests;

/// <summary>The binary COPY writers and the SqlBulkCopy readers take, for every kind, vectors of the CLR type its
/// <see cref="TypeTable"/> entry names (the type the generators produce, see the Generation tests' twin).</summary>
public class TypeTableTests
{
    public static TheoryData<TypeKind> Kinds() => [.. Enum.GetValues<TypeKind>()];

    private static (TableDef Table, ColumnDef Column) Column(TypeKind kind, int arrayDims = 0)
    {
        var column = new ColumnDef
        {
            Name = "c",
            Type = new SqlType
            {
                Kind = kind, ArrayDims = arrayDims,
                UserType = kind switch { TypeKind.Enum => new QualifiedName("public", "mood"), TypeKind.Other => new QualifiedName("public", "citext"), _ => null },
            },
        };
        var table = new TableDef { Name = new QualifiedName("public", "t") };
        table = table with { Columns = [.. table.Columns, column] };
        return (table, column);
    }

    private sealed class VectorOf(ColumnDef column, bool array) : IClrTypeVisitor<ColumnVector>
    {
        public ColumnVector Visit<T>() => array ? new ColumnVector<T[]>(column, 1) : new ColumnVector<T>(column, 1);
    }

    private static ColumnVector Vector(ColumnDef column) =>
        column.Type.Descriptor.Clr.Accept(new VectorOf(column, column.Type.IsArray));

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Copy_writers_take_the_tables_CLR_type(TypeKind kind)
    {
        var (table, column) = Column(kind);
        ColumnWriter.For(table, column).Bind(Vector(column));
        if (kind == TypeKind.Other) return; // arrays of an extension type are NULLs only
        var (arrayTable, arrayColumn) = Column(kind, arrayDims: 1);
        ColumnWriter.For(arrayTable, arrayColumn).Bind(Vector(arrayColumn));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Copy_writers_use_the_tables_NpgsqlDbType(TypeKind kind)
    {
        var d = TypeTable.Of(kind);
        if (d.PgCodec is PgCodec.EnumLabel or PgCodec.None) Assert.Null(d.NpgsqlDbType);
        else Assert.Equal(d.NpgsqlDbType, ColumnWriter.DbType(d).ToString());
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Bulk_copy_readers_take_the_tables_CLR_type_and_name_its_SQL_Server_type(TypeKind kind)
    {
        var (table, column) = Column(kind);
        var reader = SqlValueReader.For(table, column, null);
        reader.Bind(Vector(column));
        Assert.Equal(TypeTable.Of(kind).SqlBulkType, reader.DataTypeName);
        if (kind is not (TypeKind.Date or TypeKind.TimestampTz or TypeKind.Time)) // converted to DateTime / DateTimeOffset / TimeSpan
            Assert.Equal(TypeTable.Of(kind).Clr.Type, reader.FieldType);

        // Into a character column, as text.
        var text = SqlValueReader.For(table, column, "nvarchar");
        text.Bind(Vector(column));
        Assert.Equal(typeof(string), text.FieldType);

        var (arrayTable, arrayColumn) = Column(kind, arrayDims: 1);
        var json = SqlValueReader.For(arrayTable, arrayColumn, null);
        json.Bind(Vector(arrayColumn));
        Assert.Equal(typeof(string), json.FieldType);
    }
}
