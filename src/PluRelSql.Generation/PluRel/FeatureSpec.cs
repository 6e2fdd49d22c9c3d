using PluRelSql.Schema;

namespace PluRelSql.Generation.PluRel;

internal sealed class FeatureSpec
{
    public required ColumnDef Column { get; init; }
    /// <summary>K for categorical, 0 for numeric.</summary>
    public required int Categories { get; init; }
    public required FeatureValueKind Output { get; init; }
    public IReadOnlyList<string>? Labels { get; init; }
    public bool IsNumeric => Categories == 0;
}
