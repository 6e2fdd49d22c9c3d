namespace PluRelSql.Schema;

/// <summary>What a server's planner statistics say about a database's tables (PostgreSQL: <c>pg_class</c> and
/// <c>pg_stats</c>), read from the catalog without reading one row. Pure data: <c>populate --like</c> generates a twin
/// from it.</summary>
public sealed record DatabaseStatistics(IReadOnlyDictionary<QualifiedName, TableStatistics> Tables)
{
    public TableStatistics? Table(QualifiedName name) => Tables.GetValueOrDefault(name);
}

/// <summary>One table's size estimates and its columns' statistics.</summary>
/// <param name="RowEstimate">The planner's row count (<c>reltuples</c>); null when the table was never analyzed
/// (PostgreSQL 14+ stores -1 then).</param>
/// <param name="Pages">Pages on disk at the last VACUUM/ANALYZE (<c>relpages</c>).</param>
/// <param name="Columns">By column name; a column without statistics (never analyzed, or not visible to the reader)
/// is absent.</param>
public sealed record TableStatistics(
    QualifiedName Table, double? RowEstimate, long Pages, IReadOnlyDictionary<string, ColumnStatistics> Columns)
{
    public ColumnStatistics? Column(string name) => Columns.GetValueOrDefault(name);
}

/// <summary>One column's statistics, as PostgreSQL's <c>pg_stats</c> holds them. Values (MCVs, histogram bounds) are
/// the server's text forms of the column's values.</summary>
/// <param name="NullFraction">Share of rows that are NULL.</param>
/// <param name="AverageWidth">Average stored width of the non-null values, in bytes.</param>
/// <param name="NDistinct">Distinct non-null values, with PostgreSQL's sign convention: a positive number is a count,
/// a negative one is minus the share of rows (-1: every row distinct), used when the count grows with the table; 0:
/// unknown. <see cref="DistinctCount"/> resolves it.</param>
/// <param name="MostCommonValues">The most common values, most frequent first (null: none kept).</param>
/// <param name="MostCommonFrequencies">Each MCV's share of all rows (NULLs included), in the same order.</param>
/// <param name="HistogramBounds">Bounds of equal-frequency bins over the non-null values that are not MCVs, ascending
/// (null: none kept, e.g. every value is an MCV or the type has no order).</param>
/// <param name="Correlation">Correlation between the values' order and their rows' physical order, -1 to 1 (null when
/// the type has no order).</param>
public sealed record ColumnStatistics(
    string Column,
    double NullFraction,
    int AverageWidth,
    double NDistinct,
    IReadOnlyList<string>? MostCommonValues,
    IReadOnlyList<double>? MostCommonFrequencies,
    IReadOnlyList<string>? HistogramBounds,
    double? Correlation)
{
    /// <summary>The distinct non-null values of a table of <paramref name="rows"/> rows that <see cref="NDistinct"/>
    /// implies (a negative n_distinct is a share of the rows); null when unknown (0).</summary>
    public double? DistinctCount(double rows) => NDistinct switch
    {
        > 0 => NDistinct,
        < 0 => -NDistinct * rows,
        _ => null,
    };

    /// <summary>The rows' share held by the MCVs together.</summary>
    public double McvShare => MostCommonFrequencies?.Sum() ?? 0;
}
