using PluRelSql.Schema;

namespace PluRelSql.Storage;

/// <summary>How a loader (PostgreSQL or SQL Server) loads.</summary>
public sealed record LoadOptions
{
    /// <summary>Statements that create the schema objects (types, tables without keys); non-empty means the load
    /// creates the tables: they run first, in the load's transaction.</summary>
    public IReadOnlyList<string> PreDataSql { get; init; } = [];

    /// <summary>Statements run after the data (primary keys, uniques, checks, foreign keys, indexes): the server
    /// validates every constraint as it is added.</summary>
    public IReadOnlyList<string> PostDataSql { get; init; } = [];

    /// <summary>Empty existing target tables first (TRUNCATE in the load's transaction) instead of refusing to load
    /// into non-empty tables.</summary>
    public bool Truncate { get; init; }

    /// <summary>Rows per generated batch.</summary>
    public int BatchSize { get; init; } = 8192;

    /// <summary>Batches generated at once on worker threads (they are pure functions of their row range, so the rows
    /// and their order never depend on this); 1 generates on one thread beside the COPY.</summary>
    public int GenerateThreads { get; init; } = 1;

    /// <summary>How messages name the target database (default: the connection's): a database built under a
    /// temporary name is named as the user asked for it.</summary>
    public string? TargetDatabase { get; init; }

    /// <summary>Throws for settings no loader can run with.</summary>
    public void Validate()
    {
        if (BatchSize <= 0) throw new ArgumentOutOfRangeException(nameof(BatchSize), "BatchSize must be positive");
        if (GenerateThreads <= 0) throw new ArgumentOutOfRangeException(nameof(GenerateThreads), "GenerateThreads must be positive");
    }
}

/// <summary>Progress of one table: rows written so far out of the planned rows.</summary>
public sealed record TableProgress(QualifiedName Table, long RowsDone, long RowsTotal);

/// <summary>Rows loaded into one table and the seconds its COPY took.</summary>
public sealed record TableLoad(QualifiedName Table, long Rows, double Seconds);

/// <summary>What a committed load did.</summary>
public sealed record LoadReport
{
    public required IReadOnlyList<TableLoad> Tables { get; init; }
    public long TotalRows => Tables.Sum(t => t.Rows);
    /// <summary>Seconds for PreDataSql, checks of existing tables and TRUNCATE.</summary>
    public required double CreateSeconds { get; init; }
    /// <summary>Seconds spent generating and copying the rows (the two overlap).</summary>
    public required double CopySeconds { get; init; }
    /// <summary>The part of <see cref="CopySeconds"/> the COPY stream waited for the generator (generation-bound time).</summary>
    public double GenerateWaitSeconds { get; init; }
    /// <summary>Thread-seconds spent inside the generator, summed over its worker threads.</summary>
    public double GenerateThreadSeconds { get; init; }
    /// <summary>Seconds for PostDataSql (constraint validation, index builds), sequence updates and commit.</summary>
    public required double ConstrainSeconds { get; init; }
    public double TotalSeconds => CreateSeconds + CopySeconds + ConstrainSeconds;
}

/// <summary>A load failed and was rolled back: nothing it wrote remains. The message names the table, and the column,
/// constraint and offending values when the server says. The CLI maps it to exit code 3.</summary>
public sealed class LoadException : Exception
{
    public LoadException(string message, QualifiedName? table = null, string? column = null, string? constraint = null,
        Exception? inner = null) : base(message, inner)
    {
        Table = table;
        Column = column;
        Constraint = constraint;
    }

    public QualifiedName? Table { get; }
    public string? Column { get; }
    public string? Constraint { get; }

    /// <summary>The load refused a target table that holds rows: <see cref="LoadOptions.Truncate"/> replaces them.
    /// Callers name their own switch for it (the CLI adds "with --truncate").</summary>
    public bool TableNotEmpty { get; init; }

    /// <summary>How messages name a table: bare in the public schema, schema-qualified elsewhere.</summary>
    internal static string DisplayName(QualifiedName n) => n.Schema == "public" ? n.Name : n.ToString();
}
