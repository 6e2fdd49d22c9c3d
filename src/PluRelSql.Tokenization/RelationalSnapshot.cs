using System.Data.Common;
using System.Globalization;
using PluRelSql.Schema;
using PluRelSql.Storage;

namespace PluRelSql.Tokenization;

/// <summary>Value type of a cell as the Relational Transformer sees it (docs/model.md §1.2).</summary>
public enum SemanticType : byte { Number = 0, Text = 1, DateTime = 2, Boolean = 3 }

/// <summary>A feature column of a snapshot (the values themselves live in the snapshot's cell arrays; the generator's
/// per-chunk values are <c>Generation.PluRel.FeatureColumn</c>): one token per non-null cell. Its id is global within the snapshot, and its phrase
/// ("price of product") is what the model sees of its identity.</summary>
public sealed class SnapshotColumn
{
    public required int Id { get; init; }
    public required int TableId { get; init; }
    public required string Name { get; init; }
    public required string Phrase { get; init; }
    public required SemanticType Type { get; init; }
    /// <summary>Non-null cells, mean and (sample) standard deviation, computed by the server in SQL. For datetime
    /// columns these are the database-wide pooled statistics (population std) in epoch seconds.</summary>
    public long Count { get; internal set; }
    public double Mean { get; internal set; }
    public double Std { get; internal set; } = 1;
}

public sealed class SnapshotTable
{
    public required int Id { get; init; }
    public required QualifiedName Name { get; init; }
    public required int FirstNode { get; init; }
    public int RowCount { get; init; }
    public required IReadOnlyList<SnapshotColumn> Columns { get; init; }
    /// <summary>The column that stamps each row in time, or null: the non-key date/time column whose values vary,
    /// preferring event-like names (docs/model.md §2). It is also one of the table's datetime features.</summary>
    public string? TimeColumn { get; init; }
}

/// <summary>One database (one SQL schema) as a row graph in compact arrays: every row is a node; cells, F→P parent
/// links and time-sorted P→F child lists in CSR form. Built by streaming rows over SQL — no files in between.</summary>
public sealed class RelationalSnapshot
{
    public const long NoTime = long.MinValue;
    public const int MaxParents = 5;

    public required string Name { get; init; }
    public required IReadOnlyList<SnapshotTable> Tables { get; init; }
    public required IReadOnlyList<SnapshotColumn> Columns { get; init; }
    public required int NodeCount { get; init; }
    public required int[] NodeTable { get; init; }
    /// <summary>Row time in epoch seconds, <see cref="NoTime"/> when the table has none or the value is NULL.</summary>
    public required long[] NodeTime { get; init; }
    public required int[] CellStart { get; init; }
    public required int[] CellColumn { get; init; }
    /// <summary>z-scored value for number/boolean/datetime cells; 0 for text cells (see <see cref="CellText"/>).</summary>
    public required float[] CellValue { get; init; }
    /// <summary>Index into <see cref="TextVocabulary"/> for text cells, −1 otherwise.</summary>
    public required int[] CellText { get; init; }
    public required int[] ParentStart { get; init; }
    public required int[] Parents { get; init; }
    public required int[] ChildStart { get; init; }
    /// <summary>Children of each node, sorted by time (untimed first).</summary>
    public required int[] Children { get; init; }
    public required IReadOnlyList<string> TextVocabulary { get; init; }
    /// <summary>Stable identity of each row, independent of load order: <see cref="HeldOutRows.KeyOf"/> of the primary
    /// key's text, or, for a table without a primary key, a hash of the row's foreign-key and feature values. Null in
    /// hand-built snapshots, where <see cref="RowKey"/> falls back to the row's position in its table.</summary>
    public ulong[]? NodeKey { get; init; }

    public ulong RowKey(int node) => NodeKey is { } keys ? keys[node] : (ulong)(node - Tables[NodeTable[node]].FirstNode);

    public ReadOnlySpan<int> ParentsOf(int node) => Parents.AsSpan(ParentStart[node], ParentStart[node + 1] - ParentStart[node]);

    public ReadOnlySpan<int> ChildrenOf(int node) => Children.AsSpan(ChildStart[node], ChildStart[node + 1] - ChildStart[node]);

    public int CellCount(int node) => CellStart[node + 1] - CellStart[node];

    public long TotalCells => CellStart[NodeCount];

    /// <summary>Reads one SQL schema over an open PostgreSQL or SQL Server connection.</summary>
    public static Task<RelationalSnapshot> LoadAsync(DbConnection conn, string schema, CancellationToken ct = default) =>
        LoadAsync(DatabaseSession.Of(conn), schema, ct);

    /// <summary>Reads one SQL schema of a PostgreSQL or SQL Server database: the schema comes from the server's
    /// catalog, statistics and rows from SQL in the server's dialect (<see cref="SnapshotSql"/>).</summary>
    public static async Task<RelationalSnapshot> LoadAsync(DatabaseSession session, string schema, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        var graph = await session.ReadSchemaAsync([schema], ct).ConfigureAwait(false);
        return await SnapshotLoader.LoadAsync(session.Connection, session.Target.SnapshotSql, schema, graph, ct).ConfigureAwait(false);
    }

    internal static SemanticType? Classify(SqlType t) => t.IsArray ? null : t.Descriptor switch
    {
        { IsNumeric: true } => SemanticType.Number,
        { Kind: TypeKind.Boolean } => SemanticType.Boolean,
        { IsCalendar: true } => SemanticType.DateTime,
        { IsCharacter: true } or { Kind: TypeKind.Enum } => SemanticType.Text,
        _ => null,
    };

    internal static string Invariant(object v) => v switch
    {
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };
}
