using PluRelSql.Core;

namespace PluRelSql.Tokenization.Tests;

/// <summary>The traversal on hand-built row graphs: budget, fan-out, time filter, determinism.</summary>
public sealed class SamplerTests
{
    /// <summary>One customer (node 0, no time) with <paramref name="orders"/> orders (nodes 1…, hourly), each with a
    /// quantity (column 1) and a returned flag (column 2); the customer has an age (column 0).</summary>
    internal static RelationalSnapshot Shop(int orders, long customerTime = RelationalSnapshot.NoTime)
    {
        var n = 1 + orders;
        var cellStart = new int[n + 1];
        var cols = new List<int> { 0 };
        var vals = new List<float> { 0.5f };
        cellStart[1] = 1;
        for (var i = 1; i < n; i++)
        {
            cols.Add(1); vals.Add(i);
            cols.Add(2); vals.Add(i % 2 == 0 ? 1 : -1);
            cellStart[i + 1] = cols.Count;
        }
        var parentStart = Enumerable.Range(0, n + 1).Select(i => Math.Max(0, i - 1)).ToArray();
        var columns = new List<SnapshotColumn>
        {
            new() { Id = 0, TableId = 0, Name = "age", Phrase = "age of customer", Type = SemanticType.Number },
            new() { Id = 1, TableId = 1, Name = "quantity", Phrase = "quantity of order", Type = SemanticType.Number },
            new() { Id = 2, TableId = 1, Name = "returned", Phrase = "returned of order", Type = SemanticType.Boolean },
        };
        return new RelationalSnapshot
        {
            Name = "shop",
            Tables =
            [
                new SnapshotTable { Id = 0, Name = new("public", "customer"), FirstNode = 0, Columns = columns.Take(1).ToList(), TimeColumn = customerTime == RelationalSnapshot.NoTime ? null : "signup" },
                new SnapshotTable { Id = 1, Name = new("public", "order"), FirstNode = 1, Columns = columns.Skip(1).ToList(), TimeColumn = "ts" },
            ],
            Columns = columns,
            NodeCount = n,
            NodeTable = Enumerable.Range(0, n).Select(i => i == 0 ? 0 : 1).ToArray(),
            NodeTime = Enumerable.Range(0, n).Select(i => i == 0 ? customerTime : 3600L * i).ToArray(),
            CellStart = cellStart,
            CellColumn = [.. cols],
            CellValue = [.. vals],
            CellText = Enumerable.Repeat(-1, cols.Count).ToArray(),
            ParentStart = parentStart,
            Parents = Enumerable.Repeat(0, orders).ToArray(),
            ChildStart = [0, orders, .. Enumerable.Repeat(orders, orders)],
            Children = Enumerable.Range(1, orders).ToArray(),
            TextVocabulary = [],
        };
    }

    [Fact]
    public void Seed_then_parent_then_at_most_width_earlier_siblings()
    {
        var db = Shop(100);
        var sampler = new ContextSampler(db, new SamplerOptions { ContextCells = 1000, MaxBfsWidth = 5 });
        // Seed: order 60's quantity (its cell index is 1 + 2·59).
        var ctx = sampler.Build(60, 1 + 2 * 59, new CounterRng(3));
        Assert.Equal(60, ctx.Rows[0]);
        Assert.Equal(0, ctx.Rows[1]); // the parent comes straight after the seed (F→P stack first)
        var siblings = ctx.Rows.Skip(2).ToList();
        // Width limit: 5 children drawn; the seed itself may be one of them (then skipped as already visited).
        Assert.InRange(siblings.Count, 4, 5);
        Assert.All(siblings, s => Assert.True(s < 60, $"order {s} is later than the seed"));
        Assert.Equal(3 + 2 * siblings.Count, ctx.Cells.Count);
        Assert.Equal(60f, ctx.TargetValue);
        Assert.Equal(ctx.Cells.Select(c => c.Column).Order(), ctx.Cells.Select(c => c.Column)); // sorted by column
    }

    [Fact]
    public void A_later_stamped_parent_is_in_the_context_and_a_later_child_is_not()
    {
        // The customer signed up after every order (hour 1000): the spec does not time-filter parents (§2.2 step 5),
        // but does filter children (§2.3), so order 30's context holds its customer and only orders up to hour 30.
        var db = Shop(100, customerTime: 3600L * 1000);
        var sampler = new ContextSampler(db, new SamplerOptions { ContextCells = 1000, MaxBfsWidth = 100 });
        var ctx = sampler.Build(30, 1 + 2 * 29, new CounterRng(7));
        Assert.Contains(0, ctx.Rows);
        Assert.Contains(ctx.Cells, c => c.Node == 0 && c.Column == 0);
        var siblings = ctx.Rows.Where(r => r is not (0 or 30)).ToList();
        Assert.Equal(29, siblings.Count); // orders 1..29, all earlier
        Assert.All(siblings, s => Assert.True(s < 30, $"order {s} is later than the seed"));
        // A customer seed (stamped later than all orders) sees every order, and an unstamped seed none of the stamped ones.
        Assert.Equal(101, sampler.Build(0, 0, new CounterRng(7)).Rows.Count);
        Assert.Equal([0], new ContextSampler(Shop(10)).Build(0, 0, new CounterRng(7)).Rows);
    }

    [Fact]
    public void Budget_admits_whole_rows_only()
    {
        var db = Shop(100);
        var ctx = new ContextSampler(db, new SamplerOptions { ContextCells = 8, MaxBfsWidth = 50 })
            .Build(90, 1 + 2 * 89, new CounterRng(1));
        // seed 2 + customer 1 + two siblings 4 = 7 < 8; a third sibling would reach 9.
        Assert.Equal(7, ctx.Cells.Count);
        Assert.Equal(4, ctx.Rows.Count);
    }

    [Fact]
    public void Same_seed_same_context_other_seed_other_siblings()
    {
        var db = Shop(200);
        var s = new ContextSampler(db, new SamplerOptions { ContextCells = 64, MaxBfsWidth = 4 });
        var item = s.Targets.Count - 1;
        Assert.Equal(s.Sample(item, 5).Rows, s.Sample(item, 5).Rows);
        var differs = Enumerable.Range(6, 10).Any(seed => !s.Sample(item, 5).Rows.SequenceEqual(s.Sample(item, (ulong)seed).Rows));
        Assert.True(differs);
    }

    [Fact]
    public void Text_embedding_is_deterministic_normalised_and_name_aware()
    {
        var e = new TextEmbedder(64);
        var a = e.Embed("unit price of order item");
        Assert.Equal(a, e.Embed("unit price of order item"));
        Assert.Equal(1.0, Math.Sqrt(a.Sum(x => (double)x * x)), 5);
        static double Cos(float[] x, float[] y) => x.Zip(y, (p, q) => (double)p * q).Sum();
        Assert.True(Cos(a, e.Embed("UnitPrice of OrderItem")) > 0.99);
        Assert.True(Cos(a, e.Embed("price of product")) > Cos(a, e.Embed("birth date of employee")));
        Assert.Equal(["customer", "id", "x2"], TextEmbedder.Words("customerId X2").ToArray());
    }
}
