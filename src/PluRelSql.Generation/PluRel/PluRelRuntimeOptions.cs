namespace PluRelSql.Generation.PluRel;

/// <summary>Options that change cost, never values.</summary>
public sealed record PluRelRuntimeOptions
{
    /// <summary>Tables with at most this many rows are evaluated once and their raw feature values kept (children and
    /// chunks read them); bigger tables are recomputed for the rows a child or a chunk needs. Values are identical
    /// either way (0 turns the cache off).</summary>
    public long ParentCacheRows { get; init; } = 1 << 16;

    /// <summary>Bigger tables whose values feed a child's SCM are cached too, in load order, while the raw values of all
    /// of them together take at most this many bytes, so children rarely recompute their ancestors (0 turns only this
    /// rule off). Bounds the memory of large databases.</summary>
    public long ParentCacheBytes { get; init; } = 384L << 20;

    /// <summary>A child's SCM reads each feeding parent's export encodings (docs/generator.md §5.4) from a per-parent-row
    /// cache, computed once per parent row instead of once per child row, when the parent has at most as many rows as the
    /// child and the cache fits in 64 MiB; false encodes them per child row. Values are identical either way.</summary>
    public bool ParentFeedCache { get; init; } = true;

    /// <summary>Threads that evaluate blocks of rows of one table at once (whole-table caches and calibration
    /// samples). Blocks are independent pure functions of their rows, so the bits never depend on this.</summary>
    public int Threads { get; init; } = 1;
}
