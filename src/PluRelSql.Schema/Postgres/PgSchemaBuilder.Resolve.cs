namespace PluRelSql.Schema.Postgres;

// End-of-input resolution: types, keys, foreign keys, indexes, partitions.
internal sealed partial class PgSchemaBuilder
{
    // ───────────────────────────── resolution ─────────────────────────────

    /// <summary>A table by name: an unqualified name is looked for along the search path; a qualifier naming a
    /// schema in which no table was created (DB2's TPCD.REGION) falls back to the one table of that name in any
    /// schema, ignoring case.</summary>
    private TableDraft? LookupTable(QualifiedName name, bool explicitSchema, IReadOnlyList<string> searchPath)
    {
        var t = FindTable(name);
        if (t is not null) return t;
        if (!explicitSchema)
        {
            foreach (var schema in searchPath)
                if (FindTable(new QualifiedName(schema, name.Name)) is { } onPath) return onPath;
            return null;
        }
        if (_graph.Tables.Exists(x => x.Name.Schema == name.Schema)) return null;
        TableDraft? found = null;
        foreach (var x in _graph.Tables)
        {
            if (!string.Equals(x.Name.Name, name.Name, StringComparison.OrdinalIgnoreCase)) continue;
            if (found is not null) return null;
            found = x;
        }
        return found;
    }

    public SchemaReadResult Finish()
    {
        // 1. Domains, then column types (a type may be used before its declaration).
        foreach (var d in _domains)
        {
            ResolveDomain(d, 0);
            foreach (var chk in d.Checks)
                if (chk.Predicate?.Columns().FirstOrDefault(x => x != "VALUE") is { } other)
                    throw Error($"a domain CHECK can only refer to VALUE, not \"{other}\"", chk.Position!.Value);
        }
        foreach (var (col, spec) in _columnTypes)
        {
            var (type, notNull) = ResolveType(spec, 0);
            col.Type = type;
            if (notNull) col.Nullable = false;
        }
        foreach (var (table, colName, pos) in _notNulls) ColumnOf(table, colName, pos).Nullable = false;

        // 2. Keys and checks name existing columns; primary-key columns are NOT NULL.
        foreach (var k in _keys)
        {
            for (int i = 0; i < k.Key.Columns.Count; i++) ColumnOf(k.Table, k.Key.Columns[i], k.ColumnPositions[i]);
            if (ReferenceEquals(k.Table.PrimaryKey, k.Key))
                foreach (var cn in k.Key.Columns) k.Table.Column(cn).Nullable = false;
        }
        foreach (var (table, cn, pos) in _exclusionColumns) ColumnOf(table, cn, pos);
        foreach (var (table, chk) in _checks)
            if (chk.Predicate is { } p)
                foreach (var cn in p.Columns().Distinct())
                    ColumnOf(table, cn, chk.Position!.Value);
        foreach (var (table, cols) in _partitionBy)
            foreach (var (cn, pos) in cols) ColumnOf(table, cn, pos);

        // 3. Indexes (their tables may be referenced with a search path or DB2 qualifier).
        var uniqueIndexes = new List<(TableDraft Table, List<string>? Columns)>();
        foreach (var (index, tableName, explicitSchema, path, pos) in _indexes)
        {
            var table = LookupTable(tableName, explicitSchema, path);
            if (table is null)
            {
                if (_views.Contains(tableName)) { Skip("index", $"skipped index {index.Name} on materialized view {tableName}", pos, "index on a materialized view"); continue; }
                throw Error($"index {index.Name} on missing table {tableName}", pos);
            }
            var cols = _indexKeys[index].Columns;
            if (cols is not null)
                for (int i = 0; i < cols.Count; i++) ColumnOf(table, cols[i], pos);
            if (index.Unique && !_indexKeys[index].Partial) uniqueIndexes.Add((table, cols));
            _graph.Indexes.Add(table.Name == index.Table ? index : new IndexDef { Name = index.Name, Table = table.Name, Sql = index.Sql, Unique = index.Unique, Position = index.Position });
        }

        // 4. Foreign keys: the referenced columns must be a primary key, a UNIQUE constraint or a unique index.
        foreach (var f in _fks)
        {
            for (int i = 0; i < f.Fk.Columns.Count; i++) ColumnOf(f.Table, f.Fk.Columns[i], f.ColumnPositions[i]);
            var target = LookupTable(f.Target, f.ExplicitSchema, f.SearchPath)
                ?? throw Error($"foreign key references missing table {f.Target}", f.TargetPos);
            var fk = f.Fk with { RefTable = target.Name };
            if (fk.RefColumns.Count == 0)
            {
                if (target.PrimaryKey is null)
                    throw Error($"foreign key references table {target.Name} without naming columns, and it has no primary key", f.TargetPos);
                fk = fk with { RefColumns = [.. target.PrimaryKey.Columns] };
            }
            else
                for (int i = 0; i < fk.RefColumns.Count; i++) ColumnOf(target, fk.RefColumns[i], f.RefColumnPositions[i]);
            if (fk.RefColumns.Count != fk.Columns.Count)
                throw Error($"number of referencing and referenced columns for foreign key disagree ({fk.Columns.Count} vs {fk.RefColumns.Count})", fk.Position!.Value);
            if (!IsUniqueKey(target, fk.RefColumns, uniqueIndexes))
                throw Error($"there is no unique constraint matching given keys for referenced table {target.Name}", f.TargetPos);
            // A key dropped by ALTER TABLE is still checked, as PostgreSQL checked it when it was added.
            var at = f.Table.ForeignKeys.IndexOf(f.Fk);
            if (at >= 0) f.Table.ForeignKeys[at] = fk;
        }

        // 5. Partitions.
        foreach (var a in _attaches)
        {
            var parent = LookupTable(a.Parent, a.ParentExplicit, a.SearchPath) ?? throw Error($"partition parent {a.Parent} does not exist", a.ParentPos);
            var child = LookupTable(a.Child, a.ChildExplicit, a.SearchPath) ?? throw Error($"partition {a.Child} does not exist", a.ChildPos);
            if (parent.Partitioning is null) throw Error($"table {parent.Name} is not partitioned", a.ParentPos);
            if (child.PartitionOf is not null) throw Error($"table {child.Name} is already a partition", a.ChildPos);
            for (var p = parent; p is not null; p = Parent(p))
                if (ReferenceEquals(p, child)) throw Error($"table {child.Name} cannot be a partition of itself or of its own partition", a.ChildPos);
            child.PartitionOf = parent.Name;
            parent.Partitioning = parent.Partitioning with
            {
                Partitions = [.. parent.Partitioning.Partitions, new PartitionBound { Table = child.Name, Bound = a.Bound.Text, From = a.Bound.From, To = a.Bound.To, In = a.Bound.In }],
            };
        }

        // Partitions: a NOT NULL column of the parent is NOT NULL in its partitions.
        foreach (var t in _graph.Tables)
            for (var p = Parent(t); p is not null; p = Parent(p))
                foreach (var col in t.Columns)
                    if (p.FindColumn(col.Name) is { Nullable: false }) col.Nullable = false;

        // 6. Sequence owners.
        foreach (var (seq, tableName, explicitSchema, path, colName, pos) in _ownedBy)
        {
            var table = LookupTable(tableName, explicitSchema, path) ?? throw Error($"sequence owner table {tableName} does not exist", pos);
            ColumnOf(table, colName, pos);
            var at = seq is { } name ? _graph.Sequences.FindIndex(s => s.Name == name) : -1;
            if (at >= 0) _graph.Sequences[at] = _graph.Sequences[at] with { OwnedBy = (table.Name, colName) };
        }

        var notices = _notices.Select(n => (n.Seq, n.Notice))
            .Concat(_skipped.Select(kv => (kv.Value.Seq, new ReaderNotice(kv.Key,
                kv.Value.Count == 1 ? kv.Value.Message : $"{kv.Value.Message} (and {kv.Value.Count - 1} more)", kv.Value.Pos))))
            .OrderBy(x => _files.IndexOf(x.Item2.Position.File)).ThenBy(x => x.Item2.Position.Line)
            .ThenBy(x => x.Item2.Position.Column).ThenBy(x => x.Seq)
            .Select(x => x.Item2).ToList();
        return new SchemaReadResult
        {
            Graph = _graph.Build(SqlDialect.PostgreSql), Notices = notices,
            Skipped = _skippedAll, // in reading order: an included file's statements stand where it was included
            Notes = [.. _notices.OrderBy(n => _files.IndexOf(n.Notice.Position.File)).ThenBy(n => n.Notice.Position.Line)
                .ThenBy(n => n.Notice.Position.Column).ThenBy(n => n.Seq).Select(n => n.Notice)],
        };
    }

    private TableDraft? Parent(TableDraft t) => t.PartitionOf is { } p ? FindTable(p) : null;

    private static bool IsUniqueKey(TableDraft table, IReadOnlyList<string> columns, List<(TableDraft Table, List<string>? Columns)> uniqueIndexes)
    {
        bool Same(IReadOnlyCollection<string> k) => k.Count == columns.Count && k.All(columns.Contains) && columns.All(k.Contains);
        if (table.PrimaryKey is { } pk && Same(pk.Columns)) return true;
        if (table.Uniques.Exists(u => Same(u.Columns))) return true;
        // A unique index on expressions cannot be checked here: give it the benefit of the doubt.
        return uniqueIndexes.Exists(u => ReferenceEquals(u.Table, table) && (u.Columns is null || Same(u.Columns)));
    }

    private static ColumnDraft ColumnOf(TableDraft table, string name, SourcePosition pos) =>
        table.FindColumn(name) ?? throw Error($"column \"{name}\" does not exist in table {table.Name}", pos);

    private void ResolveDomain(PendingDomain d, int depth)
    {
        if (d.Built is not null) return;
        if (d.Resolving || depth > 50) throw Error($"domain {d.Name} is defined in terms of itself", d.Pos);
        d.Resolving = true;
        var (baseType, notNull) = ResolveType(d.Base, depth + 1);
        var built = new DomainType { Name = d.Name, BaseType = baseType with { Domain = null }, NotNull = d.NotNull, Default = d.Default, Position = d.Pos, Checks = d.Checks };
        d.EffectiveNotNull = d.NotNull || notNull;
        d.Built = built;
        d.Resolving = false;
        _graph.Domains.Add(built);
    }

    private (SqlType Type, bool NotNull) ResolveType(TypeSpec spec, int depth)
    {
        if (spec.Builtin is { } b) return (b, false);
        var name = spec.UserName!.Value;
        if (spec.OtherBuiltin)
        {
            Note("type", $"type {name.Name} is read as an extension type (kept by name)", spec.Pos);
            return (new SqlType { Kind = TypeKind.Other, UserType = name, ArrayDims = spec.ArrayDims }, false);
        }
        var domain = _domains.Find(x => x.Name == name);
        var en = _graph.FindEnum(name);
        var opaque = _opaqueTypes.Contains(name);
        if (domain is null && en is null && !opaque && !spec.ExplicitSchema)
            foreach (var schema in spec.SearchPath)
            {
                var q = new QualifiedName(schema, name.Name);
                domain = _domains.Find(x => x.Name == q);
                en = _graph.FindEnum(q);
                opaque = _opaqueTypes.Contains(q);
                if (domain is not null || en is not null || opaque) break;
            }
        if (domain is null && en is null && !opaque && !spec.ExplicitSchema)
        {
            // Unqualified and not in public: the one type of that name in another schema.
            var ds = _domains.FindAll(x => x.Name.Name == name.Name);
            var es = _graph.Enums.FindAll(x => x.Name.Name == name.Name);
            if (ds.Count + es.Count == 1) { domain = ds.FirstOrDefault(); en = es.FirstOrDefault(); }
        }
        if (domain is not null)
        {
            ResolveDomain(domain, depth + 1);
            var bt = domain.Built!.BaseType;
            return (bt with { Domain = domain.Name, ArrayDims = bt.ArrayDims + spec.ArrayDims }, domain.EffectiveNotNull && spec.ArrayDims == 0);
        }
        if (en is not null) return (new SqlType { Kind = TypeKind.Enum, UserType = en.Name, ArrayDims = spec.ArrayDims }, false);
        // An extension's type (cube, geometry(Point,4326), ltree …) or one the reader does not know: kept by name and
        // modifiers; populate generates the extension types it knows and loads NULL into a nullable column of any other
        // (refusing a NOT NULL one before loading), saying so per column.
        var why = opaque || _graph.Extensions.Count > 0 ? "kept by name" : "kept by name; no CREATE EXTENSION or CREATE TYPE declares it";
        Note("type", $"type {spec.Text} is read as an extension type ({why})", spec.Pos);
        return (new SqlType { Kind = TypeKind.Other, UserType = name, ArrayDims = spec.ArrayDims, Modifiers = spec.Modifiers }, false);
    }
}
