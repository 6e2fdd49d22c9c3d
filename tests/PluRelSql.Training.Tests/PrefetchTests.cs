namespace PluRelSql.Training.Tests;

public sealed class PrefetchTests
{
    private static string Digest(ContextBatch b) => string.Join("|",
        string.Join(",", b.Values), string.Join(",", b.ClassIds), string.Join(",", b.Types), string.Join(",", b.Rows),
        string.Join(",", b.Columns), string.Join(",", b.IsMasked), string.Join(",", b.TextTable));

    [Fact]
    public void Prefetched_batches_equal_the_plain_source_in_any_order()
    {
        var plain = new SyntheticRelationalTask(4, 64, 8, seed: 9);
        var prefetching = new PrefetchingBatchSource(new SyntheticRelationalTask(4, 64, 8, seed: 9), depth: 2);
        int[] steps = [0, 1, 2, 3, 7, 8, 2, 9, 10];
        foreach (var s in steps) Assert.Equal(Digest(plain.Next(s)), Digest(prefetching.Next(s)));
        // Built ahead: 1, 2, 3, 8 and 10 (not 0 or 7; the step back to 2 dropped the builds of 9 and 10, so 9 was
        // built on demand and 10 again ahead).
        Assert.Equal(5, prefetching.Prefetched);
        Assert.NotEqual(Digest(plain.Next(0)), Digest(plain.Next(1)));
    }
}
