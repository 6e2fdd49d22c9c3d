using PluRelSql.Schema;

namespace PluRelSql.Core;

/// <summary>The rows a load writes, as a loader sees them: the tables in load order with their row counts, and each
/// table's batches as a stream in row order. Loaders read only this, so they do not depend on how rows are made.</summary>
public interface IRowSource
{
    /// <summary>The graph the rows belong to (for naming tables in errors and finding sequences).</summary>
    SchemaGraph Graph { get; }

    /// <summary>The tables to load, in load order (partitions are filled through their parent).</summary>
    IReadOnlyList<TableDef> Tables { get; }

    long Rows(TableDef table);

    /// <summary>The batches of one table in row order, at most <paramref name="batchSize"/> rows each, made ahead on up
    /// to <paramref name="threads"/> workers; generator and wait times are added to <paramref name="timing"/>.</summary>
    IAsyncEnumerable<RowBatch> Batches(TableDef table, int batchSize, int threads, GenerateTiming timing, CancellationToken ct);
}
