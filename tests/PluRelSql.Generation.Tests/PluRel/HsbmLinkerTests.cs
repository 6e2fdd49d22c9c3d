using PluRelSql.Generation.PluRel;

namespace PluRelSql.Generation.Tests.PluRel;

public sealed class HsbmLinkerTests
{
    [Fact]
    public void One_level_three_by_three_keeps_about_996_per_mille_in_the_matching_block()
    {
        var h = new HsbmLinker(11, childRows: 3000, parentRows: 900, [3], [3]);
        Assert.Equal(300, h.ParentBlockSize);
        Assert.Equal(1000, h.ChildBlockSize);
        long same = 0;
        for (long b = 0; b < 3000; b++)
        {
            var a = h.ParentRow(b);
            Assert.InRange(a, 0, 899);
            if (h.ParentBlock(a) == h.ChildBlock(b)) same++;
        }
        Assert.InRange(same / 3000.0, 0.99, 0.9995); // reference ≈ 99.6 %
    }

    [Fact]
    public void A_single_cluster_on_one_side_of_every_level_gives_a_uniform_assignment()
    {
        var h = new HsbmLinker(3, childRows: 50_000, parentRows: 1000, [1, 3, 2], [2, 1, 1]);
        var degree = new int[1000];
        for (long b = 0; b < 50_000; b++) degree[h.ParentRow(b)]++;
        var mean = degree.Average();
        var variance = degree.Average(x => (x - mean) * (x - mean));
        Assert.InRange(variance / mean, 0.85, 1.15); // Poisson(B/A)
        // Structured counter-example: variance well above the mean.
        var s = new HsbmLinker(3, childRows: 50_000, parentRows: 1000, [3, 2], [2, 3]);
        var sd = new int[1000];
        for (long b = 0; b < 50_000; b++) sd[s.ParentRow(b)]++;
        var sm = sd.Average();
        Assert.True(sd.Average(x => (x - sm) * (x - sm)) / sm > 2);
    }

    [Fact]
    public void Wrapped_diagonal_maps_child_cluster_zero_to_parent_clusters_zero_and_two()
    {
        var h = new HsbmLinker(5, childRows: 20_000, parentRows: 3000, [3], [2]);
        Assert.Equal(0.9, h.Affinity(0, 0, 0));
        Assert.Equal(0.9, h.Affinity(0, 1, 1));
        Assert.Equal(0.9, h.Affinity(0, 2, 0));
        Assert.InRange(h.Affinity(0, 2, 1), 0.001, 0.002);
        var hits = new int[3];
        for (long b = 0; b < 10_000; b++) hits[h.ParentBlock(h.ParentRow(b))]++; // child block 0
        Assert.True(hits[0] > 4500 && hits[2] > 4500 && hits[1] < 100, string.Join(",", hits));
    }

    [Fact]
    public void Empty_matching_parent_blocks_spread_mass_over_the_best_remaining_blocks()
    {
        // 5 parent rows into 9 blocks of 1: blocks 5..8 are empty.
        var h = new HsbmLinker(9, childRows: 900, parentRows: 5, [3, 3], [3, 3]);
        for (long b = 0; b < 900; b++) Assert.InRange(h.ParentRow(b), 0, 4);
    }

    [Fact]
    public void Drawn_parameters_respect_the_ranges_and_parent_rows_are_pure()
    {
        var cfg = new ScmConfig();
        var levels = new HashSet<int>();
        for (ulong seed = 0; seed < 200; seed++)
        {
            var h = new HsbmLinker(seed, 777, 333, cfg);
            levels.Add(h.Levels);
            Assert.All(h.ParentClusters, c => Assert.InRange(c, 1, 3));
            Assert.All(h.ChildClusters, c => Assert.InRange(c, 1, 3));
            var again = new HsbmLinker(seed, 777, 333, cfg);
            for (long b = 776; b >= 0; b -= 37) Assert.Equal(h.ParentRow(b), again.ParentRow(b));
        }
        Assert.Equal([1, 2, 3, 4, 5], levels.Order());
    }

    [Fact]
    public void Blocks_are_contiguous_row_ranges()
    {
        var h = new HsbmLinker(1, 500, 500, [3, 3, 3, 3, 3], [3, 3, 3, 3, 3]);
        Assert.Equal(243, h.ParentBlocks);
        Assert.Equal(3, h.ParentBlockSize);
        Assert.Equal(167, Enumerable.Range(0, 243).Count(c => h.ParentBlockRange(c).Count > 0));
        Assert.Equal(2, HsbmLinker.Cluster(2 * 81 + 1 * 27, 0, h.ParentClusters));
        Assert.Equal(1, HsbmLinker.Cluster(2 * 81 + 1 * 27, 1, h.ParentClusters));
    }
}
