using PluRelSql.Tokenization;
using PluRelSql.Training;

namespace PluRelSql.Workflows.Tests;

/// <summary><c>plurel eval</c>'s per-column report on a hand-built database with planted relations: the GBDT
/// reference finds a same-row relation with row features and a parent relation only with parent features; the
/// column-mean baseline is near 0; the evaluated cells are held out and never training targets.</summary>
public sealed class ColumnEvaluationTests
{
    /// <summary>200 customers (age) and 2000 hourly orders, each of customer 7i mod 200, with quantity (noise),
    /// price = 2·quantity + noise (a same-row relation) and spend = the customer's age + noise (a parent relation).</summary>
    private static RelationalSnapshot Shop()
    {
        const int customers = 200, orders = 2000;
        var rng = new Random(5);
        double Noise() => 0.1 * (rng.NextDouble() - 0.5);
        var columns = new List<SnapshotColumn>
        {
            new() { Id = 0, TableId = 0, Name = "age", Phrase = "age of customer", Type = SemanticType.Number },
            new() { Id = 1, TableId = 1, Name = "quantity", Phrase = "quantity of order", Type = SemanticType.Number },
            new() { Id = 2, TableId = 1, Name = "price", Phrase = "price of order", Type = SemanticType.Number },
            new() { Id = 3, TableId = 1, Name = "spend", Phrase = "spend of order", Type = SemanticType.Number },
        };
        var n = customers + orders;
        var cellStart = new List<int> { 0 };
        var cellColumn = new List<int>();
        var cellValue = new List<float>();
        var age = new double[customers];
        for (var c = 0; c < customers; c++)
        {
            age[c] = 2 * rng.NextDouble() - 1;
            cellColumn.Add(0); cellValue.Add((float)age[c]);
            cellStart.Add(cellColumn.Count);
        }
        var parent = new int[orders];
        for (var o = 0; o < orders; o++)
        {
            parent[o] = 7 * o % customers;
            var q = 2 * rng.NextDouble() - 1;
            cellColumn.AddRange([1, 2, 3]);
            cellValue.AddRange([(float)q, (float)(2 * q + Noise()), (float)(age[parent[o]] + Noise())]);
            cellStart.Add(cellColumn.Count);
        }
        var children = Enumerable.Range(0, orders).OrderBy(o => parent[o]).ThenBy(o => o).Select(o => customers + o).ToArray();
        var childStart = new int[n + 1];
        for (var c = 0; c < customers; c++) childStart[c + 1] = childStart[c] + orders / customers;
        for (var i = customers; i < n; i++) childStart[i + 1] = childStart[i];
        return new RelationalSnapshot
        {
            Name = "shop",
            Tables =
            [
                new SnapshotTable { Id = 0, Name = new("public", "customer"), FirstNode = 0, RowCount = customers, Columns = columns.Take(1).ToList() },
                new SnapshotTable { Id = 1, Name = new("public", "order"), FirstNode = customers, RowCount = orders, Columns = columns.Skip(1).ToList(), TimeColumn = "ts" },
            ],
            Columns = columns,
            NodeCount = n,
            NodeTable = Enumerable.Range(0, n).Select(i => i < customers ? 0 : 1).ToArray(),
            NodeTime = Enumerable.Range(0, n).Select(i => i < customers ? RelationalSnapshot.NoTime : 3600L * i).ToArray(),
            CellStart = [.. cellStart],
            CellColumn = [.. cellColumn],
            CellValue = [.. cellValue],
            CellText = Enumerable.Repeat(-1, cellColumn.Count).ToArray(),
            ParentStart = Enumerable.Range(0, n + 1).Select(i => Math.Max(0, i - customers)).ToArray(),
            Parents = parent,
            ChildStart = childStart,
            Children = children,
            TextVocabulary = [],
        };
    }

    [Fact]
    public void Reference_finds_planted_relations_and_evaluated_cells_are_held_out()
    {
        var db = Shop();
        var config = new RtConfig { DModel = 32, Layers = 1, Heads = 2, FfnMult = 2, TextDim = 16, MaxTokens = 64, MaxClasses = 4 };
        using var model = new RelationalTransformer(config, seed: 1);
        var options = new ColumnEvaluationOptions { CellsPerColumn = 150, Resamples = 200, HeldOut = new HeldOutRule(0.2, 9) };
        var report = ColumnEvaluation.Run(model, [db], options, TextWriter.Null);

        var d = Assert.Single(report.Databases);
        Assert.Equal("ts", d.TimeColumns["order"]);
        Assert.Null(d.TimeColumns["customer"]);
        ColumnScore Of(string table, string column) => d.Columns.Single(c => c.Table == table && c.Column == column);
        var price = Of("order", "price");
        var spend = Of("order", "spend");
        Assert.Equal(150, price.Cells);
        Assert.True(price.GbdtRow!.Value > 0.9, $"price from its own row: R² {price.GbdtRow}");
        Assert.True(spend.GbdtParents!.Value > 0.9, $"spend from the parent: R² {spend.GbdtParents}");
        Assert.True(spend.GbdtRow!.Value < 0.3, $"spend from its own row only: R² {spend.GbdtRow}");
        foreach (var c in d.Columns)
        {
            Assert.InRange(c.Baseline!.Value!.Value, -0.2, 0.0001); // the training rows' mean: at most 0 on other cells
            Assert.NotNull(c.Model!.Value);
            Assert.True(c.GbdtRow!.Low <= c.GbdtRow.Value && c.GbdtRow.Value <= c.GbdtRow.High, $"{c.Column}: {c.GbdtRow}");
        }
        Assert.Contains(d.Pooled, p => p.Column == "pooled number" && p.Cells == d.Columns.Sum(c => c.Cells));
        Assert.Contains("order.spend", report.ToText());
        Assert.Contains("\"gbdtParents\"", report.ToJson());

        // The evaluated cells are held-out rows' cells, and a training sampler under the same rule never targets them.
        var heldOut = ContextSampler.HeldOutMask(db, options.HeldOut);
        var evalSampler = new ContextSampler(db, new SamplerOptions { HeldOut = options.HeldOut, Targets = TargetFilter.HeldOutOnly });
        var chosen = ColumnEvaluation.ChooseCells(evalSampler, options.CellsPerColumn, options.Seed).Values.SelectMany(l => l).ToList();
        Assert.All(chosen, c => Assert.True(heldOut[c.Node]));
        var train = new ContextSampler(db, new SamplerOptions { HeldOut = options.HeldOut, Targets = TargetFilter.ExcludeHeldOut }).Targets;
        var trainCells = Enumerable.Range(0, (int)train.Count).Select(i => train.Cell(i).Cell).ToHashSet();
        Assert.DoesNotContain(chosen, c => trainCells.Contains(c.Cell));
    }
}
