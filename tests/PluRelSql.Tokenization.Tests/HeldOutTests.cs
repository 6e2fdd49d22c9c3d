using PluRelSql.Core;

namespace PluRelSql.Tokenization.Tests;

/// <summary>The held-out-by-row rule: a pure keyed hash, and samplers that draw only held-out or only other targets.</summary>
public sealed class HeldOutTests
{
    [Fact]
    public void Rule_is_a_pure_hash_of_database_table_and_key_with_the_asked_share()
    {
        var keys = Enumerable.Range(0, 20_000).Select(i => HeldOutRows.KeyOf(i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray();
        var held = keys.Select(k => HeldOutRows.IsHeldOut("shop", "order", k, 0.2, 7)).ToArray();
        Assert.InRange(held.Count(h => h) / 20_000.0, 0.19, 0.21);
        // Same inputs, same answer — in any order.
        Assert.Equal(held.Reverse(), keys.Reverse().Select(k => HeldOutRows.IsHeldOut("shop", "order", k, 0.2, 7)));
        // Another table, database or seed holds out other rows.
        Assert.NotEqual(held, keys.Select(k => HeldOutRows.IsHeldOut("shop", "customer", k, 0.2, 7)));
        Assert.NotEqual(held, keys.Select(k => HeldOutRows.IsHeldOut("mall", "order", k, 0.2, 7)));
        Assert.NotEqual(held, keys.Select(k => HeldOutRows.IsHeldOut("shop", "order", k, 0.2, 8)));
        // Monotone in the fraction: a row held out at 0.1 is held out at 0.2.
        for (var i = 0; i < keys.Length; i++)
            if (HeldOutRows.IsHeldOut("shop", "order", keys[i], 0.1, 7)) Assert.True(held[i]);
        Assert.False(HeldOutRows.IsHeldOut("shop", "order", keys[0], 0, 7));
        Assert.True(HeldOutRows.IsHeldOut("shop", "order", keys[0], 1, 7));
        Assert.Equal(HeldOutRows.KeyOf("42"), HeldOutRows.KeyOf("42"));
        Assert.NotEqual(HeldOutRows.KeyOf("42"), HeldOutRows.KeyOf("43"));
    }

    [Fact]
    public void Held_out_and_training_targets_partition_all_targets()
    {
        var db = SamplerTests.Shop(400);
        var rule = new HeldOutRule(0.25, 3);
        var all = new ContextSampler(db).Targets;
        var eval = new ContextSampler(db, new SamplerOptions { HeldOut = rule, Targets = TargetFilter.HeldOutOnly }).Targets;
        var train = new ContextSampler(db, new SamplerOptions { HeldOut = rule, Targets = TargetFilter.ExcludeHeldOut }).Targets;
        var mask = ContextSampler.HeldOutMask(db, rule);
        Assert.Equal(all.Count, eval.Count + train.Count);
        Assert.InRange(eval.Count, all.Count / 8, all.Count / 2);
        var evalCells = Enumerable.Range(0, (int)eval.Count).Select(i => eval.Cell(i)).ToList();
        var trainCells = Enumerable.Range(0, (int)train.Count).Select(i => train.Cell(i)).ToList();
        Assert.All(evalCells, c => Assert.True(mask[c.Node]));
        Assert.All(trainCells, c => Assert.False(mask[c.Node]));
        Assert.Empty(evalCells.Select(c => c.Cell).Intersect(trainCells.Select(c => c.Cell)));
        Assert.Throws<ArgumentException>(() => new ContextSampler(db, new SamplerOptions { Targets = TargetFilter.HeldOutOnly }));
    }

    [Fact]
    public void Training_contexts_never_show_a_held_out_rows_evaluated_cells()
    {
        var db = SamplerTests.Shop(300);
        var rule = new HeldOutRule(0.3, 11);
        var mask = ContextSampler.HeldOutMask(db, rule);
        var sampler = new ContextSampler(db, new SamplerOptions { ContextCells = 200, MaxBfsWidth = 50, HeldOut = rule, Targets = TargetFilter.ExcludeHeldOut });
        var plain = new ContextSampler(db, new SamplerOptions { ContextCells = 200, MaxBfsWidth = 50 });
        var heldRowsSeen = 0;
        for (long item = 0; item < sampler.Targets.Count; item++)
        {
            var ctx = sampler.Sample(item, 5);
            Assert.False(mask[ctx.SeedNode]);
            foreach (var cell in ctx.Cells)
                if (mask[cell.Node]) Assert.False(ContextSampler.IsTargetType(cell.Type), $"held-out row {cell.Node}'s {cell.Type} cell is in a training context");
            heldRowsSeen += ctx.Rows.Count(r => mask[r]);
        }
        // The held-out rows themselves are still visited (their keys and text keep the graph), only their cells go.
        Assert.True(heldRowsSeen > 0);
        // Without a rule the same rows do show those cells: the check above can fail.
        Assert.Contains(Enumerable.Range(0, 50).SelectMany(i => plain.Sample(i, 5).Cells), c => mask[c.Node] && !c.IsTarget);
    }
}
