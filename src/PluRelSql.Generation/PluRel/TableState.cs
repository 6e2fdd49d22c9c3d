using PluRelSql.Schema;

namespace PluRelSql.Generation.PluRel;

internal sealed class TableState
{
    public required TableDef Def { get; init; }
    public required long Rows { get; init; }
    public required TableRole Role { get; init; }
    public required ulong Key { get; init; }
    public required List<FeatureSpec> Features { get; init; }
    public required List<ColumnDef> TimeColumns { get; init; }
    public List<LinkSpec> Links { get; } = [];
    /// <summary>Some other table's SCM reads this table's values through an FK.</summary>
    public bool FeedsChildren { get; set; }
    /// <summary>A table above the small-table threshold that got a share of the parent cache budget.</summary>
    public bool CachedAsParent { get; set; }
    public Lazy<TableModel?> Model { get; set; } = null!;
    public Lazy<Calibration?> Calibration { get; set; } = null!;
    /// <summary>Raw values (before quantisation/transforms) of every feature for every row, for small tables only.</summary>
    public Lazy<double[][]?> FullRaw { get; set; } = null!;
}
