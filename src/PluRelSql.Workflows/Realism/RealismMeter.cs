using System.Data.Common;
using System.Globalization;
using PluRelSql.Schema;
using PluRelSql.Storage;

namespace PluRelSql.Workflows.Realism;

/// <summary>Measures how plausible a generated PostgreSQL database looks next to a real one of the same schema (issue
/// 15): per non-key column a range, value or shape test (<see cref="RealismScoring"/>), and the Spearman correlation of
/// table sizes. Reads with plain SQL over each session's connection, at most <see cref="MaxRows"/> values per column
/// and side.</summary>
public static class RealismMeter
{
    /// <summary>Values read per column and side at most.</summary>
    public const int MaxRows = 100_000;

    private const int SampleValues = 5;

    /// <summary>Opens both databases, reads the real one's schema and measures.</summary>
    public static async Task<RealismReport> MeasureAsync(DatabaseEndpoint real, DatabaseEndpoint generated, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(real);
        ArgumentNullException.ThrowIfNull(generated);
        if (real.Server.Provider != DatabaseProvider.Postgres || generated.Server.Provider != DatabaseProvider.Postgres)
            throw new UsageException("realism reads PostgreSQL databases only");
        await using var r = await real.OpenAsync(ct).ConfigureAwait(false);
        await using var g = await generated.OpenAsync(ct).ConfigureAwait(false);
        var realGraph = await r.ReadSchemaAsync(await r.ListSchemasAsync(ct).ConfigureAwait(false), ct).ConfigureAwait(false);
        if (!realGraph.LoadableTables.Any()) throw new UsageException($"the real database {real.Description} has no tables");
        var genSchemas = await g.ListSchemasAsync(ct).ConfigureAwait(false);
        var genGraph = genSchemas.Count == 0 ? new SchemaGraph() : await g.ReadSchemaAsync(genSchemas, ct).ConfigureAwait(false);
        return await MeasureAsync(r.Connection, realGraph, g.Connection, genGraph, real.Description, generated.Description, ct).ConfigureAwait(false);
    }

    /// <summary>Measures the tables of <paramref name="realGraph"/> that <paramref name="generatedGraph"/> also has.</summary>
    public static async Task<RealismReport> MeasureAsync(DbConnection real, SchemaGraph realGraph, DbConnection generated,
        SchemaGraph generatedGraph, string realName, string generatedName, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(realGraph);
        ArgumentNullException.ThrowIfNull(generatedGraph);
        var columns = new List<ColumnRealism>();
        var sizes = new List<TableSizes>();
        var missing = new List<QualifiedName>();
        var keys = 0;
        foreach (var table in realGraph.LoadableTables.OrderBy(t => t.Name.Schema, StringComparer.Ordinal).ThenBy(t => t.Name.Name, StringComparer.Ordinal))
        {
            var twin = generatedGraph.FindTable(table.Name);
            if (twin is null)
            {
                missing.Add(table.Name);
                continue;
            }
            sizes.Add(new TableSizes(table.Name,
                await CountAsync(real, table.Name, ct).ConfigureAwait(false),
                await CountAsync(generated, table.Name, ct).ConfigureAwait(false)));
            var keyColumns = KeyColumns(realGraph, table);
            foreach (var column in table.Columns)
            {
                if (keyColumns.Contains(column.Name))
                {
                    keys++;
                    continue;
                }
                if (twin.FindColumn(column.Name) is null)
                {
                    columns.Add(Skip(realGraph, table, column, "missing from the generated database"));
                    continue;
                }
                try
                {
                    columns.Add(await MeasureColumnAsync(real, generated, realGraph, table, column, ct).ConfigureAwait(false));
                }
                catch (DbException e)
                {
                    // One unreadable column (a generated type that differs, a value the cast refuses) must not hide the rest.
                    columns.Add(Skip(realGraph, table, column, $"could not be measured: {e.Message}"));
                }
            }
        }
        var spearman = RealismScoring.Spearman([.. sizes.Select(s => (double)s.Real)], [.. sizes.Select(s => (double)s.Generated)]);
        return new RealismReport
        {
            Real = realName, Generated = generatedName, Columns = columns, Tables = sizes, Spearman = spearman,
            KeyColumns = keys, MissingTables = missing,
        };
    }

    private static ColumnRealism Skip(SchemaGraph graph, TableDef table, ColumnDef column, string reason) => new()
    {
        Table = table.Name,
        Column = column.Name,
        Type = column.Type.ToPgSql(),
        Meaning = ColumnSemantics.Classify(table, column, graph),
        Test = RealismTest.Skipped,
        Reason = reason,
    };

    /// <summary>Columns of a PRIMARY KEY, UNIQUE constraint, unique index or foreign key: their values are identifiers.</summary>
    internal static HashSet<string> KeyColumns(SchemaGraph graph, TableDef table)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        if (table.PrimaryKey is { } pk) set.UnionWith(pk.Columns);
        foreach (var u in table.Uniques) set.UnionWith(u.Columns);
        foreach (var fk in graph.ForeignKeysOf(table)) set.UnionWith(fk.Columns);
        foreach (var ix in graph.Indexes.Where(i => i.Unique && i.Table == table.Name))
            if (ix.PlainColumns() is { } cols) set.UnionWith(cols);
        return set;
    }

    /// <summary>The values the schema itself names for a column: a CHECK IN list, an enum's labels, a boolean's two
    /// values; null when the schema cannot know them.</summary>
    internal static IReadOnlyList<string>? KnownValues(SchemaGraph graph, TableDef table, ColumnDef column)
    {
        if (column.Type.IsArray) return null;
        if (column.Type.Kind == TypeKind.Boolean) return ["true", "false"];
        if (column.Type.Kind == TypeKind.Enum && column.Type.UserType is { } e && graph.FindEnum(e) is { } en) return en.Labels;
        foreach (var check in table.Checks)
            if (check.Predicate is { } p && InList(p, column.Name) is { } list) return list;
        // A domain's CHECK speaks of VALUE, whatever the reader calls that operand: any column operand is the column.
        if (column.Type.Domain is { } d && graph.FindDomain(d) is { } dom)
            foreach (var check in dom.Checks)
                if (check.Predicate is { } p && InList(p, null) is { } list) return list;
        return null;
    }

    private static IReadOnlyList<string>? InList(CheckPredicate p, string? column) => p switch
    {
        InPredicate { Negated: false, Operand: ColumnOperand c } i when column is null || c.Column == column =>
            [.. i.Values.Where(v => v is not NullValue).Select(Text)],
        AndPredicate a => a.Terms.Select(t => InList(t, column)).FirstOrDefault(l => l is not null),
        _ => null,
    };

    private static string Text(CheckValue v) => v switch
    {
        StringValue s => s.Value,
        NumberValue n => n.Value.ToString(CultureInfo.InvariantCulture),
        BoolValue b => b.Value ? "true" : "false",
        _ => "",
    };

    private static async Task<ColumnRealism> MeasureColumnAsync(DbConnection real, DbConnection generated, SchemaGraph graph,
        TableDef table, ColumnDef column, CancellationToken ct)
    {
        var type = column.Type;
        var q = SqlIdent.Quote(column.Name);
        var from = $"(SELECT {q} AS v FROM {table.Name.ToSql()} WHERE {q} IS NOT NULL LIMIT {MaxRows}) s";
        var baseRecord = new ColumnRealism
        {
            Table = table.Name, Column = column.Name, Type = type.ToPgSql(),
            Meaning = ColumnSemantics.Classify(table, column, graph), Test = RealismTest.Skipped,
        };

        var stats = await RowAsync(real, $"SELECT count(*), count(DISTINCT v::text) FROM {from}", ct).ConfigureAwait(false);
        long realCount = Convert.ToInt64(stats[0], CultureInfo.InvariantCulture), realDistinct = Convert.ToInt64(stats[1], CultureInfo.InvariantCulture);
        var genCount = Convert.ToInt64((await RowAsync(generated, $"SELECT count(*) FROM {from}", ct).ConfigureAwait(false))[0], CultureInfo.InvariantCulture);
        baseRecord = baseRecord with { RealValues = realCount, GeneratedValues = genCount };
        if (realCount == 0) return baseRecord with { Reason = "all NULL in the real data" };

        var scalar = !type.IsArray;
        var ordered = scalar && (type.Descriptor.IsNumeric || type.Descriptor.IsTemporal);
        var textual = scalar && (type.Descriptor.IsCharacter || type.Kind == TypeKind.Enum);
        // Only numbers, times, text and closed sets have a test; other types are skipped before any rule applies.
        if (!ordered && !textual && !(scalar && type.Kind == TypeKind.Boolean))
            return baseRecord with { Reason = $"type {type.ToPgSql()} is not scored (only numbers, dates/times, text and closed sets are)" };
        if (RealismScoring.IsLowCardinality(realDistinct, realCount))
        {
            var values = await ListAsync(real, $"SELECT DISTINCT v::text FROM {from} ORDER BY 1", ct).ConfigureAwait(false);
            var realList = string.Join(", ", values.Take(12)) + (values.Count > 12 ? ", …" : "");
            if (KnownValues(graph, table, column) is null)
                return baseRecord with
                {
                    Reason = "low cardinality, values not in the schema",
                    Real = $"{realDistinct} values: {realList}",
                };
            return await ValuesTestAsync(generated, from, baseRecord, values, realList, genCount, ct).ConfigureAwait(false);
        }
        if (ordered) return await RangeTestAsync(real, generated, from, baseRecord, type, genCount, ct).ConfigureAwait(false);
        if (textual) return await ShapeTestAsync(real, generated, from, baseRecord, genCount, ct).ConfigureAwait(false);
        // A boolean that is not low-cardinality (both values, a handful of rows): still a closed set.
        var both = await ListAsync(real, $"SELECT DISTINCT v::text FROM {from} ORDER BY 1", ct).ConfigureAwait(false);
        return await ValuesTestAsync(generated, from, baseRecord, both, string.Join(", ", both), genCount, ct).ConfigureAwait(false);
    }

    private static async Task<ColumnRealism> ValuesTestAsync(DbConnection generated, string from, ColumnRealism rec,
        IReadOnlyList<string> realValues, string realList, long genCount, CancellationToken ct)
    {
        var set = realValues.ToHashSet(StringComparer.Ordinal);
        var gen = await PairsAsync(generated, $"SELECT v::text, count(*) FROM {from} GROUP BY 1 ORDER BY 2 DESC, 1", ct).ConfigureAwait(false);
        var inside = gen.Where(p => set.Contains(p.Value)).Sum(p => p.Count);
        var share = genCount == 0 ? 0 : (double)inside / genCount;
        var ok = genCount > 0 && share >= RealismScoring.ValuesGoal;
        return rec with
        {
            Test = RealismTest.Values,
            Share = share,
            Plausible = ok,
            Real = $"{realValues.Count} values: {realList}",
            Generated = string.Join(", ", gen.Take(SampleValues).Select(p => p.Value)),
            Reason = genCount == 0 ? "no generated values" : ok ? "" : $"{Pct(1 - share)} of generated values are not real values",
        };
    }

    private static async Task<ColumnRealism> RangeTestAsync(DbConnection real, DbConnection generated, string from, ColumnRealism rec,
        SqlType type, long genCount, CancellationToken ct)
    {
        // Numbers as float8; dates, times and intervals as seconds (epoch), so one window fits every ordered type.
        var x = type.Descriptor.IsNumeric ? "v::numeric::float8" : "extract(epoch FROM v)::float8";
        var row = await RowAsync(real,
            $"SELECT percentile_cont(0.01) WITHIN GROUP (ORDER BY {x}), percentile_cont(0.99) WITHIN GROUP (ORDER BY {x}), " +
            $"(percentile_disc(0.01) WITHIN GROUP (ORDER BY v))::text, (percentile_disc(0.99) WITHIN GROUP (ORDER BY v))::text FROM {from}", ct).ConfigureAwait(false);
        var p1 = Convert.ToDouble(row[0], CultureInfo.InvariantCulture);
        var p99 = Convert.ToDouble(row[1], CultureInfo.InvariantCulture);
        var (lo, hi) = RealismScoring.Window(p1, p99);
        var gen = await RowAsync(generated,
            $"SELECT count(*) FILTER (WHERE {x} BETWEEN {Lit(lo)} AND {Lit(hi)}), " +
            $"min(v)::text, max(v)::text FROM {from}", ct).ConfigureAwait(false);
        var inside = Convert.ToInt64(gen[0], CultureInfo.InvariantCulture);
        var samples = await ListAsync(generated, $"SELECT v::text FROM {from} LIMIT {SampleValues}", ct).ConfigureAwait(false);
        var share = genCount == 0 ? 0 : (double)inside / genCount;
        var ok = genCount > 0 && share >= RealismScoring.RangeGoal;
        return rec with
        {
            Test = RealismTest.Range,
            Share = share,
            Plausible = ok,
            Real = $"p1..p99 {row[2]} .. {row[3]} (window ±10 %)",
            Generated = $"min {gen[1]}, max {gen[2]}; e.g. {string.Join(", ", samples)}",
            Reason = genCount == 0 ? "no generated values" : ok ? "" : $"{Pct(1 - share)} of generated values outside the real window",
        };
    }

    private static async Task<ColumnRealism> ShapeTestAsync(DbConnection real, DbConnection generated, string from, ColumnRealism rec,
        long genCount, CancellationToken ct)
    {
        var realValues = await ListAsync(real, $"SELECT v::text FROM {from}", ct).ConfigureAwait(false);
        var genValues = await ListAsync(generated, $"SELECT v::text FROM {from}", ct).ConfigureAwait(false);
        var top = RealismScoring.CommonShapes(realValues);
        var shapes = top.Select(t => t.Shape).ToHashSet(StringComparer.Ordinal);
        var share = RealismScoring.ShapeShare(genValues, shapes);
        var realMean = realValues.Average(v => (double)v.Length);
        var genMean = genValues.Count == 0 ? 0 : genValues.Average(v => (double)v.Length);
        var longText = RealismScoring.IsLongText(realMean);
        var lengthOk = longText && RealismScoring.LengthFits(realMean, genMean);
        var ok = genCount > 0 && (share >= RealismScoring.ShapeGoal || lengthOk);
        var reason = genCount == 0 ? "no generated values"
            : ok ? (share < RealismScoring.ShapeGoal ? "long text: mean length within ×2" : "")
            : longText ? $"long text: mean length {genMean:0.#} vs real {realMean:0.#} (not within ×2), and {Pct(share)} of shapes match"
            : $"only {Pct(share)} of generated values have a common real shape";
        return rec with
        {
            Test = RealismTest.Shape,
            Share = share,
            Plausible = ok,
            Real = $"mean length {realMean:0.#}{(longText ? " (long text)" : "")}; shapes {string.Join(" | ", top.Take(5).Select(t => Clip(t.Shape)))}",
            Generated = $"mean length {genMean:0.#}; e.g. {string.Join(" | ", genValues.Take(3).Select(v => Clip(v)))}; shapes {string.Join(" | ", RealismScoring.CommonShapes(genValues, 3).Select(t => Clip(t.Shape)))}",
            Reason = reason,
        };
    }

    private static string Clip(string s, int max = 40) => s.Length <= max ? s : s[..(max - 1)] + "…";

    private static string Pct(double share) => (share * 100).ToString("0.#", CultureInfo.InvariantCulture) + " %";

    private static string Lit(double d) => double.IsFinite(d)
        ? "'" + d.ToString("R", CultureInfo.InvariantCulture) + "'::float8"
        : d > 0 ? "'Infinity'::float8" : d < 0 ? "'-Infinity'::float8" : "'NaN'::float8";

    private static async Task<long> CountAsync(DbConnection conn, QualifiedName table, CancellationToken ct) =>
        Convert.ToInt64((await RowAsync(conn, $"SELECT count(*) FROM {table.ToSql()}", ct).ConfigureAwait(false))[0], CultureInfo.InvariantCulture);

    private static DbCommand Command(DbConnection conn, string sql)
    {
        var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        cmd.CommandTimeout = 600;
        return cmd;
    }

    private static async Task<object?[]> RowAsync(DbConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = Command(conn, sql);
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var row = new object?[r.FieldCount];
        if (await r.ReadAsync(ct).ConfigureAwait(false))
            for (var i = 0; i < row.Length; i++) row[i] = r.IsDBNull(i) ? null : r.GetValue(i);
        return row;
    }

    private static async Task<List<string>> ListAsync(DbConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = Command(conn, sql);
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var list = new List<string>();
        while (await r.ReadAsync(ct).ConfigureAwait(false)) list.Add(r.IsDBNull(0) ? "" : r.GetString(0));
        return list;
    }

    private static async Task<List<(string Value, long Count)>> PairsAsync(DbConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = Command(conn, sql);
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var list = new List<(string, long)>();
        while (await r.ReadAsync(ct).ConfigureAwait(false)) list.Add((r.GetString(0), r.GetInt64(1)));
        return list;
    }
}
