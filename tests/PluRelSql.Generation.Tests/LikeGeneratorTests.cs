using System.Globalization;
using PluRelSql.Generation.Like;
using PluRelSql.Schema;
using static PluRelSql.Generation.Tests.S;

namespace PluRelSql.Generation.Tests;

/// <summary><c>populate --like</c>'s generator on hand-written statistics: the twin's rows have the statistics' null
/// fraction, MCV frequencies, distinct counts, bins and correlation, and keys and FKs still hold.</summary>
public sealed class LikeGeneratorTests
{
    private static readonly TableDef Parent = Table("customer", Col("id", TypeKind.Integer), Col("email", TypeKind.Text), Col("city", TypeKind.Varchar, length: 30)).Pk("id");

    private static readonly TableDef Child = Table("orders",
            Col("id", TypeKind.Integer), Col("customer_id", TypeKind.Integer, nullable: false), Col("status", TypeKind.Text, nullable: false),
            Col("amount", TypeKind.Numeric, precision: 10, scale: 2), Col("placed", TypeKind.Date), Col("qty", TypeKind.Integer))
        .Pk("id").Fk("customer_id", "customer")
        .Check("qty_positive", Cmp("qty", CompareOp.Gt, 0));

    private static ColumnStatistics Stats(string column, double nullFrac, double nDistinct, string[]? mcv = null, double[]? freqs = null,
        string[]? bounds = null, double? correlation = null) => new(column, nullFrac, 8, nDistinct, mcv, freqs, bounds, correlation);

    private static DatabaseStatistics Statistics() => new(new Dictionary<QualifiedName, TableStatistics>
    {
        [N("customer")] = new(N("customer"), 200, 2, new Dictionary<string, ColumnStatistics>
        {
            ["id"] = Stats("id", 0, -1, bounds: [.. Enumerable.Range(0, 101).Select(i => (1 + i * 2).ToString(CultureInfo.InvariantCulture))], correlation: 1),
            ["email"] = Stats("email", 0.1, -0.9, ["alice@real.example"], [0.05], ["a@real.example", "m@real.example", "z@real.example"]),
            ["city"] = Stats("city", 0, 3, ["Oslo", "Lima", "Pune"], [0.5, 0.3, 0.2]),
        }),
        [N("orders")] = new(N("orders"), 4000, 40, new Dictionary<string, ColumnStatistics>
        {
            ["customer_id"] = Stats("customer_id", 0, 150, ["7", "3"], [0.1, 0.05], [.. Enumerable.Range(0, 101).Select(i => (1 + i * 2).ToString(CultureInfo.InvariantCulture))]),
            ["status"] = Stats("status", 0, 3, ["shipped", "open", "lost"], [0.7, 0.2, 0.1]),
            ["amount"] = Stats("amount", 0.25, -0.5, ["9.99"], [0.05], ["1.00", "10.00", "20.00", "50.00", "100.00", "1000.00"], correlation: 0.02),
            ["placed"] = Stats("placed", 0, 400, null, null, ["2020-01-01", "2020-06-01", "2021-01-01", "2022-01-01"], correlation: 0.95),
            ["qty"] = Stats("qty", 0, 5, ["0"], [0.5]), // breaks the CHECK: stays with the default generator
        }),
    });

    private static LikeGenerator Twin(bool keep = false, double scale = 1)
    {
        var g = Graph(Parent, Child);
        var rows = LikeGenerator.RowCounts(g, Statistics(), scale, out var unknown);
        Assert.Empty(unknown);
        var plan = GenerationPlanner.Create(g, new GenerationOptions { TableRows = rows, Sizing = RowSizing.Uniform, Seed = 3 });
        return new LikeGenerator(plan, new LikeOptions(Statistics(), keep));
    }

    private static int Count(List<object?> values, Func<object?, bool> match) => values.Count(match);

    [Fact]
    public void Rows_follow_null_fractions_mcv_frequencies_distinct_counts_and_bins()
    {
        var gen = Twin();
        Assert.Equal(4000, gen.Plan.Rows(Child));
        var orders = All(gen, Child);

        var status = orders["status"];
        Assert.Equal(2800, Count(status, v => (string?)v == "shipped"));
        Assert.Equal(800, Count(status, v => (string?)v == "open"));
        Assert.Equal(400, Count(status, v => (string?)v == "lost"));

        var amount = orders["amount"];
        Assert.Equal(1000, Count(amount, v => v is null));
        Assert.Equal(200, Count(amount, v => v is 9.99m));
        // n_distinct -0.5 of 4000 rows: 2000 distinct values (the MCV among them).
        Assert.InRange(amount.Where(v => v is not null).Distinct().Count(), 1900, 2000);
        // Equal-frequency bins: each of the five bins holds a fifth of the non-MCV values.
        var rest = amount.OfType<decimal>().Where(v => v != 9.99m).ToList();
        Assert.All(rest, v => Assert.InRange(v, 1m, 1000m));
        var bounds = new[] { 1m, 10m, 20m, 50m, 100m, 1000m };
        for (var b = 0; b < 5; b++)
        {
            var inBin = rest.Count(v => v >= bounds[b] && (v < bounds[b + 1] || b == 4));
            Assert.InRange(inBin, rest.Count / 5 - 20, rest.Count / 5 + 20);
        }
        Assert.All(rest, v => Assert.Equal(v, Math.Round(v, 2)));

        // A CHECK the statistics would break: the default generator keeps it.
        Assert.All(orders["qty"], v => Assert.True(v is null || (int)v! > 0));
        Assert.Contains(gen.Columns, c => c.Table == N("orders") && c.Column == "qty" && c.Source == LikeColumnSource.Default && c.Detail == "CHECK");
    }

    [Fact]
    public void Physical_order_follows_the_correlation()
    {
        var orders = All(Twin(), Child);
        var placed = orders["placed"].Select((v, i) => (Row: (double)i, Day: (double)((DateOnly)v!).DayNumber)).ToList();
        var amount = orders["amount"].Select((v, i) => (Row: (double)i, V: v)).Where(x => x.V is not null).Select(x => (x.Row, (double)(decimal)x.V!)).ToList();
        Assert.InRange(Spearman(placed), 0.9, 1.0);
        Assert.InRange(Spearman(amount), -0.15, 0.15);
        Assert.InRange(placed.Select(p => p.Day).Distinct().Count(), 360, 400);
    }

    [Fact]
    public void Foreign_keys_hold_and_heavy_parents_are_the_sources_mcvs()
    {
        var gen = Twin();
        var parentIds = All(gen, Parent)["id"].Select(v => (int)v!).ToHashSet();
        var fk = All(gen, Child)["customer_id"].Select(v => (int)v!).ToList();
        Assert.All(fk, v => Assert.Contains(v, parentIds));
        Assert.Equal(400, fk.Count(v => v == 7));
        Assert.Equal(200, fk.Count(v => v == 3));
        Assert.InRange(fk.Distinct().Count(), 135, 152);
        Assert.Contains(gen.Columns, c => c.Column == "customer_id" && c.Source == LikeColumnSource.ForeignKeyStatistics);
    }

    [Fact]
    public void Personal_values_are_replaced_unless_kept_at_the_same_frequencies()
    {
        var replaced = All(Twin(), Parent)["email"];
        Assert.Equal(20, replaced.Count(v => v is null));
        Assert.DoesNotContain(replaced, v => v is string s && s.EndsWith("@real.example", StringComparison.Ordinal));
        // The MCV's share survives under another value.
        Assert.Equal(10, replaced.OfType<string>().GroupBy(v => v).Max(g => g.Count()));

        var kept = All(Twin(keep: true), Parent)["email"];
        Assert.Equal(10, kept.Count(v => (string?)v == "alice@real.example"));
        Assert.Equal(20, kept.Count(v => v is null));
        Assert.Contains(Twin().Columns, c => c.Column == "email" && c.Source == LikeColumnSource.StatisticsGeneratedValues);
        // Not personal: the city MCVs are kept.
        Assert.Equal(100, All(Twin(), Parent)["city"].Count(v => (string?)v == "Oslo"));
    }

    [Fact]
    public void Rows_are_the_same_for_any_batch_size_and_scale_the_table_sizes()
    {
        var gen = Twin();
        var a = All(gen, Child, batch: 4000);
        var b = All(gen, Child, batch: 7);
        foreach (var col in a.Keys) Assert.Equal(a[col], b[col]);
        Assert.Equal(400, Twin(scale: 0.1).Plan.Rows(Child));
    }

    private static double Spearman(List<(double X, double Y)> pairs)
    {
        static double[] Ranks(double[] v)
        {
            var order = v.Select((x, i) => (x, i)).OrderBy(p => p.x).ToArray();
            var r = new double[v.Length];
            for (var i = 0; i < order.Length;)
            {
                var j = i;
                while (j + 1 < order.Length && order[j + 1].x == order[i].x) j++;
                for (var k = i; k <= j; k++) r[order[k].i] = (i + j) / 2.0;
                i = j + 1;
            }
            return r;
        }
        var rx = Ranks([.. pairs.Select(p => p.X)]);
        var ry = Ranks([.. pairs.Select(p => p.Y)]);
        double mx = rx.Average(), my = ry.Average();
        double sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < rx.Length; i++)
        {
            sxy += (rx[i] - mx) * (ry[i] - my);
            sxx += (rx[i] - mx) * (rx[i] - mx);
            syy += (ry[i] - my) * (ry[i] - my);
        }
        return sxy / Math.Sqrt(sxx * syy);
    }
}
