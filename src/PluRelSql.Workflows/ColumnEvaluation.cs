using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using PluRelSql.Analysis;
using PluRelSql.Core;
using PluRelSql.Tokenization;
using PluRelSql.Training;

namespace PluRelSql.Workflows;

/// <summary>Settings of <c>plurel eval</c> (docs/model.md §5.3).</summary>
public sealed record ColumnEvaluationOptions
{
    /// <summary>Which rows are evaluated; the same rule keeps them out of <c>finetune</c>'s training.</summary>
    public HeldOutRule HeldOut { get; init; } = HeldOutRule.Default;
    /// <summary>At most this many held-out cells per column (a fixed pseudo-random subset when there are more).</summary>
    public int CellsPerColumn { get; init; } = 200;
    /// <summary>At most this many training rows per column for the supervised reference.</summary>
    public int TrainRows { get; init; } = 5000;
    /// <summary>Bootstrap resamples per interval.</summary>
    public int Resamples { get; init; } = 1000;
    /// <summary>Seeds context sampling and the subsets.</summary>
    public ulong Seed { get; init; } = 12345;
    public int BatchSize { get; init; } = 16;
    /// <summary>Fit the gradient-boosted reference (the slow part).</summary>
    public bool Supervised { get; init; } = true;
    /// <summary>Foreign-key hops of parent rows in the reference's second feature set.</summary>
    public int ParentHops { get; init; } = 3;
}

/// <summary>A metric with its bootstrap 95 % interval; null where undefined (e.g. R² of a constant column).</summary>
public sealed record Estimate(double? Value, double? Low, double? High)
{
    public static Estimate Of(double value, (double Low, double High) ci) => new(Finite(value), Finite(ci.Low), Finite(ci.High));

    private static double? Finite(double v) => double.IsFinite(v) ? v : null;

    public override string ToString() => Value is not { } v ? "—"
        : Low is { } lo && High is { } hi ? string.Create(CultureInfo.InvariantCulture, $"{v,6:F3} [{lo:F2},{hi:F2}]")
        : string.Create(CultureInfo.InvariantCulture, $"{v,6:F3}");
}

/// <summary>One scored (or listed) column: number and datetime cells by R² (in z units), booleans by accuracy and
/// AUROC; model, column-mean / majority baseline, and the GBDT reference on the row and on row + parents.</summary>
public sealed record ColumnScore(string Table, string Column, string Type, int Cells, string Metric,
    Estimate? Model, Estimate? Baseline, Estimate? GbdtRow, Estimate? GbdtParents, string? Note = null);

public sealed record DatabaseEvaluation(string Database, IReadOnlyDictionary<string, string?> TimeColumns,
    IReadOnlyList<ColumnScore> Columns, IReadOnlyList<ColumnScore> Pooled);

public sealed record EvaluationReport(double HeldOutFraction, ulong HeldOutSeed, int CellsPerColumn, int Resamples, IReadOnlyList<DatabaseEvaluation> Databases)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>A terminal table per database: the time column of each table, then one line per metric of each column.</summary>
    public string ToText()
    {
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine(string.Create(inv, $"held-out rows: {HeldOutFraction:P0} of each table (seed {HeldOutSeed:X}); ≤ {CellsPerColumn} cells per column; 95 % bootstrap intervals ({Resamples} resamples)"));
        foreach (var d in Databases)
        {
            sb.AppendLine();
            sb.AppendLine($"database {d.Database}");
            sb.AppendLine("  time columns: " + string.Join(", ", d.TimeColumns.Select(kv => $"{kv.Key}={kv.Value ?? "(none)"}")));
            var width = Math.Max(24, d.Columns.Concat(d.Pooled).Select(c => c.Table.Length + c.Column.Length + 1).DefaultIfEmpty(0).Max());
            sb.AppendLine($"  {"column".PadRight(width)} {"type",-8} {"cells",5} {"metric",-6} {"model",-20} {"mean/majority",-20} {"GBDT row",-20} {"GBDT row+parents",-20}");
            foreach (var c in d.Columns.Concat(d.Pooled))
            {
                var name = (c.Table.Length == 0 ? c.Column : $"{c.Table}.{c.Column}").PadRight(width);
                if (c.Note is { } note)
                {
                    sb.AppendLine($"  {name} {c.Type,-8} {c.Cells,5} {note}");
                    continue;
                }
                sb.AppendLine($"  {name} {c.Type,-8} {c.Cells,5} {c.Metric,-6} {Show(c.Model),-20} {Show(c.Baseline),-20} {Show(c.GbdtRow),-20} {Show(c.GbdtParents),-20}");
            }
        }
        return sb.ToString();
    }

    private static string Show(Estimate? e) => e?.ToString() ?? "—";
}

/// <summary><c>plurel eval</c>: the model against baselines and a supervised reference on the same held-out cells,
/// per database, table and column (docs/model.md §5.3). Cells are the target cells of held-out rows
/// (<see cref="HeldOutRule"/>); the baselines and the GBDT learn only from the other rows of the same table.</summary>
public static class ColumnEvaluation
{
    private sealed record Cell(int Node, int CellIndex, long Item);

    private sealed class Scored
    {
        public List<double> Truth { get; } = [];
        public List<double> Model { get; } = [];
        public List<double> Baseline { get; } = [];
        public List<double> GbdtRow { get; } = [];
        public List<double> GbdtParents { get; } = [];
    }

    public static EvaluationReport Run(RelationalTransformer model, IReadOnlyList<RelationalSnapshot> snapshots, ColumnEvaluationOptions options, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(snapshots);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        var cfg = model.Config;
        var samplers = snapshots.Select(s => new ContextSampler(s, new SamplerOptions
        {
            ContextCells = cfg.MaxTokens, MaxBfsWidth = 16, HeldOut = options.HeldOut, Targets = TargetFilter.HeldOutOnly,
        })).ToList();
        var source = new SnapshotBatchSource(samplers, options.BatchSize, cfg.MaxTokens, cfg.TextDim, options.Seed);
        var databases = new List<DatabaseEvaluation>();
        for (var d = 0; d < samplers.Count; d++)
            databases.Add(EvaluateDatabase(model, source, d, samplers[d], options, log));
        return new EvaluationReport(options.HeldOut.Fraction, options.HeldOut.Seed, options.CellsPerColumn, options.Resamples, databases);
    }

    /// <summary>The evaluated cells of each column: up to <see cref="ColumnEvaluationOptions.CellsPerColumn"/> of the
    /// sampler's (held-out) targets, a fixed pseudo-random subset.</summary>
    internal static SortedDictionary<int, List<(int Node, int Cell, long Item)>> ChooseCells(ContextSampler sampler, int perColumn, ulong seed)
    {
        var db = sampler.Database;
        var byColumn = new SortedDictionary<int, List<(int Node, int Cell, long Item)>>();
        for (long item = 0; item < sampler.Targets.Count; item++)
        {
            var (node, cell) = sampler.Targets.Cell(item);
            var column = db.CellColumn[cell];
            if (!byColumn.TryGetValue(column, out var list)) byColumn[column] = list = [];
            list.Add((node, cell, item));
        }
        var rng = CounterRng.Stream(seed, CounterRng.Label(db.Name), 0xE7A1);
        foreach (var column in byColumn.Keys.ToList())
        {
            var list = byColumn[column];
            if (list.Count > perColumn)
                byColumn[column] = list.OrderBy(x => rng.Bits((ulong)x.Item)).Take(perColumn).OrderBy(x => x.Item).ToList();
        }
        return byColumn;
    }

    private static DatabaseEvaluation EvaluateDatabase(RelationalTransformer model, SnapshotBatchSource source, int dbIndex,
        ContextSampler sampler, ColumnEvaluationOptions o, TextWriter log)
    {
        var db = sampler.Database;
        var heldOut = ContextSampler.HeldOutMask(db, o.HeldOut);
        var chosen = ChooseCells(sampler, o.CellsPerColumn, o.Seed);

        // The model, in batches of chosen items.
        var items = chosen.Values.SelectMany(l => l).ToList();
        var modelOut = new Dictionary<int, double>(); // cell index → predicted z or P(true)
        for (var start = 0; start < items.Count; start += o.BatchSize)
        {
            var slice = items.Skip(start).Take(o.BatchSize).ToList();
            var batch = source.BatchOf(slice.Select(x => (dbIndex, x.Item)).ToList(), o.Seed, out _);
            foreach (var p in Evaluator.Predict(model, batch))
                modelOut[slice[p.Sequence].Cell] = p.Type == TokenType.Boolean ? p.Probability : p.Value;
        }
        log.WriteLine($"  {db.Name}: model scored {modelOut.Count:N0} held-out cells in {chosen.Count} columns");

        var features = new FeatureBuilder(db, o.ParentHops);
        var columns = new List<ColumnScore>();
        var pooled = new Dictionary<SemanticType, Scored>();
        foreach (var table in db.Tables)
        {
            foreach (var col in table.Columns)
            {
                if (!ContextSampler.IsTargetType(col.Type))
                {
                    var held = CountCells(db, table, col.Id, n => heldOut[n]);
                    columns.Add(new ColumnScore(table.Name.Name, col.Name, TypeName(col.Type), held, "", null, null, null, null,
                        "not scored (text cells are context only: the spec's objective never masks text)"));
                    continue;
                }
                if (!chosen.TryGetValue(col.Id, out var cells))
                {
                    columns.Add(new ColumnScore(table.Name.Name, col.Name, TypeName(col.Type), 0, "", null, null, null, null, "no held-out cell"));
                    continue;
                }
                var scored = ScoreColumn(db, table, col, cells, heldOut, modelOut, features, o, log);
                if (!pooled.TryGetValue(col.Type, out var pool)) pooled[col.Type] = pool = new Scored();
                pool.Truth.AddRange(scored.Truth);
                pool.Model.AddRange(scored.Model);
                pool.Baseline.AddRange(scored.Baseline);
                pool.GbdtRow.AddRange(scored.GbdtRow);
                pool.GbdtParents.AddRange(scored.GbdtParents);
                columns.AddRange(ScoreLines(table.Name.Name, col.Name, col.Type, scored, o));
            }
            log.WriteLine($"  {db.Name}.{table.Name.Name}: done");
        }
        var pooledScores = pooled.OrderBy(kv => kv.Key).SelectMany(kv => ScoreLines("", $"pooled {TypeName(kv.Key)}", kv.Key, kv.Value, o)).ToList();
        var times = db.Tables.ToDictionary(t => t.Name.Name, t => t.TimeColumn);
        return new DatabaseEvaluation(db.Name, times, columns, pooledScores);
    }

    private static int CountCells(RelationalSnapshot db, SnapshotTable table, int column, Func<int, bool> rowFilter)
    {
        var n = 0;
        for (var node = table.FirstNode; node < table.FirstNode + table.RowCount; node++)
        {
            if (!rowFilter(node)) continue;
            for (var c = db.CellStart[node]; c < db.CellStart[node + 1]; c++)
                if (db.CellColumn[c] == column) n++;
        }
        return n;
    }

    private static Scored ScoreColumn(RelationalSnapshot db, SnapshotTable table, SnapshotColumn col, List<(int Node, int Cell, long Item)> cells,
        bool[] heldOut, Dictionary<int, double> modelOut, FeatureBuilder features, ColumnEvaluationOptions o, TextWriter log)
    {
        var boolean = col.Type == SemanticType.Boolean;
        double Truth(int cell) => boolean ? (SnapshotBatchSource.StoredBoolean(col, db.CellValue[cell]) ? 1 : 0) : db.CellValue[cell];

        // Training rows: the table's other (not held-out) rows with the column set; a fixed subset when there are many.
        var train = new List<(int Node, int Cell)>();
        for (var node = table.FirstNode; node < table.FirstNode + table.RowCount; node++)
        {
            if (heldOut[node]) continue;
            for (var c = db.CellStart[node]; c < db.CellStart[node + 1]; c++)
                if (db.CellColumn[c] == col.Id) train.Add((node, c));
        }
        if (train.Count > o.TrainRows)
        {
            var rng = CounterRng.Stream(o.Seed, CounterRng.Label(db.Name), (ulong)col.Id, 0x7A1);
            train = train.OrderBy(x => rng.Bits((ulong)x.Node)).Take(o.TrainRows).OrderBy(x => x.Node).ToList();
        }
        var trainTruth = train.Select(x => Truth(x.Cell)).ToList();
        var baseline = trainTruth.Count == 0 ? (boolean ? 0.5 : 0) : boolean ? (trainTruth.Average() >= 0.5 ? 1 : 0) : trainTruth.Average();

        var s = new Scored();
        foreach (var (_, cell, _) in cells)
        {
            s.Truth.Add(Truth(cell));
            s.Model.Add(modelOut.TryGetValue(cell, out var v) ? v : double.NaN);
            s.Baseline.Add(baseline);
        }
        if (!o.Supervised) return s;
        foreach (var parents in new[] { false, true })
        {
            var trainX = train.Select(x => features.Row(x.Node, col.Id, parents)).ToList();
            var testX = cells.Select(x => features.Row(x.Node, col.Id, parents)).ToList();
            try
            {
                var predicted = boolean
                    ? SupervisedReference.Classify(trainX, trainTruth.Select(y => y > 0.5).ToList(), testX)
                    : SupervisedReference.Regress(trainX, trainTruth, testX);
                (parents ? s.GbdtParents : s.GbdtRow).AddRange(predicted);
            }
            catch (InvalidOperationException e)
            {
                // ML.NET refuses some degenerate training sets; that column's reference is then shown as "—", said here.
                log.WriteLine($"  {db.Name}.{table.Name.Name}.{col.Name}: GBDT {(parents ? "row+parents" : "row")} reference not fitted: {e.Message}");
            }
        }
        return s;
    }

    /// <summary>Score lines of one column (or a pool): R² for number/datetime; accuracy then AUROC for boolean.</summary>
    private static IEnumerable<ColumnScore> ScoreLines(string table, string column, SemanticType type, Scored s, ColumnEvaluationOptions o)
    {
        var n = s.Truth.Count;
        var truth = s.Truth.ToArray();
        Estimate? Est(List<double> predicted, Func<double[], double[], double> metric)
        {
            if (predicted.Count != n) return null;
            var p = predicted.ToArray();
            var ci = Bootstrap.Interval(n, idx => metric(idx.Select(i => truth[i]).ToArray(), idx.Select(i => p[i]).ToArray()), o.Resamples, (int)(o.Seed & 0x7FFFFFFF));
            return Estimate.Of(metric(truth, p), ci);
        }
        if (type == SemanticType.Boolean)
        {
            static double Accuracy(double[] y, double[] p) => y.Length == 0 ? double.NaN : y.Zip(p, (a, b) => a == (b >= 0.5 ? 1 : 0)).Count(x => x) / (double)y.Length;
            static double Auroc(double[] y, double[] p) => Training.Metrics.Auroc(y.Select(v => v > 0.5).ToArray(), p);
            yield return new ColumnScore(table, column, "boolean", n, "acc", Est(s.Model, Accuracy), Est(s.Baseline, Accuracy), Est(s.GbdtRow, Accuracy), Est(s.GbdtParents, Accuracy));
            yield return new ColumnScore(table, column, "boolean", n, "AUROC", Est(s.Model, Auroc), Est(s.Baseline, Auroc), Est(s.GbdtRow, Auroc), Est(s.GbdtParents, Auroc));
        }
        else
        {
            static double R2(double[] y, double[] p) => Training.Metrics.RSquared(y, p);
            yield return new ColumnScore(table, column, TypeName(type), n, "R²", Est(s.Model, R2), Est(s.Baseline, R2), Est(s.GbdtRow, R2), Est(s.GbdtParents, R2));
        }
    }

    private static string TypeName(SemanticType t) => t switch
    {
        SemanticType.Number => "number",
        SemanticType.Boolean => "boolean",
        SemanticType.DateTime => "datetime",
        _ => "text",
    };

    /// <summary>Feature rows for the supervised reference: the row's other cells (z values; text as the rank of its
    /// value's frequency in its column; NaN when null), then, optionally, the cells of its ancestors up to
    /// <c>hops</c> foreign-key hops, one block of columns per path (parent table and which of that table's parents).</summary>
    internal sealed class FeatureBuilder
    {
        private readonly RelationalSnapshot _db;
        private readonly int _hops;
        private readonly Dictionary<int, Dictionary<int, int>> _textRank = [];
        private readonly Dictionary<int, List<string>> _paths = [];

        public FeatureBuilder(RelationalSnapshot db, int hops)
        {
            _db = db;
            _hops = hops;
        }

        public float[] Row(int node, int excludedColumn, bool withParents)
        {
            var table = _db.Tables[_db.NodeTable[node]];
            var values = new List<float>();
            AppendCells(node, table, excludedColumn, values);
            if (!withParents) return [.. values];
            var ancestors = new Dictionary<string, int>();
            Ancestors(node, "", 0, ancestors);
            foreach (var path in Paths(table.Id))
            {
                var (parentTable, _) = Parse(path);
                if (ancestors.TryGetValue(path, out var a)) AppendCells(a, _db.Tables[parentTable], -1, values);
                else values.AddRange(Enumerable.Repeat(float.NaN, _db.Tables[parentTable].Columns.Count));
            }
            return [.. values];
        }

        /// <summary>The ancestor paths of a table, from its first rows (capped), in a fixed order.</summary>
        private List<string> Paths(int tableId)
        {
            if (_paths.TryGetValue(tableId, out var known)) return known;
            var table = _db.Tables[tableId];
            var set = new SortedSet<string>(StringComparer.Ordinal);
            var probe = new Dictionary<string, int>();
            for (var node = table.FirstNode; node < table.FirstNode + Math.Min(table.RowCount, 2000); node++)
            {
                probe.Clear();
                Ancestors(node, "", 0, probe);
                set.UnionWith(probe.Keys);
            }
            return _paths[tableId] = set.Take(24).ToList();
        }

        private void Ancestors(int node, string prefix, int depth, Dictionary<string, int> into)
        {
            if (depth >= _hops) return;
            var seen = new Dictionary<int, int>();
            foreach (var p in _db.ParentsOf(node))
            {
                var t = _db.NodeTable[p];
                seen[t] = seen.GetValueOrDefault(t) + 1;
                var path = $"{prefix}/{t}:{seen[t]}";
                into.TryAdd(path, p);
                Ancestors(p, path, depth + 1, into);
            }
        }

        private static (int Table, int Occurrence) Parse(string path)
        {
            var last = path[(path.LastIndexOf('/') + 1)..].Split(':');
            return (int.Parse(last[0], CultureInfo.InvariantCulture), int.Parse(last[1], CultureInfo.InvariantCulture));
        }

        private void AppendCells(int node, SnapshotTable table, int excludedColumn, List<float> values)
        {
            var start = values.Count;
            foreach (var c in table.Columns)
                if (c.Id != excludedColumn) values.Add(float.NaN);
            for (var cell = _db.CellStart[node]; cell < _db.CellStart[node + 1]; cell++)
            {
                var col = _db.CellColumn[cell];
                if (col == excludedColumn) continue;
                var slot = 0;
                foreach (var c in table.Columns)
                {
                    if (c.Id == excludedColumn) continue;
                    if (c.Id == col) break;
                    slot++;
                }
                var column = _db.Columns[col];
                values[start + slot] = column.Type == SemanticType.Text ? TextRank(table, col, _db.CellText[cell]) : _db.CellValue[cell];
            }
        }

        private float TextRank(SnapshotTable table, int column, int text)
        {
            if (!_textRank.TryGetValue(column, out var ranks))
            {
                var counts = new Dictionary<int, int>();
                for (var node = table.FirstNode; node < table.FirstNode + table.RowCount; node++)
                    for (var c = _db.CellStart[node]; c < _db.CellStart[node + 1]; c++)
                        if (_db.CellColumn[c] == column) counts[_db.CellText[c]] = counts.GetValueOrDefault(_db.CellText[c]) + 1;
                ranks = counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).Select((kv, i) => (kv.Key, i)).ToDictionary(x => x.Key, x => x.i);
                _textRank[column] = ranks;
            }
            return Math.Min(ranks.GetValueOrDefault(text, 255), 255);
        }
    }
}
