using System.Globalization;
using System.Text;
using System.Text.Json;

namespace PluRelSql.Workflows.Realism;

/// <summary>The realism report as people read it (one line per column, a summary line) and as JSON (README contract).</summary>
public static class RealismFormat
{
    /// <summary>"12/20 (60 %)"; "0/0 (n/a)" when nothing was scored.</summary>
    public static string Score(RealismReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return $"{report.PlausibleCount}/{report.Scored} ({(report.PlausibleShare is { } s ? (s * 100).ToString("0", CultureInfo.InvariantCulture) + " %" : "n/a")})";
    }

    public static string SpearmanText(double? r) => r is { } v ? v.ToString("0.00", CultureInfo.InvariantCulture) : "n/a";

    public static string Text(RealismReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var sb = new StringBuilder();
        foreach (var c in report.Columns)
        {
            var verdict = c.Plausible switch { true => "ok  ", false => "BAD ", null => "skip" };
            var test = c.Test.ToString().ToLowerInvariant();
            sb.Append(CultureInfo.InvariantCulture, $"{verdict} {c.Table.Name}.{c.Column} [{c.Type}, {c.Meaning.KindName}] {test}");
            if (c.Share is { } share) sb.Append(CultureInfo.InvariantCulture, $" {share * 100:0.#} %");
            if (c.Real.Length > 0) sb.Append(" | real: ").Append(c.Real);
            if (c.Generated.Length > 0) sb.Append(" | generated: ").Append(c.Generated);
            if (c.Reason.Length > 0) sb.Append(" | ").Append(c.Reason);
            sb.AppendLine();
        }
        sb.Append("tables (real -> generated): ")
          .AppendJoin(", ", report.Tables.Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Table.Name} {t.Real}->{t.Generated}")))
          .AppendLine();
        if (report.MissingTables.Count > 0)
            sb.Append("tables missing from the generated database (not scored): ").AppendJoin(", ", report.MissingTables).AppendLine();
        sb.Append(CultureInfo.InvariantCulture,
            $"{report.Generated} vs {report.Real}: plausible {Score(report)}, {report.Columns.Count - report.Scored} skipped, {report.KeyColumns} key columns not scored; table-size Spearman {SpearmanText(report.Spearman)} over {report.Tables.Count} tables")
          .AppendLine();
        return sb.ToString();
    }

    public static string Json(RealismReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("real", report.Real);
            w.WriteString("generated", report.Generated);
            w.WriteNumber("plausible", report.PlausibleCount);
            w.WriteNumber("scored", report.Scored);
            Number(w, "plausibleShare", report.PlausibleShare);
            Number(w, "spearman", report.Spearman);
            w.WriteNumber("keyColumns", report.KeyColumns);
            w.WriteStartArray("tables");
            foreach (var t in report.Tables)
            {
                w.WriteStartObject();
                w.WriteString("schema", t.Table.Schema);
                w.WriteString("name", t.Table.Name);
                w.WriteNumber("realRows", t.Real);
                w.WriteNumber("generatedRows", t.Generated);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("missingTables");
            foreach (var t in report.MissingTables) w.WriteStringValue(t.ToString());
            w.WriteEndArray();
            w.WriteStartArray("columns");
            foreach (var c in report.Columns)
            {
                w.WriteStartObject();
                w.WriteString("schema", c.Table.Schema);
                w.WriteString("table", c.Table.Name);
                w.WriteString("column", c.Column);
                w.WriteString("type", c.Type);
                w.WriteString("kind", c.Meaning.KindName);
                w.WriteString("kindEvidence", c.Meaning.Evidence);
                w.WriteString("test", c.Test.ToString().ToLowerInvariant());
                if (c.Plausible is { } p) w.WriteBoolean("plausible", p); else w.WriteNull("plausible");
                Number(w, "share", c.Share);
                w.WriteString("real", c.Real);
                w.WriteString("generatedSample", c.Generated);
                w.WriteString("reason", c.Reason);
                w.WriteNumber("realValues", c.RealValues);
                w.WriteNumber("generatedValues", c.GeneratedValues);
                w.WriteEndObject();
            }
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
