using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using PluRelSql.Core;
using PluRelSql.Schema;

namespace PluRelSql.Generation;

/// <summary>The batches of one table, generated ahead of a bulk writer (COPY or SqlBulkCopy): up to <c>threads</c>
/// batches in flight on worker threads, handed over in row order through a small bounded channel. A batch is a pure
/// function of its row range, so the stream is the same rows in the same order whatever the thread count.</summary>
internal sealed class BatchPipeline : IAsyncDisposable
{
    private readonly Channel<RowBatch> _channel;
    private readonly CancellationTokenSource _stop;
    private readonly GenerateTiming _timing;
    private readonly Task _producer;

    private BatchPipeline(IRowGenerator generator, TableDef table, long total, int batchSize, int threads,
        GenerateTiming timing, CancellationToken ct)
    {
        threads = Math.Max(1, threads);
        _timing = timing;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _channel = Channel.CreateBounded<RowBatch>(new BoundedChannelOptions(2 + threads)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        var stop = _stop.Token;
        _producer = Task.Run(async () =>
        {
            try
            {
                var inFlight = new Queue<Task<RowBatch>>();
                long next = 0;
                while (next < total || inFlight.Count > 0)
                {
                    while (next < total && inFlight.Count < threads)
                    {
                        var start = next;
                        var count = (int)Math.Min(batchSize, total - start);
                        inFlight.Enqueue(threads == 1 ? Task.FromResult(Timed(start, count)) : Task.Run(() => Timed(start, count), stop));
                        next += count;
                    }
                    var batch = await inFlight.Dequeue().ConfigureAwait(false);
                    await _channel.Writer.WriteAsync(batch, stop).ConfigureAwait(false);
                }
                _channel.Writer.Complete();
            }
            catch (Exception e)
            {
                _channel.Writer.Complete(e);
            }
        }, stop);

        RowBatch Timed(long start, int count)
        {
            var began = Stopwatch.GetTimestamp();
            var batch = generator.Generate(table, start, count);
            timing.AddGenerate(Stopwatch.GetElapsedTime(began));
            return batch;
        }
    }

    public static BatchPipeline Start(IRowGenerator generator, TableDef table, long total, int batchSize, int threads,
        GenerateTiming timing, CancellationToken ct) => new(generator, table, total, batchSize, threads, timing, ct);

    /// <summary>Token that stops the producer: cancelled by the caller's token and on dispose.</summary>
    public CancellationToken Stopping => _stop.Token;

    /// <summary>The batches in row order; the time spent waiting for each one is added to the timing's wait.</summary>
    public async IAsyncEnumerable<RowBatch> ReadAllAsync([EnumeratorCancellation] CancellationToken ct = default)
    {
        while (true)
        {
            var waited = Stopwatch.GetTimestamp();
            if (!_channel.Reader.TryRead(out var batch))
            {
                if (!await _channel.Reader.WaitToReadAsync(ct).ConfigureAwait(false)) yield break;
                if (!_channel.Reader.TryRead(out batch)) continue;
            }
            _timing.AddWait(Stopwatch.GetElapsedTime(waited));
            yield return batch;
        }
    }

    /// <summary>Stops the producer (when the writer ended early) and waits for it.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _producer.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // stopped because the writer ended early
        }
        _stop.Dispose();
    }
}
