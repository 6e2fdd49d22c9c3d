using System.Diagnostics;
using System.Net;
using Npgsql;
using PluRelSql.Core;
using PluRelSql.Generation;
using PluRelSql.Schema;
using PluRelSql.Storage.Postgres;

using PluRelSql.TestSupport;

namespace PluRelSql.Storage.Tests;

[Collection(ClusterCollection.Name)]
public sealed class PgLoaderTests(ClusterFixture fx)
{
    private static readonly string[] Tables = ["customer", "product", "measurement", "order_line"];

    private static QualifiedName P(string name) => new("public", name);

    /// <summary>The plan for <see cref="LoadSchema"/>, read back from a database that has the full schema.</summary>
    private async Task<GenerationPlan> PlanAsync(long customers = 500, long products = 300, long measurements = 400,
        long lines = 1000)
    {
        var cs = await fx.NewDatabaseAsync("plan");
        await ClusterFixture.ExecAsync(cs, LoadSchema.Full);
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        var graph = await PgIntrospector.ReadAsync(conn);
        return new GenerationPlan
        {
            Graph = graph,
            Order = graph.ComputeLoadOrder(),
            RowCounts = new Dictionary<QualifiedName, long>
            {
                [P("customer")] = customers, [P("product")] = products,
                [P("measurement")] = measurements, [P("order_line")] = lines,
            },
            Options = new GenerationOptions(),
        };
    }

    private static TestGenerator Generator(GenerationPlan plan)
    {
        var customers = plan.RowCounts[P("customer")];
        var products = plan.RowCounts[P("product")];
        var g = new TestGenerator(plan);
        g.Overrides["customer.referred_by"] = r => r % 5 == 0 ? null : (int)r; // an earlier customer, or NULL
        g.Overrides["customer.ip"] = r => r % 7 == 3 ? null : $"10.0.{r / 250 % 250}.{r % 250 + 1}";
        g.Overrides["order_line.customer_id"] = r => (int)(r % customers + 1);
        g.Overrides["order_line.product_id"] = r => (int)(r % products + 1);
        return g;
    }

    private static async Task<long> CountAsync(string cs, string table) =>
        await ClusterFixture.ScalarAsync<long>(cs, $"SELECT count(*) FROM {table}");

    private static async Task<bool> ExistsAsync(string cs, string table) =>
        await ClusterFixture.ScalarAsync<bool>(cs, $"SELECT to_regclass('{table}') IS NOT NULL");

    [Fact]
    public async Task Loads_existing_tables_and_every_value_reads_back()
    {
        var plan = await PlanAsync();
        Assert.Equal(Tables, plan.Order.Tables.Select(t => t.Name.Name));
        var cs = await fx.NewDatabaseAsync("load_existing");
        await ClusterFixture.ExecAsync(cs, LoadSchema.Full);

        var seen = new List<TableProgress>();
        var report = await new PgLoader().LoadAsync(cs, new GeneratedRows(plan, Generator(plan)), new LoadOptions { BatchSize = 128 },
            new SyncProgress(seen), CancellationToken.None);

        Assert.Equal(2200, report.TotalRows);
        Assert.Equal(Tables, report.Tables.Select(t => t.Table.Name));
        foreach (var t in plan.Order.Tables)
        {
            Assert.Equal(plan.Rows(t), await CountAsync(cs, t.Name.ToSql()));
            Assert.Equal(plan.Rows(t), seen.Last(p => p.Table == t.Name).RowsDone);
        }
        Assert.True(seen.Count(p => p.Table == P("order_line")) > 5); // progress per batch

        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using (var cmd = new NpgsqlCommand(
            """
            SELECT customer_id, email, mood::text, moods::text, host(ip), net::text, mac::text, created_at, tags, scores,
                   profile->>'row', raw::text, referred_by
            FROM customer WHERE customer_id IN (3, 4) ORDER BY customer_id
            """, conn))
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            Assert.True(await r.ReadAsync());
            Assert.Equal(3, r.GetInt32(0));
            Assert.Equal("email-2", r.GetString(1));
            Assert.Equal("happy", r.GetString(2));
            Assert.Equal("{happy,sad}", r.GetString(3));
            Assert.Equal("10.0.0.3", r.GetString(4));
            Assert.Equal("10.2.0.0/16", r.GetString(5));
            Assert.Equal("08:00:2b:01:00:02", r.GetString(6));
            Assert.Equal(TestGenerator.Epoch.AddSeconds(2 * 37), r.GetDateTime(7));
            Assert.Equal(["tags 2", "tags 3"], r.GetFieldValue<string[]>(8));
            Assert.Equal([3, 4], r.GetFieldValue<int[]>(9));
            Assert.Equal("2", r.GetString(10));
            Assert.Equal("""{"row": 2}""", r.GetString(11));
            Assert.Equal(2, r.GetInt32(12));
            Assert.True(await r.ReadAsync());
            Assert.True(r.IsDBNull(4)); // the override's NULL
        }
        await using (var cmd = new NpgsqlCommand(
            """
            SELECT sku, price, flags::text, search::text, doc::text, picture, born, opens, span, local_ts, code, fee::numeric
            FROM product WHERE product_id = 2
            """, conn))
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            Assert.True(await r.ReadAsync());
            Assert.Equal(new Guid(1, 7, 7, 1, 2, 3, 4, 5, 6, 7, 8), r.GetGuid(0));
            Assert.Equal(2.25m, r.GetDecimal(1));
            Assert.Equal("1000", r.GetString(2));
            Assert.Equal("'load':2 'word1':1", r.GetString(3));
            Assert.Equal("<r>1</r>", r.GetString(4));
            Assert.Equal("b1"u8.ToArray(), r.GetFieldValue<byte[]>(5));
            Assert.Equal(new DateOnly(2024, 1, 2), r.GetFieldValue<DateOnly>(6));
            Assert.Equal(new TimeOnly(1, 1), r.GetFieldValue<TimeOnly>(7));
            Assert.Equal(TimeSpan.FromMinutes(1), r.GetTimeSpan(8));
            Assert.Equal(new DateTime(2024, 1, 1, 0, 1, 0), r.GetDateTime(9));
            Assert.Equal("c1 ", r.GetString(10));
            Assert.Equal(1.5m, r.GetDecimal(11));
        }
        // Rows were routed through the partitioned parent; the generated column was computed by the server.
        Assert.Equal(366, await CountAsync(cs, "measurement_2024"));
        Assert.Equal(34, await CountAsync(cs, "measurement_2025"));
        Assert.Equal(0, await ClusterFixture.ScalarAsync<long>(cs,
            "SELECT count(*) FROM order_line WHERE total IS DISTINCT FROM qty * unit_price"));
    }

    [Fact]
    public async Task Load_that_creates_the_schema_freezes_rows_and_adds_constraints_after_the_data()
    {
        var plan = await PlanAsync();
        var cs = await fx.NewDatabaseAsync("load_create");
        var report = await new PgLoader().LoadAsync(cs, new GeneratedRows(plan, Generator(plan)),
            new LoadOptions { PreDataSql = [LoadSchema.Pre], PostDataSql = LoadSchema.Post }, null, CancellationToken.None);

        Assert.Equal(2200, report.TotalRows);
        Assert.True(report.CreateSeconds >= 0 && report.CopySeconds > 0 && report.ConstrainSeconds > 0);
        Assert.Equal(1000, await CountAsync(cs, "order_line"));
        Assert.Equal("{sad,ok}", await ClusterFixture.ScalarAsync<string>(cs,
            "SELECT moods::text FROM customer WHERE customer_id = 1"));
        Assert.Equal(9L, await ClusterFixture.ScalarAsync<long>(cs,
            """
            SELECT count(*) FROM pg_constraint
            WHERE connamespace = 'public'::regnamespace AND conrelid <> 0 AND contype IN ('p', 'u', 'f', 'c')
              AND conrelid::regclass::text NOT LIKE 'measurement\_%'
            """));
        // COPY FREEZE marks the pages all-visible at once (ANALYZE copies the visibility map count).
        await ClusterFixture.ExecAsync(cs, "ANALYZE customer");
        var (pages, visible) = await PagesAsync(cs, "customer");
        Assert.True(pages > 0);
        Assert.Equal(pages, visible);
    }

    private static async Task<(int Pages, int Visible)> PagesAsync(string cs, string table)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"SELECT relpages, relallvisible FROM pg_class WHERE oid = '{table}'::regclass", conn);
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        return (r.GetInt32(0), r.GetInt32(1));
    }

    [Fact]
    public async Task Sequences_are_set_past_the_loaded_keys()
    {
        var plan = await PlanAsync();
        var cs = await fx.NewDatabaseAsync("load_seq");
        await new PgLoader().LoadAsync(cs, new GeneratedRows(plan, Generator(plan)),
            new LoadOptions { PreDataSql = [LoadSchema.Pre], PostDataSql = LoadSchema.Post }, null, CancellationToken.None);

        Assert.Equal(501, await ClusterFixture.ScalarAsync<int>(cs,
            "INSERT INTO customer (email, mood, created_at) VALUES ('new', 'ok', now()) RETURNING customer_id"));
        Assert.Equal(301, await ClusterFixture.ScalarAsync<int>(cs,
            "INSERT INTO product (sku, name, price) VALUES (gen_random_uuid(), 'new', 1) RETURNING product_id"));
        Assert.Equal(1001L, await ClusterFixture.ScalarAsync<long>(cs,
            "INSERT INTO order_line (customer_id, product_id, qty, unit_price) VALUES (1, 1, 1, 1) RETURNING order_no"));
    }

    [Fact]
    public async Task Refuses_non_empty_tables_unless_asked_to_truncate()
    {
        var plan = await PlanAsync(customers: 50, products: 20, measurements: 10, lines: 30);
        var cs = await fx.NewDatabaseAsync("load_truncate");
        await ClusterFixture.ExecAsync(cs, LoadSchema.Full + """
            INSERT INTO customer (email, mood, created_at) VALUES ('old@example.com', 'sad', now());
            INSERT INTO product (sku, name, price) VALUES (gen_random_uuid(), 'old', 3);
            """);

        var e = await Assert.ThrowsAsync<LoadException>(() => new PgLoader().LoadAsync(cs, new GeneratedRows(plan, Generator(plan)),
            new LoadOptions(), null, CancellationToken.None));
        Assert.Contains("customer: the target table is not empty", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, await CountAsync(cs, "customer"));

        await new PgLoader().LoadAsync(cs, new GeneratedRows(plan, Generator(plan)), new LoadOptions { Truncate = true }, null,
            CancellationToken.None);
        Assert.Equal(50, await CountAsync(cs, "customer"));
        Assert.Equal(0, await CountAsync(cs, "customer WHERE email = 'old@example.com'"));
        Assert.Equal(30, await CountAsync(cs, "order_line"));

        // A table outside the plan that references a plan table is never emptied by cascade: the load refuses.
        await ClusterFixture.ExecAsync(cs, "CREATE TABLE review (customer_id integer REFERENCES customer); INSERT INTO review VALUES (1);");
        e = await Assert.ThrowsAsync<LoadException>(() => new PgLoader().LoadAsync(cs, new GeneratedRows(plan, Generator(plan)),
            new LoadOptions { Truncate = true }, null, CancellationToken.None));
        Assert.Contains("Tables outside the plan are never truncated", e.Message, StringComparison.Ordinal);
        Assert.Contains("review", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, await CountAsync(cs, "review"));
        Assert.Equal(50, await CountAsync(cs, "customer"));
    }

    [Fact]
    public async Task Names_a_missing_table_or_column()
    {
        var plan = await PlanAsync(10, 10, 10, 10);
        var cs = await fx.NewDatabaseAsync("load_missing");
        await ClusterFixture.ExecAsync(cs, LoadSchema.Full + "ALTER TABLE product DROP COLUMN doc;");
        var e = await Assert.ThrowsAsync<LoadException>(() => new PgLoader().LoadAsync(cs, new GeneratedRows(plan, Generator(plan)),
            new LoadOptions(), null, CancellationToken.None));
        Assert.Equal("product: the target table has no column \"doc\" (xml)", e.Message);
        Assert.Equal("doc", e.Column);

        await ClusterFixture.ExecAsync(cs, "ALTER TABLE product ADD COLUMN doc xml; DROP TABLE order_line");
        e = await Assert.ThrowsAsync<LoadException>(() => new PgLoader().LoadAsync(cs, new GeneratedRows(plan, Generator(plan)),
            new LoadOptions(), null, CancellationToken.None));
        Assert.StartsWith("order_line: table does not exist", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_check_violation_in_the_last_table_leaves_every_table_empty()
    {
        var plan = await PlanAsync();
        var cs = await fx.NewDatabaseAsync("load_check");
        await ClusterFixture.ExecAsync(cs, LoadSchema.Full);
        var gen = Generator(plan);
        gen.Overrides["order_line.qty"] = r => r == 998 ? -3 : (int)(r % 9 + 1);

        var e = await Assert.ThrowsAsync<LoadException>(() => new PgLoader().LoadAsync(cs, new GeneratedRows(plan, gen),
            new LoadOptions(), null, CancellationToken.None));
        Assert.Equal("order_line: row 999 violates check constraint order_line_qty_check (qty=-3)", e.Message);
        Assert.Equal(P("order_line"), e.Table);
        Assert.Equal("order_line_qty_check", e.Constraint);
        foreach (var t in Tables) Assert.Equal(0, await CountAsync(cs, t));
    }

    [Fact]
    public async Task A_domain_check_violation_names_row_column_and_domain_constraint()
    {
        var plan = await PlanAsync(10, 10, 10, 10);
        var cs = await fx.NewDatabaseAsync("load_domain");
        var gen = Generator(plan);
        gen.Overrides["product.price"] = r => r == 4 ? 0m : 5m;
        var e = await Assert.ThrowsAsync<LoadException>(() => new PgLoader().LoadAsync(cs, new GeneratedRows(plan, gen),
            new LoadOptions { PreDataSql = [LoadSchema.Pre], PostDataSql = LoadSchema.Post }, null, CancellationToken.None));
        Assert.Equal("product: row 5, column price violates check constraint positive_amount_check", e.Message);
        Assert.Equal("price", e.Column);
        foreach (var t in Tables) Assert.False(await ExistsAsync(cs, t), t);
    }

    [Fact]
    public async Task A_foreign_key_violation_found_after_the_data_leaves_no_table_behind()
    {
        var plan = await PlanAsync();
        var cs = await fx.NewDatabaseAsync("load_fk");
        var gen = Generator(plan);
        gen.Overrides["order_line.customer_id"] = r => r == 999 ? 99999 : (int)(r % 500 + 1);

        var e = await Assert.ThrowsAsync<LoadException>(() => new PgLoader().LoadAsync(cs, new GeneratedRows(plan, gen),
            new LoadOptions { PreDataSql = [LoadSchema.Pre], PostDataSql = LoadSchema.Post }, null, CancellationToken.None));
        Assert.Equal("order_line: violates foreign key order_line_customer_fk: " +
                     "Key (customer_id)=(99999) is not present in table \"customer\"", e.Message);
        foreach (var t in Tables) Assert.False(await ExistsAsync(cs, t), t);
        Assert.Equal(0L, await ClusterFixture.ScalarAsync<long>(cs, "SELECT count(*) FROM pg_type WHERE typname = 'mood'"));
    }

    [Fact]
    public async Task A_foreign_key_violation_during_copy_into_existing_tables_names_the_row()
    {
        var plan = await PlanAsync(customers: 20, products: 20, measurements: 0, lines: 40);
        var cs = await fx.NewDatabaseAsync("load_fk_copy");
        await ClusterFixture.ExecAsync(cs, LoadSchema.Full);
        var gen = Generator(plan);
        gen.Overrides["order_line.product_id"] = r => r == 39 ? 777 : 1;
        var e = await Assert.ThrowsAsync<LoadException>(() => new PgLoader().LoadAsync(cs, new GeneratedRows(plan, gen),
            new LoadOptions(), null, CancellationToken.None));
        Assert.Contains("order_line: ", e.Message, StringComparison.Ordinal);
        Assert.Contains("order_line_product_fk", e.Message, StringComparison.Ordinal);
        Assert.Contains("Key (product_id)=(777)", e.Message, StringComparison.Ordinal);
        foreach (var t in Tables) Assert.Equal(0, await CountAsync(cs, t));
    }

    [Fact]
    public async Task A_load_whose_server_backend_is_killed_midway_leaves_nothing()
    {
        var plan = await PlanAsync(lines: 200_000);
        var cs = await fx.NewDatabaseAsync("load_kill");
        await ClusterFixture.ExecAsync(cs, LoadSchema.Full);
        var app = "plurel-kill-" + Guid.NewGuid().ToString("N")[..8];
        var gen = Generator(plan);
        var killed = false;
        gen.BeforeBatch = (table, first) =>
        {
            if (table.Name.Name != "order_line" || first < 100_000 || killed) return;
            killed = true;
            using var admin = new NpgsqlConnection(fx.Cluster.ConnectionString());
            admin.Open();
            using var cmd = new NpgsqlCommand(
                $"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '{app}'", admin);
            Assert.Equal(1L, (long)cmd.ExecuteScalar()!);
        };
        var csApp = new NpgsqlConnectionStringBuilder(cs) { ApplicationName = app }.ConnectionString;

        var e = await Assert.ThrowsAnyAsync<Exception>(() => new PgLoader().LoadAsync(csApp, new GeneratedRows(plan, gen),
            new LoadOptions { BatchSize = 4096 }, null, CancellationToken.None));
        Assert.True(e is LoadException or NpgsqlException, e.ToString());
        Assert.True(killed);
        foreach (var t in Tables) Assert.Equal(0, await CountAsync(cs, t));
    }

    [Fact]
    public async Task A_cancelled_load_leaves_nothing()
    {
        var plan = await PlanAsync(lines: 100_000);
        var cs = await fx.NewDatabaseAsync("load_cancel");
        using var cts = new CancellationTokenSource();
        var gen = Generator(plan);
        gen.BeforeBatch = (table, first) =>
        {
            if (table.Name.Name == "order_line" && first >= 50_000) cts.Cancel();
        };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new PgLoader().LoadAsync(cs, new GeneratedRows(plan, gen),
            new LoadOptions { PreDataSql = [LoadSchema.Pre], PostDataSql = LoadSchema.Post, BatchSize = 4096 }, null, cts.Token));
        foreach (var t in Tables) Assert.False(await ExistsAsync(cs, t), t);
    }

    [Fact]
    public async Task A_client_killed_with_sigkill_inside_its_transaction_leaves_nothing()
    {
        var cs = await fx.NewDatabaseAsync("load_sigkill");
        await ClusterFixture.ExecAsync(cs, LoadSchema.Full);
        var db = new NpgsqlConnectionStringBuilder(cs).Database!;
        var app = "plurel-sigkill-" + Environment.ProcessId;
        var psi = new ProcessStartInfo(Path.Combine(fx.Cluster.BinDirectory, "psql"))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { fx.Cluster.Url(db) + "?application_name=" + app, "-X", "-q", "-v", "ON_ERROR_STOP=1" })
            psi.ArgumentList.Add(a);
        psi.Environment["PGAPPNAME"] = app;
        using var psql = Process.Start(psi)!;
        // A transaction that has copied rows and is still open when its client dies.
        await psql.StandardInput.WriteLineAsync("BEGIN;");
        await psql.StandardInput.WriteLineAsync("COPY customer (email, mood, created_at) FROM STDIN;");
        for (var i = 0; i < 5000; i++)
            await psql.StandardInput.WriteLineAsync($"k{i}@example.com\tok\t2024-01-01 00:00:00+00");
        await psql.StandardInput.WriteLineAsync("\\.");
        await psql.StandardInput.FlushAsync();

        // Wait until the server has the rows in the open transaction.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await ClusterFixture.ScalarAsync<long>(cs,
                   $"SELECT count(*) FROM pg_stat_activity WHERE application_name = '{app}' AND state = 'idle in transaction'") == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "psql never reached 'idle in transaction'");
            await Task.Delay(50);
        }
        psql.Kill(); // SIGKILL: no COMMIT, no goodbye
        await psql.WaitForExitAsync();

        deadline = DateTime.UtcNow.AddSeconds(20);
        while (await ClusterFixture.ScalarAsync<long>(cs,
                   $"SELECT count(*) FROM pg_stat_activity WHERE application_name = '{app}'") > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the killed client's backend did not go away");
            await Task.Delay(50);
        }
        Assert.Equal(0, await CountAsync(cs, "customer"));
    }

    [Fact]
    public async Task Column_writers_reject_a_generator_of_the_wrong_shape()
    {
        var plan = await PlanAsync(10, 10, 10, 10);
        var cs = await fx.NewDatabaseAsync("load_shape");
        await ClusterFixture.ExecAsync(cs, LoadSchema.Full);
        var e = await Assert.ThrowsAsync<LoadException>(() => new PgLoader().LoadAsync(cs, new GeneratedRows(plan, new WrongTypes(plan)),
            new LoadOptions(), null, CancellationToken.None));
        Assert.Equal("customer.customer_id (integer): the generator produced Int64 values, the loader expects Int32",
            e.Message);
        Assert.Equal("customer_id", e.Column);
        Assert.Equal(0, await CountAsync(cs, "customer"));
    }

    [Fact]
    public async Task A_value_the_client_cannot_encode_is_named_by_row_and_column()
    {
        var plan = await PlanAsync(10, 10, 10, 10);
        var cs = await fx.NewDatabaseAsync("load_badvalue");
        await ClusterFixture.ExecAsync(cs, LoadSchema.Full);
        var gen = Generator(plan);
        gen.Overrides["customer.ip"] = r => r == 6 ? "not-an-address" : "10.0.0.1";
        var e = await Assert.ThrowsAsync<LoadException>(() => new PgLoader().LoadAsync(cs, new GeneratedRows(plan, gen),
            new LoadOptions(), null, CancellationToken.None));
        Assert.StartsWith("customer: row 7, column ip (inet): ", e.Message, StringComparison.Ordinal);
        Assert.Equal("ip", e.Column);
        Assert.Equal(0, await CountAsync(cs, "customer"));
    }

    private sealed class WrongTypes(GenerationPlan plan) : IRowGenerator
    {
        public GenerationPlan Plan { get; } = plan;

        public RowBatch Generate(TableDef table, long firstRow, int count)
        {
            var inner = new TestGenerator(Plan).Generate(table, firstRow, count);
            var columns = inner.Columns.ToList();
            columns[0] = new ColumnVector<long>(columns[0].Column, count);
            return new RowBatch { Table = table, FirstRow = firstRow, Count = count, Columns = columns };
        }
    }

    /// <summary>Records progress synchronously (Progress&lt;T&gt; posts to the thread pool and may arrive late).</summary>
    private sealed class SyncProgress(List<TableProgress> seen) : IProgress<TableProgress>
    {
        public void Report(TableProgress value)
        {
            lock (seen) seen.Add(value);
        }
    }
}
