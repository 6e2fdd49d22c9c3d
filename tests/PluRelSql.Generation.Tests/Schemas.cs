using System.Globalization;
using PluRelSql.Schema;

namespace PluRelSql.Generation.Tests;

/// <summary>Hand-built schemas and helpers to read generated tables back.</summary>
internal static class S
{
    public static ColumnDef Col(string name, TypeKind kind, bool nullable = true, int? length = null, int? precision = null,
        int? scale = null, int arrayDims = 0, QualifiedName? userType = null, QualifiedName? domain = null) =>
        new()
        {
            Name = name,
            Nullable = nullable,
            Type = new SqlType { Kind = kind, Length = length, Precision = precision, Scale = scale, ArrayDims = arrayDims, UserType = userType, Domain = domain },
        };

    public static QualifiedName N(string name) => new("public", name);

    public static TableDef Table(string name, params ColumnDef[] columns)
    {
        return new TableDef { Name = N(name), Columns = columns };
    }

    public static TableDef Pk(this TableDef t, params string[] cols)
    {
        foreach (var c in cols) t.Column(c);
        return t with
        {
            PrimaryKey = new KeyConstraint { Name = t.Name.Name + "_pkey", Columns = [.. cols] },
            Columns = [.. t.Columns.Select(c => cols.Contains(c.Name) ? c with { Nullable = false } : c)],
        };
    }

    public static TableDef Unique(this TableDef t, params string[] cols)
    {
        return t with { Uniques = [.. t.Uniques, new KeyConstraint { Name = t.Name.Name + "_" + string.Join("_", cols) + "_key", Columns = [.. cols] }] };
    }

    public static TableDef Fk(this TableDef t, string parent, string[] cols, string[] refCols, string? name = null)
    {
        return t with
        {
            ForeignKeys = [.. t.ForeignKeys, new ForeignKey { Name = name ?? t.Name.Name + "_" + string.Join("_", cols) + "_fkey", Columns = [.. cols], RefTable = N(parent), RefColumns = [.. refCols] }],
        };
    }

    public static TableDef Fk(this TableDef t, string col, string parent, string refCol = "id") => t.Fk(parent, [col], [refCol]);

    public static TableDef Check(this TableDef t, string name, CheckPredicate p)
    {
        return t with { Checks = [.. t.Checks, new CheckConstraint { Name = name, Expression = name, Predicate = p }] };
    }

    public static SchemaGraph Graph(params TableDef[] tables)
    {
        return new SchemaGraph { Tables = tables };
    }

    public static IndependentValueGenerator Gen(SchemaGraph g, long rows = 1000, ulong seed = 1, double nullRate = 0.05,
        IReadOnlyDictionary<string, long>? tableRows = null, bool fitRows = false, RowSizing sizing = RowSizing.ByRole) =>
        new(GenerationPlanner.Create(g, new GenerationOptions
        {
            DefaultRows = rows, Seed = seed, NullRate = nullRate, TableRows = tableRows ?? new Dictionary<string, long>(), FitRows = fitRows, Sizing = sizing,
        }));

    /// <summary>Every row of a table, column name → values (boxed; null for NULL).</summary>
    public static Dictionary<string, List<object?>> All(IRowGenerator gen, TableDef t, int batch = 1000)
    {
        var cols = new Dictionary<string, List<object?>>();
        foreach (var b in gen.Batches(t, batch))
            foreach (var v in b.Columns)
            {
                if (!cols.TryGetValue(v.Column.Name, out var list)) cols[v.Column.Name] = list = [];
                for (var i = 0; i < b.Count; i++) list.Add(v.GetValue(i));
            }
        return cols;
    }

    /// <summary>A canonical text for value comparisons across types (int vs bigint FK, …).</summary>
    public static string Canon(object? v) => v switch
    {
        null => "∅",
        short or int or long or decimal => Convert.ToDecimal(v, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
        DateTime d => d.ToString("O", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("O", CultureInfo.InvariantCulture),
        byte[] b => Convert.ToHexString(b),
        Array a => "{" + string.Join(",", a.Cast<object?>().Select(Canon)) + "}",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString()!,
    };

    public static List<string> Tuples(Dictionary<string, List<object?>> rows, params string[] cols)
    {
        var n = rows[cols[0]].Count;
        return Enumerable.Range(0, n).Select(i => string.Join("|", cols.Select(c => Canon(rows[c][i])))).ToList();
    }

    public static ComparePredicate Cmp(string col, CompareOp op, decimal v) => new(new ColumnOperand(col), op, new ConstOperand(new NumberValue(v)));
    public static ComparePredicate Cmp(string col, CompareOp op, string v) => new(new ColumnOperand(col), op, new ConstOperand(new StringValue(v)));
    public static ComparePredicate Cmp(string a, CompareOp op, ColumnOperand b) => new(new ColumnOperand(a), op, b);
}
