namespace PluRelSql.Schema.Output;

/// <summary>Compares two graphs of the same database (typically: parsed from a DDL file vs introspected from the
/// server the file was loaded into) and lists the differences for people to read; an empty list means equal.
/// Tables, enums and domains are matched by qualified name. Constraint names are not compared (PostgreSQL invents
/// the names a file omits); UNIQUEs, FKs and CHECKs are compared as sets, CHECKs by meaning where both sides are
/// parsed and by normalized text otherwise.</summary>
public static class SchemaDiff
{
    public static IReadOnlyList<string> Compare(SchemaGraph expected, SchemaGraph actual)
    {
        var diffs = new List<string>();
        CompareEnums(expected, actual, diffs);
        CompareDomains(expected, actual, diffs);
        foreach (var e in expected.Tables)
        {
            if (actual.FindTable(e.Name) is { } a) CompareTable(Effective(expected, e), Effective(actual, a), diffs);
            else diffs.Add($"missing table {e.Name}");
        }
        foreach (var a in actual.Tables)
            if (expected.FindTable(a.Name) is null) diffs.Add($"unexpected table {a.Name}");
        return diffs;
    }

    private static void CompareEnums(SchemaGraph expected, SchemaGraph actual, List<string> diffs)
    {
        foreach (var e in expected.Enums)
        {
            if (actual.FindEnum(e.Name) is not { } a) { diffs.Add($"missing enum {e.Name}"); continue; }
            if (!e.Labels.SequenceEqual(a.Labels))
                diffs.Add($"enum {e.Name}: labels expected ({Labels(e.Labels)}), found ({Labels(a.Labels)})");
        }
        foreach (var a in actual.Enums)
            if (expected.FindEnum(a.Name) is null) diffs.Add($"unexpected enum {a.Name}");
    }

    private static void CompareDomains(SchemaGraph expected, SchemaGraph actual, List<string> diffs)
    {
        foreach (var e in expected.Domains)
        {
            if (actual.FindDomain(e.Name) is not { } a) { diffs.Add($"missing domain {e.Name}"); continue; }
            if (e.BaseType.ToPgSql() != a.BaseType.ToPgSql())
                diffs.Add($"domain {e.Name}: base type expected {e.BaseType.ToPgSql()}, found {a.BaseType.ToPgSql()}");
            if (e.NotNull != a.NotNull)
                diffs.Add($"domain {e.Name}: expected {NullText(!e.NotNull)}, found {NullText(!a.NotNull)}");
            if (e.Checks.Count != a.Checks.Count)
                diffs.Add($"domain {e.Name}: expected {e.Checks.Count} CHECK(s), found {a.Checks.Count}");
        }
        foreach (var a in actual.Domains)
            if (expected.FindDomain(a.Name) is null) diffs.Add($"unexpected domain {a.Name}");
    }

    /// <summary>What a table has in force: for a partition, its parent's columns when it lists none, and the keys,
    /// FKs and CHECKs it inherits from its ancestors. A DDL file declares those once on the parent while the catalog
    /// repeats them on every partition; both views of a partition become the same.</summary>
    private sealed record TableView(TableDef Table, IReadOnlyList<ColumnDef> Columns, KeyConstraint? PrimaryKey,
        List<KeyConstraint> Uniques, List<ForeignKey> ForeignKeys, List<CheckConstraint> Checks);

    private static TableView Effective(SchemaGraph g, TableDef t)
    {
        var view = new TableView(t, t.Columns, t.PrimaryKey, [.. t.Uniques], [.. t.ForeignKeys], [.. t.Checks]);
        var seen = new HashSet<QualifiedName> { t.Name };
        for (var parentName = t.PartitionOf; parentName is { } pn && seen.Add(pn) && g.FindTable(pn) is { } parent;
             parentName = parent.PartitionOf)
        {
            if (view.Columns.Count == 0) view = view with { Columns = parent.Columns };
            view = view with { PrimaryKey = view.PrimaryKey ?? parent.PrimaryKey };
            view.Uniques.AddRange(parent.Uniques);
            view.ForeignKeys.AddRange(parent.ForeignKeys);
            foreach (var c in parent.Checks)
                if (!view.Checks.Any(own => SameCheck(own, c))) view.Checks.Add(c);
        }
        return view;
    }

    private static void CompareTable(TableView e, TableView a, List<string> diffs)
    {
        var t = e.Table.Name;
        var eNames = e.Columns.Select(c => c.Name).ToList();
        var aNames = a.Columns.Select(c => c.Name).ToList();
        if (!eNames.SequenceEqual(aNames))
            diffs.Add($"{t}: columns expected ({string.Join(", ", eNames)}), found ({string.Join(", ", aNames)})");
        foreach (var ec in e.Columns)
        {
            if (a.Columns.FirstOrDefault(c => c.Name == ec.Name) is not { } ac) continue;
            var where = $"{t}.{ec.Name}";
            if (ec.Type.ToPgSql() != ac.Type.ToPgSql())
                diffs.Add($"{where}: type expected {ec.Type.ToPgSql()}, found {ac.Type.ToPgSql()}");
            if (ec.Nullable != ac.Nullable)
                diffs.Add($"{where}: expected {NullText(ec.Nullable)}, found {NullText(ac.Nullable)}");
            if (ec.Identity != ac.Identity)
                diffs.Add($"{where}: identity expected {ec.Identity}, found {ac.Identity}");
            if ((ec.GeneratedExpression is null) != (ac.GeneratedExpression is null))
                diffs.Add($"{where}: expected {Generated(ec)}, found {Generated(ac)}");
        }

        var ePk = e.PrimaryKey?.Columns ?? [];
        var aPk = a.PrimaryKey?.Columns ?? [];
        if (!ePk.SequenceEqual(aPk))
            diffs.Add($"{t}: primary key expected {KeyText(ePk)}, found {KeyText(aPk)}");

        CompareSets(t, e.Uniques, a.Uniques, UniqueKey, u => $"UNIQUE ({string.Join(", ", u.Columns)})", diffs);
        CompareSets(t, e.ForeignKeys, a.ForeignKeys, ForeignKeyKey, ForeignKeyText, diffs);
        CompareChecks(t, e.Checks, a.Checks, diffs);
        ComparePartitioning(t, e.Table.Partitioning, a.Table.Partitioning, diffs);
    }

    private static void CompareSets<T>(QualifiedName table, List<T> expected, List<T> actual,
        Func<T, string> key, Func<T, string> text, List<string> diffs)
    {
        var aKeys = actual.Select(key).ToHashSet(StringComparer.Ordinal);
        var eKeys = expected.Select(key).ToHashSet(StringComparer.Ordinal);
        foreach (var x in expected.DistinctBy(key))
            if (!aKeys.Contains(key(x))) diffs.Add($"{table}: missing {text(x)}");
        foreach (var x in actual.DistinctBy(key))
            if (!eKeys.Contains(key(x))) diffs.Add($"{table}: unexpected {text(x)}");
    }

    // A UNIQUE is a set of columns: UNIQUE (a, b) and UNIQUE (b, a) enforce the same thing.
    private static string UniqueKey(KeyConstraint u) => string.Join("\u0001", u.Columns.Order(StringComparer.Ordinal));

    // An FK is a set of (column → referenced column) pairs plus the referenced table.
    private static string ForeignKeyKey(ForeignKey fk)
    {
        var pairs = fk.Columns.Select((c, i) => c + "\u0002" + (i < fk.RefColumns.Count ? fk.RefColumns[i] : ""))
            .Order(StringComparer.Ordinal);
        return fk.RefTable + "\u0001" + string.Join("\u0001", pairs);
    }

    private static string ForeignKeyText(ForeignKey fk) =>
        $"FOREIGN KEY ({string.Join(", ", fk.Columns)}) REFERENCES {fk.RefTable} ({string.Join(", ", fk.RefColumns)})";

    /// <summary>CHECKs as a multiset: each expected CHECK consumes one equivalent actual CHECK — same parsed predicate
    /// (canonical form) when both are parsed, or the same normalized text.</summary>
    private static void CompareChecks(QualifiedName table, List<CheckConstraint> expected, List<CheckConstraint> actual,
        List<string> diffs)
    {
        var remaining = new List<CheckConstraint>(actual);
        foreach (var e in expected)
        {
            var match = remaining.FindIndex(r => SameCheck(e, r));
            if (match >= 0) remaining.RemoveAt(match);
            else diffs.Add($"{table}: missing CHECK ({e.Expression})");
        }
        foreach (var c in remaining) diffs.Add($"{table}: unexpected CHECK ({c.Expression})");
    }

    // Same parsed predicate (canonical form) when both are parsed, or the same normalized text.
    private static bool SameCheck(CheckConstraint x, CheckConstraint y) =>
        (x.Predicate is { } px && y.Predicate is { } py && CheckText.PredicateKey(px) == CheckText.PredicateKey(py))
        || CheckText.Normalize(x.Expression) == CheckText.Normalize(y.Expression);

    private static void ComparePartitioning(QualifiedName table, PartitionSpec? e, PartitionSpec? a, List<string> diffs)
    {
        if (e is null && a is null) return;
        if (e is null || a is null || !string.Equals(e.Strategy, a.Strategy, StringComparison.OrdinalIgnoreCase)
            || !e.Columns.SequenceEqual(a.Columns))
        {
            diffs.Add($"{table}: partitioning expected {PartitionText(e)}, found {PartitionText(a)}");
            if (e is null || a is null) return;
        }
        var eParts = e.Partitions.Select(p => p.Table).ToHashSet();
        var aParts = a.Partitions.Select(p => p.Table).ToHashSet();
        foreach (var p in e.Partitions)
            if (!aParts.Contains(p.Table)) diffs.Add($"{table}: missing partition {p.Table}");
        foreach (var p in a.Partitions)
            if (!eParts.Contains(p.Table)) diffs.Add($"{table}: unexpected partition {p.Table}");
    }

    private static string PartitionText(PartitionSpec? s) =>
        s is null ? "none" : $"{s.Strategy.ToUpperInvariant()} ({string.Join(", ", s.Columns)})";

    private static string KeyText(IReadOnlyList<string> columns) => columns.Count == 0 ? "none" : $"({string.Join(", ", columns)})";

    private static string NullText(bool nullable) => nullable ? "nullable" : "NOT NULL";

    private static string Generated(ColumnDef c) => c.GeneratedExpression is null ? "a plain column" : "a generated column";

    private static string Labels(IReadOnlyList<string> labels) => string.Join(", ", labels.Select(PgDdlWriter.Literal));
}
