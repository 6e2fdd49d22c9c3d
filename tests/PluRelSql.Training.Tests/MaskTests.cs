namespace PluRelSql.Training.Tests;

public sealed class MaskTests
{
    // Sequence 0 (S = 10): customer row 0 (age), product row 1 (price), order rows 2 and 3 (quantity, returned) both
    // referencing customer 0 and product 1, customer row 4 without orders, 3 padding slots.
    //   slot: 0 age(r0)  1 price(r1)  2 qty(r2)  3 ret(r2)  4 qty(r3)  5 ret(r3)  6 age(r4)  7-9 padding
    // Sequence 1: two cells with the same column id 9 but different tables, plus a self-referencing row.
    internal static ContextBatch ThreeTableContext()
    {
        var b = new ContextBatchBuilder(2, 10, 4);
        int t = b.AddText([1f, 0f, 0f, 0f]);
        b.StartSequence();
        int customer = b.AddRow(0), product = b.AddRow(1), order1 = b.AddRow(2), order2 = b.AddRow(2), lonely = b.AddRow(0);
        b.AddLink(order1, customer);
        b.AddLink(order1, product);
        b.AddLink(order2, customer);
        b.AddLink(order2, product);
        b.AddCell(customer, 0, t, TokenType.Number, 0.5f);
        b.AddCell(product, 1, t, TokenType.Number, -0.5f);
        b.AddCell(order1, 2, t, TokenType.Number, 1f);
        b.AddCell(order1, 3, t, TokenType.Boolean, 1f, 1);
        b.AddCell(order2, 2, t, TokenType.Number, 2f, masked: true);
        b.AddCell(order2, 3, t, TokenType.Boolean, -1f, 0);
        b.AddCell(lonely, 0, t, TokenType.Number, 0.1f);
        b.StartSequence();
        int x = b.AddRow(5), y = b.AddRow(6);
        b.AddLink(y, y);
        b.AddCell(x, 9, t, TokenType.Number, 1f);
        b.AddCell(y, 9, t, TokenType.Number, 1f);
        return b.Build();
    }

    private static HashSet<(int, int)> Allowed(RelationalMasks m, AttentionKind kind, int b)
    {
        var set = new HashSet<(int, int)>();
        for (int q = 0; q < m.SequenceLength; q++)
            for (int k = 0; k < m.SequenceLength; k++)
                if (m.Allows(kind, b, q, k)) set.Add((q, k));
        return set;
    }

    private static readonly (int, int)[] SameRow = [(0, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (4, 4), (4, 5), (5, 4), (5, 5), (6, 6)];

    [Fact]
    public void Column_mask_is_same_column_of_same_table()
    {
        var m = RelationalMasks.Build(ThreeTableContext());
        (int, int)[] expected = [(0, 0), (0, 6), (6, 0), (6, 6), (1, 1), (2, 2), (2, 4), (4, 2), (4, 4), (3, 3), (3, 5), (5, 3), (5, 5)];
        Assert.Equal(expected.ToHashSet(), Allowed(m, AttentionKind.Column, 0));
        // same column id, different tables: each cell sees only itself
        Assert.Equal(new HashSet<(int, int)> { (0, 0), (1, 1) }, Allowed(m, AttentionKind.Column, 1));
    }

    [Fact]
    public void Feature_mask_is_own_row_plus_referenced_parent_rows()
    {
        var m = RelationalMasks.Build(ThreeTableContext());
        var expected = SameRow.Concat([(2, 0), (2, 1), (3, 0), (3, 1), (4, 0), (4, 1), (5, 0), (5, 1)]).ToHashSet();
        Assert.Equal(expected, Allowed(m, AttentionKind.Feature, 0));
        Assert.Equal(new HashSet<(int, int)> { (0, 0), (1, 1) }, Allowed(m, AttentionKind.Feature, 1));
        // the customer cell does not see its orders through Feature
        Assert.False(m.Allows(AttentionKind.Feature, 0, 0, 2));
    }

    [Fact]
    public void Neighbor_mask_is_rows_that_reference_this_row()
    {
        var m = RelationalMasks.Build(ThreeTableContext());
        (int, int)[] expected = [(0, 2), (0, 3), (0, 4), (0, 5), (1, 2), (1, 3), (1, 4), (1, 5)];
        Assert.Equal(expected.ToHashSet(), Allowed(m, AttentionKind.Neighbor, 0));
        // a self-referencing row sees itself through Neighbor
        Assert.Equal(new HashSet<(int, int)> { (1, 1) }, Allowed(m, AttentionKind.Neighbor, 1));
    }

    [Fact]
    public void Full_mask_is_every_real_pair_and_padding_sees_nothing()
    {
        var m = RelationalMasks.Build(ThreeTableContext());
        var expected = new HashSet<(int, int)>();
        for (int q = 0; q < 7; q++) for (int k = 0; k < 7; k++) expected.Add((q, k));
        Assert.Equal(expected, Allowed(m, AttentionKind.Full, 0));
        foreach (AttentionKind kind in Enum.GetValues<AttentionKind>())
            for (int p = 7; p < 10; p++)
                for (int o = 0; o < 10; o++)
                {
                    Assert.False(m.Allows(kind, 0, p, o));
                    Assert.False(m.Allows(kind, 0, o, p));
                }
    }

    [Fact]
    public void Row_ids_need_not_be_dense()
    {
        var dense = ThreeTableContext();
        var sparse = ThreeTableContext();
        int Map(int row) => row < 0 ? row : 1_000_000_007 - row * 1000;   // large, descending, non-contiguous
        for (int i = 0; i < sparse.TokenCount; i++) sparse.Rows[i] = Map(sparse.Rows[i]);
        foreach (var links in sparse.Links)
            for (int j = 0; j < links.Count; j++) links[j] = new RowLink(Map(links[j].ChildRow), Map(links[j].ParentRow));
        sparse.Links[0].Add(new RowLink(Map(2), 42));   // a link to a row that has no token in the sequence
        var a = RelationalMasks.Build(dense);
        var b = RelationalMasks.Build(sparse);
        foreach (AttentionKind kind in Enum.GetValues<AttentionKind>()) Assert.Equal(a.Of(kind), b.Of(kind));
    }

    [Fact]
    public void Column_and_full_are_symmetric_and_neighbor_is_transposed_parent_relation()
    {
        var batch = new SyntheticRelationalTask(3, 64, 8, seed: 3).Next(0);
        var m = RelationalMasks.Build(batch);
        for (int b = 0; b < 3; b++)
            for (int q = 0; q < 64; q++)
                for (int k = 0; k < 64; k++)
                {
                    Assert.Equal(m.Allows(AttentionKind.Column, b, q, k), m.Allows(AttentionKind.Column, b, k, q));
                    Assert.Equal(m.Allows(AttentionKind.Full, b, q, k), m.Allows(AttentionKind.Full, b, k, q));
                    bool sameRow = !batch.IsPadding[batch.Index(b, q)] && !batch.IsPadding[batch.Index(b, k)]
                                   && batch.Rows[batch.Index(b, q)] == batch.Rows[batch.Index(b, k)];
                    bool parentRelation = m.Allows(AttentionKind.Feature, b, k, q) && !sameRow;
                    Assert.Equal(parentRelation, m.Allows(AttentionKind.Neighbor, b, q, k));
                }
    }

    [Fact]
    public void Attention_bias_is_the_relational_mask_with_self_edges_for_keyless_queries()
    {
        foreach (var batch in new[] { ThreeTableContext(), new SyntheticRelationalTask(3, 64, 8, seed: 3).Next(0) })
        {
            var m = RelationalMasks.Build(batch);
            int S = batch.SequenceLength;
            foreach (AttentionKind kind in Enum.GetValues<AttentionKind>())
            {
                var bias = AttentionBias.Build(batch, kind);
                var allowed = m.Of(kind);
                for (int row = 0; row < batch.TokenCount; row++)
                {
                    bool any = Enumerable.Range(0, S).Any(k => allowed[row * S + k]);
                    Assert.Equal(any ? 1f : 0f, bias.HasKey[row]);
                    for (int k = 0; k < S; k++)
                    {
                        bool open = allowed[row * S + k] || (!any && k == row % S);
                        Assert.Equal(open ? 0f : float.NegativeInfinity, bias.Bias[row * S + k]);
                    }
                }
            }
            // kept biases are the ones built on demand
            batch.PrepareAttention([AttentionKind.Feature]);
            Assert.Equal(AttentionBias.Build(batch, AttentionKind.Feature).Bias, batch.AttentionOf(AttentionKind.Feature).Bias);
        }
    }
}
