using PluRelSql.Schema;
using PluRelSql.Schema.Postgres;
using PluRelSql.Workflows.Realism;

namespace PluRelSql.Workflows.Tests;

/// <summary>The rules of issue 15's realism measure on small hand-made inputs.</summary>
public sealed class RealismScoringTests
{
    [Theory]
    [InlineData("(171) 555-7788", "(9) 9-9")]
    [InlineData("+55 (12) 3923-5555", "+9 (9) 9-9")]
    [InlineData("luisg@embraer.com.br", "a@a.a.a")]
    [InlineData("T2P 2T3", "a9a 9a9")]
    [InlineData("Édith Piaf", "a a")]
    [InlineData("a  b", "a  a")]
    [InlineData("ab12cd", "a9a")]
    [InlineData("--", "--")]
    [InlineData("", "")]
    public void Shape_maps_letters_and_digits_and_collapses_their_runs(string value, string shape) =>
        Assert.Equal(shape, RealismScoring.Shape(value));

    [Fact]
    public void Window_widens_p1_p99_by_a_tenth_of_the_span_each_side()
    {
        var (lo, hi) = RealismScoring.Window(10, 110);
        Assert.Equal(0, lo, 9);
        Assert.Equal(120, hi, 9);
        Assert.Equal((5.0, 5.0), RealismScoring.Window(5, 5));
        Assert.Equal((0.0, 120.0), RealismScoring.Window(110, 10));
    }

    [Theory]
    [InlineData(30, 60, true)]
    [InlineData(31, 1000, false)]  // too many values
    [InlineData(30, 59, false)]    // more than half the rows
    [InlineData(2, 4, true)]
    [InlineData(3, 5, false)]
    [InlineData(1, 1, false)]
    public void Low_cardinality_needs_at_most_30_values_and_at_most_half_the_rows(long distinct, long rows, bool low) =>
        Assert.Equal(low, RealismScoring.IsLowCardinality(distinct, rows));

    [Fact]
    public void Long_text_compares_mean_lengths_within_a_factor_of_two()
    {
        Assert.False(RealismScoring.IsLongText(40));
        Assert.True(RealismScoring.IsLongText(40.5));
        Assert.True(RealismScoring.LengthFits(100, 50));
        Assert.True(RealismScoring.LengthFits(100, 200));
        Assert.False(RealismScoring.LengthFits(100, 49.9));
        Assert.False(RealismScoring.LengthFits(100, 200.1));
    }

    [Fact]
    public void Common_shapes_are_the_most_frequent_first_and_shares_count_generated_values_among_them()
    {
        var real = new[] { "555-1234", "555-9876", "(1) 2", "abc" };
        var top = RealismScoring.CommonShapes(real, 2);
        Assert.Equal(["9-9", "(9) 9"], top.Select(t => t.Shape));
        Assert.Equal(2, top[0].Count);
        var shapes = top.Select(t => t.Shape).ToHashSet();
        Assert.Equal(0.5, RealismScoring.ShapeShare(["123-4", "x", "(7) 8", "+1-2-3"], shapes), 9);
        Assert.Equal(0, RealismScoring.ShapeShare([], shapes));
    }

    [Fact]
    public void Average_ranks_share_ties()
    {
        Assert.Equal([1.0, 2.5, 2.5, 4.0], RealismScoring.AverageRanks([10, 20, 20, 30]));
        Assert.Equal([3.0, 1.0, 3.0, 3.0], RealismScoring.AverageRanks([5, 1, 5, 5]));
    }

    [Fact]
    public void Spearman_is_one_for_the_same_order_minus_one_reversed_and_handles_ties()
    {
        Assert.Equal(1.0, RealismScoring.Spearman([1, 2, 3, 4], [10, 200, 3000, 40000])!.Value, 9);
        Assert.Equal(-1.0, RealismScoring.Spearman([1, 2, 3, 4], [4, 3, 2, 1])!.Value, 9);
        // x ranks 1, 2.5, 2.5, 4; y ranks 1..4: Pearson of the ranks is 0.9486833 (by hand: 4.5 / sqrt(4.5 * 5)).
        Assert.Equal(4.5 / Math.Sqrt(4.5 * 5), RealismScoring.Spearman([1, 2, 2, 3], [1, 2, 3, 4])!.Value, 9);
        // Every generated table the same size: no agreement with the real ranking.
        Assert.Equal(0.0, RealismScoring.Spearman([8, 2155, 830, 91], [2155, 2155, 2155, 2155])!.Value, 9);
        Assert.Null(RealismScoring.Spearman([1, 2], [2, 1]));
        Assert.Throws<ArgumentException>(() => RealismScoring.Spearman([1, 2, 3], [1, 2]));
    }

    [Fact]
    public void Known_values_come_from_CHECK_IN_lists_enums_domains_and_booleans_only()
    {
        var graph = PgDdlReader.Read("""
            CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
            CREATE DOMAIN grade AS text CHECK (VALUE IN ('A', 'B', 'C'));
            CREATE TABLE t (
              id int PRIMARY KEY,
              status text CHECK (status IN ('new', 'done')),
              level int CHECK (level IN (1, 2, 3) AND level IS NOT NULL),
              feeling mood,
              mark grade,
              active boolean,
              city text,
              code text UNIQUE,
              parent int REFERENCES t (id)
            );
            """, "t.sql").Graph;
        var t = graph.Table("public", "t");
        IReadOnlyList<string>? Known(string c) => RealismMeter.KnownValues(graph, t, t.Column(c));
        Assert.Equal(["new", "done"], Known("status"));
        Assert.Equal(["1", "2", "3"], Known("level"));
        Assert.Equal(["sad", "ok", "happy"], Known("feeling"));
        Assert.Equal(["A", "B", "C"], Known("mark"));
        Assert.Equal(["true", "false"], Known("active"));
        Assert.Null(Known("city"));
        Assert.Equal(["code", "id", "parent"], RealismMeter.KeyColumns(graph, t).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_real_data_filter_drops_database_switches_but_keeps_COPY_data()
    {
        var script = "DROP DATABASE IF EXISTS chinook;\nCREATE DATABASE chinook;\n\\c chinook;\nCREATE TABLE a (x text);\n" +
                     "COPY a (x) FROM stdin;\n\\c not a command here\n\\.\n\\connect other\nSELECT 1;\n";
        var filtered = RealDataLoader.Filter(script);
        Assert.DoesNotContain("\nDROP DATABASE", "\n" + filtered);
        Assert.DoesNotContain("\nCREATE DATABASE", "\n" + filtered);
        Assert.DoesNotContain("\n\\c chinook", "\n" + filtered);
        Assert.DoesNotContain("\n\\connect other", "\n" + filtered);
        Assert.Contains("\n\\c not a command here\n\\.\n", filtered);
        Assert.Contains("CREATE TABLE a (x text);", filtered);
        Assert.Contains("SELECT 1;", filtered);
    }
}
