using PluRelSql.Core;
using PluRelSql.Tokenization;

namespace PluRelSql.Training;

/// <summary>Feeds the trainer from databases read over SQL: each sequence is one context sampled around a target cell
/// of one database. The item of sequence b at step s is a pure function of (seed, s, b), so a resumed run sees the
/// same batches as an uninterrupted one. Databases are drawn in proportion to their target cells.</summary>
public sealed class SnapshotBatchSource : IBatchSource
{
    private readonly IReadOnlyList<ContextSampler> _samplers;
    private readonly long[] _cumulative;
    private readonly TextEmbedder _text;
    private readonly int _batchSize;
    private readonly int _sequenceLength;
    private readonly ulong _seed;

    public SnapshotBatchSource(IReadOnlyList<ContextSampler> samplers, int batchSize, int sequenceLength, int textDim, ulong seed)
    {
        if (samplers.Count == 0) throw new ArgumentException("no databases to sample from", nameof(samplers));
        _samplers = samplers;
        _cumulative = new long[samplers.Count];
        long total = 0;
        for (var i = 0; i < samplers.Count; i++) _cumulative[i] = total += samplers[i].Targets.Count;
        if (total == 0) throw new ArgumentException("the databases hold no number or boolean cell to predict", nameof(samplers));
        foreach (var s in samplers)
            if (s.Options.ContextCells > sequenceLength)
                throw new ArgumentException($"contexts of {s.Options.ContextCells} cells do not fit sequences of {sequenceLength}");
        _text = new TextEmbedder(textDim);
        _batchSize = batchSize;
        _sequenceLength = sequenceLength;
        _seed = seed;
    }

    public long TargetCells => _cumulative[^1];

    public ContextBatch Next(int step) => Batch(step, _batchSize, out _);

    /// <summary>A batch and, per sequence, the database it came from (for per-column baselines in evaluation).</summary>
    public ContextBatch Batch(long step, int batchSize, out (int Database, SampledContext Context)[] origins)
    {
        var rng = CounterRng.Stream(_seed, (ulong)step, 0x5EED);
        var builder = new ContextBatchBuilder(batchSize, _sequenceLength, _text.Dimension);
        var phraseText = new Dictionary<(int Db, int Column), int>();
        var valueText = new Dictionary<(int Db, int Vocab), int>();
        origins = new (int, SampledContext)[batchSize];
        for (var b = 0; b < batchSize; b++)
        {
            var pick = rng.Below(b, _cumulative[^1]);
            var dbIndex = Array.FindIndex(_cumulative, c => pick < c);
            var sampler = _samplers[dbIndex];
            var item = pick - (dbIndex == 0 ? 0 : _cumulative[dbIndex - 1]);
            var ctx = sampler.Sample(item, rng.Bits(b, 1));
            origins[b] = (dbIndex, ctx);
            Append(builder, sampler.Database, dbIndex, ctx, phraseText, valueText);
        }
        return builder.Build();
    }

    /// <summary>The stored boolean behind a z-scored cell: true iff mean + z·std, the stored 0/1, exceeds ½.</summary>
    public static bool StoredBoolean(SnapshotColumn column, float z)
    {
        ArgumentNullException.ThrowIfNull(column);
        return column.Mean + z * column.Std > 0.5;
    }

    /// <summary>A batch of the given items, one context each (evaluation: a chosen set of target cells, not a random
    /// draw). Item i's context is sampled with <paramref name="seed"/>, so the same items give the same batch.</summary>
    public ContextBatch BatchOf(IReadOnlyList<(int Database, long Item)> items, ulong seed, out SampledContext[] contexts)
    {
        ArgumentNullException.ThrowIfNull(items);
        var builder = new ContextBatchBuilder(items.Count, _sequenceLength, _text.Dimension);
        var phraseText = new Dictionary<(int Db, int Column), int>();
        var valueText = new Dictionary<(int Db, int Vocab), int>();
        contexts = new SampledContext[items.Count];
        for (var b = 0; b < items.Count; b++)
        {
            var (dbIndex, item) = items[b];
            var sampler = _samplers[dbIndex];
            contexts[b] = sampler.Sample(item, seed);
            Append(builder, sampler.Database, dbIndex, contexts[b], phraseText, valueText);
        }
        return builder.Build();
    }

    private void Append(ContextBatchBuilder builder, RelationalSnapshot db, int dbIndex, SampledContext ctx,
        Dictionary<(int, int), int> phraseText, Dictionary<(int, int), int> valueText)
    {
        builder.StartSequence();
        var rowOf = new Dictionary<int, int>();
        foreach (var node in ctx.Rows)
            if (!rowOf.ContainsKey(node)) rowOf[node] = builder.AddRow(db.NodeTable[node]);
        foreach (var (node, row) in rowOf)
            foreach (var parent in db.ParentsOf(node))
                if (rowOf.TryGetValue(parent, out var parentRow)) builder.AddLink(row, parentRow);
        foreach (var cell in ctx.Cells)
        {
            var column = db.Columns[cell.Column];
            if (!phraseText.TryGetValue((dbIndex, cell.Column), out var phrase))
                phraseText[(dbIndex, cell.Column)] = phrase = builder.AddText(_text.Embed(column.Phrase));
            var value = cell.IsTarget ? ctx.TargetValue : cell.Value;
            switch (cell.Type)
            {
                case SemanticType.Number:
                    builder.AddCell(rowOf[cell.Node], cell.Column, phrase, TokenType.Number, value, masked: cell.IsTarget);
                    break;
                case SemanticType.DateTime:
                    builder.AddCell(rowOf[cell.Node], cell.Column, phrase, TokenType.Datetime, value, masked: cell.IsTarget);
                    break;
                case SemanticType.Boolean:
                    // The stored value, not "z > 0" (false for every cell of an all-true column); as input ±1, the same
                    // for every column, where the z-score of a constant column is 0 whatever its value (docs/model.md §1.3).
                    var isTrue = StoredBoolean(column, value);
                    builder.AddCell(rowOf[cell.Node], cell.Column, phrase, TokenType.Boolean, isTrue ? 1f : -1f, isTrue ? 1 : 0, masked: cell.IsTarget);
                    break;
                default:
                    if (!valueText.TryGetValue((dbIndex, cell.Text), out var vt))
                        valueText[(dbIndex, cell.Text)] = vt = builder.AddText(_text.Embed(db.TextVocabulary[cell.Text]));
                    builder.AddCell(rowOf[cell.Node], cell.Column, phrase, TokenType.Text, valueText: vt);
                    break;
            }
        }
    }
}
