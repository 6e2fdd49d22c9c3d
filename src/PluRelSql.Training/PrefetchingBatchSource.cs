namespace PluRelSql.Training;

/// <summary>Builds the batches of the next steps on worker threads while the current step trains, so the trainer does
/// not wait on context sampling. Safe because <see cref="IBatchSource"/> batches are pure functions of the step: the
/// trained batches are the same with or without prefetching (and after a resume). The wrapped source must tolerate
/// calls from several threads at once (<see cref="SnapshotBatchSource"/> only reads its snapshots).</summary>
public sealed class PrefetchingBatchSource : IBatchSource
{
    private readonly IBatchSource _inner;
    private readonly int _depth;
    private readonly Action<ContextBatch>? _prepare;
    private readonly Dictionary<int, Task<ContextBatch>> _pending = [];

    /// <param name="depth">How many steps ahead to build (1–2 keep a core busy beside the training step).</param>
    /// <param name="prepare">Work done on the worker thread after a batch is built, e.g. <see cref="ContextBatch.PrepareAttention"/>.</param>
    public PrefetchingBatchSource(IBatchSource inner, int depth = 2, Action<ContextBatch>? prepare = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        _inner = inner;
        _depth = depth;
        _prepare = prepare;
    }

    private ContextBatch Build(int step)
    {
        var batch = _inner.Next(step);
        _prepare?.Invoke(batch);
        return batch;
    }

    /// <summary>Steps whose batch was ready (or being built) when asked for: how often the prefetch paid off.</summary>
    public int Prefetched { get; private set; }

    /// <inheritdoc/>
    public ContextBatch Next(int step)
    {
        if (_pending.Remove(step, out var task)) Prefetched++;
        else task = Task.Run(() => Build(step));
        foreach (var stale in _pending.Keys.Where(s => s < step || s > step + _depth).ToList()) _pending.Remove(stale);
        for (var ahead = step + 1; ahead <= step + _depth; ahead++)
        {
            var s = ahead;
            if (!_pending.ContainsKey(s)) _pending[s] = Task.Run(() => Build(s));
        }
        return task.GetAwaiter().GetResult();
    }
}
