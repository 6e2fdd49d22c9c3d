using System.Globalization;
using System.Text.Json;
using PluRelSql.TestSupport;

namespace PluRelSql.Cli.Tests;

[Collection(ClusterCollection.Name)]
public sealed class ProfileTests(ClusterFixture pg)
{
    [Fact]
    public async Task Profile_json_covers_every_table_and_column_with_consistent_numbers()
    {
        var shop = Path.Combine(Repo.Root, "schemas", "shop.sql");
        var load = Cli.Plurel("populate", "--db", pg.Url("postgres"), "--database", "profile_shop", "--recreate",
            "--schema", shop, "--rows", "300", "--seed", "3");
        Assert.True(load.ExitCode == 0, load.ToString());

        var r = Cli.Plurel("profile", "--db", pg.Url("profile_shop"), "--format", "json");
        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = JsonDocument.Parse(r.StdOut);
        var tables = doc.RootElement.GetProperty("tables").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!);

        // Every loadable table of the schema, with every column the catalog has.
        await using var conn = new Npgsql.NpgsqlConnection(pg.ConnectionString("profile_shop"));
        await conn.OpenAsync();
        var graph = await PluRelSql.Storage.Postgres.PgIntrospector.ReadAsync(conn, null, default);
        Assert.Equal(graph.LoadableTables.Select(t => t.Name.Name).Order(), tables.Keys.Order());
        foreach (var def in graph.LoadableTables)
        {
            var t = tables[def.Name.Name];
            var rows = t.GetProperty("rows").GetInt64();
            Assert.Equal(await pg.Scalar<long>("profile_shop", $"SELECT count(*) FROM {def.Name.ToSql()}"), rows);
            Assert.True(t.GetProperty("rowsExact").GetBoolean());
            Assert.Equal("full", t.GetProperty("sampleMethod").GetString());
            var cols = t.GetProperty("columns").EnumerateArray().ToList();
            Assert.Equal(def.Columns.Select(c => c.Name), cols.Select(c => c.GetProperty("name").GetString()));
            foreach (var c in cols)
            {
                var what = $"{def.Name}.{c.GetProperty("name").GetString()}";
                var nulls = c.GetProperty("nullShare").GetDouble();
                Assert.InRange(nulls, 0.0, 1.0);
                Assert.InRange(c.GetProperty("distinct").GetInt64(), 0, rows);
                if (c.GetProperty("min").ValueKind == JsonValueKind.String)
                {
                    string min = c.GetProperty("min").GetString()!, max = c.GetProperty("max").GetString()!;
                    if (double.TryParse(min, CultureInfo.InvariantCulture, out var lo))
                        Assert.True(lo <= double.Parse(max, CultureInfo.InvariantCulture), $"{what}: {min} > {max}");
                    else
                        Assert.True(DateTimeOffset.Parse(min, CultureInfo.InvariantCulture) <= DateTimeOffset.Parse(max, CultureInfo.InvariantCulture), $"{what}: {min} > {max}");
                }
                if (c.GetProperty("minLength").ValueKind == JsonValueKind.Number)
                    Assert.True(c.GetProperty("minLength").GetInt32() <= c.GetProperty("maxLength").GetInt32(), what);
                if (c.GetProperty("top").ValueKind == JsonValueKind.Array)
                    Assert.All(c.GetProperty("top").EnumerateArray(), v => Assert.InRange(v.GetProperty("share").GetDouble(), 0.0, 1.0));
            }
        }
        string Kind(string table, string column) => tables[table].GetProperty("columns").EnumerateArray()
            .Single(c => c.GetProperty("name").GetString() == column).GetProperty("kind").GetString()!;
        Assert.Equal("email", Kind("customer", "email"));
        Assert.Equal("foreign_key", Kind("order", "customer_id"));
        Assert.Equal("price", Kind("order_item", "unit_price"));
        // Every column says what decided its kind; only durations carry a unit.
        Assert.All(tables.Values.SelectMany(t => t.GetProperty("columns").EnumerateArray()), c =>
        {
            Assert.False(string.IsNullOrWhiteSpace(c.GetProperty("evidence").GetString()));
            Assert.True(c.GetProperty("unit").ValueKind == JsonValueKind.Null || c.GetProperty("kind").GetString() == "duration");
        });
        Assert.Equal("enumerated", Kind("order", "status"));
        Assert.Equal("enum type order_status", tables["order"].GetProperty("columns").EnumerateArray()
            .Single(c => c.GetProperty("name").GetString() == "status").GetProperty("evidence").GetString());
        // order.status is an enum of five labels: it gets its top values.
        var status = tables["order"].GetProperty("columns").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "status");
        Assert.Equal(JsonValueKind.Array, status.GetProperty("top").ValueKind);

        var text = Cli.Plurel("profile", "--db", pg.Url("profile_shop"), "--schemas", "pub*");
        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains("public.customer", text.StdOut);
    }

    [Fact]
    public void Profile_with_an_unreachable_db_exits_3()
    {
        var r = Cli.Plurel("profile", "--db", "postgresql://postgres:x@127.0.0.1:1/nope");
        Assert.Equal(3, r.ExitCode);
    }

    [Fact]
    public void Profile_of_a_sql_server_is_refused_with_exit_2()
    {
        var r = Cli.Plurel("profile", "--db", "Server=127.0.0.1,1;Database=x;User Id=sa;Password=p;TrustServerCertificate=true");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("PostgreSQL only", r.StdErr);
    }
}
