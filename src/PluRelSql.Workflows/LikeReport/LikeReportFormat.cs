using System.Globalization;
using System.Text;
using System.Text.Json;

namespace PluRelSql.Workflows.LikeReport;

/// <summary>The like-report as people read it (a line per column, table and query; the summary lines last) and as
/// JSON (README contract). <c>all</c> false lists only what fails; the summary counts everything.</summary>
public static class LikeReportFormat
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Text(LikeComparison report, bool all = true)
    {
        ArgumentNullException.ThrowIfNull(report);
        var sb = new StringBuilder();
        foreach (var c in report.Columns.Where(c => all || !c.Passed))
        {
            sb.Append(c.Passed ? "ok   " : "FAIL ").Append(c.Table.Name).Append('.').Append(c.Column);
            sb.Append(Inv, $" | null {c.SourceNullFraction:0.###} -> {Num(c.TargetNullFraction, "0.###")}");
            sb.Append(Inv, $" | distinct {Num(c.SourceDistinct, "0.#")} -> {Num(c.TargetDistinct, "0.#")}");
            if (c.DistinctDifference is { } d) sb.Append(Inv, $" ({d * 100:0.#} %)");
            if (c.McvOverlap is { } o) sb.Append(Inv, $" | MCV overlap {o * 100:0.#} %");
            if (c.HistogramDistance is { } h) sb.Append(Inv, $" | histogram distance {h:0.###}");
            if (c.Reason.Length > 0) sb.Append(" | fails: ").Append(c.Reason);
            sb.AppendLine();
        }
        foreach (var t in report.Tables.Where(t => all || !t.Within))
        {
            sb.Append(t.Within ? "ok   " : "FAIL ").Append("table ").Append(t.Table.Name)
              .Append(Inv, $" rows {Num(t.SourceRows, "0")} -> {Num(t.TargetRows, "0")}");
            if (t.Ratio is { } r) sb.Append(Inv, $" (ratio {r:0.####})");
            if (t.Missing) sb.Append(" | missing from the target");
            sb.AppendLine();
        }
        foreach (var p in report.Plans.Where(p => all || !p.Equal))
        {
            sb.Append(p.Equal ? "same " : "DIFF ").Append("plan ").Append(p.Name);
            if (p.Error is { } e) sb.Append(" | error: ").Append(e);
            else if (!p.Equal) sb.Append(" | ").AppendJoin("; ", p.Differences);
            sb.AppendLine();
            if (!p.Equal && p.Source is not null && p.Target is not null)
            {
                sb.Append("     source: ").Append(p.Source).AppendLine();
                sb.Append("     target: ").Append(p.Target).AppendLine();
            }
        }
        if (report.SourceWithoutStatistics.Count > 0)
            sb.Append("source tables without column statistics (empty, never analyzed, or hidden from this role; ANALYZE the source to compare them): ")
              .AppendJoin(", ", report.SourceWithoutStatistics).AppendLine();
        sb.Append(Summary(report));
        return sb.ToString();
    }

    /// <summary>The summary lines: columns passed, tables within the row-count threshold, equal plans.</summary>
    public static string Summary(LikeComparison report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var t = report.Thresholds;
        var sb = new StringBuilder();
        sb.Append(Inv, $"{report.Target} vs {report.Source}: columns passed {report.PassedColumns}/{report.Columns.Count} ({Pct(report.PassedShare)})")
          .Append(Inv, $" [null within {t.NullFraction}, n_distinct within {t.NDistinct * 100:0.#} % or both >= {t.SampleLimit:0}, MCV overlap >= {t.McvOverlap * 100:0} %]")
          .AppendLine();
        sb.Append(Inv, $"tables within {t.RowCount * 100:0.#} % of the source's rows: {report.TablesWithin}/{report.Tables.Count}").AppendLine();
        if (report.Plans.Count > 0)
        {
            sb.Append(Inv, $"plans equal: {report.EqualPlans}/{report.Plans.Count} ({Pct((double)report.EqualPlans / report.Plans.Count)})");
            var differ = report.Plans.Where(p => !p.Equal).Select(p => p.Name).ToList();
            if (differ.Count > 0) sb.Append("; differ: ").AppendJoin(", ", differ);
            sb.AppendLine();
        }
        return sb.ToString();
    }

    private static string Num(double? v, string format) => v is { } x ? x.ToString(format, Inv) : "-";

    private static string Pct(double? share) => share is { } s ? (s * 100).ToString("0.#", Inv) + " %" : "n/a";

    public static string Json(LikeComparison report)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("source", report.Source);
            w.WriteString("target", report.Target);
            w.WriteBoolean("sourceAnalyzed", report.SourceAnalyzed);
            w.WriteString("statisticsSource", report.StatisticsSource);
            w.WriteStartObject("thresholds");
            w.WriteNumber("nullFraction", report.Thresholds.NullFraction);
            w.WriteNumber("nDistinct", report.Thresholds.NDistinct);
            w.WriteNumber("mcvOverlap", report.Thresholds.McvOverlap);
            w.WriteNumber("sampleLimit", report.Thresholds.SampleLimit);
            w.WriteNumber("rowCount", report.Thresholds.RowCount);
            w.WriteEndObject();
            w.WriteNumber("columnsPassed", report.PassedColumns);
            w.WriteNumber("columnsCompared", report.Columns.Count);
            Number(w, "passedShare", report.PassedShare);
            w.WriteNumber("tablesWithin", report.TablesWithin);
            w.WriteNumber("plansEqual", report.EqualPlans);
            w.WriteNumber("plansCompared", report.Plans.Count);
            w.WriteStartArray("tables");
            foreach (var t in report.Tables)
            {
                w.WriteStartObject();
                w.WriteString("schema", t.Table.Schema);
                w.WriteString("name", t.Table.Name);
                Number(w, "sourceRows", t.SourceRows);
                Number(w, "targetRows", t.TargetRows);
                Number(w, "ratio", t.Ratio);
                w.WriteBoolean("within", t.Within);
                w.WriteBoolean("missing", t.Missing);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("columns");
            foreach (var c in report.Columns)
            {
                w.WriteStartObject();
                w.WriteString("schema", c.Table.Schema);
                w.WriteString("table", c.Table.Name);
                w.WriteString("column", c.Column);
                w.WriteBoolean("passed", c.Passed);
                Number(w, "sourceNullFraction", c.SourceNullFraction);
                Number(w, "targetNullFraction", c.TargetNullFraction);
                Number(w, "sourceDistinct", c.SourceDistinct);
                Number(w, "targetDistinct", c.TargetDistinct);
                Number(w, "nullDifference", c.NullDifference);
                Number(w, "distinctDifference", c.DistinctDifference);
                Number(w, "mcvOverlap", c.McvOverlap);
                Number(w, "histogramDistance", c.HistogramDistance);
                w.WriteString("reason", c.Reason);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("plans");
            foreach (var p in report.Plans)
            {
                w.WriteStartObject();
                w.WriteString("name", p.Name);
                w.WriteString("title", p.Title);
                w.WriteBoolean("equal", p.Equal);
                if (p.Source is { } s) w.WriteString("source", s.ToString()); else w.WriteNull("source");
                if (p.Target is { } t) w.WriteString("target", t.ToString()); else w.WriteNull("target");
                if (p.Source is { } sj) w.WriteString("sourceJoinOrder", string.Join(" > ", sj.Relations()));
                if (p.Target is { } tj) w.WriteString("targetJoinOrder", string.Join(" > ", tj.Relations()));
                w.WriteStartArray("differences");
                foreach (var d in p.Differences) w.WriteStringValue(d);
                w.WriteEndArray();
                if (p.Error is { } e) w.WriteString("error", e); else w.WriteNull("error");
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("sourceWithoutStatistics");
            foreach (var t in report.SourceWithoutStatistics) w.WriteStringValue(t.ToString());
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void Number(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v)) w.WriteNumber(name, Math.Round(v, 6));
        else w.WriteNull(name);
    }
}
