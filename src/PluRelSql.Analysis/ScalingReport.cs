using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PluRelSql.Analysis;

/// <summary>The two fits of a study: held-out loss against N (database sweep) and against tokens (token sweep).</summary>
public sealed record ScalingFits(PowerLawFit Databases, PowerLawFit Tokens);

/// <summary>Writes a study's outputs: runs.csv, fit.json, report.md and the PNG plots.</summary>
public static class ScalingReport
{
    public const string RunsFile = "runs.csv", FitFile = "fit.json", ReportFile = "report.md",
        DatabasesPlot = "loss_vs_dbs.png", TokensPlot = "loss_vs_tokens.png", CurvesPlot = "training_curves.png";

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Fits both axes (throws <see cref="FitException"/> when an axis has too few points) and writes every file.</summary>
    public static ScalingFits Write(string directory, IReadOnlyList<ScalingRun> runs, IReadOnlyList<KeyValuePair<string, string>> settings,
        int bootstrap = 1000, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(settings);
        var dbRuns = runs.Where(r => r.InDatabaseSweep).OrderBy(r => r.Databases).ToList();
        var tokenRuns = runs.Where(r => r.InTokenSweep).OrderBy(r => r.Tokens).ToList();
        var fits = new ScalingFits(
            Fit("database axis", dbRuns.Select(r => (double)r.Databases).ToList(), dbRuns.Select(r => r.HeldOutLoss).ToList(), bootstrap, seed),
            Fit("token axis", tokenRuns.Select(r => (double)r.Tokens).ToList(), tokenRuns.Select(r => r.HeldOutLoss).ToList(), bootstrap, seed));
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, RunsFile), RunsCsv(runs));
        File.WriteAllText(Path.Combine(directory, FitFile), FitJson(fits));
        ScalingPlots.LossVersus(Path.Combine(directory, DatabasesPlot), "Held-out loss vs number of training databases N",
            "training databases N", dbRuns.Select(r => (double)r.Databases).ToList(), dbRuns.Select(r => r.HeldOutLoss).ToList(), fits.Databases);
        ScalingPlots.LossVersus(Path.Combine(directory, TokensPlot),
            $"Held-out loss vs training tokens S (N = {tokenRuns.Select(r => r.Databases).Distinct().Single()})",
            "training tokens S", tokenRuns.Select(r => (double)r.Tokens).ToList(), tokenRuns.Select(r => r.HeldOutLoss).ToList(), fits.Tokens);
        ScalingPlots.TrainingCurves(Path.Combine(directory, CurvesPlot), runs);
        File.WriteAllText(Path.Combine(directory, ReportFile), Markdown(runs, fits, settings));
        return fits;
    }

    private static PowerLawFit Fit(string axis, IReadOnlyList<double> x, IReadOnlyList<double> y, int bootstrap, int seed)
    {
        try { return PowerLawFitter.Fit(x, y, bootstrap, seed); }
        catch (FitException e) { throw new FitException($"{axis}: {e.Message}"); }
    }

    /// <summary>One row per run, in run order; losses with full precision.</summary>
    public static string RunsCsv(IEnumerable<ScalingRun> runs)
    {
        var sb = new StringBuilder("run,dbs,tokens,steps,train_loss,heldout_loss,seconds,sweep\n");
        foreach (var r in runs)
            sb.Append(string.Create(Inv, $"{r.Id},{r.Databases},{r.Tokens},{r.Steps},{r.TrainLoss:R},{r.HeldOutLoss:R},{r.Seconds:F1},{r.Sweep}\n"));
        return sb.ToString();
    }

    /// <summary>{"dbs":{"a","b","c","r2","points","bootstrap","ci":{"level","a":[lo,hi],…} or null},"tokens":{…}}.</summary>
    public static string FitJson(ScalingFits fits)
    {
        ArgumentNullException.ThrowIfNull(fits);
        var root = new JsonObject { ["dbs"] = FitNode(fits.Databases), ["tokens"] = FitNode(fits.Tokens) };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    private static JsonObject FitNode(PowerLawFit f)
    {
        JsonNode? ci = f.ACi is null ? null : new JsonObject
        {
            ["level"] = f.ACi.Level,
            ["a"] = Pair(f.ACi),
            ["b"] = Pair(f.BCi!),
            ["c"] = Pair(f.CCi!),
        };
        return new JsonObject
        {
            ["a"] = Num(f.A), ["b"] = Num(f.B), ["c"] = Num(f.C), ["r2"] = Num(f.RSquared),
            ["points"] = f.Points, ["bootstrap"] = f.BootstrapSamples, ["ci"] = ci,
        };
    }

    private static JsonArray Pair(Interval i) => [Num(i.Low), Num(i.High)];

    private static JsonNode? Num(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;

    private static string Markdown(IReadOnlyList<ScalingRun> runs, ScalingFits fits, IReadOnlyList<KeyValuePair<string, string>> settings)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# Scaling study").AppendLine();
        sb.AppendLine("Held-out loss is the mean masked-cell loss the trainer optimizes (Huber for numbers and datetimes, binary " +
                      "cross-entropy for booleans, cross-entropy for categories), measured on databases that no run trained on. " +
                      "Each axis is fitted with L = a·x^-b + c by nonlinear least squares; intervals are residual-bootstrap percentiles.")
          .AppendLine();
        sb.AppendLine("## Fits").AppendLine();
        sb.AppendLine("| axis | a | b | c | R² | points |").AppendLine("|---|---|---|---|---|---|");
        sb.AppendLine(FitRow("N (databases)", fits.Databases));
        sb.AppendLine(FitRow("S (tokens)", fits.Tokens));
        sb.AppendLine();
        if (fits.Databases.ACi is null || fits.Tokens.ACi is null)
            sb.AppendLine("An axis with as many points as parameters (3) leaves no residual degrees of freedom, so no interval is given.").AppendLine();
        foreach (var (axis, f) in new[] { ("N", fits.Databases), ("S", fits.Tokens) })
        {
            if (f.A <= 0) sb.AppendLine($"On the {axis} axis the fitted a ≤ 0: held-out loss does not fall with {axis} here.").AppendLine();
            if (f.B >= 0.999 * PowerLawFitter.MaxExponent)
                sb.AppendLine($"On the {axis} axis b sits at the search bound {PowerLawFitter.MaxExponent}: the points do not follow a power-law decay.").AppendLine();
            if (f.B <= 1.001 * PowerLawFitter.MinExponent)
                sb.AppendLine($"On the {axis} axis b sits at the search bound {PowerLawFitter.MinExponent}: the points look like a straight line " +
                              $"in log {axis}, and a and c are not identified separately (they trade off along that line).").AppendLine();
            if (f.C == 0)
                sb.AppendLine($"On the {axis} axis c is at its bound 0 (a loss has no negative floor): the points fit a pure power law best.").AppendLine();
        }
        sb.AppendLine("The PluRel paper reports L(N) = 0.07·N^-0.38 + 0.36 and L(S) = 0.025·S^-0.48 + 0.36 (S in billions of tokens) " +
                      "for models, corpora and token budgets many orders of magnitude larger; a small study measures its own " +
                      "constants, and with few points and short runs b and c trade off against each other (see the intervals).")
          .AppendLine();
        sb.AppendLine($"![loss vs N]({DatabasesPlot})").AppendLine();
        sb.AppendLine($"![loss vs tokens]({TokensPlot})").AppendLine();
        sb.AppendLine($"![training curves]({CurvesPlot})").AppendLine();
        sb.AppendLine("## Runs").AppendLine();
        sb.AppendLine("| run | N | tokens | steps | train loss | held-out loss | seconds | sweep |").AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var r in runs)
            sb.AppendLine(string.Create(Inv,
                $"| {r.Id} | {r.Databases} | {r.Tokens:N0} | {r.Steps} | {r.TrainLoss:F4} | {r.HeldOutLoss:F4} | {r.Seconds:F1} | {r.Sweep} |"));
        sb.AppendLine().AppendLine($"Train loss: mean of the last {ScalingRun.FinalWindow} steps. Tokens: non-padding tokens trained on.").AppendLine();
        sb.AppendLine("## Settings").AppendLine();
        sb.AppendLine("| setting | value |").AppendLine("|---|---|");
        foreach (var (k, v) in settings) sb.AppendLine($"| {k} | {v} |");
        return sb.ToString();
    }

    private static string FitRow(string axis, PowerLawFit f) => string.Create(Inv,
        $"| {axis} | {f.A:G4}{Ci(f.ACi)} | {f.B:G4}{Ci(f.BCi)} | {f.C:G4}{Ci(f.CCi)} | {f.RSquared:F4} | {f.Points} |");

    private static string Ci(Interval? i) =>
        i is null ? "" : string.Create(Inv, $" [{i.Low:G3}, {i.High:G3}]");
}
