namespace PluRelSql.Training;

/// <summary>Semantic type of a cell token. Ids 0–3 are the reference RT ids; 4 is our categorical extension.</summary>
public enum TokenType : byte
{
    /// <summary>Numeric cell (int/float/decimal): <see cref="ContextBatch.Values"/> holds its column z-score. Predicted with Huber loss.</summary>
    Number = 0,
    /// <summary>Free text: <see cref="ContextBatch.ValueText"/> points at the value's text embedding. Never predicted (masking text is rejected).</summary>
    Text = 1,
    /// <summary>Date/time cell: <see cref="ContextBatch.Values"/> holds the DB-wide datetime z-score. Predicted with Huber loss.</summary>
    Datetime = 2,
    /// <summary>Boolean cell: <see cref="ContextBatch.Values"/> holds the z-score of 0/1 (model input), <see cref="ContextBatch.ClassIds"/> 0 or 1 (label). Predicted with binary cross-entropy.</summary>
    Boolean = 3,
    /// <summary>Categorical cell (enum, low-cardinality string): <see cref="ContextBatch.ValueText"/> points at the value's text
    /// embedding (model input), <see cref="ContextBatch.ClassIds"/> its class id 0..MaxClasses-1 within its column (label).
    /// Predicted with cross-entropy over <see cref="RtConfig.MaxClasses"/> logits.</summary>
    Categorical = 4,
}

/// <summary>An F→P link between two rows of the same sequence: <see cref="ChildRow"/> holds a foreign key to <see cref="ParentRow"/>.
/// Both are row ids as used in <see cref="ContextBatch.Rows"/>; links naming a row without tokens in the sequence are ignored.</summary>
public readonly record struct RowLink(int ChildRow, int ParentRow);

/// <summary>
/// One training/evaluation batch: <see cref="BatchSize"/> independent sequences (contexts) of <see cref="SequenceLength"/>
/// token slots each. A token is one non-null feature cell of one row. Plain arrays, no torch types: the tokenizer and the
/// context sampler fill it, <see cref="RelationalTransformer"/> turns it into tensors.
/// <para>Per-token arrays have length <c>BatchSize × SequenceLength</c>, indexed <c>b * SequenceLength + s</c> (sequence b, slot s).
/// Token order inside a sequence carries no meaning (the model has no positions).</para>
/// <para>Masked cells: for a token with <see cref="IsMasked"/> set, <see cref="Values"/> / <see cref="ClassIds"/> hold the
/// <b>target</b> (the true value to predict). The model never reads them as input: its input for that slot is the column-name
/// embedding plus the learned mask vector of the token's type only.</para>
/// </summary>
public sealed class ContextBatch
{
    /// <summary>Allocates an all-padding batch.</summary>
    public ContextBatch(int batchSize, int sequenceLength, int textDim, float[] textTable)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(sequenceLength, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(textDim, 1);
        ArgumentNullException.ThrowIfNull(textTable);
        if (textTable.Length == 0 || textTable.Length % textDim != 0)
            throw new ArgumentException($"text table length {textTable.Length} is not a positive multiple of textDim {textDim}", nameof(textTable));
        BatchSize = batchSize;
        SequenceLength = sequenceLength;
        TextDim = textDim;
        TextTable = textTable;
        int n = batchSize * sequenceLength;
        Values = new float[n];
        ClassIds = new int[n];
        Types = new TokenType[n];
        ColumnText = new int[n];
        ValueText = new int[n];
        Rows = new int[n];
        Tables = new int[n];
        Columns = new int[n];
        IsMasked = new bool[n];
        IsPadding = new bool[n];
        Links = new List<RowLink>[batchSize];
        for (int i = 0; i < n; i++)
        {
            ClassIds[i] = -1;
            ValueText[i] = -1;
            Rows[i] = -1;
            Tables[i] = -1;
            Columns[i] = -1;
            IsPadding[i] = true;
        }
        for (int b = 0; b < batchSize; b++) Links[b] = [];
    }

    private Dictionary<AttentionKind, AttentionBias>? _attention;

    /// <summary>Builds the attention biases of <paramref name="kinds"/> now and keeps them for
    /// <see cref="RelationalTransformer.Prepare"/> (batch sources call this on their worker threads, so the training step does
    /// not wait for it). Call it only once the batch is complete: the kept biases do not follow later changes of the rows,
    /// tables, columns, links or padding.</summary>
    public void PrepareAttention(IEnumerable<AttentionKind> kinds)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        var built = new Dictionary<AttentionKind, AttentionBias>();
        foreach (var kind in kinds.Distinct()) built[kind] = AttentionBias.Build(this, kind);
        _attention = built;
    }

    /// <summary>The bias of <paramref name="kind"/>: the one kept by <see cref="PrepareAttention"/>, else built now (not kept).</summary>
    public AttentionBias AttentionOf(AttentionKind kind) =>
        _attention is { } kept && kept.TryGetValue(kind, out var bias) ? bias : AttentionBias.Build(this, kind);

    /// <summary>B: number of sequences.</summary>
    public int BatchSize { get; }
    /// <summary>S: token slots per sequence (real tokens + padding).</summary>
    public int SequenceLength { get; }
    /// <summary>E: dimension of the frozen text embeddings in <see cref="TextTable"/>.</summary>
    public int TextDim { get; }
    /// <summary>B × S.</summary>
    public int TokenCount => BatchSize * SequenceLength;
    /// <summary>Number of distinct text embeddings in <see cref="TextTable"/>.</summary>
    public int TextCount => TextTable.Length / TextDim;

    /// <summary>Frozen text embeddings shared by the batch, row-major [TextCount × TextDim]: the "column of table" phrases
    /// (see <see cref="ColumnText"/>) and the text/categorical values (see <see cref="ValueText"/>). Deterministic, computed by the tokenizer.</summary>
    public float[] TextTable { get; }

    /// <summary>Per token: normalized (z-scored) value for <see cref="TokenType.Number"/>, <see cref="TokenType.Datetime"/> and
    /// <see cref="TokenType.Boolean"/> (z of 0/1); 0 for other types and padding. For a masked numeric/datetime token: the target.</summary>
    public float[] Values { get; }
    /// <summary>Per token: class id for <see cref="TokenType.Boolean"/> (0 = false, 1 = true) and <see cref="TokenType.Categorical"/>
    /// (0..MaxClasses-1, assigned per column by the tokenizer); −1 otherwise. For a masked boolean/categorical token: the target.</summary>
    public int[] ClassIds { get; }
    /// <summary>Per token: semantic type (selects the value encoder, the mask vector and the prediction head).</summary>
    public TokenType[] Types { get; }
    /// <summary>Per token: index into <see cref="TextTable"/> of the embedding of the phrase "&lt;column&gt; of &lt;table&gt;"
    /// (tells the model which column the cell belongs to, also for masked cells); −1 for padding.</summary>
    public int[] ColumnText { get; }
    /// <summary>Per token: index into <see cref="TextTable"/> of the value's own text embedding, for <see cref="TokenType.Text"/>
    /// and <see cref="TokenType.Categorical"/> tokens (required there); −1 otherwise.</summary>
    public int[] ValueText { get; }
    /// <summary>Per token: id of the token's row (any non-negative int, e.g. 0, 1, … in visit order or a DB-wide row id;
    /// compared within a sequence only); −1 for padding. All cells of one DB row share the id, and <see cref="Links"/> use it.</summary>
    public int[] Rows { get; }
    /// <summary>Per token: table id (any non-negative id that is equal for cells of the same table in the sequence); −1 for padding.</summary>
    public int[] Tables { get; }
    /// <summary>Per token: column id (non-negative; equal for cells of the same column of the same table; the Column mask also
    /// compares <see cref="Tables"/>); −1 for padding.</summary>
    public int[] Columns { get; }
    /// <summary>Per token: the cell is masked — its value is hidden from the model and the loss is taken here.</summary>
    public bool[] IsMasked { get; }
    /// <summary>Per token: the slot is unused. Padding tokens see nothing, are seen by nothing and produce no output.</summary>
    public bool[] IsPadding { get; }
    /// <summary>Per sequence: FK links between its rows (child row → parent row, local row ids). They define the Feature
    /// (own row + parents) and Neighbor (children) attention masks. Duplicate links are harmless.</summary>
    public List<RowLink>[] Links { get; }

    /// <summary>Flat index of (sequence b, slot s).</summary>
    public int Index(int b, int s) => b * SequenceLength + s;

    /// <summary>Number of non-padding tokens.</summary>
    public int RealTokenCount()
    {
        int n = 0;
        foreach (bool p in IsPadding) if (!p) n++;
        return n;
    }

    /// <summary>Checks the contract; throws <see cref="ArgumentException"/> naming the first offending token.</summary>
    public void Validate(int maxClasses)
    {
        int textCount = TextCount;
        for (int i = 0; i < TokenCount; i++)
        {
            if (IsPadding[i])
            {
                if (IsMasked[i]) throw Bad(i, "is both padding and masked");
                continue;
            }
            var t = Types[i];
            if ((byte)t > (byte)TokenType.Categorical) throw Bad(i, $"has unknown type {(byte)t}");
            if (Rows[i] < 0 || Tables[i] < 0 || Columns[i] < 0) throw Bad(i, "has a negative row, table or column id");
            if (ColumnText[i] < 0 || ColumnText[i] >= textCount) throw Bad(i, $"column text index {ColumnText[i]} is outside the text table (0..{textCount - 1})");
            bool needsText = t is TokenType.Text or TokenType.Categorical;
            if (needsText && !IsMasked[i] && (ValueText[i] < 0 || ValueText[i] >= textCount))
                throw Bad(i, $"is {t} but its value text index {ValueText[i]} is outside the text table");
            if (!needsText && ValueText[i] >= textCount) throw Bad(i, $"value text index {ValueText[i]} is outside the text table");
            if (IsMasked[i])
            {
                switch (t)
                {
                    case TokenType.Text:
                        throw Bad(i, "is a masked text cell; text is never predicted");
                    case TokenType.Number or TokenType.Datetime when !float.IsFinite(Values[i]):
                        throw Bad(i, $"is a masked {t} cell with a non-finite target {Values[i]}");
                    case TokenType.Boolean when ClassIds[i] is not (0 or 1):
                        throw Bad(i, $"is a masked boolean cell whose class id {ClassIds[i]} is not 0 or 1");
                    case TokenType.Categorical when ClassIds[i] < 0 || ClassIds[i] >= maxClasses:
                        throw Bad(i, $"is a masked categorical cell whose class id {ClassIds[i]} is outside 0..{maxClasses - 1}");
                }
            }
            else if (t is TokenType.Number or TokenType.Datetime or TokenType.Boolean && !float.IsFinite(Values[i]))
            {
                throw Bad(i, $"has a non-finite value {Values[i]}");
            }
        }
        for (int b = 0; b < BatchSize; b++)
        {
            foreach (var link in Links[b])
                if (link.ChildRow < 0 || link.ParentRow < 0)
                    throw new ArgumentException($"sequence {b}: link {link} has a negative row id");
        }
    }

    private ArgumentException Bad(int i, string what) =>
        new($"context batch: token {i % SequenceLength} of sequence {i / SequenceLength} (row {Rows[i]}, table {Tables[i]}, column {Columns[i]}) {what}");
}

/// <summary>
/// Fills a <see cref="ContextBatch"/> sequence by sequence, row by row (convenient for samplers and tests).
/// Usage: <c>AddText</c> the embeddings, then per sequence <c>StartSequence</c>, <c>AddRow</c>, <c>AddCell</c>, <c>AddLink</c>; finally <c>Build</c>.
/// </summary>
public sealed class ContextBatchBuilder
{
    private readonly int _batchSize, _sequenceLength, _textDim;
    private readonly List<float> _text = [];
    private readonly List<Seq> _sequences = [];

    private sealed class Seq
    {
        public readonly List<int> RowTables = [];
        public readonly List<(int Row, int Column, int ColumnText, TokenType Type, float Value, int ClassId, int ValueText, bool Masked)> Cells = [];
        public readonly List<RowLink> Links = [];
    }

    /// <summary>Starts an empty batch of <paramref name="batchSize"/> sequences with <paramref name="sequenceLength"/> slots.</summary>
    public ContextBatchBuilder(int batchSize, int sequenceLength, int textDim)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(sequenceLength, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(textDim, 1);
        _batchSize = batchSize;
        _sequenceLength = sequenceLength;
        _textDim = textDim;
    }

    /// <summary>Appends a text embedding (length TextDim) and returns its index in the text table.</summary>
    public int AddText(ReadOnlySpan<float> embedding)
    {
        if (embedding.Length != _textDim) throw new ArgumentException($"embedding length {embedding.Length} != textDim {_textDim}");
        int index = _text.Count / _textDim;
        foreach (float v in embedding) _text.Add(v);
        return index;
    }

    /// <summary>Begins the next sequence.</summary>
    public void StartSequence()
    {
        if (_sequences.Count == _batchSize) throw new InvalidOperationException($"the batch already holds {_batchSize} sequences");
        _sequences.Add(new Seq());
    }

    /// <summary>Tokens already placed in the current sequence.</summary>
    public int CurrentTokenCount => Current.Cells.Count;

    /// <summary>Adds a row of table <paramref name="tableId"/> to the current sequence; returns its local row id.</summary>
    public int AddRow(int tableId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tableId);
        Current.RowTables.Add(tableId);
        return Current.RowTables.Count - 1;
    }

    /// <summary>Records that <paramref name="childRow"/> holds a foreign key to <paramref name="parentRow"/>.</summary>
    public void AddLink(int childRow, int parentRow)
    {
        CheckRow(childRow);
        CheckRow(parentRow);
        Current.Links.Add(new RowLink(childRow, parentRow));
    }

    /// <summary>Adds one cell token of <paramref name="row"/>. For a masked cell, value/classId are the target.</summary>
    public void AddCell(int row, int columnId, int columnText, TokenType type, float value = 0f, int classId = -1, int valueText = -1, bool masked = false)
    {
        CheckRow(row);
        if (Current.Cells.Count == _sequenceLength)
            throw new InvalidOperationException($"sequence {_sequences.Count - 1} already holds {_sequenceLength} tokens");
        Current.Cells.Add((row, columnId, columnText, type, value, classId, valueText, masked));
    }

    /// <summary>Creates the batch; sequences not started stay all padding.</summary>
    public ContextBatch Build()
    {
        var textTable = _text.Count > 0 ? _text.ToArray() : new float[_textDim];
        var batch = new ContextBatch(_batchSize, _sequenceLength, _textDim, textTable);
        for (int b = 0; b < _sequences.Count; b++)
        {
            var seq = _sequences[b];
            for (int s = 0; s < seq.Cells.Count; s++)
            {
                var c = seq.Cells[s];
                int i = batch.Index(b, s);
                batch.IsPadding[i] = false;
                batch.Rows[i] = c.Row;
                batch.Tables[i] = seq.RowTables[c.Row];
                batch.Columns[i] = c.Column;
                batch.ColumnText[i] = c.ColumnText;
                batch.Types[i] = c.Type;
                batch.Values[i] = c.Value;
                batch.ClassIds[i] = c.ClassId;
                batch.ValueText[i] = c.ValueText;
                batch.IsMasked[i] = c.Masked;
            }
            batch.Links[b].AddRange(seq.Links);
        }
        return batch;
    }

    private Seq Current => _sequences.Count > 0 ? _sequences[^1] : throw new InvalidOperationException("call StartSequence first");

    private void CheckRow(int row)
    {
        if (row < 0 || row >= Current.RowTables.Count) throw new ArgumentOutOfRangeException(nameof(row), $"row {row} was not added to this sequence");
    }
}
