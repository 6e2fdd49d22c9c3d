using PluRelSql.Schema;
using static PluRelSql.Generation.Tests.S;

namespace PluRelSql.Generation.Tests;

/// <summary>The generators produce, for every kind, the CLR type its <see cref="TypeTable"/> entry names (arrays:
/// arrays of it): the loaders pick their writers and readers from the same entry.</summary>
public class TypeTableTests
{
    private static readonly EnumType Mood = new() { Name = N("mood"), Labels = ["sad", "ok", "happy"] };

    /// <summary>A column of the kind (other: citext, an extension type the generator knows).</summary>
    internal static ColumnDef Column(TypeKind kind, int arrayDims = 0) => Col(
        $"c_{kind.ToString().ToLowerInvariant()}{(arrayDims > 0 ? "_a" : "")}", kind, arrayDims: arrayDims,
        userType: kind switch { TypeKind.Enum => Mood.Name, TypeKind.Other => N("citext"), _ => null });

    public static TheoryData<TypeKind> Kinds() => [.. Enum.GetValues<TypeKind>()];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Generated_values_have_the_tables_CLR_type(TypeKind kind)
    {
        var scalar = Column(kind);
        var t = Table("t", Col("id", TypeKind.Integer), scalar);
        var arrays = kind is TypeKind.Other ? [] : new[] { Column(kind, arrayDims: 1) };
        t = t with { Columns = [.. t.Columns, .. arrays] };
        t = t.Pk("id");
        var g = Graph(t);
        g = g with { Enums = [.. g.Enums, Mood] };

        var clr = TypeTable.Of(kind).Clr.Type;
        var batch = Gen(g, rows: 4, nullRate: 0).Generate(t, 0, 4);
        Assert.Equal(clr, batch[scalar.Name].ValueType);
        foreach (var a in arrays) Assert.Equal(clr.MakeArrayType(), batch[a.Name].ValueType);
    }
}
