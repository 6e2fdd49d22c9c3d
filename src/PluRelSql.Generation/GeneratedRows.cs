using System.Runtime.CompilerServices;
using PluRelSql.Core;
using PluRelSql.Schema;

namespace PluRelSql.Generation;

/// <summary>The rows of a generation plan, made by a generator while the loader writes (see <see cref="BatchPipeline"/>).</summary>
public sealed class GeneratedRows(GenerationPlan plan, IRowGenerator generator) : IRowSource
{
    private readonly List<TableDef> _tables = plan.Order.Tables.Where(t => !t.IsPartition).ToList();

    public GenerationPlan Plan { get; } = plan;

    public SchemaGraph Graph => Plan.Graph;

    public IReadOnlyList<TableDef> Tables => _tables;

    public long Rows(TableDef table) => Plan.Rows(table);

    public async IAsyncEnumerable<RowBatch> Batches(TableDef table, int batchSize, int threads, GenerateTiming timing,
        [EnumeratorCancellation] CancellationToken ct)
    {
        // Disposing the enumerator (the writer ended early, or failed) stops the producer and waits for it.
        await using var pipeline = BatchPipeline.Start(generator, table, Plan.Rows(table), batchSize, threads, timing, ct);
        await foreach (var batch in pipeline.ReadAllAsync(pipeline.Stopping).ConfigureAwait(false))
            yield return batch;
    }
}
