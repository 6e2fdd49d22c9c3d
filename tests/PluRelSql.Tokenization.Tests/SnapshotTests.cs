using Npgsql;
using PluRelSql.TestSupport;

namespace PluRelSql.Tokenization.Tests;

/// <summary>The snapshot read over SQL: statistics equal the server's aggregates, keys never become tokens,
/// foreign keys become parent links.</summary>
[Collection(ClusterCollection.Name)]
public sealed class SnapshotTests(ClusterFixture pg)
{
    // A tiny shop: two entity tables and a timed activity table (docs/model.md §1).
    internal const string Ddl = """
        CREATE TABLE customer (id int PRIMARY KEY, age int, city text, vip boolean);
        CREATE TABLE product (sku text PRIMARY KEY, price numeric(8,2) NOT NULL, category text);
        CREATE TABLE "order" (
            order_id bigint PRIMARY KEY,
            customer_id int NOT NULL REFERENCES customer,
            sku text REFERENCES product,
            ts timestamp NOT NULL,
            quantity int,
            returned boolean,
            shipped date);
        INSERT INTO customer SELECT i, 18 + i % 60, 'city ' || (i % 5), i % 3 = 0 FROM generate_series(1, 300) i;
        UPDATE customer SET age = NULL WHERE id % 17 = 0;
        INSERT INTO product SELECT 'P' || i, 5 + (i * 7) % 90, 'cat' || (i % 6) FROM generate_series(1, 60) i;
        INSERT INTO product VALUES ('FLAT', 1, NULL);
        INSERT INTO "order" SELECT i, 1 + (i * 13) % 300, CASE WHEN i % 50 = 0 THEN NULL ELSE 'P' || (1 + i % 60) END,
            timestamp '2024-01-01' + i * interval '3 hours', 1 + i % 9, i % 4 = 0, date '2024-01-01' + i / 8
          FROM generate_series(1, 3000) i;
        """;

    private async Task<(RelationalSnapshot Db, string Conn)> Load()
    {
        var conn = await pg.NewDatabaseAsync("tok");
        await ClusterFixture.ExecAsync(conn, Ddl);
        await using var c = new NpgsqlConnection(conn);
        await c.OpenAsync();
        return (await RelationalSnapshot.LoadAsync(c, "public"), conn);
    }

    [Fact]
    public async Task Statistics_equal_sql_aggregates_and_cells_are_z_scored()
    {
        var (db, conn) = await Load();
        var age = db.Columns.Single(c => c.Phrase == "age of customer");
        Assert.Equal(await ClusterFixture.ScalarAsync<double>(conn, "SELECT avg(age)::float8 FROM customer"), age.Mean, 9);
        Assert.Equal(await ClusterFixture.ScalarAsync<double>(conn, "SELECT stddev_samp(age)::float8 FROM customer"), age.Std, 9);
        Assert.Equal(await ClusterFixture.ScalarAsync<long>(conn, "SELECT count(age) FROM customer"), age.Count);
        var vip = db.Columns.Single(c => c.Phrase == "vip of customer");
        Assert.Equal(await ClusterFixture.ScalarAsync<double>(conn, "SELECT avg(vip::int)::float8 FROM customer"), vip.Mean, 9);

        // z-scores over the column: mean 0, sample std 1.
        var z = Enumerable.Range(0, (int)db.TotalCells).Where(i => db.CellColumn[i] == age.Id).Select(i => (double)db.CellValue[i]).ToList();
        Assert.Equal(age.Count, z.Count);
        var mean = z.Average();
        var std = Math.Sqrt(z.Sum(v => (v - mean) * (v - mean)) / (z.Count - 1));
        Assert.InRange(mean, -1e-5, 1e-5);
        Assert.InRange(std, 1 - 1e-5, 1 + 1e-5);

        // One pooled statistic for every datetime cell of the database (population std), in epoch seconds.
        var shipped = db.Columns.Single(c => c.Phrase == "shipped of order");
        Assert.Equal(SemanticType.DateTime, shipped.Type);
        const string pooled = "(SELECT extract(epoch from shipped) AS e FROM \"order\" UNION ALL SELECT extract(epoch from ts) FROM \"order\") s";
        Assert.Equal(await ClusterFixture.ScalarAsync<double>(conn, $"SELECT avg(e)::float8 FROM {pooled}"), shipped.Mean, 3);
        Assert.Equal(await ClusterFixture.ScalarAsync<double>(conn, $"SELECT stddev_pop(e)::float8 FROM {pooled}"), shipped.Std, 3);
        Assert.Equal(shipped.Mean, db.Columns.Single(c => c.Name == "ts").Mean);
    }

    [Fact]
    public async Task Keys_and_nulls_make_no_tokens_and_fks_become_parent_links()
    {
        var (db, conn) = await Load();
        Assert.DoesNotContain(db.Columns, c => c.Name is "id" or "sku" or "order_id" or "customer_id");
        // The time column is a datetime feature too (it stamps the row and is a cell the model may see and predict).
        Assert.Equal("ts", db.Tables.Single(t => t.Name.Name == "order").TimeColumn);
        Assert.Equal(SemanticType.DateTime, db.Columns.Single(c => c.Name == "ts").Type);
        var expectedCells = await ClusterFixture.ScalarAsync<long>(conn, """
            SELECT (SELECT count(age) + count(city) + count(vip) FROM customer)
                 + (SELECT count(price) + count(category) FROM product)
                 + (SELECT count(ts) + count(quantity) + count(returned) + count(shipped) FROM "order")
            """);
        Assert.Equal(expectedCells, db.TotalCells);
        Assert.Equal(300 + 61 + 3000, db.NodeCount);

        var orders = db.Tables.Single(t => t.Name.Name == "order");
        var customers = db.Tables.Single(t => t.Name.Name == "customer");
        var products = db.Tables.Single(t => t.Name.Name == "product");
        // Rows are read in primary-key order: order i is node FirstNode + i − 1, customer k is node FirstNode + k − 1.
        var order7 = orders.FirstNode + 6;
        var parents = db.ParentsOf(order7).ToArray();
        Assert.Contains(customers.FirstNode + (1 + 7 * 13 % 300) - 1, parents);
        Assert.Contains(parents, p => db.NodeTable[p] == products.Id);
        Assert.Single(db.ParentsOf(orders.FirstNode + 49).ToArray()); // order 50 has a NULL sku
        Assert.Contains(order7, db.ChildrenOf(parents[0]).ToArray());
        Assert.Equal(orders.FirstNode + 6, order7);
        Assert.Equal(new DateTimeOffset(2024, 1, 1, 21, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds(), db.NodeTime[order7]);
        Assert.Equal(RelationalSnapshot.NoTime, db.NodeTime[customers.FirstNode]);
        // Row identity is the primary key's text, whatever the node order.
        Assert.Equal(HeldOutRows.KeyOf("7"), db.RowKey(order7));
        Assert.Equal(HeldOutRows.KeyOf("P1"), db.RowKey(products.FirstNode + Enumerable.Range(0, products.RowCount)
            .Single(i => db.RowKey(products.FirstNode + i) == HeldOutRows.KeyOf("P1"))));
        Assert.Equal(orders.RowCount, Enumerable.Range(orders.FirstNode, orders.RowCount).Select(db.RowKey).Distinct().Count());
    }

    [Fact]
    public async Task Contexts_from_a_live_database_respect_time_budget_and_the_withheld_target()
    {
        var (db, _) = await Load();
        var sampler = new ContextSampler(db, new SamplerOptions { ContextCells = 128, MaxBfsWidth = 8 });
        Assert.True(sampler.Targets.Count > 3000);
        for (long item = 0; item < sampler.Targets.Count; item += 97)
        {
            var ctx = sampler.Sample(item, seed: 11);
            Assert.True(ctx.Cells.Count < 128);
            Assert.Single(ctx.Cells, c => c.IsTarget);
            var target = ctx.Cells.Single(c => c.IsTarget);
            Assert.Equal((ctx.SeedNode, ctx.TargetColumn, 0f), (target.Node, target.Column, target.Value));
            var seedTime = db.NodeTime[ctx.SeedNode];
            // Orders are children (of customers and products): none later than the seed enters.
            foreach (var row in ctx.Rows)
                if (db.NodeTime[row] != RelationalSnapshot.NoTime && row != ctx.SeedNode)
                    Assert.True(seedTime != RelationalSnapshot.NoTime && db.NodeTime[row] <= seedTime, $"row {row} is later than seed {ctx.SeedNode}");
            Assert.Equal(ctx.Cells, sampler.Sample(item, seed: 11).Cells);
        }
    }

    [Fact]
    public async Task The_time_column_varies_and_prefers_event_like_names()
    {
        var conn = await pg.NewDatabaseAsync("tok_time");
        await ClusterFixture.ExecAsync(conn, """
            CREATE TABLE film (id int PRIMARY KEY, length int, last_update timestamp NOT NULL DEFAULT '2006-02-15 09:05:03');
            CREATE TABLE rental (id int PRIMARY KEY, film_id int REFERENCES film, last_update timestamp NOT NULL DEFAULT '2006-02-15 09:05:03',
                return_date timestamp, rental_date timestamp, amount numeric);
            CREATE TABLE note (id int PRIMARY KEY, modified_at timestamp, body text);
            INSERT INTO film SELECT i, 60 + i FROM generate_series(1, 20) i;
            INSERT INTO rental (id, film_id, rental_date, return_date, amount)
                SELECT i, 1 + i % 20, timestamp '2005-05-24' + i * interval '1 hour', timestamp '2005-06-01' + i * interval '1 hour', i % 7
                FROM generate_series(1, 200) i;
            INSERT INTO note SELECT i, timestamp '2020-01-01' + i * interval '1 day', 'n' FROM generate_series(1, 5) i;
            CREATE TABLE employee (id int PRIMARY KEY, birth_date date, hire_date date);
            INSERT INTO employee SELECT i, date '1970-01-01' + i * 300, date '2010-01-01' + i * 30 FROM generate_series(1, 8) i;
            """);
        await using var c = new NpgsqlConnection(conn);
        await c.OpenAsync();
        var db = await RelationalSnapshot.LoadAsync(c, "public");
        var table = (string name) => db.Tables.Single(t => t.Name.Name == name);
        Assert.Null(table("film").TimeColumn);                 // one last_update for the whole table orders nothing
        Assert.Equal("rental_date", table("rental").TimeColumn); // varying and event-like, and names the table's own event (not return_date)
        Assert.Equal("modified_at", table("note").TimeColumn);   // a bookkeeping name, but the only varying stamp
        Assert.Equal("hire_date", table("employee").TimeColumn); // a birth date is an attribute, not the row's event
        var rental = table("rental");
        Assert.NotEqual(RelationalSnapshot.NoTime, db.NodeTime[rental.FirstNode]);
        Assert.Equal(RelationalSnapshot.NoTime, db.NodeTime[table("film").FirstNode]);
    }
}
