using PluRelSql.Schema;

namespace PluRelSql.Workflows.Realism;

/// <summary>Which rule scored a column (or that none did).</summary>
public enum RealismTest
{
    /// <summary>Numbers, dates, times, intervals: share of generated values inside the real [p1, p99] ± 10 % window.</summary>
    Range,
    /// <summary>Low-cardinality column whose values the schema knows (CHECK IN list, enum, boolean): share of
    /// generated values that are real values.</summary>
    Values,
    /// <summary>Text: share of generated values whose shape is among the real column's 20 most common shapes (long
    /// text: or the mean length within ×2).</summary>
    Shape,
    /// <summary>Not scored; <see cref="ColumnRealism.Reason"/> says why.</summary>
    Skipped,
}

/// <summary>One non-key column, measured: the test, the numbers, the verdict (null when skipped) and the kind the
/// classifier guessed, which is what someone tuning the generator reads.</summary>
public sealed record ColumnRealism
{
    public required QualifiedName Table { get; init; }
    public required string Column { get; init; }
    public required string Type { get; init; }
    public required ColumnMeaning Meaning { get; init; }
    public required RealismTest Test { get; init; }
    /// <summary>True plausible, false implausible, null skipped (not in the score).</summary>
    public bool? Plausible { get; init; }
    /// <summary>The measured share (inside the window / real values / common shapes), 0..1; null when skipped.</summary>
    public double? Share { get; init; }
    /// <summary>What the real data allows, in words: the window, the values, the top shapes, the mean length.</summary>
    public string Real { get; init; } = "";
    /// <summary>A few generated values (and the generated mean length for text).</summary>
    public string Generated { get; init; } = "";
    /// <summary>Why the verdict: the skip reason, or what failed.</summary>
    public string Reason { get; init; } = "";
    public long RealValues { get; init; }
    public long GeneratedValues { get; init; }
}

/// <summary>A table's exact row count on both sides.</summary>
public sealed record TableSizes(QualifiedName Table, long Real, long Generated);

/// <summary>The measure of one generated database against its real twin.</summary>
public sealed record RealismReport
{
    public required string Real { get; init; }
    public required string Generated { get; init; }
    public required IReadOnlyList<ColumnRealism> Columns { get; init; }
    public required IReadOnlyList<TableSizes> Tables { get; init; }
    /// <summary>Spearman rank correlation of table sizes; null (n/a) with fewer than 3 tables.</summary>
    public double? Spearman { get; init; }
    /// <summary>Columns left out because they are keys (PK, UNIQUE or FK members).</summary>
    public int KeyColumns { get; init; }
    /// <summary>Tables of the real database missing from the generated one (their columns are not scored).</summary>
    public IReadOnlyList<QualifiedName> MissingTables { get; init; } = [];

    public int Scored => Columns.Count(c => c.Plausible is not null);
    public int PlausibleCount => Columns.Count(c => c.Plausible == true);
    /// <summary>Plausible share of the scored columns; null when none was scored.</summary>
    public double? PlausibleShare => Scored == 0 ? null : (double)PlausibleCount / Scored;
}
