using System.Text;
using PluRelSql.Core;
using PluRelSql.Generation;
using PluRelSql.Schema;

namespace PluRelSql.Storage.Tests;

/// <summary>A small deterministic <see cref="IRowGenerator"/> for the loader tests: every value is a function of the
/// table, column and row index, in the representation RowBatch prescribes per TypeKind. Overrides (by "table.column")
/// replace a column's values; an override returning null makes a NULL.</summary>
internal sealed class TestGenerator(GenerationPlan plan) : IRowGenerator
{
    public GenerationPlan Plan { get; } = plan;

    public Dictionary<string, Func<long, object?>> Overrides { get; } = [];

    /// <summary>Called before each batch (e.g. to kill the load midway).</summary>
    public Action<TableDef, long>? BeforeBatch { get; set; }

    public RowBatch Generate(TableDef table, long firstRow, int count)
    {
        BeforeBatch?.Invoke(table, firstRow);
        var vectors = new List<ColumnVector>();
        foreach (var col in table.Columns.Where(c => c.IsLoaded))
        {
            var vector = NewVector(col, count);
            Overrides.TryGetValue($"{table.Name.Name}.{col.Name}", out var over);
            for (var i = 0; i < count; i++)
            {
                var row = firstRow + i;
                var value = over is not null ? over(row) : Value(col, row);
                if (value is null) vector.SetNull(i);
                else Set(vector, i, value);
            }
            vectors.Add(vector);
        }
        return new RowBatch { Table = table, FirstRow = firstRow, Count = count, Columns = vectors };
    }

    private static ColumnVector NewVector(ColumnDef col, int count)
    {
        var element = ElementClrType(col.Type.Kind);
        var t = col.Type.IsArray ? element.MakeArrayType() : element;
        return (ColumnVector)Activator.CreateInstance(typeof(ColumnVector<>).MakeGenericType(t), col, count)!;
    }

    private static void Set(ColumnVector vector, int i, object value) =>
        ((Array)vector.GetType().GetProperty("Values")!.GetValue(vector)!).SetValue(value, i);

    private static Type ElementClrType(TypeKind kind) => kind switch
    {
        TypeKind.SmallInt => typeof(short),
        TypeKind.Integer => typeof(int),
        TypeKind.BigInt => typeof(long),
        TypeKind.Numeric or TypeKind.Money => typeof(decimal),
        TypeKind.Real => typeof(float),
        TypeKind.Double => typeof(double),
        TypeKind.Boolean => typeof(bool),
        TypeKind.Date => typeof(DateOnly),
        TypeKind.Timestamp or TypeKind.TimestampTz => typeof(DateTime),
        TypeKind.Time => typeof(TimeOnly),
        TypeKind.TimeTz => typeof(DateTimeOffset),
        TypeKind.Interval => typeof(TimeSpan),
        TypeKind.Uuid => typeof(Guid),
        TypeKind.Bytea => typeof(byte[]),
        _ => typeof(string),
    };

    public static readonly DateTime Epoch = new(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>The default value of a column at a row: keys count from 1, everything else cycles.</summary>
    public object? Value(ColumnDef col, long row)
    {
        if (col.Type.IsArray)
        {
            var a = Array.CreateInstance(ElementClrType(col.Type.Kind), 2);
            a.SetValue(Scalar(col, row), 0);
            a.SetValue(Scalar(col, row + 1), 1);
            return a;
        }
        return Scalar(col, row);
    }

    private object Scalar(ColumnDef col, long row)
    {
        var t = col.Type;
        return t.Kind switch
        {
            TypeKind.SmallInt => (short)(row % 1000 + 1),
            TypeKind.Integer => (int)(row + 1),
            TypeKind.BigInt => row + 1,
            TypeKind.Numeric => row % 1000 + 1.25m,
            TypeKind.Money => row % 100 + 0.5m,
            TypeKind.Real => row % 100 / 4f,
            TypeKind.Double => row / 8.0,
            TypeKind.Boolean => row % 2 == 0,
            TypeKind.Text => $"{col.Name} {row}",
            TypeKind.Varchar => Fit($"{col.Name}-{row}", t.Length),
            TypeKind.Char => Fit("c" + row % 10, t.Length ?? 1).PadRight(t.Length ?? 1),
            TypeKind.Date => DateOnly.FromDateTime(Epoch).AddDays((int)(row % 700)),
            TypeKind.Timestamp => DateTime.SpecifyKind(Epoch.AddMinutes(row), DateTimeKind.Unspecified),
            TypeKind.TimestampTz => Epoch.AddSeconds(row * 37),
            TypeKind.Time => new TimeOnly((int)(row % 24), (int)(row % 60)),
            TypeKind.TimeTz => new DateTimeOffset(1, 1, 2, (int)(row % 24), 0, 0, TimeSpan.FromHours(2)),
            TypeKind.Interval => TimeSpan.FromMinutes(row % 1000),
            TypeKind.Uuid => new Guid((int)row, 7, 7, 1, 2, 3, 4, 5, 6, 7, 8),
            TypeKind.Bytea => Encoding.ASCII.GetBytes($"b{row}"),
            TypeKind.Json => $$"""{"row": {{row}}}""",
            TypeKind.Jsonb => $$"""{"row": {{row}}, "even": {{(row % 2 == 0 ? "true" : "false")}}}""",
            TypeKind.Xml => $"<r>{row}</r>",
            TypeKind.Inet => $"10.0.{row / 250 % 250}.{row % 250 + 1}",
            TypeKind.Cidr => $"10.{row % 250}.0.0/16",
            TypeKind.MacAddr => $"08:00:2b:01:{row / 256 % 256:x2}:{row % 256:x2}",
            TypeKind.Bit => new string(Enumerable.Range(0, t.Length ?? 1).Select(i => ((row >> i) & 1) == 1 ? '1' : '0').ToArray()),
            TypeKind.VarBit => Convert.ToString(row % 64 + 1, 2),
            TypeKind.TsVector => $"'word{row % 7}':1 'load':2",
            TypeKind.Enum => EnumLabel(t.UserType!.Value, row),
            _ => throw new NotSupportedException($"test generator: {t}"),
        };
    }

    private string EnumLabel(QualifiedName type, long row)
    {
        var labels = Plan.Graph.FindEnum(type)!.Labels;
        return labels[(int)(row % labels.Count)];
    }

    private static string Fit(string s, int? length) => length is { } l && s.Length > l ? s[..l] : s;
}
