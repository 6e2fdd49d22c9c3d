using PluRelSql.Core;
using PluRelSql.Generation;
using PluRelSql.Schema;
using PluRelSql.Storage.Postgres;
using PluRelSql.Storage.SqlServer;

namespace PluRelSql.Storage.Tests.SqlServer;

public sealed class RowBatchDataReaderTests
{
    private static readonly SchemaGraph Graph = TSqlTestSchema.Read();

    private static TableDef Customer => Graph.Table("dbo", "Customer");

    [Fact]
    public void Fields_are_the_loaded_columns_with_SQL_Server_clr_types()
    {
        var gen = TSqlTestSchema.Generator(Graph);
        using var reader = new RowBatchDataReader(Customer, gen.Batches(Customer, 16));
        var loaded = Customer.Columns.Where(c => c.IsLoaded).Select(c => c.Name).ToList();
        Assert.DoesNotContain("Label", loaded); // computed: never sent
        Assert.Equal(loaded.Count, reader.FieldCount);
        Assert.Equal(loaded, Enumerable.Range(0, reader.FieldCount).Select(reader.GetName));
        var expected = new Dictionary<string, (Type, string)>
        {
            ["CustomerId"] = (typeof(int), "int"),
            ["Email"] = (typeof(string), "nvarchar"),
            ["IsActive"] = (typeof(bool), "bit"),
            ["Balance"] = (typeof(decimal), "decimal"),
            ["Joined"] = (typeof(DateTime), "date"),
            ["LastSeen"] = (typeof(DateTimeOffset), "datetimeoffset"),
            ["Wakeup"] = (typeof(TimeSpan), "time"),
            ["Token"] = (typeof(Guid), "uniqueidentifier"),
            ["Photo"] = (typeof(byte[]), "varbinary"),
            ["Notes"] = (typeof(string), "nvarchar"),
            ["Score"] = (typeof(decimal), "decimal"),
            ["Ratio"] = (typeof(double), "float"),
            ["Small"] = (typeof(short), "smallint"),
            ["Region"] = (typeof(string), "nvarchar"),
            ["Created"] = (typeof(DateTime), "datetime2"),
        };
        foreach (var (name, (type, sqlName)) in expected)
        {
            var i = reader.GetOrdinal(name);
            Assert.Equal(type, reader.GetFieldType(i));
            Assert.Equal(sqlName, reader.GetDataTypeName(i));
        }
        Assert.Equal(reader.GetOrdinal("Email"), reader.GetOrdinal("EMAIL")); // SQL Server names are case-insensitive
        Assert.Throws<IndexOutOfRangeException>(() => reader.GetOrdinal("Label"));
        Assert.Throws<IndexOutOfRangeException>(() => reader.GetFieldType(reader.FieldCount));
    }

    [Fact]
    public void Every_value_matches_the_batch_converted_and_nulls_are_DBNull()
    {
        var gen = TSqlTestSchema.Generator(Graph, rows: 300);
        var batches = gen.Batches(Customer, 64).ToList();
        using var reader = new RowBatchDataReader(Customer, batches);
        var values = new object[reader.FieldCount];
        long row = 0;
        var nulls = 0;
        while (reader.Read())
        {
            var batch = batches[(int)(row / 64)];
            var r = (int)(row % 64);
            Assert.Equal(reader.FieldCount, reader.GetValues(values));
            for (var i = 0; i < reader.FieldCount; i++)
            {
                var source = batch.Columns[i].GetValue(r);
                Assert.Equal(source is null, reader.IsDBNull(i));
                if (source is null)
                {
                    nulls++;
                    Assert.Same(DBNull.Value, values[i]);
                    Assert.Throws<InvalidCastException>(() => reader.GetFieldValue<object>(i));
                    continue;
                }
                Assert.IsType(reader.GetFieldType(i), values[i]);
                Assert.Equal(Converted(source), values[i]);
            }
            var id = reader.GetOrdinal("CustomerId");
            Assert.Equal(batch.Columns[id].GetValue(r), reader.GetInt32(id));
            var joined = reader.GetOrdinal("Joined");
            Assert.Equal(((DateOnly)batch.Columns[joined].GetValue(r)!).ToDateTime(TimeOnly.MinValue), reader.GetDateTime(joined));
            Assert.Equal(batch.Columns[reader.GetOrdinal("Email")].GetValue(r), reader.GetString(reader.GetOrdinal("Email")));
            Assert.Equal(batch.Columns[reader.GetOrdinal("Token")].GetValue(r), reader.GetGuid(reader.GetOrdinal("Token")));
            Assert.Equal(batch.Columns[reader.GetOrdinal("IsActive")].GetValue(r), reader.GetBoolean(reader.GetOrdinal("IsActive")));
            row++;
        }
        Assert.Equal(300, row);
        Assert.Equal(300, reader.RowsRead);
        Assert.True(nulls > 0, "the test data should hold NULLs");
        Assert.False(reader.Read());
    }

    private static object Converted(object v) => v switch
    {
        DateOnly d => d.ToDateTime(TimeOnly.MinValue),
        TimeOnly t => t.ToTimeSpan(),
        DateTime { Kind: DateTimeKind.Utc } d => new DateTimeOffset(d),
        _ => v,
    };

    [Fact]
    public void Batches_are_taken_one_at_a_time_as_rows_are_read()
    {
        var gen = TSqlTestSchema.Generator(Graph, rows: 1000);
        var produced = 0;
        IEnumerable<RowBatch> Counting()
        {
            foreach (var b in gen.Batches(Customer, 100))
            {
                produced++;
                yield return b;
            }
        }
        var progress = new List<long>();
        using var reader = new RowBatchDataReader(Customer, Counting(), onBatch: progress.Add);
        Assert.Equal(0, produced); // nothing generated before the first Read
        for (var row = 0; row < 1000; row++)
        {
            Assert.True(reader.Read());
            Assert.Equal(row / 100 + 1, produced); // never more than the batch being read
        }
        Assert.False(reader.Read());
        Assert.Equal([100L, 200, 300, 400, 500, 600, 700, 800, 900, 1000], progress);
    }

    [Fact]
    public async Task ReadAsync_streams_from_an_async_source()
    {
        var gen = TSqlTestSchema.Generator(Graph, rows: 250);
        async IAsyncEnumerable<RowBatch> Source()
        {
            foreach (var b in gen.Batches(Customer, 100))
            {
                await Task.Yield();
                yield return b;
            }
        }
        await using var reader = new RowBatchDataReader(Customer, Source());
        var n = 0;
        while (await reader.ReadAsync()) n++;
        Assert.Equal(250, n);
    }

    [Fact]
    public void Character_and_time_destinations_get_text_and_TimeSpan()
    {
        var table = new TableDef { Name = new QualifiedName("dbo", "t") };
        table = table with { Columns = [.. table.Columns, new ColumnDef { Name = "tags", Type = SqlType.Of(TypeKind.Integer) with { ArrayDims = 1 } }] };
        table = table with { Columns = [.. table.Columns, new ColumnDef { Name = "at", Type = SqlType.Of(TypeKind.TimeTz) }] };
        table = table with { Columns = [.. table.Columns, new ColumnDef { Name = "when", Type = SqlType.Of(TypeKind.Timestamp) }] };
        table = table with { Columns = [.. table.Columns, new ColumnDef { Name = "flag", Type = SqlType.Of(TypeKind.Bit) with { Length = 1 } }] };
        table = table with { Columns = [.. table.Columns, new ColumnDef { Name = "mask", Type = SqlType.Of(TypeKind.VarBit) }] };
        table = table with { Columns = [.. table.Columns, new ColumnDef { Name = "tiny", Type = SqlType.Of(TypeKind.SmallInt) }] };
        var batch = new RowBatch
        {
            Table = table, FirstRow = 0, Count = 2,
            Columns =
            [
                Vector(table.Columns[0], new[] { 1, 2 }, new[] { 3 }),
                Vector(table.Columns[1], new DateTimeOffset(2024, 1, 2, 10, 30, 0, TimeSpan.FromHours(2)), default),
                Vector(table.Columns[2], new DateTime(2024, 5, 6, 7, 8, 9), new DateTime(2024, 5, 6, 7, 8, 9, 500)),
                Vector(table.Columns[3], "1", "0"),
                Vector(table.Columns[4], "101", "11111111"),
                Vector(table.Columns[5], (short)200, (short)300),
            ],
        };
        var dest = new Dictionary<string, string> { ["tags"] = "nvarchar", ["at"] = "time", ["when"] = "varchar", ["flag"] = "bit", ["mask"] = "varbinary", ["tiny"] = "tinyint" };
        using var reader = new RowBatchDataReader(table, [batch], dest);
        Assert.True(reader.Read());
        Assert.Equal("[1,2]", reader.GetValue(0));
        Assert.Equal(new TimeSpan(10, 30, 0), reader.GetValue(1));
        Assert.Equal("2024-05-06 07:08:09", reader.GetValue(2));
        Assert.Equal(true, reader.GetValue(3));
        Assert.Equal(new byte[] { 0b1010_0000 }, reader.GetValue(4));
        Assert.Equal((byte)200, reader.GetValue(5));
        Assert.True(reader.Read());
        Assert.Equal("[3]", reader.GetValue(0));
        Assert.Equal(TimeSpan.Zero, reader.GetValue(1));
        Assert.Equal("2024-05-06 07:08:09.5", reader.GetValue(2));
        Assert.Equal(false, reader.GetValue(3));
        Assert.Equal(new byte[] { 0xFF }, reader.GetValue(4));
        // 300 does not fit tinyint: the error names the table, row and column.
        var e = Assert.Throws<LoadException>(() => reader.GetValue(5));
        Assert.Contains("row 2, column tiny", e.Message);
        Assert.Equal("tiny", e.Column);
    }

    [Fact]
    public void Time_with_time_zone_into_a_character_column_keeps_time_and_offset()
    {
        var table = new TableDef { Name = new QualifiedName("dbo", "tz") };
        table = table with { Columns = [.. table.Columns, new ColumnDef { Name = "at", Type = SqlType.Of(TypeKind.TimeTz) }] };
        var batch = new RowBatch
        {
            Table = table, FirstRow = 0, Count = 1,
            Columns = [Vector(table.Columns[0], new DateTimeOffset(2000, 1, 1, 10, 30, 15, 250, TimeSpan.FromHours(-5)))],
        };
        using var reader = new RowBatchDataReader(table, [batch], new Dictionary<string, string> { ["at"] = "nvarchar" });
        Assert.True(reader.Read());
        Assert.Equal("10:30:15.25-05:00", reader.GetValue(0));
    }

    [Fact]
    public void Streams_bytes_and_text_for_max_columns()
    {
        var table = new TableDef { Name = new QualifiedName("dbo", "blob") };
        table = table with { Columns = [.. table.Columns, new ColumnDef { Name = "data", Type = SqlType.Of(TypeKind.Bytea) }] };
        table = table with { Columns = [.. table.Columns, new ColumnDef { Name = "body", Type = SqlType.Of(TypeKind.Text) }] };
        var bytes = Enumerable.Range(0, 10_000).Select(i => (byte)i).ToArray();
        var batch = new RowBatch
        {
            Table = table, FirstRow = 0, Count = 1,
            Columns = [Vector<byte[]>(table.Columns[0], bytes), Vector(table.Columns[1], "hello")],
        };
        using var reader = new RowBatchDataReader(table, [batch]);
        Assert.True(reader.Read());
        using (var s = reader.GetStream(0))
        using (var copy = new MemoryStream())
        {
            s.CopyTo(copy);
            Assert.Equal(bytes, copy.ToArray());
        }
        Assert.Equal("hello", reader.GetTextReader(1).ReadToEnd());
        Assert.Equal("hello", reader.GetFieldValue<TextReader>(1).ReadToEnd());
        Assert.Equal(bytes.Length, reader.GetFieldValue<Stream>(0).Length);
        Assert.Equal(10_000, reader.GetBytes(0, 0, null, 0, 0));
        var part = new byte[4];
        Assert.Equal(4, reader.GetBytes(0, 256, part, 0, 4));
        Assert.Equal(new byte[] { 0, 1, 2, 3 }, part);
        var chars = new char[3];
        Assert.Equal(3, reader.GetChars(1, 1, chars, 0, 3));
        Assert.Equal("ell", new string(chars));
    }

    [Fact]
    public void A_batch_out_of_order_or_of_the_wrong_shape_is_refused()
    {
        var gen = TSqlTestSchema.Generator(Graph, rows: 20);
        var second = gen.Generate(Customer, 10, 10);
        using (var reader = new RowBatchDataReader(Customer, [second]))
            Assert.Contains("starts at row 10, expected 0", Assert.Throws<InvalidOperationException>(() => reader.Read()).Message);

        var order = Graph.Table("dbo", "Order");
        using (var reader = new RowBatchDataReader(Customer, [gen.Generate(order, 0, 5)]))
            Assert.Contains("dbo.Order", Assert.Throws<InvalidOperationException>(() => reader.Read()).Message);

        var wrong = new RowBatch
        {
            Table = Customer, FirstRow = 0, Count = 1,
            Columns = Customer.Columns.Where(c => c.IsLoaded).Select(c => (ColumnVector)new ColumnVector<string>(c, 1)).ToList(),
        };
        using (var reader = new RowBatchDataReader(Customer, [wrong]))
        {
            var e = Assert.Throws<LoadException>(() => reader.Read());
            Assert.Contains("CustomerId", e.Message);
            Assert.Contains("expects Int32", e.Message);
        }
    }

    [Fact]
    public void Values_before_Read_or_after_the_end_are_an_error()
    {
        var gen = TSqlTestSchema.Generator(Graph, rows: 1);
        using var reader = new RowBatchDataReader(Customer, gen.Batches(Customer));
        Assert.Throws<InvalidOperationException>(() => reader.GetValue(0));
        Assert.True(reader.Read());
        Assert.NotNull(reader.GetValue(0));
        Assert.False(reader.Read());
        Assert.Throws<InvalidOperationException>(() => reader.GetValue(0));
    }

    private static ColumnVector<T> Vector<T>(ColumnDef column, params T[] values)
    {
        var v = new ColumnVector<T>(column, values.Length);
        values.CopyTo(v.Values, 0);
        return v;
    }
}
