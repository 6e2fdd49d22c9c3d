using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;
using PluRelSql.Schema;
using PluRelSql.Storage;
using PluRelSql.Storage.Postgres;

namespace PluRelSql.Cli.Commands;

/// <summary><c>plurel profile [--db CONN]</c>: per table and column, what the data looks like (row count, semantic
/// kind, null share, distinct count, range, top values, text lengths), as text or JSON.</summary>
public static class ProfileCommand
{
    public static Command Create()
    {
        var db = new Option<string>("--db") { Description = "Database to profile: libpq URI or Npgsql connection string (default: the embedded cluster)." };
        var provider = PopulateCommand.ProviderOption();
        var database = new Option<string>("--database") { Description = "Database name (overrides the one in --db; without --db: a database of the embedded cluster)." };
        var schemas = new Option<string>("--schemas") { Description = "Shell-style glob over schema names.", DefaultValueFactory = _ => "*" };
        var format = new Option<string>("--format", "-f") { Description = "text or json.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var sample = new Option<long>("--sample") { Description = "Rows read per table at most (whole table when it has no more; else a TABLESAMPLE SYSTEM sample cut to N).", DefaultValueFactory = _ => 100_000 };
        var cmd = new Command("profile", "Profile the data of a live PostgreSQL database, per table and column.") { db, provider, database, schemas, format, sample };
        cmd.SetAction((pr, ct) => ExitCodes.Run(async () =>
        {
            var n = pr.GetValue(sample);
            if (n < 1) throw new UsageException("--sample must be at least 1");
            var pattern = pr.GetValue(schemas)!;
            if (Target.Choose(pr.GetValue(db), pr.GetValue(provider)) == DatabaseProvider.SqlServer)
                throw new UsageException("profile reads PostgreSQL only; --db names a SQL Server");
            var target = await Target.Resolve(pr.GetValue(db), pr.GetValue(database), ct, pr.GetValue(provider));
            await using var session = await target.OpenAsync(ct);
            var regex = new Regex("^" + Snapshots.GlobToRegex(pattern) + "$", RegexOptions.CultureInvariant);
            var names = (await session.ListSchemasAsync(ct)).Where(s => regex.IsMatch(s)).ToList();
            if (names.Count == 0) throw new UsageException($"no schema of {target.Describe()} with tables matches '{pattern}'");
            var graph = await session.ReadSchemaAsync(names, ct);
            var profiles = await ColumnProfiler.ProfileAsync((NpgsqlConnection)session.Connection, graph, n, ct);
            Console.Out.Write(pr.GetValue(format) == "json" ? Json(target.Database, profiles) + Environment.NewLine : Text(profiles));
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    private static string F(double d) => d.ToString("0.###", CultureInfo.InvariantCulture);

    internal static string Text(IReadOnlyList<TableProfile> tables)
    {
        var sb = new StringBuilder();
        foreach (var t in tables)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{t.Name}  {t.Rows:N0} rows ({(t.RowsExact ? "exact" : "estimate")}), ")
              .Append(t.SampleMethod == "full" ? "all rows read" : $"sample of {t.Sampled:N0} rows (TABLESAMPLE SYSTEM)")
              .AppendLine();
            var rows = new List<string[]> { new[] { "column", "type", "kind", "null", "distinct", "min", "max", "length", "top" } };
            foreach (var c in t.Columns)
                rows.Add(
                [
                    c.Name, c.Type, ColumnSemantics.Name(c.Kind) + (Unit(c.Unit) is { } u ? $"({u})" : ""), (c.NullShare * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%",
                    c.Distinct.ToString(CultureInfo.InvariantCulture), Clip(c.Min), Clip(c.Max),
                    c.MinLength is { } lo ? $"{lo}/{F(c.AvgLength ?? 0)}/{c.MaxLength}" : "",
                    c.Top is { } top ? string.Join(", ", top.Select(v => $"{Clip(v.Value, 20)} {v.Share * 100:0.#}%")) : "",
                ]);
            var widths = Enumerable.Range(0, rows[0].Length - 1).Select(i => rows.Max(r => r[i].Length)).ToArray();
            foreach (var r in rows)
            {
                var line = new StringBuilder("  ");
                for (var i = 0; i < widths.Length; i++) line.Append(r[i].PadRight(widths[i] + 2));
                sb.Append(line.Append(r[^1]).ToString().TrimEnd()).AppendLine();
            }
            sb.AppendLine();
        }
        return sb.ToString();
    }

    // A duration's unit as a user writes it; null where the schema does not say.
    private static string? Unit(DurationUnit unit) => unit switch
    {
        DurationUnit.Milliseconds => "ms",
        DurationUnit.Seconds => "s",
        DurationUnit.Minutes => "min",
        DurationUnit.Hours => "h",
        DurationUnit.Days => "d",
        _ => null,
    };

    private static string Clip(string? s, int max = 30) => s is null ? "" : s.Length <= max ? s : s[..(max - 1)] + "…";

    /// <summary>The JSON contract (README): properties always present, null where they do not apply.</summary>
    internal static string Json(string database, IReadOnlyList<TableProfile> tables)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("database", database);
            w.WriteStartArray("tables");
            foreach (var t in tables)
            {
                w.WriteStartObject();
                w.WriteString("schema", t.Name.Schema);
                w.WriteString("name", t.Name.Name);
                w.WriteNumber("rows", t.Rows);
                w.WriteBoolean("rowsExact", t.RowsExact);
                w.WriteNumber("sampled", t.Sampled);
                w.WriteString("sampleMethod", t.SampleMethod);
                w.WriteStartArray("columns");
                foreach (var c in t.Columns)
                {
                    w.WriteStartObject();
                    w.WriteString("name", c.Name);
                    w.WriteString("type", c.Type);
                    w.WriteString("kind", ColumnSemantics.Name(c.Kind));
                    w.WriteString("evidence", c.Evidence);
                    w.WriteString("unit", Unit(c.Unit));
                    w.WriteNumber("nullShare", Math.Round(c.NullShare, 6));
                    w.WriteNumber("distinct", c.Distinct);
                    w.WriteString("min", c.Min);
                    w.WriteString("max", c.Max);
                    if (c.MinLength is { } lo) w.WriteNumber("minLength", lo); else w.WriteNull("minLength");
                    if (c.AvgLength is { } avg) w.WriteNumber("avgLength", Math.Round(avg, 3)); else w.WriteNull("avgLength");
                    if (c.MaxLength is { } hi) w.WriteNumber("maxLength", hi); else w.WriteNull("maxLength");
                    if (c.Top is { } top)
                    {
                        w.WriteStartArray("top");
                        foreach (var v in top)
                        {
                            w.WriteStartObject();
                            w.WriteString("value", v.Value);
                            w.WriteNumber("share", Math.Round(v.Share, 6));
                            w.WriteEndObject();
                        }
                        w.WriteEndArray();
                    }
                    else w.WriteNull("top");
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
