using PluRelSql.Core;
using PluRelSql.Schema;
using PluRelSql.Schema.Postgres;

namespace PluRelSql.Generation.Tests;

/// <summary>The batches and the row-source contract loaders read: row order whatever the thread count, NULL handling,
/// the plan's tables and counts, early stops.</summary>
public sealed class GeneratedRowsTests
{
    private static GenerationPlan Plan(long rows)
    {
        var graph = PgDdlReader.Read(
            """
            CREATE TABLE parent (id int PRIMARY KEY, name text);
            CREATE TABLE child (id bigint PRIMARY KEY, parent_id int REFERENCES parent (id));
            """, "test.sql").Graph;
        var order = graph.ComputeLoadOrder();
        return new GenerationPlan
        {
            Graph = graph,
            Order = order,
            RowCounts = order.Tables.ToDictionary(t => t.Name, _ => rows),
            Options = new GenerationOptions(),
        };
    }

    /// <summary>Row r of every column holds r (as the column's CLR type), NULL in the name column for every third row.</summary>
    private sealed class Counting(GenerationPlan plan) : IRowGenerator
    {
        public GenerationPlan Plan { get; } = plan;

        public int Calls;

        public RowBatch Generate(TableDef table, long firstRow, int count)
        {
            Interlocked.Increment(ref Calls);
            var columns = new List<ColumnVector>();
            foreach (var c in table.Columns.Where(c => c.IsLoaded))
            {
                ColumnVector v = c.Type.Kind switch
                {
                    TypeKind.Integer => Fill(new ColumnVector<int>(c, count), i => (int)(firstRow + i)),
                    TypeKind.BigInt => Fill(new ColumnVector<long>(c, count), i => firstRow + i),
                    _ => Fill(new ColumnVector<string>(c, count), i => $"row {firstRow + i}"),
                };
                if (c.Name == "name")
                    for (var i = 0; i < count; i++)
                        if ((firstRow + i) % 3 == 0) v.SetNull(i);
                columns.Add(v);
            }
            return new RowBatch { Table = table, FirstRow = firstRow, Count = count, Columns = columns };
        }

        private static ColumnVector<T> Fill<T>(ColumnVector<T> v, Func<int, T> value)
        {
            for (var i = 0; i < v.Count; i++) v.Values[i] = value(i);
            return v;
        }
    }

    [Fact]
    public void A_batch_names_its_columns_and_boxes_nulls()
    {
        var plan = Plan(10);
        var parent = plan.Order.Tables.Single(t => t.Name.Name == "parent");
        var batch = new Counting(plan).Generate(parent, 3, 4);
        Assert.Equal(typeof(int), batch["id"].ValueType);
        Assert.Equal(4, batch["id"].GetValue(1));
        Assert.True(batch["name"].IsNull(0));
        Assert.Null(batch["name"].GetValue(0));
        Assert.Equal("row 4", batch["name"].GetValue(1));
        Assert.Null(batch["id"].Nulls);
        var e = Assert.Throws<KeyNotFoundException>(() => batch["nope"]);
        Assert.Equal("public.parent: no generated column \"nope\"", e.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public async Task Batches_come_in_row_order_whatever_the_thread_count(int threads)
    {
        var plan = Plan(1000);
        var gen = new Counting(plan);
        var rows = new GeneratedRows(plan, gen);
        Assert.Equal(["parent", "child"], rows.Tables.Select(t => t.Name.Name));
        Assert.Same(plan.Graph, rows.Graph);
        var child = rows.Tables[1];
        Assert.Equal(1000, rows.Rows(child));

        var timing = new GenerateTiming();
        long next = 0;
        await foreach (var batch in rows.Batches(child, 64, threads, timing, CancellationToken.None))
        {
            Assert.Equal(next, batch.FirstRow);
            Assert.Equal(next, ((ColumnVector<long>)batch["id"]).Values[0]);
            next += batch.Count;
        }
        Assert.Equal(1000, next);
        Assert.Equal(16, gen.Calls);
        Assert.True(timing.GenerateSeconds > 0);
        Assert.Equal(gen.Batches(child, 64).Select(b => b.FirstRow), Enumerable.Range(0, 16).Select(i => i * 64L));
    }

    [Fact]
    public async Task Stopping_early_stops_the_producer()
    {
        var plan = Plan(100_000);
        var gen = new Counting(plan);
        var rows = new GeneratedRows(plan, gen);
        await foreach (var batch in rows.Batches(rows.Tables[0], 10, 2, new GenerateTiming(), CancellationToken.None))
            if (batch.FirstRow == 20) break;
        var calls = gen.Calls;
        await Task.Delay(100);
        Assert.Equal(calls, gen.Calls);
        Assert.True(calls < 100, $"{calls} batches made for 3 read");
    }

    [Fact]
    public async Task A_generator_failure_reaches_the_reader()
    {
        var plan = Plan(100);
        var rows = new GeneratedRows(plan, new Failing(plan));
        var e = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var _ in rows.Batches(rows.Tables[0], 10, 2, new GenerateTiming(), CancellationToken.None)) { }
        });
        Assert.Equal("no rows here", e.Message);
    }

    private sealed class Failing(GenerationPlan plan) : IRowGenerator
    {
        public GenerationPlan Plan { get; } = plan;

        public RowBatch Generate(TableDef table, long firstRow, int count) =>
            firstRow < 30 ? new Counting(Plan).Generate(table, firstRow, count) : throw new InvalidOperationException("no rows here");
    }
}
