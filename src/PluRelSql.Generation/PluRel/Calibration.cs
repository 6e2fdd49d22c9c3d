namespace PluRelSql.Generation.PluRel;

/// <summary>Whole-column quantities that per-row post-processing needs: lazy-mode thresholds and transform statistics.</summary>
internal sealed class Calibration
{
    /// <summary>Per feature: sorted thresholds (lazy categorical columns only).</summary>
    public required double[]?[] Thresholds { get; init; }
    /// <summary>Per feature: sorted sample values and their rows (rank-uniform columns only).</summary>
    public required (double[] Values, long[] Rows)?[] Sorted { get; init; }
    public required double[] Mean { get; init; }
    public required double[] Std { get; init; }
    /// <summary>True when the statistics use every row (rank-uniform is then exact).</summary>
    public required bool Exact { get; init; }
}
