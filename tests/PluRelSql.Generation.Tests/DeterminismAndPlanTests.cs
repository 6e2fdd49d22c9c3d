using System.Diagnostics;
using PluRelSql.Core;
using PluRelSql.Schema;
using static PluRelSql.Generation.Tests.S;

namespace PluRelSql.Generation.Tests;

public class DeterminismAndPlanTests
{
    private static (SchemaGraph G, TableDef Child) Shop()
    {
        var customer = Table("customer", Col("id", TypeKind.Integer), Col("email", TypeKind.Varchar, length: 60), Col("first_name", TypeKind.Text))
            .Pk("id").Unique("email");
        var order = Table("orders", Col("id", TypeKind.BigInt), Col("customer_email", TypeKind.Varchar, length: 60), Col("placed", TypeKind.Timestamp),
                Col("shipped", TypeKind.Timestamp), Col("total", TypeKind.Numeric, precision: 10, scale: 2), Col("note", TypeKind.Text),
                Col("u", TypeKind.Uuid), Col("tags", TypeKind.Text, arrayDims: 1), Col("raw", TypeKind.Bytea))
            .Pk("id").Fk("customer_email", "customer", "email")
            .Check("ship_after", Cmp("shipped", CompareOp.Ge, new ColumnOperand("placed")));
        return (Graph(customer, order), order);
    }

    [Fact]
    public void Values_do_not_depend_on_batch_boundaries()
    {
        var (g, t) = Shop();
        var gen = Gen(g, 5000, seed: 42);
        var whole = gen.Generate(t, 0, 5000);
        var sizes = new[] { 1, 7, 333, 2, 1000, 13, 4096 };
        long start = 0;
        var k = 0;
        while (start < 5000)
        {
            var n = (int)Math.Min(sizes[k++ % sizes.Length], 5000 - start);
            var part = gen.Generate(t, start, n);
            for (var c = 0; c < whole.Columns.Count; c++)
                for (var i = 0; i < n; i++)
                    Assert.Equal(Canon(whole.Columns[c].GetValue((int)(start + i))), Canon(part.Columns[c].GetValue(i)));
            start += n;
        }
        // A second generator from the same plan inputs agrees too (no hidden state).
        var again = Gen(g, 5000, seed: 42).Generate(t, 1234, 100);
        for (var c = 0; c < whole.Columns.Count; c++)
            for (var i = 0; i < 100; i++)
                Assert.Equal(Canon(whole.Columns[c].GetValue(1234 + i)), Canon(again.Columns[c].GetValue(i)));
    }

    [Fact]
    public void Batches_may_be_generated_concurrently()
    {
        var (g, t) = Shop();
        var gen = Gen(g, 20000, seed: 3);
        var serial = Enumerable.Range(0, 20).Select(b => gen.Generate(t, b * 1000, 1000)).ToList();
        var parallel = new RowBatch[20];
        Parallel.For(0, 20, b => parallel[b] = gen.Generate(t, b * 1000, 1000));
        for (var b = 0; b < 20; b++)
            for (var c = 0; c < serial[b].Columns.Count; c++)
                for (var i = 0; i < 1000; i += 37)
                    Assert.Equal(Canon(serial[b].Columns[c].GetValue(i)), Canon(parallel[b].Columns[c].GetValue(i)));
    }

    [Fact]
    public void Different_seeds_give_different_data()
    {
        var (g, t) = Shop();
        var a = All(Gen(g, 500, seed: 1), t);
        var b = All(Gen(g, 500, seed: 2), t);
        foreach (var c in new[] { "customer_email", "placed", "total", "note", "u" })
        {
            var same = Enumerable.Range(0, 500).Count(i => Canon(a[c][i]) == Canon(b[c][i]));
            Assert.True(same < 100, $"{c}: {same} equal values");
        }
    }

    [Fact]
    public void Planner_matches_table_names_scales_and_rejects_unknown_names()
    {
        var a = Table("alpha", Col("id", TypeKind.Integer)).Pk("id");
        var b = new TableDef { Name = new QualifiedName("sales", "beta") };
        b = b with { Columns = [.. b.Columns, Col("id", TypeKind.Integer)] };
        b = b.Pk("id");
        var c = Table("gamma", Col("id", TypeKind.Integer)).Pk("id");
        var g = Graph(a, b, c);
        var plan = GenerationPlanner.Create(g, new GenerationOptions
        {
            DefaultRows = 10, Scale = 2.5,
            TableRows = new Dictionary<string, long> { ["ALPHA"] = 100, ["Sales.Beta"] = 4 },
        });
        Assert.Equal(250, plan.Rows(a));
        Assert.Equal(10, plan.Rows(b));
        Assert.Equal(25, plan.Rows(c));
        Assert.Equal(285, plan.TotalRows);
        Assert.Empty(plan.Caps);

        var tiny = GenerationPlanner.Create(g, new GenerationOptions { DefaultRows = 10, Scale = 0.001 });
        Assert.Equal(1, tiny.Rows(a));

        var e = Assert.Throws<ArgumentException>(() => GenerationPlanner.Create(g, new GenerationOptions
        {
            TableRows = new Dictionary<string, long> { ["delta"] = 1, ["public.beta"] = 2, ["alpha"] = 3 },
        }));
        Assert.Contains("delta", e.Message);
        Assert.Contains("public.beta", e.Message);
        Assert.DoesNotContain("alpha", e.Message);
    }

    [Fact]
    public void A_million_rows_of_five_simple_columns_stay_fast()
    {
        var t = Table("fast", Col("id", TypeKind.Integer), Col("a", TypeKind.Integer, nullable: false), Col("b", TypeKind.BigInt),
            Col("name", TypeKind.Text), Col("city", TypeKind.Varchar, length: 40)).Pk("id");
        var gen = Gen(Graph(t), 1_000_000);
        gen.Generate(t, 0, 1000); // warm up (text pools are built lazily)
        var sw = Stopwatch.StartNew();
        long nonNull = 0;
        foreach (var batch in gen.Batches(t, 8192))
            nonNull += batch.Count - (batch["name"].Nulls?.Count(x => x) ?? 0);
        sw.Stop();
        Assert.True(nonNull > 900_000);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), $"1M rows x 5 columns took {sw.Elapsed}");
    }
}
