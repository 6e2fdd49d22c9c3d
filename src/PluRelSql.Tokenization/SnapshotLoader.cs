using System.Data.Common;
using System.Text;
using PluRelSql.Schema;
using PluRelSql.Storage;

namespace PluRelSql.Tokenization;

/// <summary>Streams the rows of one schema into a <see cref="RelationalSnapshot"/>. Statistics come from SQL
/// aggregates; rows come from one ordered SELECT per table; foreign keys are resolved through an in-memory key
/// index once every table is read (parents may come after children in catalog order). The SQL comes from an
/// <see cref="ISnapshotSql"/>, the rows through plain ADO.NET: PostgreSQL and SQL Server are read by the same code.</summary>
internal static class SnapshotLoader
{
    private sealed class TablePlan
    {
        public required TableDef Def { get; init; }
        public required SnapshotTable Info { get; init; }
        public required List<(ColumnDef Column, SnapshotColumn Feature)> Features { get; init; }
        public required List<ForeignKey> ForeignKeys { get; init; }
        /// <summary>Column sets of this table that foreign keys point at: key text → node.</summary>
        public Dictionary<string, Dictionary<string, int>> KeyIndex { get; } = [];
        /// <summary>Per row and FK: the referencing values as key text (null when any is NULL).</summary>
        public List<string?[]> FkValues { get; } = [];
    }

    public static async Task<RelationalSnapshot> LoadAsync(DbConnection conn, ISnapshotSql sql, string schema, SchemaGraph graph, CancellationToken ct)
    {
        var tables = graph.LoadableTables.Where(t => t.Name.Schema == schema).OrderBy(t => t.Name.Name, StringComparer.Ordinal).ToList();
        var plans = new List<TablePlan>();
        var columns = new List<SnapshotColumn>();
        foreach (var t in tables)
        {
            var keyCols = new HashSet<string>(t.PrimaryKey?.Columns ?? []);
            foreach (var fk in t.ForeignKeys) keyCols.UnionWith(fk.Columns);
            var candidates = t.Columns.Where(c => !keyCols.Contains(c.Name) && c.Type is { IsArray: false, Descriptor.IsCalendar: true }).ToList();
            var time = await ChooseTimeColumn(conn, sql, t, candidates, ct).ConfigureAwait(false);
            var features = new List<(ColumnDef, SnapshotColumn)>();
            foreach (var c in t.Columns)
            {
                // The time column is a feature too: it stamps the row and is a datetime cell like any other.
                if (keyCols.Contains(c.Name) || RelationalSnapshot.Classify(c.Type) is not { } type) continue;
                var f = new SnapshotColumn
                {
                    Id = columns.Count, TableId = plans.Count, Name = c.Name, Phrase = $"{Humanize(c.Name)} of {Humanize(t.Name.Name)}", Type = type,
                };
                columns.Add(f);
                features.Add((c, f));
            }
            plans.Add(new TablePlan
            {
                Def = t,
                Info = new SnapshotTable { Id = plans.Count, Name = t.Name, FirstNode = 0, Columns = features.Select(x => x.Item2).ToList(), TimeColumn = time?.Name },
                Features = features,
                ForeignKeys = t.ForeignKeys.Where(fk => tables.Any(p => p.Name == graph.LoadedTableOf(fk.RefTable))).ToList(),
            });
        }
        await ComputeStatistics(conn, sql, plans, ct).ConfigureAwait(false);

        // Rows.
        var nodeTable = new List<int>();
        var nodeTime = new List<long>();
        var nodeKey = new List<ulong>();
        var cellStart = new List<int> { 0 };
        var cellColumn = new List<int>();
        var cellValue = new List<float>();
        var cellText = new List<int>();
        var vocab = new List<string>();
        var vocabIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var snapshotTables = new List<SnapshotTable>();
        foreach (var plan in plans)
        {
            var t = plan.Def;
            var referencedSets = plans.SelectMany(p => p.ForeignKeys.Where(fk => graph.LoadedTableOf(fk.RefTable) == t.Name).Select(fk => fk.RefColumns))
                .Select(cols => string.Join(",", cols)).Distinct().ToList();
            foreach (var set in referencedSets) plan.KeyIndex[set] = new Dictionary<string, int>(StringComparer.Ordinal);
            var select = new List<string>();
            var pkColumns = t.PrimaryKey?.Columns ?? [];
            var keyColumns = referencedSets.SelectMany(s => s.Split(',')).Concat(pkColumns).Distinct().ToList();
            select.AddRange(keyColumns.Select(c => sql.Text(sql.Column(c), t.Column(c).Type)));
            var fkColumns = plan.ForeignKeys.SelectMany(fk => fk.Columns).Distinct().ToList();
            select.AddRange(fkColumns.Select(c => sql.Text(sql.Column(c), t.Column(c).Type)));
            select.Add(plan.Info.TimeColumn is { } tc ? sql.EpochSeconds(sql.Column(tc)) : sql.NullFloat);
            foreach (var (c, f) in plan.Features)
                select.Add(f.Type switch
                {
                    SemanticType.Number => sql.Float(sql.Column(c.Name)),
                    SemanticType.Boolean => sql.BoolFloat(sql.Column(c.Name)),
                    SemanticType.DateTime => sql.EpochSeconds(sql.Column(c.Name)),
                    _ => sql.Text(sql.Column(c.Name), c.Type),
                });
            // Qualified: a bare name in ORDER BY would bind to the text output column of the same name.
            var order = t.PrimaryKey is { } pk ? " ORDER BY " + string.Join(", ", pk.Columns.Select(c => "src." + sql.Column(c))) : "";
            var first = nodeTable.Count;
            await using (var cmd = Command(conn, $"SELECT {string.Join(", ", select)} FROM {sql.Table(t.Name)} AS src{order}"))
            await using (var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
            {
                // Ordinals resolved once per table, not per row.
                var setOrdinals = referencedSets.Select(set => set.Split(',').Select(c => keyColumns.IndexOf(c)).ToArray()).ToArray();
                var setIndexes = referencedSets.Select(set => plan.KeyIndex[set]).ToArray();
                var fkOrdinals = plan.ForeignKeys.Select(fk => fk.Columns.Select(c => keyColumns.Count + fkColumns.IndexOf(c)).ToArray()).ToArray();
                var timeOrdinal = keyColumns.Count + fkColumns.Count;
                var pkOrdinals = pkColumns.Select(c => keyColumns.IndexOf(c)).ToArray();
                while (await r.ReadAsync(ct).ConfigureAwait(false))
                {
                    var node = nodeTable.Count;
                    nodeTable.Add(plan.Info.Id);
                    nodeTime.Add(r.IsDBNull(timeOrdinal) ? RelationalSnapshot.NoTime : (long)Math.Floor(r.GetDouble(timeOrdinal)));
                    for (var k = 0; k < setOrdinals.Length; k++)
                        if (KeyText(r, setOrdinals[k]) is { } key) setIndexes[k].TryAdd(key, node);
                    var fkValues = new string?[fkOrdinals.Length];
                    for (var k = 0; k < fkOrdinals.Length; k++) fkValues[k] = KeyText(r, fkOrdinals[k]);
                    plan.FkValues.Add(fkValues);
                    nodeKey.Add(pkOrdinals.Length > 0 && KeyText(r, pkOrdinals) is { } pkText
                        ? HeldOutRows.KeyOf(pkText)
                        : ContentKey(r, fkValues, timeOrdinal + 1, plan.Features.Count));
                    for (var i = 0; i < plan.Features.Count; i++)
                    {
                        var ord = timeOrdinal + 1 + i;
                        if (r.IsDBNull(ord)) continue;
                        var f = plan.Features[i].Feature;
                        if (f.Type == SemanticType.Text)
                        {
                            var s = r.GetString(ord);
                            if (!vocabIndex.TryGetValue(s, out var idx)) { idx = vocab.Count; vocab.Add(s); vocabIndex[s] = idx; }
                            cellColumn.Add(f.Id); cellValue.Add(0); cellText.Add(idx);
                        }
                        else
                        {
                            var v = r.GetDouble(ord);
                            if (double.IsNaN(v) || double.IsInfinity(v)) continue;
                            cellColumn.Add(f.Id);
                            cellValue.Add((float)Math.Clamp((v - f.Mean) / f.Std, -1e4, 1e4));
                            cellText.Add(-1);
                        }
                    }
                    cellStart.Add(cellColumn.Count);
                }
            }
            snapshotTables.Add(new SnapshotTable
            {
                Id = plan.Info.Id, Name = t.Name, FirstNode = first, RowCount = nodeTable.Count - first, Columns = plan.Info.Columns, TimeColumn = plan.Info.TimeColumn,
            });
        }

        // Foreign keys → parent node ids (≤ 5 per row), then the reverse lists sorted by child time.
        var n = nodeTable.Count;
        var parentLists = new List<int>[n];
        for (var p = 0; p < plans.Count; p++)
        {
            var plan = plans[p];
            var parentIndexes = plan.ForeignKeys.Select(fk =>
                plans.First(x => x.Def.Name == graph.LoadedTableOf(fk.RefTable)).KeyIndex[string.Join(",", fk.RefColumns)]).ToArray();
            for (var row = 0; row < plan.FkValues.Count; row++)
            {
                var node = snapshotTables[p].FirstNode + row;
                for (var k = 0; k < plan.ForeignKeys.Count; k++)
                {
                    var key = plan.FkValues[row][k];
                    if (key is null || !parentIndexes[k].TryGetValue(key, out var parent)) continue;
                    var list = parentLists[node] ??= [];
                    if (list.Count < RelationalSnapshot.MaxParents) list.Add(parent);
                }
            }
        }
        var parentStart = new int[n + 1];
        var parents = new List<int>();
        var childCount = new int[n];
        for (var i = 0; i < n; i++)
        {
            parentStart[i] = parents.Count;
            if (parentLists[i] is { } l) { parents.AddRange(l); foreach (var pnode in l) childCount[pnode]++; }
        }
        parentStart[n] = parents.Count;
        var childStart = new int[n + 1];
        for (var i = 0; i < n; i++) childStart[i + 1] = childStart[i] + childCount[i];
        var children = new int[childStart[n]];
        var fill = (int[])childStart.Clone();
        for (var i = 0; i < n; i++)
            for (var j = parentStart[i]; j < parentStart[i + 1]; j++)
                children[fill[parents[j]]++] = i;
        var times = nodeTime.ToArray();
        for (var i = 0; i < n; i++)
            Array.Sort(children, childStart[i], childStart[i + 1] - childStart[i],
                Comparer<int>.Create((a, b) => times[a] != times[b] ? times[a].CompareTo(times[b]) : a.CompareTo(b)));

        return new RelationalSnapshot
        {
            Name = schema,
            Tables = snapshotTables,
            Columns = columns,
            NodeCount = n,
            NodeTable = [.. nodeTable],
            NodeTime = times,
            CellStart = [.. cellStart],
            CellColumn = [.. cellColumn],
            CellValue = [.. cellValue],
            CellText = [.. cellText],
            ParentStart = parentStart,
            Parents = [.. parents],
            ChildStart = childStart,
            Children = children,
            TextVocabulary = vocab,
            NodeKey = [.. nodeKey],
        };
    }

    /// <summary>Row identity of a table without a primary key: its foreign-key texts and feature values, hashed.</summary>
    private static ulong ContentKey(DbDataReader r, string?[] fkValues, int firstFeature, int features)
    {
        var sb = new StringBuilder();
        foreach (var v in fkValues) sb.Append(v ?? "\u0000").Append('\u001e');
        for (var i = 0; i < features; i++)
        {
            var o = firstFeature + i;
            sb.Append(r.IsDBNull(o) ? "\u0000" : RelationalSnapshot.Invariant(r.GetValue(o))).Append('\u001e');
        }
        return HeldOutRows.KeyOf(sb.ToString());
    }

    private static string? KeyText(DbDataReader r, int[] ordinals)
    {
        var sb = new StringBuilder();
        foreach (var o in ordinals)
        {
            if (r.IsDBNull(o)) return null;
            if (sb.Length > 0) sb.Append('\u001f');
            sb.Append(r.GetString(o));
        }
        return sb.ToString();
    }

    /// <summary>Column statistics by the server: count/avg/stddev_samp per number and boolean column (std 1 when 0 or
    /// undefined), and one pooled mean/population std over every datetime cell of the schema (docs/model.md §1.3).</summary>
    private static DbCommand Command(DbConnection conn, string text)
    {
        var cmd = conn.CreateCommand();
        cmd.CommandText = text;
        // Full scans of large tables: no client-side timeout.
        cmd.CommandTimeout = 0;
        return cmd;
    }

    private static async Task ComputeStatistics(DbConnection conn, ISnapshotSql sql, List<TablePlan> plans, CancellationToken ct)
    {
        var datetimeParts = new List<string>();
        foreach (var plan in plans)
        {
            var exprs = new List<string>();
            foreach (var (c, f) in plan.Features)
            {
                var q = sql.Column(c.Name);
                switch (f.Type)
                {
                    case SemanticType.Number:
                        exprs.Add(sql.CountMeanStd(q, sql.Float(q)));
                        break;
                    case SemanticType.Boolean:
                        exprs.Add(sql.CountMeanStd(q, sql.BoolFloat(q)));
                        break;
                    case SemanticType.DateTime:
                        exprs.Add(sql.CountMeanStd(q, sql.NullFloat));
                        datetimeParts.Add($"SELECT {sql.EpochSeconds(q)} AS e FROM {sql.Table(plan.Def.Name)}");
                        break;
                    default:
                        exprs.Add(sql.CountMeanStd(q, sql.NullFloat));
                        break;
                }
            }
            if (exprs.Count == 0) continue;
            await using var cmd = Command(conn, $"SELECT {string.Join(", ", exprs)} FROM {sql.Table(plan.Def.Name)}");
            await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await r.ReadAsync(ct).ConfigureAwait(false);
            for (var i = 0; i < plan.Features.Count; i++)
            {
                var f = plan.Features[i].Feature;
                f.Count = r.GetInt64(3 * i);
                if (!r.IsDBNull(3 * i + 1)) f.Mean = r.GetDouble(3 * i + 1);
                f.Std = r.IsDBNull(3 * i + 2) || r.GetDouble(3 * i + 2) is var s && (s == 0 || !double.IsFinite(s)) ? 1 : r.GetDouble(3 * i + 2);
            }
        }
        if (datetimeParts.Count == 0) return;
        await using (var cmd = Command(conn,
            $"SELECT {sql.MeanStdPop} FROM ({string.Join(" UNION ALL ", datetimeParts)}) s WHERE e IS NOT NULL"))
        await using (var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            await r.ReadAsync(ct).ConfigureAwait(false);
            var mean = r.IsDBNull(0) ? 0 : r.GetDouble(0);
            var std = r.IsDBNull(1) || r.GetDouble(1) == 0 ? 1 : r.GetDouble(1);
            foreach (var f in plans.SelectMany(p => p.Features).Select(x => x.Feature).Where(f => f.Type == SemanticType.DateTime))
            {
                f.Mean = mean;
                f.Std = std;
            }
        }
    }

    /// <summary>Name words of event-like stamps (when the row happened) and of stamps that are not the row's event:
    /// bookkeeping (when it was last touched) and attributes (a birth date).</summary>
    private static readonly string[] EventWords = ["created", "create", "creation", "order", "ordered", "date", "time", "timestamp", "event", "occurred", "placed", "invoice", "purchase", "ts", "paid", "payment", "rental", "start", "started", "sent", "posted", "at", "on", "hire", "shipped", "transaction"];
    private static readonly string[] BookkeepingWords = ["update", "updated", "last", "modified", "modify", "changed", "deleted", "expires", "expiry", "end", "ended", "until", "valid", "birth", "born", "dob"];

    /// <summary>The column that stamps each row in time (docs/model.md §2): among the table's non-key date/time
    /// columns, only one whose values vary (a column holding one timestamp for the whole table, like a bulk-loaded
    /// last_update, orders nothing), preferring event-like names (created, ordered, date …) over bookkeeping ones
    /// (last_update, modified …), then a DEFAULT (stamped at insert), then column order.</summary>
    private static async Task<ColumnDef?> ChooseTimeColumn(DbConnection conn, ISnapshotSql sql, TableDef t, List<ColumnDef> candidates, CancellationToken ct)
    {
        if (candidates.Count == 0) return null;
        var exprs = candidates.Select(c => sql.EpochSeconds(sql.Column(c.Name))).SelectMany(e => new[] { $"MIN({e})", $"MAX({e})" });
        var varying = new List<ColumnDef>();
        await using (var cmd = Command(conn, $"SELECT {string.Join(", ", exprs)} FROM {sql.Table(t.Name)}"))
        await using (var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            await r.ReadAsync(ct).ConfigureAwait(false);
            for (var i = 0; i < candidates.Count; i++)
                if (!r.IsDBNull(2 * i) && !r.IsDBNull(2 * i + 1) && r.GetDouble(2 * i) != r.GetDouble(2 * i + 1)) varying.Add(candidates[i]);
        }
        return varying.Select((c, i) => (c, i)).OrderByDescending(x => TimeNameScore(x.c, t.Name.Name)).ThenBy(x => x.i).Select(x => x.c).FirstOrDefault();
    }

    /// <summary>2 for an event-like name, 0 for a bookkeeping one, 1 otherwise; +1 when the name repeats a word of the
    /// table's (rental_date of rental, not its return_date); +0.5 with a DEFAULT.</summary>
    internal static double TimeNameScore(ColumnDef c, string table)
    {
        var words = TextEmbedder.Words(c.Name).Select(w => w.ToLowerInvariant()).ToList();
        var tableWords = TextEmbedder.Words(table).Select(w => w.ToLowerInvariant()).ToHashSet();
        if (words.Any(w => BookkeepingWords.Contains(w))) return 0;
        var score = words.Any(w => EventWords.Contains(w)) ? 2 : 1;
        return score + (words.Any(tableWords.Contains) ? 1 : 0) + (c.Default is not null ? 0.5 : 0);
    }

    /// <summary>"unit_price" → "unit price", "TrackId" → "track id": the words the text embedding sees.</summary>
    internal static string Humanize(string name) => string.Join(' ', TextEmbedder.Words(name));
}
