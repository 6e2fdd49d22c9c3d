using PluRelSql.Core;
using PluRelSql.Schema;

namespace PluRelSql.Generation;

/// <summary>What to generate: the seed and how many rows each table gets.</summary>
public sealed record GenerationOptions
{
    public ulong Seed { get; init; } = 1;
    /// <summary>Rows for every table not named in <see cref="TableRows"/> (under <see cref="RowSizing.ByRole"/>: for the
    /// largest tables, the others get a share of it by their role).</summary>
    public long DefaultRows { get; init; } = 1000;
    /// <summary>How <see cref="DefaultRows"/> becomes per-table counts: by each table's role in the graph (lookups small,
    /// facts largest), or the same for every table.</summary>
    public RowSizing Sizing { get; init; } = RowSizing.ByRole;
    /// <summary>Per-table row counts, keyed by "schema.table" or bare "table" (case-insensitive).</summary>
    public IReadOnlyDictionary<string, long> TableRows { get; init; } = new Dictionary<string, long>();
    /// <summary>Multiplies every row count.</summary>
    public double Scale { get; init; } = 1.0;
    /// <summary>Share of NULLs in nullable non-key columns.</summary>
    public double NullRate { get; init; } = 0.05;
    /// <summary>Give a table whose keys cannot hold the asked-for rows only as many as they can (listed in
    /// <see cref="GenerationPlan.Caps"/>), instead of refusing the plan with a <see cref="RowCountException"/>.</summary>
    public bool FitRows { get; init; }
    /// <summary>The most rows the whole plan may hold (a guard against a mistyped count); 0 for no limit.</summary>
    public long MaxTotalRows { get; init; } = DefaultMaxTotalRows;
    /// <summary>The span dates and timestamps are drawn in (a fixed default: rows never depend on the clock).</summary>
    public TimeRange TimeRange { get; init; } = TimeRange.Default;

    /// <summary>The Bogus locale of names, addresses, phones and words ("en", "de", "fr", "pt_BR" …; see
    /// <see cref="Values.Locales.All"/>).</summary>
    public string Locale { get; init; } = Values.Locales.Default;

    public const long DefaultMaxTotalRows = 10_000_000_000;
}

/// <summary>A plan that cannot give a table the rows asked for: a key whose values cannot number them, a NOT NULL
/// foreign key to a table without rows, or counts beyond what the target or the ceiling allow.</summary>
public sealed class RowCountException(string message, QualifiedName? table = null, bool fittable = false) : ArgumentException(message)
{
    /// <summary>The table whose count cannot be met (null when the plan as a whole is too large).</summary>
    public QualifiedName? Table { get; } = table;

    /// <summary>True when <see cref="GenerationOptions.FitRows"/> would lower the count instead of refusing it.</summary>
    public bool Fittable { get; } = fittable;
}

/// <summary>The fixed part of a generation: graph, load order and the row count of every loadable table.</summary>
public sealed class GenerationPlan
{
    public required SchemaGraph Graph { get; init; }
    public required LoadOrder Order { get; init; }
    public required IReadOnlyDictionary<QualifiedName, long> RowCounts { get; init; }
    public required GenerationOptions Options { get; init; }
    /// <summary>Tables that got fewer rows than asked because their keys cannot hold more (for the CLI to report).</summary>
    public IReadOnlyList<RowCap> Caps { get; init; } = [];
    /// <summary>Every loadable table's role in the graph (shown beside the planned counts).</summary>
    public IReadOnlyDictionary<QualifiedName, SizingRole> Roles { get; init; } = new Dictionary<QualifiedName, SizingRole>();
    /// <summary>Role-derived counts lowered to what the table's keys hold (no refusal: nobody asked for that count).</summary>
    public IReadOnlyList<RowCap> RoleCaps { get; init; } = [];

    public long Rows(TableDef table) => RowCounts[table.Name];

    /// <summary>All rows of the plan (the planner keeps this far below long.MaxValue).</summary>
    public long TotalRows => RowCounts.Values.Sum();
}

/// <summary>A table whose row count was lowered: <paramref name="Requested"/> asked, <paramref name="Rows"/> possible.</summary>
public sealed record RowCap(QualifiedName Table, long Requested, long Rows, string Reason)
{
    public override string ToString() => $"{Table}: {Rows} rows instead of {Requested} ({Reason})";
}

/// <summary>Pure row generation: the rows of any table in any range are a function of (plan, table, range) only —
/// no I/O, no shared mutable state, so batches may be produced in any order and on any thread.</summary>
public interface IRowGenerator
{
    GenerationPlan Plan { get; }

    /// <summary>Rows [firstRow, firstRow + count) of a loadable table.</summary>
    RowBatch Generate(TableDef table, long firstRow, int count);
}

public static class RowGeneratorExtensions
{
    /// <summary>The whole table as consecutive batches of at most <paramref name="batchSize"/> rows.</summary>
    public static IEnumerable<RowBatch> Batches(this IRowGenerator generator, TableDef table, int batchSize = 8192)
    {
        var total = generator.Plan.Rows(table);
        for (long start = 0; start < total; start += batchSize)
            yield return generator.Generate(table, start, (int)Math.Min(batchSize, total - start));
    }
}
