using PluRelSql.Tokenization;

namespace PluRelSql.Training.Tests;

/// <summary>Boolean labels and inputs come from the stored value (docs/model.md §1.3), not from "z > 0".</summary>
public sealed class BooleanLabelTests
{
    /// <summary>One table of <paramref name="rows"/> rows with an always-true flag (z = 0 everywhere: mean 1, std
    /// guarded to 1) and a quarter-true flag (true on every fourth row).</summary>
    private static RelationalSnapshot Flags(int rows)
    {
        var quarterMean = 0.25;
        var quarterStd = Math.Sqrt(rows * 0.25 * 0.75 / (rows - 1));
        var always = new SnapshotColumn { Id = 0, TableId = 0, Name = "active", Phrase = "active of flag", Type = SemanticType.Boolean, Count = rows, Mean = 1, Std = 1 };
        var quarter = new SnapshotColumn { Id = 1, TableId = 0, Name = "vip", Phrase = "vip of flag", Type = SemanticType.Boolean, Count = rows, Mean = quarterMean, Std = quarterStd };
        var cols = new List<int>();
        var vals = new List<float>();
        var start = new int[rows + 1];
        for (var i = 0; i < rows; i++)
        {
            cols.Add(0); vals.Add(0f);
            cols.Add(1); vals.Add((float)(((i % 4 == 0 ? 1 : 0) - quarterMean) / quarterStd));
            start[i + 1] = cols.Count;
        }
        return new RelationalSnapshot
        {
            Name = "flags",
            Tables = [new SnapshotTable { Id = 0, Name = new("public", "flag"), FirstNode = 0, Columns = [always, quarter], RowCount = rows }],
            Columns = [always, quarter],
            NodeCount = rows,
            NodeTable = new int[rows],
            NodeTime = Enumerable.Repeat(RelationalSnapshot.NoTime, rows).ToArray(),
            CellStart = start,
            CellColumn = [.. cols],
            CellValue = [.. vals],
            CellText = Enumerable.Repeat(-1, cols.Count).ToArray(),
            ParentStart = new int[rows + 1],
            Parents = [],
            ChildStart = new int[rows + 1],
            Children = [],
            TextVocabulary = [],
        };
    }

    [Fact]
    public void A_constant_true_column_is_labelled_true_and_inputs_are_the_stored_value()
    {
        var db = Flags(40);
        var sampler = new ContextSampler(db, new SamplerOptions { ContextCells = 16, MaxBfsWidth = 4 });
        var source = new SnapshotBatchSource([sampler], batchSize: 32, sequenceLength: 16, textDim: 16, seed: 3);
        var seenAlways = 0;
        for (var step = 0; step < 4; step++)
        {
            var batch = source.Batch(step, 32, out var origins);
            for (var i = 0; i < batch.TokenCount; i++)
            {
                if (batch.IsPadding[i] || batch.Types[i] != TokenType.Boolean) continue;
                var node = origins[i / batch.SequenceLength].Context.Cells.Single(c => c.IsTarget).Node;
                var truth = batch.Columns[i] == 0 || (batch.IsMasked[i] ? node % 4 == 0 : batch.Values[i] > 0);
                if (batch.IsMasked[i])
                {
                    Assert.Equal(truth ? 1 : 0, batch.ClassIds[i]);
                    if (batch.Columns[i] == 0) seenAlways++;
                }
                else
                {
                    Assert.Equal(truth ? 1f : -1f, batch.Values[i]);
                }
            }
        }
        Assert.True(seenAlways > 10, $"{seenAlways} masked cells of the always-true column");
        Assert.True(SnapshotBatchSource.StoredBoolean(db.Columns[0], 0f));
        Assert.False(SnapshotBatchSource.StoredBoolean(new SnapshotColumn { Id = 0, TableId = 0, Name = "x", Phrase = "x", Type = SemanticType.Boolean, Mean = 0, Std = 1 }, 0f));
    }
}
