using PluRelSql.Schema.Dialects;
using PluRelSql.Schema.Postgres;

namespace PluRelSql.Schema.Tests.Model;

public class TypeTableTests
{
    public static TheoryData<TypeKind> Kinds() => [.. Enum.GetValues<TypeKind>()];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Every_kind_has_exactly_its_descriptor(TypeKind kind)
    {
        Assert.True(TypeTable.Has(kind), $"TypeKind.{kind} has no entry in TypeTable");
        var d = TypeTable.Of(kind);
        Assert.Equal(kind, d.Kind);
        Assert.Same(d, SqlType.Of(kind).Descriptor);
        Assert.Single(TypeTable.All, e => e.Kind == kind);
        Assert.Equal(d.PgName is null, kind is TypeKind.Enum or TypeKind.Other);
        Assert.False(string.IsNullOrEmpty(d.SqlBulkType));
    }

    [Fact]
    public void The_table_lists_the_kinds_in_order()
    {
        Assert.Equal(Enum.GetValues<TypeKind>(), TypeTable.All.Select(d => d.Kind));
    }

    [Fact]
    public void Traits_are_the_categories_the_code_asks()
    {
        Assert.Equal([TypeKind.SmallInt, TypeKind.Integer, TypeKind.BigInt], KindsWhere(d => d.IsInteger));
        Assert.Equal([TypeKind.SmallInt, TypeKind.Integer, TypeKind.BigInt, TypeKind.Numeric, TypeKind.Real, TypeKind.Double, TypeKind.Money],
            KindsWhere(d => d.IsNumeric));
        Assert.Equal([TypeKind.Text, TypeKind.Varchar, TypeKind.Char], KindsWhere(d => d.IsCharacter));
        Assert.Equal([TypeKind.Date, TypeKind.Timestamp, TypeKind.TimestampTz], KindsWhere(d => d.IsCalendar));
        Assert.Equal([TypeKind.Time, TypeKind.TimeTz], KindsWhere(d => d.IsTimeOfDay));
        Assert.Equal([TypeKind.Date, TypeKind.Timestamp, TypeKind.TimestampTz, TypeKind.Time, TypeKind.TimeTz, TypeKind.Interval],
            KindsWhere(d => d.IsTemporal));
        Assert.Equal([TypeKind.Text, TypeKind.Varchar, TypeKind.Char, TypeKind.Json, TypeKind.Jsonb, TypeKind.Xml, TypeKind.Inet,
            TypeKind.Cidr, TypeKind.MacAddr, TypeKind.Bit, TypeKind.VarBit, TypeKind.TsVector, TypeKind.Enum, TypeKind.Other],
            KindsWhere(d => d.IsTextForm));
    }

    private static TypeKind[] KindsWhere(Func<TypeDescriptor, bool> p) => TypeTable.All.Where(p).Select(d => d.Kind).ToArray();

    public static TheoryData<SqlType, string> PgNames() => new()
    {
        { SqlType.Of(TypeKind.SmallInt), "smallint" },
        { SqlType.Of(TypeKind.Integer), "integer" },
        { SqlType.Of(TypeKind.BigInt), "bigint" },
        { SqlType.Of(TypeKind.Numeric), "numeric" },
        { new SqlType { Kind = TypeKind.Numeric, Precision = 10 }, "numeric(10,0)" },
        { new SqlType { Kind = TypeKind.Numeric, Precision = 10, Scale = 2 }, "numeric(10,2)" },
        { SqlType.Of(TypeKind.Real), "real" },
        { SqlType.Of(TypeKind.Double), "double precision" },
        { SqlType.Of(TypeKind.Money), "money" },
        { SqlType.Of(TypeKind.Boolean), "boolean" },
        { SqlType.Of(TypeKind.Text), "text" },
        { SqlType.Of(TypeKind.Varchar), "character varying" },
        { new SqlType { Kind = TypeKind.Varchar, Length = 20 }, "character varying(20)" },
        { SqlType.Of(TypeKind.Char), "character(1)" },
        { new SqlType { Kind = TypeKind.Char, Length = 3 }, "character(3)" },
        { SqlType.Of(TypeKind.Date), "date" },
        { SqlType.Of(TypeKind.Timestamp), "timestamp without time zone" },
        { new SqlType { Kind = TypeKind.Timestamp, Precision = 3 }, "timestamp(3) without time zone" },
        { SqlType.Of(TypeKind.TimestampTz), "timestamp with time zone" },
        { new SqlType { Kind = TypeKind.TimestampTz, Precision = 0 }, "timestamp(0) with time zone" },
        { SqlType.Of(TypeKind.Time), "time without time zone" },
        { new SqlType { Kind = TypeKind.Time, Precision = 2 }, "time(2) without time zone" },
        { SqlType.Of(TypeKind.TimeTz), "time with time zone" },
        { new SqlType { Kind = TypeKind.TimeTz, Precision = 6 }, "time(6) with time zone" },
        { SqlType.Of(TypeKind.Interval), "interval" },
        { new SqlType { Kind = TypeKind.Interval, Precision = 4 }, "interval(4)" },
        { SqlType.Of(TypeKind.Uuid), "uuid" },
        { SqlType.Of(TypeKind.Bytea), "bytea" },
        { SqlType.Of(TypeKind.Json), "json" },
        { SqlType.Of(TypeKind.Jsonb), "jsonb" },
        { SqlType.Of(TypeKind.Xml), "xml" },
        { SqlType.Of(TypeKind.Inet), "inet" },
        { SqlType.Of(TypeKind.Cidr), "cidr" },
        { SqlType.Of(TypeKind.MacAddr), "macaddr" },
        { SqlType.Of(TypeKind.Bit), "bit(1)" },
        { new SqlType { Kind = TypeKind.Bit, Length = 8 }, "bit(8)" },
        { SqlType.Of(TypeKind.VarBit), "bit varying" },
        { new SqlType { Kind = TypeKind.VarBit, Length = 5 }, "bit varying(5)" },
        { SqlType.Of(TypeKind.TsVector), "tsvector" },
        { new SqlType { Kind = TypeKind.Enum, UserType = new QualifiedName("public", "mood") }, "mood" },
        { new SqlType { Kind = TypeKind.Enum, UserType = new QualifiedName("app", "mood") }, "app.mood" },
        { new SqlType { Kind = TypeKind.Other, UserType = new QualifiedName("public", "geometry"), Modifiers = "(Point,4326)" }, "geometry(Point,4326)" },
        { SqlType.Of(TypeKind.Other), "unknown" },
        { new SqlType { Kind = TypeKind.Integer, ArrayDims = 2 }, "integer[]" },
    };

    [Theory]
    [MemberData(nameof(PgNames))]
    public void PostgreSQL_names_are_format_types(SqlType type, string expected) => Assert.Equal(expected, type.ToPgSql());

    public static TheoryData<SqlType, string> TSqlNames() => new()
    {
        { SqlType.Of(TypeKind.SmallInt), "smallint" },
        { SqlType.Of(TypeKind.Integer), "int" },
        { SqlType.Of(TypeKind.BigInt), "bigint" },
        { SqlType.Of(TypeKind.Numeric), "decimal(38,0)" },
        { new SqlType { Kind = TypeKind.Numeric, Precision = 10, Scale = 2 }, "decimal(10,2)" },
        { SqlType.Of(TypeKind.Money), "money" },
        { SqlType.Of(TypeKind.Real), "real" },
        { SqlType.Of(TypeKind.Double), "float" },
        { SqlType.Of(TypeKind.Boolean), "bit" },
        { SqlType.Of(TypeKind.Text), "nvarchar(max)" },
        { new SqlType { Kind = TypeKind.Varchar, Length = 40 }, "nvarchar(40)" },
        { SqlType.Of(TypeKind.Char), "nchar(1)" },
        { new SqlType { Kind = TypeKind.Char, Length = 2 }, "nchar(2)" },
        { SqlType.Of(TypeKind.Date), "date" },
        { SqlType.Of(TypeKind.Timestamp), "datetime2" },
        { new SqlType { Kind = TypeKind.Timestamp, Precision = 3 }, "datetime2(3)" },
        { SqlType.Of(TypeKind.TimestampTz), "datetimeoffset" },
        { new SqlType { Kind = TypeKind.TimestampTz, Precision = 5 }, "datetimeoffset(5)" },
        { SqlType.Of(TypeKind.Time), "time" },
        { new SqlType { Kind = TypeKind.Time, Precision = 1 }, "time(1)" },
        { SqlType.Of(TypeKind.Uuid), "uniqueidentifier" },
        { SqlType.Of(TypeKind.Bytea), "varbinary(max)" },
        { SqlType.Of(TypeKind.Xml), "xml" },
        { new SqlType { Kind = TypeKind.Other, UserType = new QualifiedName("sys", "hierarchyid") }, "hierarchyid" },
    };

    [Theory]
    [MemberData(nameof(TSqlNames))]
    public void TSql_names_are_the_stored_types(SqlType type, string expected) => Assert.Equal(expected, TSqlTypes.Name(type));

    [Theory]
    [InlineData(TypeKind.TimeTz)]
    [InlineData(TypeKind.Interval)]
    [InlineData(TypeKind.Json)]
    [InlineData(TypeKind.Jsonb)]
    [InlineData(TypeKind.Inet)]
    [InlineData(TypeKind.Cidr)]
    [InlineData(TypeKind.MacAddr)]
    [InlineData(TypeKind.Bit)]
    [InlineData(TypeKind.VarBit)]
    [InlineData(TypeKind.TsVector)]
    [InlineData(TypeKind.Enum)]
    [InlineData(TypeKind.Other)]
    public void Kinds_SQL_Server_lacks_must_be_normalized_first(TypeKind kind) =>
        Assert.Throws<ArgumentException>(() => TSqlTypes.Name(new SqlType { Kind = kind, UserType = kind == TypeKind.Enum ? new QualifiedName("public", "mood") : null }));

    [Fact]
    public void The_PostgreSQL_parser_reads_the_plain_names_of_the_table()
    {
        string[] names =
        [
            "int2", "smallint", "int", "int4", "integer", "int8", "bigint", "real", "float4", "float8", "money", "bool", "boolean",
            "text", "date", "timetz", "timestamptz", "uuid", "bytea", "json", "jsonb", "xml", "inet", "cidr", "macaddr", "tsvector",
            "numeric", "decimal", "dec", "varchar", "bpchar", "varbit",
        ];
        Assert.Equal(names.Order(StringComparer.Ordinal), TypeTable.All.SelectMany(d => d.PgAliases).Order(StringComparer.Ordinal));
        var aliases = TypeTable.All.SelectMany(d => d.PgAliases.Select(a => (Alias: a, d.Kind))).ToArray();
        var sql = "CREATE TABLE t (" + string.Join(", ", aliases.Select((a, i) => $"c{i} {a.Alias}")) + ");";
        var table = PgDdlReader.Read(sql, "t.sql").Graph.Table("public", "t");
        for (var i = 0; i < aliases.Length; i++)
            Assert.Equal(aliases[i].Kind, table.Column($"c{i}").Type.Kind);
    }

    [Fact]
    public void Catalog_typnames_name_each_builtin_kind_once()
    {
        (string, TypeKind)[] expected =
        [
            ("int2", TypeKind.SmallInt), ("int4", TypeKind.Integer), ("int8", TypeKind.BigInt), ("numeric", TypeKind.Numeric),
            ("float4", TypeKind.Real), ("float8", TypeKind.Double), ("money", TypeKind.Money), ("bool", TypeKind.Boolean),
            ("text", TypeKind.Text), ("varchar", TypeKind.Varchar), ("bpchar", TypeKind.Char), ("date", TypeKind.Date),
            ("timestamp", TypeKind.Timestamp), ("timestamptz", TypeKind.TimestampTz), ("time", TypeKind.Time), ("timetz", TypeKind.TimeTz),
            ("interval", TypeKind.Interval), ("uuid", TypeKind.Uuid), ("bytea", TypeKind.Bytea), ("json", TypeKind.Json),
            ("jsonb", TypeKind.Jsonb), ("xml", TypeKind.Xml), ("inet", TypeKind.Inet), ("cidr", TypeKind.Cidr),
            ("macaddr", TypeKind.MacAddr), ("bit", TypeKind.Bit), ("varbit", TypeKind.VarBit), ("tsvector", TypeKind.TsVector),
        ];
        Assert.Equal(expected, TypeTable.All.Where(d => d.PgCatalogName is not null).Select(d => (d.PgCatalogName!, d.Kind)));
        foreach (var (name, kind) in expected)
        {
            Assert.True(TypeTable.TryPgCatalogName(name, out var k));
            Assert.Equal(kind, k);
        }
        Assert.False(TypeTable.TryPgCatalogName("point", out _));
        Assert.False(TypeTable.TryPgCatalogName("integer", out _));
    }

    [Fact]
    public void The_TSql_reader_reads_the_plain_names_of_the_table()
    {
        (string, TypeKind)[] expected =
        [
            ("smallint", TypeKind.SmallInt), ("tinyint", TypeKind.SmallInt), ("int", TypeKind.Integer), ("integer", TypeKind.Integer),
            ("bigint", TypeKind.BigInt), ("real", TypeKind.Real), ("bit", TypeKind.Boolean), ("text", TypeKind.Text), ("ntext", TypeKind.Text),
            ("date", TypeKind.Date), ("uniqueidentifier", TypeKind.Uuid), ("binary", TypeKind.Bytea), ("varbinary", TypeKind.Bytea),
            ("image", TypeKind.Bytea), ("json", TypeKind.Json), ("xml", TypeKind.Xml),
        ];
        Assert.Equal(expected, TypeTable.All.SelectMany(d => d.TSqlAliases.Select(a => (a, d.Kind))));
        foreach (var (name, kind) in expected)
            Assert.Equal(SqlType.Of(kind), PluRelSql.Schema.TSql.TSqlTypeMapper.Builtin(name, [])?.Type);
    }
}
