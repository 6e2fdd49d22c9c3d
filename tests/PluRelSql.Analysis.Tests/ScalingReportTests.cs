using System.Globalization;
using System.Text.Json;
using PluRelSql.Analysis;
using SkiaSharp;

namespace PluRelSql.Analysis.Tests;

public sealed class ScalingReportTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"plurel-report-{Environment.ProcessId}-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static ScalingRun Run(int n, int steps, double heldOut, bool dbs, bool tokens) => new()
    {
        Id = $"n{n:D4}-s{steps:D6}", Databases = n, Tokens = steps * 2000L, Steps = steps, TrainLoss = heldOut - 0.05,
        HeldOutLoss = heldOut, Seconds = steps / 10.0, InDatabaseSweep = dbs, InTokenSweep = tokens,
        Curve = [.. Enumerable.Range(1, steps).Select(s => new CurvePoint(s, 1.0 / Math.Sqrt(s) + 0.3))],
    };

    private static List<ScalingRun> Study()
    {
        // Database axis at 400 steps: 0.2·N^-0.5 + 0.5; token axis at N = 16: 30·S^-0.4 + 0.5 (S = 2000·steps).
        var runs = new[] { 1, 2, 4, 8 }.Select(n => Run(n, 400, 0.2 * Math.Pow(n, -0.5) + 0.5, true, false)).ToList();
        foreach (var steps in new[] { 100, 200, 400, 800 })
            runs.Add(Run(16, steps, 30 * Math.Pow(steps * 2000.0, -0.4) + 0.5, steps == 400, true));
        runs[^2] = runs[^2] with { HeldOutLoss = 0.2 * Math.Pow(16, -0.5) + 0.5 };   // the shared point belongs to both axes
        return runs;
    }

    [Fact]
    public void Writes_runs_fits_report_and_plots()
    {
        var runs = Study();
        var fits = ScalingReport.Write(_dir, runs, [new("model", "d=32"), new("seed", "1")], bootstrap: 100);
        Assert.Equal(0.5, fits.Databases.B, 3);
        Assert.Equal(5, fits.Databases.Points);
        Assert.Equal(4, fits.Tokens.Points);

        var csv = File.ReadAllLines(Path.Combine(_dir, ScalingReport.RunsFile));
        Assert.Equal("run,dbs,tokens,steps,train_loss,heldout_loss,seconds,sweep", csv[0]);
        Assert.Equal(runs.Count + 1, csv.Length);
        var shared = csv.Single(l => l.StartsWith("n0016-s000400,", StringComparison.Ordinal)).Split(',');
        Assert.Equal(["n0016-s000400", "16", "800000", "400"], shared[..4]);
        Assert.Equal(runs[^2].HeldOutLoss, double.Parse(shared[5], CultureInfo.InvariantCulture));
        Assert.Equal("dbs+tokens", shared[7]);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, ScalingReport.FitFile)));
        foreach (var axis in new[] { "dbs", "tokens" })
        {
            var f = json.RootElement.GetProperty(axis);
            foreach (var p in new[] { "a", "b", "c", "r2" }) Assert.Equal(JsonValueKind.Number, f.GetProperty(p).ValueKind);
            var ci = f.GetProperty("ci");
            foreach (var p in new[] { "a", "b", "c" }) Assert.Equal(2, ci.GetProperty(p).GetArrayLength());
        }
        Assert.Equal(fits.Tokens.B, json.RootElement.GetProperty("tokens").GetProperty("b").GetDouble());

        var md = File.ReadAllText(Path.Combine(_dir, ScalingReport.ReportFile));
        Assert.Contains("| n0016-s000400 | 16 | 800,000 | 400 |", md);
        Assert.Contains("| model | d=32 |", md);
        Assert.Contains($"![loss vs N]({ScalingReport.DatabasesPlot})", md);

        foreach (var png in new[] { ScalingReport.DatabasesPlot, ScalingReport.TokensPlot, ScalingReport.CurvesPlot })
        {
            using var bitmap = SKBitmap.Decode(Path.Combine(_dir, png));
            Assert.NotNull(bitmap);
            Assert.Equal((900, 620), (bitmap.Width, bitmap.Height));
            var inked = 0;
            for (var y = 0; y < bitmap.Height; y += 2)
                for (var x = 0; x < bitmap.Width; x += 2)
                    if (bitmap.GetPixel(x, y) is var c && c.Red + c.Green + c.Blue < 600) inked++;
            Assert.True(inked > 2000, $"{png}: only {inked} sampled pixels drawn");
        }
        // The fitted curve is drawn in orange-red on the axis plots.
        using var dbPlot = SKBitmap.Decode(Path.Combine(_dir, ScalingReport.DatabasesPlot));
        Assert.Contains(Enumerable.Range(0, dbPlot.Width * dbPlot.Height), i => dbPlot.GetPixel(i % dbPlot.Width, i / dbPlot.Width) == new SKColor(255, 69, 0));
    }

    [Fact]
    public void An_axis_with_too_few_points_names_itself()
    {
        var runs = Study().Select(r => r.Databases >= 4 ? r with { InDatabaseSweep = false } : r).ToList();
        var e = Assert.Throws<FitException>(() => ScalingReport.Write(_dir, runs, [], bootstrap: 10));
        Assert.StartsWith("database axis: ", e.Message);
        Assert.Contains("got 2", e.Message);
    }

    [Theory]
    [InlineData(0.5, 0.8, new[] { 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8 })]
    [InlineData(1.0, 1000.0, new[] { 1.0, 2, 5, 10, 20, 50, 100, 200, 500, 1000 })]
    public void Nice_ticks_are_round_and_inside_the_range(double lo, double hi, double[] expected) =>
        Assert.Equal(expected, ScalingPlots.NiceTicks(lo, hi).Select(v => Math.Round(v, 9)));

    [Fact]
    public void Moving_average_uses_what_it_has_at_the_start() =>
        Assert.Equal([1.0, 1.5, 2.5, 3.5], ScalingPlots.MovingAverage([1, 2, 3, 4], 2));

    [Theory]
    [InlineData(819200, "819.2k")]
    [InlineData(1638400, "1.64M")]
    [InlineData(16, "16")]
    [InlineData(0.55, "0.55")]
    public void Counts_are_labelled_short(double v, string label) => Assert.Equal(label, ScalingPlots.FormatCount(v));
}
