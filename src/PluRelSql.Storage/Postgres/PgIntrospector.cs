using Npgsql;
using PluRelSql.Schema;
using PluRelSql.Schema.Postgres;

namespace PluRelSql.Storage.Postgres;

/// <summary>Reads a live database's schema from pg_catalog into the same <see cref="SchemaGraph"/> the DDL reader
/// produces. System schemas (pg_catalog, information_schema, pg_toast, temp schemas) and objects that belong to an
/// extension are left out.</summary>
/// <remarks>Constraints and indexes that a partition inherits from its partitioned parent are not listed on the
/// partition: they are implied by the parent's, exactly as in the DDL that created them. Identity sequences are not
/// listed in <see cref="SchemaGraph.Sequences"/> (the identity column declares them); serial and explicit sequences are.</remarks>
public static class PgIntrospector
{
    public static async Task<SchemaGraph> ReadAsync(
        NpgsqlConnection conn, IReadOnlyCollection<string>? schemas = null, CancellationToken ct = default)
    {
        var reader = new CatalogReader(conn, schemas, ct);
        return await reader.ReadAsync().ConfigureAwait(false);
    }

    /// <summary>Text of a CHECK as pg_get_constraintdef prints it (<c>CHECK ((a &gt; 0)) NOT VALID</c>) without the
    /// CHECK keyword, NOT VALID and the parentheses around the whole expression.</summary>
    internal static string CheckBody(string constraintDef)
    {
        var s = constraintDef.Trim();
        if (s.StartsWith("CHECK ", StringComparison.Ordinal)) s = s[6..].Trim();
        if (s.EndsWith(" NOT VALID", StringComparison.Ordinal)) s = s[..^10].Trim();
        // NO INHERIT is not part of the expression: the caller keeps it from pg_constraint.connoinherit.
        if (s.EndsWith(" NO INHERIT", StringComparison.Ordinal)) s = s[..^11].Trim();
        while (s.Length >= 2 && s[0] == '(' && MatchingParen(s, 0) == s.Length - 1) s = s[1..^1].Trim();
        return s;
    }

    /// <summary>Index of the parenthesis closing the one at <paramref name="open"/>, skipping quoted text; -1 if none.</summary>
    internal static int MatchingParen(string s, int open)
    {
        var depth = 0;
        for (var i = open; i < s.Length; i++)
        {
            var c = s[i];
            if (c is '\'' or '"')
            {
                i = SkipQuoted(s, i);
                continue;
            }
            if (c == '(') depth++;
            else if (c == ')' && --depth == 0) return i;
        }
        return -1;
    }

    private static int SkipQuoted(string s, int start)
    {
        var q = s[start];
        for (var i = start + 1; i < s.Length; i++)
        {
            if (s[i] != q) continue;
            if (i + 1 < s.Length && s[i + 1] == q)
            {
                i++;
                continue;
            }
            return i;
        }
        return s.Length - 1;
    }

    /// <summary>Splits at commas that are not inside parentheses or quotes.</summary>
    internal static List<string> SplitTopLevel(string s)
    {
        var parts = new List<string>();
        int depth = 0, start = 0;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c is '\'' or '"') i = SkipQuoted(s, i);
            else if (c == '(') depth++;
            else if (c == ')') depth--;
            else if (c == ',' && depth == 0)
            {
                parts.Add(s[start..i].Trim());
                start = i + 1;
            }
        }
        var last = s[start..].Trim();
        if (last.Length > 0 || parts.Count > 0) parts.Add(last);
        return parts;
    }

    /// <summary>Parses <c>FOR VALUES FROM (…) TO (…)</c>, <c>FOR VALUES IN (…)</c>, <c>FOR VALUES WITH (…)</c> or
    /// <c>DEFAULT</c> into a bound with its literals.</summary>
    internal static PartitionBound ParseBound(QualifiedName table, string bound)
    {
        var text = bound.Trim();
        List<string>? from = null, to = null, @in = null;
        const string values = "FOR VALUES ";
        if (text.StartsWith(values, StringComparison.Ordinal))
        {
            var rest = text[values.Length..];
            if (rest.StartsWith("FROM (", StringComparison.Ordinal))
            {
                var close = MatchingParen(rest, 5);
                from = SplitTopLevel(rest[6..close]);
                var after = rest[(close + 1)..].TrimStart();
                if (after.StartsWith("TO (", StringComparison.Ordinal))
                {
                    var toClose = MatchingParen(after, 3);
                    to = SplitTopLevel(after[4..toClose]);
                }
            }
            else if (rest.StartsWith("IN (", StringComparison.Ordinal))
            {
                var close = MatchingParen(rest, 3);
                @in = SplitTopLevel(rest[4..close]);
            }
        }
        return new PartitionBound { Table = table, Bound = text, From = from, To = to, In = @in };
    }

    /// <summary>Removes double quotes from an identifier as PostgreSQL prints it.</summary>
    internal static string Unquote(string ident)
    {
        var s = ident.Trim();
        return s.Length >= 2 && s[0] == '"' && s[^1] == '"' ? s[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal) : s;
    }

    private sealed class CatalogReader(NpgsqlConnection conn, IReadOnlyCollection<string>? schemas, CancellationToken ct)
    {
        // The graph's collections, filled in catalog order; ReadAsync builds the graph from them.
        private readonly List<uint> _tableOids = [];
        private readonly List<EnumType> _enumList = [];
        private readonly List<DomainType> _domainList = [];
        private readonly List<SequenceDef> _sequenceList = [];
        private readonly List<IndexDef> _indexList = [];
        private readonly List<string> _extensionList = [];
        private readonly Dictionary<uint, PgTypeInfo> _types = [];
        // Each table as read so far (in catalog order in _tableOids); a later pass replaces it with a `with` copy.
        private readonly Dictionary<uint, TableDef> _tables = [];
        private readonly Dictionary<(uint Rel, short Num), string> _attNames = [];
        private readonly Dictionary<uint, DomainType> _domains = [];

        private readonly string[] _schemaFilter = schemas?.ToArray() ?? [];

        // Namespaces we read: the requested ones, or every non-system one.
        private string NamespaceFilter(string nspAlias) =>
            _schemaFilter.Length > 0
                ? $"{nspAlias}.nspname = ANY(@schemas)"
                : $"{nspAlias}.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') " +
                  $"AND {nspAlias}.nspname NOT LIKE 'pg\\_temp\\_%' AND {nspAlias}.nspname NOT LIKE 'pg\\_toast\\_temp\\_%'";

        private static string NotFromExtension(string classTable, string oidExpr) =>
            $"NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = '{classTable}'::regclass AND e.objid = {oidExpr} AND e.deptype = 'e')";

        public async Task<SchemaGraph> ReadAsync()
        {
            await ReadTypesAsync().ConfigureAwait(false);
            await ReadEnumsAsync().ConfigureAwait(false);
            await ReadDomainsAsync().ConfigureAwait(false);
            await ReadTablesAsync().ConfigureAwait(false);
            await ReadColumnsAsync().ConfigureAwait(false);
            await ReadPartitionsAsync().ConfigureAwait(false);
            await ReadConstraintsAsync().ConfigureAwait(false);
            await ReadSequencesAsync().ConfigureAwait(false);
            await ReadIndexesAsync().ConfigureAwait(false);
            await ReadExtensionsAsync().ConfigureAwait(false);
            return new SchemaGraph
            {
                Tables = [.. _tableOids.Select(oid => _tables[oid])], Enums = _enumList, Domains = _domainList, Sequences = _sequenceList, Indexes = _indexList,
                Extensions = _extensionList,
            };
        }

        private NpgsqlCommand Command(string sql)
        {
            var cmd = new NpgsqlCommand(sql, conn);
            if (_schemaFilter.Length > 0) cmd.Parameters.AddWithValue("schemas", _schemaFilter);
            return cmd;
        }

        private async Task ForEachRowAsync(string sql, Action<NpgsqlDataReader> row)
        {
            await using var cmd = Command(sql);
            await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await r.ReadAsync(ct).ConfigureAwait(false)) row(r);
        }

        // ---- types ----------------------------------------------------------------------------------------------

        private sealed record PgTypeInfo(
            uint Oid, string Schema, string Name, char Type, uint Elem, uint Array, uint BaseType, int TypMod, bool NotNull);

        private async Task ReadTypesAsync()
        {
            // All types (system ones included: columns use them), so a column's type resolves without another query.
            await ForEachRowAsync(
                """
                SELECT t.oid, n.nspname, t.typname, t.typtype, t.typelem, t.typarray, t.typbasetype, t.typtypmod,
                       t.typnotnull, t.typcategory, t.typlen
                FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                """,
                r =>
                {
                    // typelem is also set for fixed-length "arrays" such as point/name; only true arrays count.
                    var isArray = r.GetChar(9) == 'A' && r.GetInt16(10) == -1;
                    var info = new PgTypeInfo(r.GetFieldValue<uint>(0), r.GetString(1), r.GetString(2), r.GetChar(3),
                        isArray ? r.GetFieldValue<uint>(4) : 0, r.GetFieldValue<uint>(5), r.GetFieldValue<uint>(6),
                        r.GetInt32(7), r.GetBoolean(8));
                    _types[info.Oid] = info;
                }).ConfigureAwait(false);
        }

        /// <summary>The SqlType of a column of type <paramref name="typeOid"/> with <paramref name="typmod"/>.
        /// <paramref name="notNull"/> is true when a domain in the chain is NOT NULL.</summary>
        private SqlType MapType(uint typeOid, int typmod, out bool notNull)
        {
            notNull = false;
            var t = _types[typeOid];
            QualifiedName? domain = null;
            var dims = 0;
            if (t.Type == 'd')
            {
                domain = new QualifiedName(t.Schema, t.Name);
                // Nested domains are flattened: walk to the base type, collecting NOT NULL and the innermost typmod.
                while (t.Type == 'd')
                {
                    notNull |= t.NotNull;
                    typmod = t.TypMod;
                    t = _types[t.BaseType];
                }
            }
            while (t.Elem != 0)
            {
                dims++;
                t = _types[t.Elem];
                if (t.Type == 'd')
                {
                    // An array of a domain: describe the domain's base as the element.
                    while (t.Type == 'd')
                    {
                        typmod = t.TypMod;
                        t = _types[t.BaseType];
                    }
                }
            }
            return Scalar(t, typmod) with { ArrayDims = dims, Domain = domain };
        }

        private static SqlType Scalar(PgTypeInfo t, int typmod)
        {
            if (t.Type == 'e') return new SqlType { Kind = TypeKind.Enum, UserType = new QualifiedName(t.Schema, t.Name) };
            if (t.Schema != "pg_catalog")
                return new SqlType { Kind = TypeKind.Other, UserType = new QualifiedName(t.Schema, t.Name), Modifiers = ExtensionTypmods.Text(t.Name, typmod) };
            int? mod = typmod >= 0 ? typmod : null;
            if (!TypeTable.TryPgCatalogName(t.Name, out var kind))
                return new SqlType { Kind = TypeKind.Other, UserType = new QualifiedName(t.Schema, t.Name) };
            // The typmod, decoded per type; the kinds without one are the type table's.
            return kind switch
            {
                TypeKind.Numeric => mod is { } m
                    ? new SqlType { Kind = TypeKind.Numeric, Precision = ((m - 4) >> 16) & 0xFFFF, Scale = (((m - 4) & 0x7FF) ^ 0x400) - 0x400 }
                    : SqlType.Of(TypeKind.Numeric),
                TypeKind.Varchar or TypeKind.Char => new SqlType { Kind = kind, Length = mod - 4 },
                TypeKind.Timestamp or TypeKind.TimestampTz or TypeKind.Time or TypeKind.TimeTz => new SqlType { Kind = kind, Precision = mod },
                // interval's typmod packs the field range (high 16 bits) and the precision (low 16 bits, 0xFFFF = none).
                TypeKind.Interval => new SqlType { Kind = TypeKind.Interval, Precision = mod is { } im && (im & 0xFFFF) != 0xFFFF ? im & 0xFFFF : null },
                TypeKind.Bit or TypeKind.VarBit => new SqlType { Kind = kind, Length = mod },
                _ => SqlType.Of(kind),
            };
        }

        private async Task ReadEnumsAsync()
        {
            // Labels come in sort order, one row each; an enum is built once its labels are all read.
            var byOid = new Dictionary<uint, (QualifiedName Name, List<string> Labels)>();
            var order = new List<uint>();
            await ForEachRowAsync(
                $"""
                SELECT t.oid, n.nspname, t.typname, e.enumlabel
                FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                JOIN pg_enum e ON e.enumtypid = t.oid
                WHERE t.typtype = 'e' AND {NamespaceFilter("n")} AND {NotFromExtension("pg_type", "t.oid")}
                ORDER BY t.oid, e.enumsortorder
                """,
                r =>
                {
                    var oid = r.GetFieldValue<uint>(0);
                    if (!byOid.TryGetValue(oid, out var e))
                    {
                        e = (new QualifiedName(r.GetString(1), r.GetString(2)), []);
                        byOid[oid] = e;
                        order.Add(oid);
                    }
                    e.Labels.Add(r.GetString(3));
                }).ConfigureAwait(false);
            foreach (var oid in order) _enumList.Add(new EnumType { Name = byOid[oid].Name, Labels = byOid[oid].Labels });
        }

        private async Task ReadDomainsAsync()
        {
            await ForEachRowAsync(
                $"""
                SELECT t.oid, n.nspname, t.typname, t.typbasetype, t.typtypmod, t.typnotnull,
                       pg_get_expr(t.typdefaultbin, 0)
                FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                WHERE t.typtype = 'd' AND {NamespaceFilter("n")} AND {NotFromExtension("pg_type", "t.oid")}
                ORDER BY t.oid
                """,
                r =>
                {
                    var baseType = MapType(r.GetFieldValue<uint>(3), r.GetInt32(4), out var baseNotNull);
                    var d = new DomainType
                    {
                        Name = new QualifiedName(r.GetString(1), r.GetString(2)),
                        BaseType = baseType with { Domain = null },
                        NotNull = r.GetBoolean(5) || baseNotNull,
                        Default = r.IsDBNull(6) ? null : r.GetString(6),
                    };
                    _domains[r.GetFieldValue<uint>(0)] = d;
                    _domainList.Add(d);
                }).ConfigureAwait(false);

            await ForEachRowAsync(
                """
                SELECT c.contypid, c.conname, pg_get_constraintdef(c.oid)
                FROM pg_constraint c WHERE c.contypid <> 0 AND c.contype = 'c' ORDER BY c.contypid, c.conname
                """,
                r =>
                {
                    if (!_domains.TryGetValue(r.GetFieldValue<uint>(0), out var d)) return;
                    var checkedDomain = d with { Checks = [.. d.Checks, MakeCheck(r.GetString(1), r.GetString(2), domain: true)] };
                    _domainList[_domainList.IndexOf(d)] = checkedDomain;
                    _domains[r.GetFieldValue<uint>(0)] = checkedDomain;
                }).ConfigureAwait(false);
        }

        /// <summary>A key with what pg_get_constraintdef says beyond its columns: NULLS NOT DISTINCT, INCLUDE (…).</summary>
        private static KeyConstraint MakeKey(string name, List<string> cols, bool deferrable, bool deferred, string def) => new()
        {
            Name = name, Columns = cols, Deferrable = deferrable, InitiallyDeferred = deferred,
            NullsNotDistinct = def.Contains(" NULLS NOT DISTINCT ", StringComparison.Ordinal),
            Include = IncludeColumns(def),
        };

        /// <summary>The columns of an <c>INCLUDE (a, "B")</c> clause as pg_get_constraintdef prints it.</summary>
        internal static List<string> IncludeColumns(string def)
        {
            var at = def.IndexOf(" INCLUDE (", StringComparison.Ordinal);
            if (at < 0) return [];
            var open = at + " INCLUDE ".Length;
            var close = MatchingParen(def, open);
            if (close < 0) return [];
            var cols = new List<string>();
            var inner = def[(open + 1)..close];
            var i = 0;
            while (i < inner.Length)
            {
                while (i < inner.Length && inner[i] is ' ' or ',') i++;
                if (i >= inner.Length) break;
                if (inner[i] == '"')
                {
                    var sb = new System.Text.StringBuilder();
                    for (i++; i < inner.Length; i++)
                    {
                        if (inner[i] == '"' && i + 1 < inner.Length && inner[i + 1] == '"') { sb.Append('"'); i++; }
                        else if (inner[i] == '"') { i++; break; }
                        else sb.Append(inner[i]);
                    }
                    cols.Add(sb.ToString());
                }
                else
                {
                    var end = inner.IndexOf(',', i);
                    if (end < 0) end = inner.Length;
                    cols.Add(inner[i..end].Trim());
                    i = end;
                }
            }
            return cols;
        }

        private static CheckConstraint MakeCheck(string name, string def, bool domain)
        {
            var body = CheckBody(def);
            // In a domain CHECK an unquoted value is the domain's pseudo-column; in a table CHECK it is a column.
            return new CheckConstraint { Name = name, Expression = body, Predicate = CheckExpressionParser.TryParse(body, domain) };
        }

        // ---- tables and columns ---------------------------------------------------------------------------------

        private async Task ReadTablesAsync()
        {
            await ForEachRowAsync(
                $"""
                SELECT c.oid, n.nspname, c.relname, c.relpersistence, obj_description(c.oid, 'pg_class')
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relkind IN ('r', 'p') AND {NamespaceFilter("n")} AND {NotFromExtension("pg_class", "c.oid")}
                ORDER BY c.oid
                """,
                r =>
                {
                    var t = new TableDef
                    {
                        Name = new QualifiedName(r.GetString(1), r.GetString(2)),
                        Unlogged = r.GetChar(3) == 'u',
                        Comment = r.IsDBNull(4) ? null : r.GetString(4),
                    };
                    _tables[r.GetFieldValue<uint>(0)] = t;
                    _tableOids.Add(r.GetFieldValue<uint>(0));
                }).ConfigureAwait(false);
        }

        private async Task ReadColumnsAsync()
        {
            var oids = _tables.Keys.ToArray();
            var sequenceOf = new Dictionary<(uint, short), QualifiedName>();
            var columns = new Dictionary<uint, List<ColumnDef>>();
            // Sequences tied to a column: identity ('i'), serial / OWNED BY ('a'), and nextval() defaults (through pg_attrdef).
            await ForEachRowAsync(
                """
                SELECT d.refobjid, d.refobjsubid, n.nspname, s.relname, 0 AS pref
                FROM pg_depend d JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
                JOIN pg_namespace n ON n.oid = s.relnamespace
                WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
                  AND d.deptype IN ('a', 'i') AND d.refobjid = ANY(@oids)
                UNION ALL
                SELECT ad.adrelid, ad.adnum, n.nspname, s.relname, 1
                FROM pg_attrdef ad JOIN pg_depend d ON d.classid = 'pg_attrdef'::regclass AND d.objid = ad.oid
                JOIN pg_class s ON s.oid = d.refobjid AND s.relkind = 'S' AND d.refclassid = 'pg_class'::regclass
                JOIN pg_namespace n ON n.oid = s.relnamespace
                WHERE ad.adrelid = ANY(@oids)
                ORDER BY 5
                """,
                r =>
                {
                    var key = (r.GetFieldValue<uint>(0), r.GetInt16(1));
                    // The default's own sequence wins over an OWNED BY link (pref 1 comes last).
                    sequenceOf[key] = new QualifiedName(r.GetString(2), r.GetString(3));
                }, ("oids", oids)).ConfigureAwait(false);

            await ForEachRowAsync(
                """
                SELECT a.attrelid, a.attnum, a.attname, a.atttypid, a.atttypmod, a.attnotnull, a.attidentity,
                       a.attgenerated, pg_get_expr(ad.adbin, ad.adrelid), co.collname,
                       a.attcollation <> t.typcollation AND a.attcollation <> 0, col_description(a.attrelid, a.attnum)
                FROM pg_attribute a
                JOIN pg_type t ON t.oid = a.atttypid
                LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
                LEFT JOIN pg_collation co ON co.oid = a.attcollation
                WHERE a.attrelid = ANY(@oids) AND a.attnum > 0 AND NOT a.attisdropped
                ORDER BY a.attrelid, a.attnum
                """,
                r =>
                {
                    var rel = r.GetFieldValue<uint>(0);
                    var num = r.GetInt16(1);
                    var name = r.GetString(2);
                    _attNames[(rel, num)] = name;
                    var type = MapType(r.GetFieldValue<uint>(3), r.GetInt32(4), out var domainNotNull);
                    var identity = r.GetChar(6);
                    var generated = r.GetChar(7);
                    var expr = r.IsDBNull(8) ? null : r.GetString(8);
                    sequenceOf.TryGetValue((rel, num), out var seq);
                    var kind = IdentityKind.None;
                    if (identity is 'a' or 'd') kind = identity == 'a' ? IdentityKind.Always : IdentityKind.ByDefault;
                    else if (expr is not null && generated != 's' &&
                             expr.StartsWith("nextval(", StringComparison.Ordinal) && sequenceOf.ContainsKey((rel, num)))
                        kind = IdentityKind.Sequence;
                    var col = new ColumnDef
                    {
                        Name = name,
                        Type = type,
                        Nullable = !r.GetBoolean(5) && !domainNotNull,
                        Collation = r.GetBoolean(10) && !r.IsDBNull(9) ? r.GetString(9) : null,
                        GeneratedExpression = generated == 's' ? expr : null,
                        GeneratedKind = generated == 's' ? "STORED" : null,
                        Default = generated == 's' ? null : expr,
                        Identity = kind,
                        Sequence = kind == IdentityKind.None ? null : seq,
                        Comment = r.IsDBNull(11) ? null : r.GetString(11),
                    };
                    if (!columns.TryGetValue(rel, out var list)) columns[rel] = list = [];
                    list.Add(col);
                }, ("oids", oids)).ConfigureAwait(false);
            foreach (var (rel, list) in columns) Update(rel, t => t with { Columns = list });
        }

        private void Update(uint rel, Func<TableDef, TableDef> change) => _tables[rel] = change(_tables[rel]);

        private async Task ForEachRowAsync(string sql, Action<NpgsqlDataReader> row, (string Name, object Value) parameter)
        {
            await using var cmd = Command(sql);
            if (parameter.Value is uint[] oids)
                cmd.Parameters.AddWithValue(parameter.Name, NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Oid, oids);
            else
                cmd.Parameters.AddWithValue(parameter.Name, parameter.Value);
            await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await r.ReadAsync(ct).ConfigureAwait(false)) row(r);
        }

        private async Task ReadPartitionsAsync()
        {
            var oids = _tables.Keys.ToArray();
            await ForEachRowAsync(
                """
                SELECT p.partrelid, pg_get_partkeydef(p.partrelid)
                FROM pg_partitioned_table p WHERE p.partrelid = ANY(@oids) ORDER BY p.partrelid
                """,
                r =>
                {
                    // "RANGE (created_at)", "LIST (region, lower(code))", "HASH (id)"
                    var def = r.GetString(1);
                    var space = def.IndexOf(' ', StringComparison.Ordinal);
                    var open = def.IndexOf('(', StringComparison.Ordinal);
                    var close = MatchingParen(def, open);
                    Update(r.GetFieldValue<uint>(0), t => t with
                    {
                        Partitioning = new PartitionSpec
                        {
                            Strategy = def[..space],
                            Columns = SplitTopLevel(def[(open + 1)..close]).Select(Unquote).ToList(),
                        },
                    });
                }, ("oids", oids)).ConfigureAwait(false);

            await ForEachRowAsync(
                """
                SELECT c.oid, i.inhparent, pg_get_expr(c.relpartbound, c.oid)
                FROM pg_class c JOIN pg_inherits i ON i.inhrelid = c.oid
                WHERE c.relispartition AND c.oid = ANY(@oids)
                ORDER BY c.oid
                """,
                r =>
                {
                    var child = _tables[r.GetFieldValue<uint>(0)];
                    if (!_tables.TryGetValue(r.GetFieldValue<uint>(1), out var parent)) return; // parent in another schema
                    Update(r.GetFieldValue<uint>(0), t => t with { PartitionOf = parent.Name });
                    if (parent.Partitioning is { } spec)
                        Update(r.GetFieldValue<uint>(1), t => t with
                        {
                            Partitioning = spec with { Partitions = [.. spec.Partitions, ParseBound(child.Name, r.GetString(2))] },
                        });
                }, ("oids", oids)).ConfigureAwait(false);
        }

        // ---- constraints ----------------------------------------------------------------------------------------

        private async Task ReadConstraintsAsync()
        {
            var oids = _tables.Keys.ToArray();
            var fkTargets = new List<(uint Rel, ForeignKey Fk, uint RefRel, short[] RefNums)>();
            await ForEachRowAsync(
                """
                SELECT c.conrelid, c.conname, c.contype, c.conkey, c.confrelid, c.confkey, c.confdeltype, c.confupdtype,
                       c.condeferrable, c.condeferred, pg_get_constraintdef(c.oid), c.connoinherit, c.confmatchtype
                FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid
                WHERE c.conrelid = ANY(@oids) AND c.contype IN ('p', 'u', 'f', 'c')
                  AND c.conparentid = 0 AND (c.conislocal OR NOT r.relispartition)
                ORDER BY c.conrelid, c.contype = 'c', c.oid
                """,
                r =>
                {
                    var rel = r.GetFieldValue<uint>(0);
                    var name = r.GetString(1);
                    var keys = r.IsDBNull(3) ? [] : r.GetFieldValue<short[]>(3);
                    var cols = keys.Select(k => _attNames[(rel, k)]).ToList();
                    switch (r.GetChar(2))
                    {
                        case 'p':
                            var pk = MakeKey(name, cols, r.GetBoolean(8), r.GetBoolean(9), r.GetString(10));
                            Update(rel, t => t with { PrimaryKey = pk });
                            break;
                        case 'u':
                            var unique = MakeKey(name, cols, r.GetBoolean(8), r.GetBoolean(9), r.GetString(10));
                            Update(rel, t => t with { Uniques = [.. t.Uniques, unique] });
                            break;
                        case 'c':
                            var check = MakeCheck(name, r.GetString(10), domain: false) with { NoInherit = r.GetBoolean(11) };
                            Update(rel, t => t with { Checks = [.. t.Checks, check] });
                            break;
                        case 'f':
                            var refRel = r.GetFieldValue<uint>(4);
                            var fk = new ForeignKey
                            {
                                Name = name,
                                Columns = cols,
                                RefTable = default,
                                RefColumns = [],
                                OnDelete = Action(r.GetChar(6)),
                                OnUpdate = Action(r.GetChar(7)),
                                Deferrable = r.GetBoolean(8),
                                InitiallyDeferred = r.GetBoolean(9),
                                Match = r.GetChar(12) switch { 'f' => ForeignKeyMatch.Full, 'p' => ForeignKeyMatch.Partial, _ => ForeignKeyMatch.Simple },
                            };
                            Update(rel, t => t with { ForeignKeys = [.. t.ForeignKeys, fk] });
                            fkTargets.Add((rel, fk, refRel, r.GetFieldValue<short[]>(5)));
                            break;
                    }
                }, ("oids", oids)).ConfigureAwait(false);

            // EXCLUDE: elements as the index prints them, operators by name, so "=" elements become a key for the generator
            // exactly as when the reader saw the DDL (generation from the catalog must honour them too).
            await ForEachRowAsync(
                """
                SELECT c.conrelid, c.conname, c.conkey, am.amname,
                       array(SELECT pg_get_indexdef(c.conindid, k, true) FROM generate_series(1, i.indnkeyatts) k ORDER BY k),
                       array(SELECT o.oprname FROM unnest(c.conexclop) WITH ORDINALITY u(op, n)
                             JOIN pg_operator o ON o.oid = u.op ORDER BY u.n),
                       array(SELECT pg_get_indexdef(c.conindid, k, true) FROM generate_series(i.indnkeyatts + 1, i.indnatts) k ORDER BY k),
                       pg_get_expr(i.indpred, i.indrelid), c.condeferrable, c.condeferred
                FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid
                JOIN pg_index i ON i.indexrelid = c.conindid JOIN pg_class ic ON ic.oid = c.conindid
                JOIN pg_am am ON am.oid = ic.relam
                WHERE c.conrelid = ANY(@oids) AND c.contype = 'x'
                  AND c.conparentid = 0 AND (c.conislocal OR NOT r.relispartition)
                ORDER BY c.conrelid, c.oid
                """,
                r =>
                {
                    var rel = r.GetFieldValue<uint>(0);
                    var keys = r.GetFieldValue<short[]>(2);
                    var texts = r.GetFieldValue<string[]>(4);
                    var ops = r.GetFieldValue<string[]>(5);
                    var exclusion = new ExclusionConstraint
                    {
                        Name = r.GetString(1),
                        Method = r.GetString(3),
                        Elements = texts.Select((text, i) => new ExclusionElement
                        {
                            Text = text,
                            Column = i < keys.Length && keys[i] != 0 ? _attNames[(rel, keys[i])] : null,
                            Operator = ops[i],
                        }).ToList(),
                        Include = [.. r.GetFieldValue<string[]>(6)],
                        Where = r.IsDBNull(7) ? null : CheckBody(r.GetString(7)), // an expression: only its outer parentheses go
                        Deferrable = r.GetBoolean(8),
                        InitiallyDeferred = r.GetBoolean(9),
                    };
                    Update(rel, t => t with { Exclusions = [.. t.Exclusions, exclusion] });
                }, ("oids", oids)).ConfigureAwait(false);

            // A referenced table may live outside the schemas we read: resolve its name and columns separately.
            var missing = fkTargets.Select(f => f.RefRel).Where(o => !_tables.ContainsKey(o)).Distinct().ToArray();
            var outside = new Dictionary<uint, QualifiedName>();
            if (missing.Length > 0)
            {
                await ForEachRowAsync(
                    """
                    SELECT c.oid, n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE c.oid = ANY(@oids)
                    """,
                    r => outside[r.GetFieldValue<uint>(0)] = new QualifiedName(r.GetString(1), r.GetString(2)),
                    ("oids", missing)).ConfigureAwait(false);
                await ForEachRowAsync(
                    "SELECT attrelid, attnum, attname FROM pg_attribute WHERE attrelid = ANY(@oids) AND attnum > 0",
                    r => _attNames[(r.GetFieldValue<uint>(0), r.GetInt16(1))] = r.GetString(2),
                    ("oids", missing)).ConfigureAwait(false);
            }
            foreach (var (rel, fk, refRel, nums) in fkTargets)
            {
                var resolved = fk with
                {
                    RefTable = _tables.TryGetValue(refRel, out var target) ? target.Name : outside[refRel],
                    RefColumns = nums.Select(k => _attNames[(refRel, k)]).ToList(),
                };
                Update(rel, t => t with { ForeignKeys = [.. t.ForeignKeys.Select(x => ReferenceEquals(x, fk) ? resolved : x)] });
            }
        }

        private static ReferentialAction Action(char c) => c switch
        {
            'r' => ReferentialAction.Restrict,
            'c' => ReferentialAction.Cascade,
            'n' => ReferentialAction.SetNull,
            'd' => ReferentialAction.SetDefault,
            _ => ReferentialAction.NoAction,
        };

        // ---- sequences, indexes, extensions ---------------------------------------------------------------------

        private async Task ReadSequencesAsync()
        {
            var owners = new List<(SequenceDef Seq, uint Rel, short Num)>();
            await ForEachRowAsync(
                $"""
                SELECT s.seqrelid, n.nspname, c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement,
                       s.seqmin, s.seqmax, s.seqcycle, d.refobjid, d.refobjsubid
                FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
                     AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a'
                WHERE {NamespaceFilter("n")} AND {NotFromExtension("pg_class", "c.oid")}
                  AND NOT EXISTS (SELECT 1 FROM pg_depend i WHERE i.classid = 'pg_class'::regclass AND i.objid = c.oid
                                  AND i.deptype = 'i')
                ORDER BY c.oid
                """,
                r =>
                {
                    var type = r.GetString(3);
                    var inc = r.GetInt64(5);
                    var (defMin, defMax) = DefaultBounds(type, inc);
                    var seq = new SequenceDef
                    {
                        Name = new QualifiedName(r.GetString(1), r.GetString(2)),
                        DataType = type,
                        Start = r.GetInt64(4),
                        Increment = inc,
                        MinValue = r.GetInt64(6) == defMin ? null : r.GetInt64(6),
                        MaxValue = r.GetInt64(7) == defMax ? null : r.GetInt64(7),
                        Cycle = r.GetBoolean(8),
                    };
                    _sequenceList.Add(seq);
                    if (!r.IsDBNull(9)) owners.Add((seq, r.GetFieldValue<uint>(9), (short)r.GetInt32(10)));
                }).ConfigureAwait(false);
            foreach (var (seq, rel, num) in owners)
                if (_tables.TryGetValue(rel, out var t) && _attNames.TryGetValue((rel, num), out var col))
                    _sequenceList[_sequenceList.IndexOf(seq)] = seq with { OwnedBy = (t.Name, col) };
        }

        private static (long Min, long Max) DefaultBounds(string type, long increment)
        {
            var max = type switch { "smallint" => short.MaxValue, "integer" => int.MaxValue, _ => long.MaxValue };
            var min = type switch { "smallint" => short.MinValue, "integer" => int.MinValue, _ => long.MinValue };
            return increment > 0 ? (1, max) : (min, -1);
        }

        private async Task ReadIndexesAsync()
        {
            var oids = _tables.Keys.ToArray();
            await ForEachRowAsync(
                """
                SELECT i.indrelid, ic.relname, pg_get_indexdef(i.indexrelid), i.indisunique
                FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
                WHERE i.indrelid = ANY(@oids)
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u', 'x'))
                  AND NOT ic.relispartition
                ORDER BY i.indexrelid
                """,
                r => _indexList.Add(new IndexDef
                {
                    Table = _tables[r.GetFieldValue<uint>(0)].Name,
                    Name = r.GetString(1),
                    Sql = r.GetString(2),
                    Unique = r.GetBoolean(3),
                }), ("oids", oids)).ConfigureAwait(false);
        }

        private async Task ReadExtensionsAsync()
        {
            await ForEachRowAsync("SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY oid",
                r => _extensionList.Add(r.GetString(0))).ConfigureAwait(false);
        }
    }
}
