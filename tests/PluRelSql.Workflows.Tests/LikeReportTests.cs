using PluRelSql.Schema;
using PluRelSql.Workflows.LikeReport;

namespace PluRelSql.Workflows.Tests;

/// <summary>The like-report's comparer on hand-made statistics and stored EXPLAIN output.</summary>
public sealed class LikeReportTests
{
    private static ColumnStatistics Col(string name, double nullFrac = 0, double nDistinct = 10,
        string[]? mcv = null, double[]? freqs = null, string[]? hist = null) =>
        new(name, nullFrac, 4, nDistinct, mcv, freqs, hist, null);

    private static TableStatistics Table(string name, double? rows, params ColumnStatistics[] cols) =>
        new(new QualifiedName("public", name), rows, 1, cols.ToDictionary(c => c.Column));

    [Fact]
    public void Histogram_distance_of_identical_histograms_is_zero_and_of_disjoint_ones_is_one()
    {
        string[] a = ["1", "10", "20", "30", "40"];
        Assert.Equal(0, StatisticsComparer.HistogramDistance(a, a)!.Value, 12);
        Assert.Equal(1, StatisticsComparer.HistogramDistance(a, ["100", "200", "300"])!.Value, 12);
        Assert.Null(StatisticsComparer.HistogramDistance(a, null));
        Assert.Null(StatisticsComparer.HistogramDistance(["1"], a));
    }

    [Fact]
    public void Histogram_distance_interpolates_inside_bins()
    {
        // Source uniform on [0, 100] (4 bins), target uniform on [0, 50]: at 50 the source's CDF is 0.5, the target's 1.
        Assert.Equal(0.5, StatisticsComparer.HistogramDistance(["0", "25", "50", "75", "100"], ["0", "50"])!.Value, 12);
        // Shifted by a quarter bin width on 4 equal bins: gap 0.25 × (1/4) = 1/16 at most.
        Assert.Equal(1.0 / 16, StatisticsComparer.HistogramDistance(["0", "4", "8", "12", "16"], ["1", "5", "9", "13", "17"])!.Value, 12);
    }

    [Fact]
    public void Histogram_distance_reads_dates_as_time_and_text_by_ordinal_order()
    {
        // Dates: the target's second half is a month later than the source's; as text the same strings would be ranks.
        var d = StatisticsComparer.HistogramDistance(["2020-01-01", "2020-01-11", "2020-01-21"], ["2020-01-01", "2020-01-11", "2020-02-21"])!.Value;
        Assert.InRange(d, 0.3, 0.4);  // at 2020-01-21: source 1, target 0.5 + 0.5 × 10/41
        Assert.Equal(0, StatisticsComparer.HistogramDistance(["apple", "kiwi", "pear"], ["apple", "kiwi", "pear"])!.Value, 12);
        // Text: target's bounds all above the source's in ordinal order.
        Assert.Equal(1, StatisticsComparer.HistogramDistance(["a", "b", "c"], ["x", "y", "z"])!.Value, 12);
        Assert.True(StatisticsComparer.HistogramDistance(["a", "m", "z"], ["a", "b", "z"]) > 0.2);
    }

    [Fact]
    public void Cdf_is_the_share_of_bins_below_with_repeated_bounds_counted_whole()
    {
        double[] b = [0, 10, 10, 20];
        Assert.Equal(0, StatisticsComparer.Cdf(b, -1));
        Assert.Equal(1.0 / 6, StatisticsComparer.Cdf(b, 5), 12);
        Assert.Equal(2.0 / 3, StatisticsComparer.Cdf(b, 10), 12);
        Assert.Equal(1, StatisticsComparer.Cdf(b, 20));
    }

    [Fact]
    public void Mcv_overlap_is_the_share_of_the_source_mcv_mass_that_is_common_on_the_target()
    {
        var s = Col("c", mcv: ["a", "b", "c"], freqs: [0.5, 0.3, 0.2]);
        Assert.Equal(1, StatisticsComparer.McvOverlap(s, Col("c", mcv: ["c", "b", "a", "d"], freqs: [0.4, 0.3, 0.2, 0.1]))!.Value, 12);
        Assert.Equal(0.8, StatisticsComparer.McvOverlap(s, Col("c", mcv: ["a", "b"], freqs: [0.5, 0.5]))!.Value, 12);
        Assert.Equal(0.2, StatisticsComparer.McvOverlap(s, Col("c", mcv: ["c"], freqs: [0.9]))!.Value, 12);
        Assert.Equal(0, StatisticsComparer.McvOverlap(s, Col("c"))!.Value, 12);
        Assert.Null(StatisticsComparer.McvOverlap(Col("c"), s));
    }

    [Fact]
    public void N_distinct_resolves_negative_shares_with_the_row_count()
    {
        Assert.Equal(42, StatisticsComparer.DistinctCount(Col("c", nDistinct: 42), 1000));
        Assert.Equal(1000, StatisticsComparer.DistinctCount(Col("c", nDistinct: -1), 1000));
        Assert.Equal(250, StatisticsComparer.DistinctCount(Col("c", nDistinct: -0.25), 1000)!.Value, 9);
        Assert.Null(StatisticsComparer.DistinctCount(Col("c", nDistinct: -0.25), null));
        Assert.Null(StatisticsComparer.DistinctCount(Col("c", nDistinct: 0), 1000));
        Assert.Equal(0, StatisticsComparer.DistinctCount(Col("c", nullFrac: 1, nDistinct: 0), 1000));
        Assert.Equal(0.1, StatisticsComparer.RelativeDifference(100, 110)!.Value, 12);
        Assert.Equal(0, StatisticsComparer.RelativeDifference(0, 0));
        Assert.Null(StatisticsComparer.RelativeDifference(0, 5));
    }

    [Fact]
    public void A_column_passes_within_the_thresholds_and_fails_naming_what_is_off()
    {
        var th = LikeThresholds.Default;
        var st = Table("t", 1000);
        var s = Col("c", nullFrac: 0.10, nDistinct: -0.5, mcv: ["x", "y"], freqs: [0.2, 0.1]);
        // -0.5 of 1000 rows = 500 distinct; 520 is within 10 %.
        var ok = StatisticsComparer.CompareColumn(st, s, Table("t", 1000), Col("c", nullFrac: 0.115, nDistinct: 520, mcv: ["y", "x"], freqs: [0.2, 0.1]), th);
        Assert.True(ok.Passed, ok.Reason);
        Assert.Equal(0.04, ok.DistinctDifference!.Value, 9);

        var bad = StatisticsComparer.CompareColumn(st, s, Table("t", 1000), Col("c", nullFrac: 0.2, nDistinct: 600, mcv: ["y"], freqs: [0.2]), th);
        Assert.False(bad.Passed);
        Assert.Contains("null fraction", bad.Reason, StringComparison.Ordinal);
        Assert.Contains("n_distinct 500 -> 600", bad.Reason, StringComparison.Ordinal);
        Assert.Contains("MCV overlap 33.3 %", bad.Reason, StringComparison.Ordinal);

        // Both at or above the sample limit: estimates from a sample, they pass whatever their gap.
        var big = StatisticsComparer.CompareColumn(Table("t", 1e6), Col("c", nDistinct: -1), Table("t", 1e6), Col("c", nDistinct: 40_000), th);
        Assert.True(big.Passed, big.Reason);
        var missing = StatisticsComparer.CompareColumn(st, s, Table("t", 1000), null, th);
        Assert.False(missing.Passed);
        Assert.Contains("no statistics on the target", missing.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_gives_row_count_ratios_and_counts_missing_tables_and_columns_as_failures()
    {
        var source = new DatabaseStatistics(new[]
        {
            Table("a", 1000, Col("x"), Col("y")),
            Table("b", 200, Col("z")),
        }.ToDictionary(t => t.Table));
        var target = new DatabaseStatistics(new[] { Table("a", 1005, Col("x")) }.ToDictionary(t => t.Table));
        var (tables, columns) = StatisticsComparer.Compare(source, target, LikeThresholds.Default);
        Assert.Equal(1.005, tables[0].Ratio!.Value, 9);
        Assert.True(tables[0].Within);
        Assert.True(tables[1].Missing);
        Assert.False(tables[1].Within);
        Assert.Equal(["x", "y", "z"], columns.Select(c => c.Column));
        Assert.Equal([true, false, false], columns.Select(c => c.Passed));

        var self = StatisticsComparer.Compare(source, source, LikeThresholds.Default);
        Assert.All(self.Columns, c => Assert.True(c.Passed));
        Assert.All(self.Tables, t => Assert.True(t.Within));
    }

    // EXPLAIN (FORMAT JSON) of a TPC-H Q4-like query on PostgreSQL 16, costs trimmed.
    private const string Explain = """
        [
          {
            "Plan": {
              "Node Type": "Aggregate", "Strategy": "Sorted", "Partial Mode": "Simple", "Parallel Aware": false,
              "Async Capable": false, "Startup Cost": 1.0, "Total Cost": 2.0, "Plan Rows": 5, "Plan Width": 24,
              "Group Key": ["orders.o_orderpriority"],
              "Plans": [
                {
                  "Node Type": "Sort", "Parent Relationship": "Outer", "Parallel Aware": false, "Async Capable": false,
                  "Sort Key": ["orders.o_orderpriority"],
                  "Plans": [
                    {
                      "Node Type": "Hash Join", "Parent Relationship": "Outer", "Parallel Aware": false,
                      "Async Capable": false, "Join Type": "Semi", "Inner Unique": false,
                      "Hash Cond": "(orders.o_orderkey = lineitem.l_orderkey)",
                      "Plans": [
                        {
                          "Node Type": "Seq Scan", "Parent Relationship": "Outer", "Parallel Aware": false,
                          "Async Capable": false, "Relation Name": "orders", "Schema": "public", "Alias": "orders",
                          "Filter": "(o_orderdate >= '1993-07-01'::date)"
                        },
                        {
                          "Node Type": "Hash", "Parent Relationship": "Inner", "Parallel Aware": false, "Async Capable": false,
                          "Plans": [
                            {
                              "Node Type": "Index Scan", "Parent Relationship": "Outer", "Parallel Aware": true,
                              "Async Capable": false, "Scan Direction": "Forward", "Index Name": "lineitem_pkey",
                              "Relation Name": "lineitem", "Schema": "public", "Alias": "l"
                            }
                          ]
                        }
                      ]
                    }
                  ]
                }
              ]
            }
          }
        ]
        """;

    [Fact]
    public void Plan_shape_keeps_node_names_relations_and_join_order_and_drops_costs_and_aliases()
    {
        var shape = PlanShape.Parse(Explain);
        Assert.Equal("GroupAggregate(Sort(Hash Semi Join(Seq Scan on orders, Hash(Parallel Index Scan on lineitem using lineitem_pkey))))",
            shape.ToString());
        Assert.Equal(["orders", "lineitem"], shape.Relations());
        var costlier = Explain.Replace("\"Total Cost\": 2.0", "\"Total Cost\": 9999.0", StringComparison.Ordinal)
                              .Replace("\"Alias\": \"l\"", "\"Alias\": \"li\"", StringComparison.Ordinal);
        Assert.Equal(shape, PlanShape.Parse(costlier));
        Assert.Empty(PlanShape.Differences(shape, PlanShape.Parse(costlier)));
    }

    [Fact]
    public void Plan_shape_differences_name_the_first_node_that_differs()
    {
        var shape = PlanShape.Parse(Explain);
        var hashed = PlanShape.Parse(Explain.Replace("\"Strategy\": \"Sorted\"", "\"Strategy\": \"Hashed\"", StringComparison.Ordinal));
        Assert.NotEqual(shape, hashed);
        Assert.Equal(["root: GroupAggregate -> HashAggregate"], PlanShape.Differences(shape, hashed));

        var swapped = PlanShape.Parse(Explain.Replace("\"Relation Name\": \"orders\"", "\"Relation Name\": \"customer\"", StringComparison.Ordinal));
        var diff = Assert.Single(PlanShape.Differences(shape, swapped));
        Assert.Equal("GroupAggregate[0] > Sort[0] > Hash Semi Join[0]: Seq Scan on orders -> Seq Scan on customer", diff);

        var merge = PlanShape.Parse(Explain.Replace("\"Node Type\": \"Hash Join\"", "\"Node Type\": \"Merge Join\"", StringComparison.Ordinal));
        Assert.Equal("Merge Semi Join", merge.Children[0].Children[0].Label);
        Assert.Throws<FormatException>(() => PlanShape.Parse("[{\"Query\": 1}]"));
        Assert.Throws<FormatException>(() => PlanShape.Parse("not json"));
    }

    // EXPLAIN (FORMAT JSON) of TPC-H Q19 (schemas/tpch-queries.sql) as PostgreSQL printed it for the corpus schema at
    // populate --scale 100, stored unchanged.
    private const string Q19Explain = """
        [{"Plan":{"Node Type":"Aggregate","Strategy":"Plain","Partial Mode":"Simple","Parallel Aware":false,"Async Capable":false,"Startup Cost":4511.2,"Total Cost":4511.21,"Plan Rows":1,"Plan Width":32,"Plans":[{"Node Type":"Nested Loop","Parent Relationship":"Outer","Parallel Aware":false,"Async Capable":false,"Join Type":"Inner","Startup Cost":1000.28,"Total Cost":4511.19,"Plan Rows":1,"Plan Width":12,"Inner Unique":true,"Plans":[{"Node Type":"Gather","Parent Relationship":"Outer","Parallel Aware":false,"Async Capable":false,"Startup Cost":1000.0,"Total Cost":4502.81,"Plan Rows":1,"Plan Width":22,"Workers Planned":1,"Single Copy":false,"Plans":[{"Node Type":"Seq Scan","Parent Relationship":"Outer","Parallel Aware":true,"Async Capable":false,"Relation Name":"lineitem","Alias":"lineitem","Startup Cost":0.0,"Total Cost":3502.71,"Plan Rows":1,"Plan Width":22,"Filter":"((l_shipmode = ANY ('{AIR,\"AIR REG\"}'::bpchar[])) AND (l_shipinstruct = 'DELIVER IN PERSON'::bpchar) AND (((l_quantity >= '1'::numeric) AND (l_quantity <= '11'::numeric)) OR ((l_quantity >= '10'::numeric) AND (l_quantity <= '20'::numeric)) OR ((l_quantity >= '20'::numeric) AND (l_quantity <= '30'::numeric))))"}]},{"Node Type":"Index Scan","Parent Relationship":"Inner","Parallel Aware":false,"Async Capable":false,"Scan Direction":"Forward","Index Name":"part_pkey","Relation Name":"part","Alias":"part","Startup Cost":0.28,"Total Cost":8.38,"Plan Rows":1,"Plan Width":30,"Index Cond":"(p_partkey = lineitem.l_partkey)","Filter":"((p_size >= 1) AND (((p_brand = 'Brand#12'::bpchar) AND (p_container = ANY ('{\"SM CASE\",\"SM BOX\",\"SM PACK\",\"SM PKG\"}'::bpchar[])) AND (p_size <= 5)) OR ((p_brand = 'Brand#23'::bpchar) AND (p_container = ANY ('{\"MED BAG\",\"MED BOX\",\"MED PKG\",\"MED PACK\"}'::bpchar[])) AND (p_size <= 10)) OR ((p_brand = 'Brand#34'::bpchar) AND (p_container = ANY ('{\"LG CASE\",\"LG BOX\",\"LG PACK\",\"LG PKG\"}'::bpchar[])) AND (p_size <= 15))) AND (((p_brand = 'Brand#12'::bpchar) AND (p_container = ANY ('{\"SM CASE\",\"SM BOX\",\"SM PACK\",\"SM PKG\"}'::bpchar[])) AND (lineitem.l_quantity >= '1'::numeric) AND (lineitem.l_quantity <= '11'::numeric) AND (p_size <= 5)) OR ((p_brand = 'Brand#23'::bpchar) AND (p_container = ANY ('{\"MED BAG\",\"MED BOX\",\"MED PKG\",\"MED PACK\"}'::bpchar[])) AND (lineitem.l_quantity >= '10'::numeric) AND (lineitem.l_quantity <= '20'::numeric) AND (p_size <= 10)) OR ((p_brand = 'Brand#34'::bpchar) AND (p_container = ANY ('{\"LG CASE\",\"LG BOX\",\"LG PACK\",\"LG PKG\"}'::bpchar[])) AND (lineitem.l_quantity >= '20'::numeric) AND (lineitem.l_quantity <= '30'::numeric) AND (p_size <= 15))))"}]}]}}]
        """;

    [Fact]
    public void Plan_shape_of_stored_server_output_reads_gather_parallel_scans_and_index_scans()
    {
        var shape = PlanShape.Parse(Q19Explain);
        Assert.Equal("Aggregate(Nested Loop(Gather(Parallel Seq Scan on lineitem), Index Scan on part using part_pkey))", shape.ToString());
        Assert.Equal(["lineitem", "part"], shape.Relations());
    }

    [Fact]
    public void Query_file_splits_on_semicolons_outside_quotes_and_names_each_by_its_comment()
    {
        const string text = """
            -- a header
            -- Q1 first one
            select 'a;b' as x, "we;ird" from t; -- trailing
            -- Q2 second
            select $$;$$, $tag$ ; $tag$ /* ; */ from u
            ;
            select 3
            """;
        var q = QueryFile.Split(text);
        Assert.Equal(["Q1", "Q2", "#3"], q.Select(x => x.Name));
        Assert.Equal("Q1 first one", q[0].Title);
        Assert.Equal("select 'a;b' as x, \"we;ird\" from t", q[0].Sql);
        Assert.StartsWith("select $$;$$, $tag$ ; $tag$ /* ; */ from u", q[1].Sql, StringComparison.Ordinal);
    }
}
