using System.Globalization;
using PluRelSql.Core;
using PluRelSql.Generation.Constraints;
using PluRelSql.Schema;

namespace PluRelSql.Generation.Like;

/// <summary>What <c>populate --like</c> generates from: the source's statistics, and whether MCVs and histogram bounds
/// that look like personal data are kept (<see cref="KeepPersonalText"/>) or replaced by generated values of the same
/// frequencies.</summary>
public sealed record LikeOptions(DatabaseStatistics Statistics, bool KeepPersonalText = false);

/// <summary>Where a twin column's values come from.</summary>
public enum LikeColumnSource
{
    /// <summary>The source's null fraction, MCVs, histogram, distinct count and correlation.</summary>
    Statistics,
    /// <summary>As <see cref="Statistics"/>, with generated values of the column's kind in place of the source's
    /// (personal data).</summary>
    StatisticsGeneratedValues,
    /// <summary>A foreign key whose parent per row follows the FK column's statistics.</summary>
    ForeignKeyStatistics,
    /// <summary>The default generator (keys, CHECKs, no statistics, unsupported types …: see the detail).</summary>
    Default,
}

public sealed record LikeColumnReport(QualifiedName Table, string Column, LikeColumnSource Source, string Detail);

/// <summary><c>populate --like</c>: a twin of a database from its planner statistics alone. Rows come from
/// <see cref="IndependentValueGenerator"/> (so keys, foreign keys, CHECKs and NOT NULLs hold as always); every column that
/// no key, foreign key, CHECK or partitioning constrains and that has statistics is then drawn from them
/// (<see cref="LikeColumnModel"/>), and single-column foreign keys outside keys pick their parents through the FK column's
/// statistics (an integer FK value v is parent row v - 1 where the parent's key counts from 1, as the source's usually
/// does: the heavy parents of its MCVs are the same rows). Values stay pure functions of (seed, table, row, column).</summary>
public sealed class LikeGenerator : IRowGenerator
{
    private readonly IndependentValueGenerator _inner;
    private readonly Dictionary<QualifiedName, List<Column>> _columns = [];
    private readonly List<LikeColumnReport> _report = [];

    private sealed record Column(int Position, LikeColumnModel Model, LikeValues? Values, ForeignKey? Fk, TableDef? Parent, string? RefColumn);

    public LikeGenerator(GenerationPlan plan, LikeOptions options)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(options);
        var linker = new StatisticsLinker(plan.Options.Seed);
        var graph = plan.Graph;
        var pending = new List<(TableDef Table, int Position, ColumnDef Col, ColumnStatistics Stats, ForeignKey? Fk, bool Personal)>();
        foreach (var t in plan.Order.Tables)
        {
            var a = new TableAnalysis(graph, plan.Order, t, plan.Options.TimeRange) { Locale = plan.Options.Locale };
            var stats = options.Statistics.Table(t.Name);
            var blocked = Constrained(graph, t, a);
            foreach (var c in a.Loaded)
            {
                void Default(string why) => _report.Add(new LikeColumnReport(t.Name, c.Name, LikeColumnSource.Default, why));
                var s = stats?.Column(c.Name);
                if (s is null) { Default("no statistics"); continue; }
                if (a.FkOf.TryGetValue(c.Name, out var fk))
                {
                    if (fk.Columns.Count != 1 || a.IsKeyColumn(c.Name) || fk.IsSelfReference(t) || a.Deferred.GetValueOrDefault(fk) || t.Partitioning is not null)
                        Default("foreign key in a key, multi-column, self-referencing or partitioned");
                    else pending.Add((t, a.Positions[c.Name], c, s, fk, false));
                    continue;
                }
                if (blocked.TryGetValue(c.Name, out var reason)) { Default(reason); continue; }
                if (c.Identity != IdentityKind.None) { Default("identity"); continue; }
                if (c.Type.Domain is not null || c.Type.IsArray) { Default("domain or array type"); continue; }
                var personal = !options.KeepPersonalText && c.Type.Kind is TypeKind.Text or TypeKind.Varchar or TypeKind.Char &&
                               Personal.Contains(ColumnSemantics.Classify(t, c, graph).Kind);
                pending.Add((t, a.Positions[c.Name], c, s, null, personal));
            }
        }
        // The linker must know its FKs before the inner generator (which draws rows at construction) exists.
        var fkModels = new Dictionary<ForeignKey, (LikeColumnModel Model, LikeValues? Values, Func<LikeColumnModel.Cell, string?> Text)>(ReferenceEqualityComparer.Instance);
        foreach (var p in pending.Where(p => p.Fk is not null))
        {
            var values = LikeValues.For(p.Col, p.Stats, null, null, out _);
            var text = TextOf(p.Stats, values);
            var model = new LikeColumnModel(plan.Rows(p.Table), p.Stats, p.Col.Nullable, values?.McvOrder ?? [.. (p.Stats.MostCommonValues ?? []).Select(_ => 0.5)],
                p.Stats.HistogramBounds is { Count: > 0 }, Stream(plan, p.Table, p.Col.Name));
            values?.Prepare(model);
            fkModels[p.Fk!] = (model, values, text(model));
        }
        linker.Models = fkModels;
        _inner = new IndependentValueGenerator(plan, linker);
        Plan = plan;

        foreach (var p in pending)
        {
            var list = _columns.TryGetValue(p.Table.Name, out var l) ? l : _columns[p.Table.Name] = [];
            if (p.Fk is { } fk)
            {
                var (parent, _) = TableAnalysis.FkParent(graph, p.Table, fk);
                list.Add(new Column(p.Position, fkModels[fk].Model, null, fk, parent, fk.RefColumns[0]));
                _report.Add(new LikeColumnReport(p.Table.Name, p.Col.Name, LikeColumnSource.ForeignKeyStatistics,
                    p.Col.Type.IsInteger ? "integer values are parent rows by key order" : "values hashed to parent rows"));
                continue;
            }
            Func<long, string?>? personal = null;
            if (p.Personal)
            {
                var table = p.Table;
                var pos = p.Position;
                var rows = plan.Rows(table);
                personal = i => PersonalValue(table, pos, i, rows);
            }
            var enumLabels = p.Col.Type.Kind == TypeKind.Enum && p.Col.Type.UserType is { } u && graph.FindEnum(u) is { } e ? e.Labels : null;
            var values = LikeValues.For(p.Col, p.Stats, enumLabels, personal, out var why);
            if (values is null)
            {
                _report.Add(new LikeColumnReport(p.Table.Name, p.Col.Name, LikeColumnSource.Default, "statistics hold " + why));
                continue;
            }
            if (!values.HasHistogram && p.Stats.MostCommonValues is not { Count: > 0 } && p.Stats.NullFraction < 1)
            {
                _report.Add(new LikeColumnReport(p.Table.Name, p.Col.Name, LikeColumnSource.Default, "statistics hold no values (no MCVs, no histogram)"));
                continue;
            }
            var model = new LikeColumnModel(plan.Rows(p.Table), p.Stats, p.Col.Nullable, values.McvOrder, values.HasHistogram, Stream(plan, p.Table, p.Col.Name));
            values.Prepare(model);
            list.Add(new Column(p.Position, model, values, null, null, null));
            _report.Add(new LikeColumnReport(p.Table.Name, p.Col.Name,
                p.Personal ? LikeColumnSource.StatisticsGeneratedValues : LikeColumnSource.Statistics,
                p.Personal ? $"{ColumnSemantics.Name(ColumnSemantics.Classify(p.Table, p.Col, graph).Kind)}: source values replaced" : ""));
        }
    }

    public GenerationPlan Plan { get; }

    /// <summary>Every loaded column of the plan's tables and where its values come from, in load order.</summary>
    public IReadOnlyList<LikeColumnReport> Columns => _report;

    /// <summary>Semantic kinds whose values are personal data: MCVs and bounds of such text columns are replaced.</summary>
    public static readonly IReadOnlySet<SemanticKind> Personal = new HashSet<SemanticKind>
    {
        SemanticKind.GivenName, SemanticKind.FamilyName, SemanticKind.FullName, SemanticKind.Username, SemanticKind.Email,
        SemanticKind.Password, SemanticKind.Phone, SemanticKind.PhoneExtension, SemanticKind.StreetAddress,
        SemanticKind.PostalCode, SemanticKind.Text, SemanticKind.IpAddress, SemanticKind.MacAddress,
    };

    /// <summary>Rows per table: the source's estimate × <paramref name="scale"/>, rounded. Tables with no estimate (never
    /// analyzed) are listed in <paramref name="unknown"/>.</summary>
    public static Dictionary<string, long> RowCounts(SchemaGraph graph, DatabaseStatistics stats, double scale, out List<QualifiedName> unknown)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(stats);
        unknown = [];
        var rows = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        foreach (var t in graph.LoadableTables)
        {
            if (stats.Table(t.Name)?.RowEstimate is not { } n) { unknown.Add(t.Name); continue; }
            rows[t.Name.ToString()] = (long)Math.Round(n * scale);
        }
        return rows;
    }

    public RowBatch Generate(TableDef table, long firstRow, int count)
    {
        var batch = _inner.Generate(table, firstRow, count);
        if (!_columns.TryGetValue(table.Name, out var cols)) return batch;
        foreach (var c in cols)
        {
            var vector = batch.Columns[c.Position];
            for (var i = 0; i < count; i++)
            {
                var cell = c.Model.CellOf(firstRow + i);
                if (cell.Kind == LikeColumnModel.CellKind.Null)
                {
                    if (vector.Column.Nullable) vector.SetNull(i);
                    continue;
                }
                if (c.Fk is null)
                {
                    if (vector.Nulls is { } n) n[i] = false;
                    c.Values!.Write(vector, i, cell, c.Model);
                }
                else if (vector.IsNull(i) && ParentKey(c, firstRow + i) is { } key && SetBoxed(vector, i, key))
                    vector.Nulls![i] = false; // the inner generator's NULL share of the FK gives way to the statistics'
            }
        }
        return batch;
    }

    /// <summary>The referenced value of the parent row the linker gives this child row.</summary>
    private object? ParentKey(Column c, long row)
    {
        var parentRows = Plan.Rows(c.Parent!);
        if (parentRows == 0) return null;
        var p = ((StatisticsLinker)_inner.Linker).ParentRow(c.Fk!, row, parentRows);
        return _inner.Generate(c.Parent!, p, 1)[c.RefColumn!].GetValue(0);
    }

    private static bool SetBoxed(ColumnVector vector, int i, object value)
    {
        switch (vector)
        {
            case ColumnVector<int> v: v.Values[i] = Convert.ToInt32(value, CultureInfo.InvariantCulture); return true;
            case ColumnVector<long> v: v.Values[i] = Convert.ToInt64(value, CultureInfo.InvariantCulture); return true;
            case ColumnVector<short> v: v.Values[i] = Convert.ToInt16(value, CultureInfo.InvariantCulture); return true;
            case ColumnVector<string> v when value is string s: v.Values[i] = s; return true;
            default: return false;
        }
    }

    /// <summary>A generated value of a personal-data column: the inner generator's value at row <paramref name="index"/>
    /// (within the table; the next rows when that one is NULL).</summary>
    private string? PersonalValue(TableDef table, int position, long index, long rows)
    {
        if (rows == 0) return null;
        for (var k = 0; k < 8; k++)
        {
            var row = (index + k) % rows;
            if (_inner.Generate(table, row, 1).Columns[position].GetValue(0) is string s)
                return index >= rows ? s + " " + (index / rows).ToString(CultureInfo.InvariantCulture) : s;
        }
        return null;
    }

    private static CounterRng Stream(GenerationPlan plan, TableDef t, string column) =>
        CounterRng.Stream(plan.Options.Seed, CounterRng.Label(t.Name.ToString()), CounterRng.Label("like:" + column));

    /// <summary>The text of an FK column's value at a cell: its MCV, or its histogram slot's value.</summary>
    private static Func<LikeColumnModel, Func<LikeColumnModel.Cell, string?>> TextOf(ColumnStatistics s, LikeValues? values) => model => cell =>
        cell.Kind switch
        {
            LikeColumnModel.CellKind.Mcv => s.MostCommonValues![(int)cell.Index],
            LikeColumnModel.CellKind.Slot when values is { HasHistogram: true } => values.Text(cell, model),
            _ => null,
        };

    /// <summary>Columns that a key, a CHECK, the partitioning or an FK pointing at them constrain, with the reason.</summary>
    private static Dictionary<string, string> Constrained(SchemaGraph graph, TableDef t, TableAnalysis a)
    {
        var set = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var k in a.Keys) foreach (var c in k.Columns) set.TryAdd(c, "key column");
        foreach (var ix in graph.Indexes.Where(i => i.Unique && i.Table == t.Name))
            foreach (var c in ix.KeyColumns() ?? t.Columns.Select(c => c.Name).Where(n => ix.Sql.Contains(n, StringComparison.Ordinal)))
                set.TryAdd(c, "unique index");
        foreach (var c in t.Columns.Where(c => graph.Tables.Any(o => graph.ForeignKeysOf(o).Any(f => f.RefTable == t.Name && f.RefColumns.Contains(c.Name)))))
            set.TryAdd(c.Name, "referenced by a foreign key");
        if (t.Partitioning is { } p) foreach (var c in p.Columns) set.TryAdd(c, "partition key");
        foreach (var ck in t.Checks) foreach (var c in CheckColumns.Of(ck, t, graph.Dialect)) set.TryAdd(c, "CHECK");
        // Orders the names imply (ordered ≤ shipped) are not constraints: the statistics win there.
        foreach (var c in a.Bounds.Where(b => !a.ImplicitChecks.Contains(b.Check))) set.TryAdd(c.Column, "CHECK");
        foreach (var (c, r) in a.Rules) if (r.HasBounds || r.In is not null || r.Patterns is not null || r.NotIn.Count > 0) set.TryAdd(c, "CHECK");
        return set;
    }

    /// <summary>Parents through the FK column's statistics: an integer value v is parent row v - 1 when in range (keys
    /// counting from 1); other values (text keys) are spread over the parents in order, each distinct value its own
    /// parent while there are enough; a NULL cell any parent (the column is NULL there).</summary>
    internal sealed class StatisticsLinker(ulong seed) : IForeignKeyLinker
    {
        private readonly UniformLinker _uniform = new(seed);

        public Dictionary<ForeignKey, (LikeColumnModel Model, LikeValues? Values, Func<LikeColumnModel.Cell, string?> Text)> Models { get; set; } = new(ReferenceEqualityComparer.Instance);

        public long ParentRow(TableDef child, ForeignKey fk, long childRow, long parentRows) =>
            Models.ContainsKey(fk) ? ParentRow(fk, childRow, parentRows) : _uniform.ParentRow(child, fk, childRow, parentRows);

        public long ParentRow(ForeignKey fk, long childRow, long parentRows)
        {
            var (model, values, text) = Models[fk];
            var cell = model.CellOf(childRow);
            var v = text(cell);
            if (v is not null && long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= parentRows) return n - 1;
            // Other values (text keys, integers beyond the twin's parents): histogram slots spread evenly over the
            // parents in order, so distinct values stay distinct parents; MCVs hashed.
            if (cell.Kind == LikeColumnModel.CellKind.Slot && values is { HistogramValues: > 0 } vs)
                return Math.Min(parentRows - 1, (long)((vs.ValueIndex(cell) + 0.5) * parentRows / vs.HistogramValues));
            if (cell.Kind == LikeColumnModel.CellKind.Slot && model.HistogramRows > 0)
                return Math.Min(parentRows - 1, (long)((double)cell.Index * model.Slots / model.HistogramRows * parentRows / model.Slots));
            if (cell.Kind == LikeColumnModel.CellKind.Mcv)
            {
                // After the histogram's values, so MCVs and histogram values stay apart as far as the parents allow.
                var all = (values?.HistogramValues ?? 0) + model.McvCounts.Length;
                return Math.Min(parentRows - 1, (long)(((values?.HistogramValues ?? 0) + cell.Index + 0.5) * parentRows / all));
            }
            if (v is null) return CounterRng.ToBelow(CounterRng.Mix((ulong)childRow ^ seed), parentRows);
            return CounterRng.ToBelow(CounterRng.Mix(CounterRng.Label(v) ^ seed), parentRows);
        }
    }
}
