using System.Globalization;
using ScottPlot;

namespace PluRelSql.Analysis;

/// <summary>PNG plots of a scaling study (ScottPlot). Log-log axes are drawn by plotting log10 of the data and labelling
/// the ticks with the original values, so every label is a real N, token count or loss.</summary>
public static class ScalingPlots
{
    private const int Width = 900, Height = 620;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Held-out loss against one axis (N or tokens), with the fitted curve and, when positive, its asymptote c.</summary>
    public static void LossVersus(string path, string title, string xLabel, IReadOnlyList<double> x, IReadOnlyList<double> loss, PowerLawFit fit)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(fit);
        var plot = new Plot();
        double xMin = x.Min() / 1.25, xMax = x.Max() * 1.25;
        var curveX = Enumerable.Range(0, 200).Select(i => xMin * Math.Pow(xMax / xMin, i / 199.0)).ToArray();
        var curveY = curveX.Select(fit.Predict).ToArray();
        var keep = curveY.Select(v => v > 0).ToArray();
        var line = plot.Add.ScatterLine(curveX.Where((_, i) => keep[i]).Select(Math.Log10).ToArray(),
            curveY.Where(v => v > 0).Select(Math.Log10).ToArray());
        line.LineWidth = 2;
        line.Color = Colors.OrangeRed;
        line.LegendText = string.Create(Inv, $"fit L = {fit.A:G3}·x^-{fit.B:G3} + {fit.C:G3}  (R² {fit.RSquared:F3})");
        var points = plot.Add.ScatterPoints(x.Select(Math.Log10).ToArray(), loss.Select(Math.Log10).ToArray());
        points.MarkerSize = 10;
        points.Color = Colors.SteelBlue;
        points.LegendText = "held-out loss";
        var yValues = loss.Concat(curveY.Where(v => v > 0));
        if (fit.C > 0)
        {
            var asymptote = plot.Add.HorizontalLine(Math.Log10(fit.C));
            asymptote.LinePattern = LinePattern.Dashed;
            asymptote.Color = Colors.Gray;
            asymptote.LegendText = string.Create(Inv, $"c = {fit.C:G3}");
            yValues = yValues.Append(fit.C);
        }
        double yMin = yValues.Min(), yMax = yValues.Max();
        var yPad = Math.Pow(yMax / yMin, 0.08);
        yMin /= yPad;
        yMax *= yPad;
        plot.Axes.SetLimits(Math.Log10(xMin), Math.Log10(xMax), Math.Log10(yMin), Math.Log10(yMax));
        plot.Axes.Bottom.TickGenerator = LogTicks(x.Count <= 10 ? x.Distinct().Order() : NiceTicks(xMin, xMax));
        plot.Axes.Left.TickGenerator = LogTicks(NiceTicks(yMin, yMax));
        plot.Title(title);
        plot.XLabel(xLabel + " (log scale)");
        plot.YLabel("held-out masked-cell loss (log scale)");
        plot.ShowLegend(Alignment.UpperRight);
        plot.SavePng(path, Width, Height);
    }

    /// <summary>Training loss against step for every run, as a moving average over 1/16 of the longest run (at least
    /// 20 steps): one batch holds one masked cell per context, so a single step's loss is very noisy.</summary>
    public static void TrainingCurves(string path, IReadOnlyList<ScalingRun> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var window = Math.Max(ScalingRun.FinalWindow, runs.Select(r => r.Curve.Count).DefaultIfEmpty(0).Max() / 16);
        var plot = new Plot();
        foreach (var run in runs.OrderBy(r => r.Databases).ThenBy(r => r.Steps))
        {
            if (run.Curve.Count == 0) continue;
            var smooth = MovingAverage(run.Curve.Select(p => p.Loss).ToArray(), window);
            var line = plot.Add.ScatterLine(run.Curve.Select(p => (double)p.Step).ToArray(), smooth);
            line.LineWidth = 1.5f;
            line.LegendText = string.Create(Inv, $"N={run.Databases}, {FormatCount(run.Tokens)} tokens");
        }
        plot.Title($"Training loss (moving average of {window} steps)");
        plot.XLabel("step");
        plot.YLabel("training masked-cell loss");
        plot.ShowLegend(Alignment.UpperRight);
        plot.SavePng(path, Width, Height);
    }

    /// <summary>Mean of the last <paramref name="window"/> values up to each index (fewer at the start).</summary>
    internal static double[] MovingAverage(double[] values, int window)
    {
        var result = new double[values.Length];
        double sum = 0;
        for (var i = 0; i < values.Length; i++)
        {
            sum += values[i];
            if (i >= window) sum -= values[i - window];
            result[i] = sum / Math.Min(i + 1, window);
        }
        return result;
    }

    private static ScottPlot.TickGenerators.NumericManual LogTicks(IEnumerable<double> values)
    {
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        foreach (var v in values) ticks.AddMajor(Math.Log10(v), FormatCount(v));
        return ticks;
    }

    /// <summary>About 4–10 round values in [lo, hi]: 1-2-5 per decade over wide ranges, an even linear step over narrow ones.</summary>
    internal static IReadOnlyList<double> NiceTicks(double lo, double hi)
    {
        if (hi / lo >= 20)
        {
            var decades = new List<double>();
            for (var e = Math.Floor(Math.Log10(lo)); e <= Math.Ceiling(Math.Log10(hi)); e++)
                foreach (var m in hi / lo > 1e4 ? new[] { 1.0 } : [1.0, 2, 5])
                {
                    var v = m * Math.Pow(10, e);
                    if (v >= lo && v <= hi) decades.Add(v);
                }
            return decades;
        }
        var raw = (hi - lo) / 7;
        var mag = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var step = new[] { 1.0, 2, 2.5, 5, 10 }.Select(m => m * mag).First(s => s >= raw);
        var ticks = new List<double>();
        for (var v = Math.Ceiling(lo / step) * step; v <= hi * (1 + 1e-12); v += step) ticks.Add(Math.Round(v / step) * step);
        return ticks;
    }

    /// <summary>2, 64, 0.55, 819k, 1.6M: short labels for counts and losses.</summary>
    public static string FormatCount(double v) => Math.Abs(v) switch
    {
        >= 1e9 => (v / 1e9).ToString("0.##", Inv) + "G",
        >= 1e6 => (v / 1e6).ToString("0.##", Inv) + "M",
        >= 1e4 => (v / 1e3).ToString("0.#", Inv) + "k",
        _ => v.ToString("G4", Inv),
    };
}
