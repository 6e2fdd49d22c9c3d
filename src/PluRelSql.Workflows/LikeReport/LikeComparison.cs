using PluRelSql.Schema;

namespace PluRelSql.Workflows.LikeReport;

/// <summary>One table's size on both sides (<c>reltuples</c> after ANALYZE on the target; the source as its catalog
/// holds it) and their ratio target/source.</summary>
public sealed record TableComparison(QualifiedName Table, double? SourceRows, double? TargetRows, double? Ratio, bool Within, bool Missing);

/// <summary>One column's statistics on both sides, the differences and the verdict.</summary>
/// <param name="SourceDistinct">Distinct non-null values, n_distinct resolved with the table's row count.</param>
/// <param name="NullDifference">|null_frac target − source|; null when the target has no statistics.</param>
/// <param name="DistinctDifference">|distinct target − source| / source.</param>
/// <param name="McvOverlap">Share of the source's MCV mass whose values are MCVs of the target; null without source MCVs.</param>
/// <param name="HistogramDistance">Largest CDF gap of the two histograms; null unless both keep one.</param>
/// <param name="Reason">What failed; empty when it passed.</param>
public sealed record ColumnComparison(
    QualifiedName Table, string Column,
    double SourceNullFraction, double? TargetNullFraction,
    double? SourceDistinct, double? TargetDistinct,
    double? NullDifference, double? DistinctDifference, double? McvOverlap, double? HistogramDistance,
    bool Passed, string Reason);

/// <summary>One query's plan shapes on both sides; <see cref="Error"/> when EXPLAIN failed on either.</summary>
public sealed record PlanComparison(string Name, string Title, PlanNode? Source, PlanNode? Target, IReadOnlyList<string> Differences, string? Error)
{
    public bool Equal => Error is null && Source is not null && Target is not null && Source.Equals(Target);
}

/// <summary>The whole like-report: a twin's statistics against its source's, and optionally their query plans.</summary>
public sealed record LikeComparison
{
    public required string Source { get; init; }
    public required string Target { get; init; }
    public required LikeThresholds Thresholds { get; init; }
    public required IReadOnlyList<TableComparison> Tables { get; init; }
    public required IReadOnlyList<ColumnComparison> Columns { get; init; }
    public IReadOnlyList<PlanComparison> Plans { get; init; } = [];
    /// <summary>Source tables without column statistics (empty, never analyzed, or hidden from this role): no column of
    /// theirs is compared.</summary>
    public IReadOnlyList<QualifiedName> SourceWithoutStatistics { get; init; } = [];
    /// <summary>Whether ANALYZE ran on the source too (<see cref="LikeReportOptions.AnalyzeSource"/>).</summary>
    public bool SourceAnalyzed { get; init; }
    /// <summary>Where the source's statistics came from (pg_stats or the SECURITY DEFINER function).</summary>
    public string StatisticsSource { get; init; } = "pg_stats";

    public int PassedColumns => Columns.Count(c => c.Passed);
    /// <summary>Share of compared columns that passed; null when none was compared.</summary>
    public double? PassedShare => Columns.Count == 0 ? null : (double)PassedColumns / Columns.Count;
    public int TablesWithin => Tables.Count(t => t.Within);
    public int EqualPlans => Plans.Count(p => p.Equal);
}
