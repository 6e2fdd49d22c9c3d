namespace PluRelSql.Training;

/// <summary>The relational attention types of one RT block, in their order inside the block.</summary>
public enum AttentionKind
{
    /// <summary>Same column of the same table, across all rows of the context (incl. the token itself).</summary>
    Column = 0,
    /// <summary>Own row plus the rows it references (outgoing F→P, one hop).</summary>
    Feature = 1,
    /// <summary>Rows that reference the token's row (incoming P→F children, one hop).</summary>
    Neighbor = 2,
    /// <summary>Every real token of the sequence (RT-v1 only).</summary>
    Full = 3,
}

/// <summary>
/// The four relational attention masks of a batch (docs/model.md §3), as plain arrays: <c>mask[b, q, k]</c> is true iff query token q
/// may attend to key token k of sequence b. Flat row-major storage of length B × S × S (<see cref="Index"/>).
/// Pure C#: testable without torch. Sequences never attend to each other; padding tokens are false in every row and column.
/// </summary>
public sealed class RelationalMasks
{
    private RelationalMasks(int batchSize, int sequenceLength)
    {
        BatchSize = batchSize;
        SequenceLength = sequenceLength;
        int n = batchSize * sequenceLength * sequenceLength;
        Column = new bool[n];
        Feature = new bool[n];
        Neighbor = new bool[n];
        Full = new bool[n];
    }

    /// <summary>B.</summary>
    public int BatchSize { get; }
    /// <summary>S.</summary>
    public int SequenceLength { get; }
    /// <summary>col(q) == col(k) and table(q) == table(k).</summary>
    public bool[] Column { get; }
    /// <summary>row(q) == row(k) or row(k) ∈ parents(row(q)).</summary>
    public bool[] Feature { get; }
    /// <summary>row(q) ∈ parents(row(k)).</summary>
    public bool[] Neighbor { get; }
    /// <summary>Both tokens real.</summary>
    public bool[] Full { get; }

    /// <summary>Flat index of [b, q, k].</summary>
    public int Index(int b, int q, int k) => (b * SequenceLength + q) * SequenceLength + k;

    /// <summary>The mask array of one attention type.</summary>
    public bool[] Of(AttentionKind kind) => kind switch
    {
        AttentionKind.Column => Column,
        AttentionKind.Feature => Feature,
        AttentionKind.Neighbor => Neighbor,
        AttentionKind.Full => Full,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>True iff mask <paramref name="kind"/> lets (b, q) attend to (b, k).</summary>
    public bool Allows(AttentionKind kind, int b, int q, int k) => Of(kind)[Index(b, q, k)];

    /// <summary>Sequence <paramref name="b"/>'s rows: a dense local index per distinct row id into <paramref name="local"/>
    /// (row ids may be any non-negative ints, e.g. DB-wide ids; <paramref name="dense"/> is scratch, cleared here), and
    /// parentOf[child * rows + parent]: the child row holds an FK to the parent row (links to rows without tokens are
    /// irrelevant).</summary>
    internal static (int Rows, bool[] ParentOf) SequenceRows(ContextBatch batch, int b, int[] local, Dictionary<int, int> dense)
    {
        int S = batch.SequenceLength, off = b * S;
        dense.Clear();
        for (int s = 0; s < S; s++)
        {
            if (batch.IsPadding[off + s]) continue;
            int row = batch.Rows[off + s];
            if (!dense.TryGetValue(row, out int index)) dense[row] = index = dense.Count;
            local[s] = index;
        }
        int rowCount = dense.Count;
        var parentOf = new bool[rowCount * rowCount];
        foreach (var link in batch.Links[b])
            if (dense.TryGetValue(link.ChildRow, out int child) && dense.TryGetValue(link.ParentRow, out int parent))
                parentOf[child * rowCount + parent] = true;
        return (rowCount, parentOf);
    }

    /// <summary>Builds the masks of docs/model.md §3 from the batch's row/table/column ids, FK links and padding flags.</summary>
    public static RelationalMasks Build(ContextBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        int S = batch.SequenceLength;
        var m = new RelationalMasks(batch.BatchSize, S);
        for (int b = 0; b < batch.BatchSize; b++)
        {
            int off = b * S;
            var local = new int[S];
            var (rowCount, parentOf) = SequenceRows(batch, b, local, new Dictionary<int, int>());

            for (int q = 0; q < S; q++)
            {
                int iq = off + q;
                if (batch.IsPadding[iq]) continue;
                int rq = local[q], cq = batch.Columns[iq], tq = batch.Tables[iq];
                int baseIdx = m.Index(b, q, 0);
                for (int k = 0; k < S; k++)
                {
                    int ik = off + k;
                    if (batch.IsPadding[ik]) continue;
                    int rk = local[k];
                    int at = baseIdx + k;
                    m.Full[at] = true;
                    m.Column[at] = cq == batch.Columns[ik] && tq == batch.Tables[ik];
                    m.Feature[at] = rq == rk || parentOf[rq * rowCount + rk];
                    m.Neighbor[at] = parentOf[rk * rowCount + rq];
                }
            }
        }
        return m;
    }
}

/// <summary>
/// One attention type's mask in the form the model adds to its attention scores: <see cref="Bias"/> [B·S·S] is 0 where
/// <see cref="RelationalMasks"/> allows the pair and −∞ elsewhere, and a query with no admissible key gets a self-edge (0 on
/// its diagonal) so softmax stays finite; <see cref="HasKey"/> [B·S] is 1 for real queries with at least one key, else 0
/// (their output is zeroed). Built straight from the batch for one type only (no intermediate bool arrays), so a batch
/// source's worker thread can build it ahead of the training step (<see cref="ContextBatch.PrepareAttention"/>).
/// </summary>
public sealed class AttentionBias
{
    private AttentionBias(float[] bias, float[] hasKey)
    {
        Bias = bias;
        HasKey = hasKey;
    }

    /// <summary>0 / −∞ per [b, q, k], flat as <see cref="RelationalMasks.Index"/>.</summary>
    public float[] Bias { get; }
    /// <summary>1 / 0 per [b, q].</summary>
    public float[] HasKey { get; }

    /// <summary>The bias of <paramref name="kind"/> for <paramref name="batch"/>: the same pairs as <see cref="RelationalMasks.Build"/>.</summary>
    public static AttentionBias Build(ContextBatch batch, AttentionKind kind)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (kind is < AttentionKind.Column or > AttentionKind.Full) throw new ArgumentOutOfRangeException(nameof(kind));
        int B = batch.BatchSize, S = batch.SequenceLength;
        var bias = new float[B * S * S];
        Array.Fill(bias, float.NegativeInfinity);
        var hasKey = new float[B * S];
        var local = new int[S];
        var dense = new Dictionary<int, int>();
        for (int b = 0; b < B; b++)
        {
            int off = b * S;
            var (rowCount, parentOf) = RelationalMasks.SequenceRows(batch, b, local, dense);
            for (int q = 0; q < S; q++)
            {
                int iq = off + q;
                if (batch.IsPadding[iq]) continue;
                int rq = local[q], cq = batch.Columns[iq], tq = batch.Tables[iq];
                int rowStart = iq * S;
                bool any = false;
                for (int k = 0; k < S; k++)
                {
                    int ik = off + k;
                    if (batch.IsPadding[ik]) continue;
                    int rk = local[k];
                    bool allowed = kind switch
                    {
                        AttentionKind.Column => cq == batch.Columns[ik] && tq == batch.Tables[ik],
                        AttentionKind.Feature => rq == rk || parentOf[rq * rowCount + rk],
                        AttentionKind.Neighbor => parentOf[rk * rowCount + rq],
                        _ => true,
                    };
                    if (!allowed) continue;
                    bias[rowStart + k] = 0f;
                    any = true;
                }
                if (any) hasKey[iq] = 1f;
                else bias[rowStart + q] = 0f;
            }
            for (int q = 0; q < S; q++)
                if (batch.IsPadding[off + q]) bias[(off + q) * S + q] = 0f;   // padding queries: self-edge, output zeroed
        }
        return new AttentionBias(bias, hasKey);
    }
}
