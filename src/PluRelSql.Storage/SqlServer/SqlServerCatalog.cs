using System.Text;
using System.Text.RegularExpressions;
using PluRelSql.Schema;
using PluRelSql.Schema.TSql;

namespace PluRelSql.Storage.SqlServer;

// Rows of the sys.* queries in SqlServerIntrospector, one class per query; Dapper fills them by column name.
public sealed class CatalogTable
{
    public int ObjectId { get; set; }
    public string SchemaName { get; set; } = "";
    public string TableName { get; set; } = "";
    /// <summary>The MS_Description extended property, or null.</summary>
    public string? Description { get; set; }
}

public sealed class CatalogColumn
{
    public int ObjectId { get; set; }
    public int ColumnId { get; set; }
    public string Name { get; set; } = "";
    /// <summary>The system type (TYPE_NAME(system_type_id); the CLR type's own name for geography, hierarchyid…).</summary>
    public string SystemType { get; set; } = "";
    public bool IsUserDefined { get; set; }
    public string? UserTypeSchema { get; set; }
    public string? UserTypeName { get; set; }
    public int MaxLength { get; set; }
    public int Precision { get; set; }
    public int Scale { get; set; }
    public bool IsNullable { get; set; }
    public bool IsIdentity { get; set; }
    public long? IdentitySeed { get; set; }
    public long? IdentityIncrement { get; set; }
    public string? ComputedDefinition { get; set; }
    public string? DefaultName { get; set; }
    public string? DefaultDefinition { get; set; }
    public string? CollationName { get; set; }
    /// <summary>sys.columns.generated_always_type: 0 none, 1/2 ROW START/END, 7/8 … transaction ids and sequence numbers.</summary>
    public int GeneratedAlwaysType { get; set; }
    /// <summary>The MS_Description extended property, or null.</summary>
    public string? Description { get; set; }
}

public sealed class CatalogAliasType
{
    public string SchemaName { get; set; } = "";
    public string Name { get; set; } = "";
    public string SystemType { get; set; } = "";
    public int MaxLength { get; set; }
    public int Precision { get; set; }
    public int Scale { get; set; }
    public bool IsNullable { get; set; }
}

public sealed class CatalogKeyColumn
{
    public int ObjectId { get; set; }
    public string Name { get; set; } = "";
    /// <summary>PK or UQ.</summary>
    public string Type { get; set; } = "";
    public string ColumnName { get; set; } = "";
    public int KeyOrdinal { get; set; }
}

public sealed class CatalogForeignKeyColumn
{
    public int ObjectId { get; set; }
    public string Name { get; set; } = "";
    public string RefSchema { get; set; } = "";
    public string RefTable { get; set; } = "";
    public string ColumnName { get; set; } = "";
    public string RefColumnName { get; set; } = "";
    public int Ordinal { get; set; }
    /// <summary>0 NO ACTION, 1 CASCADE, 2 SET NULL, 3 SET DEFAULT.</summary>
    public int DeleteAction { get; set; }
    public int UpdateAction { get; set; }
}

public sealed class CatalogCheck
{
    public int ObjectId { get; set; }
    public string Name { get; set; } = "";
    public string Definition { get; set; } = "";
}

public sealed class CatalogIndexColumn
{
    public int ObjectId { get; set; }
    public string Name { get; set; } = "";
    public bool IsUnique { get; set; }
    /// <summary>CLUSTERED or NONCLUSTERED.</summary>
    public string TypeDesc { get; set; } = "";
    public string? FilterDefinition { get; set; }
    public string ColumnName { get; set; } = "";
    public int KeyOrdinal { get; set; }
    public int IndexColumnId { get; set; }
    public bool IsDescending { get; set; }
    public bool IsIncluded { get; set; }
}

public sealed class CatalogSequence
{
    public string SchemaName { get; set; } = "";
    public string Name { get; set; } = "";
    public string TypeName { get; set; } = "";
    public long? StartValue { get; set; }
    public long? Increment { get; set; }
    public long? MinValue { get; set; }
    public long? MaxValue { get; set; }
    public bool IsCycling { get; set; }
}

/// <summary>Everything the introspector reads, as rows: what <see cref="SqlServerCatalog.Build"/> maps.</summary>
public sealed class CatalogRows
{
    public IReadOnlyList<CatalogTable> Tables { get; init; } = [];
    public IReadOnlyList<CatalogColumn> Columns { get; init; } = [];
    public IReadOnlyList<CatalogAliasType> AliasTypes { get; init; } = [];
    public IReadOnlyList<CatalogKeyColumn> Keys { get; init; } = [];
    public IReadOnlyList<CatalogForeignKeyColumn> ForeignKeys { get; init; } = [];
    public IReadOnlyList<CatalogCheck> Checks { get; init; } = [];
    public IReadOnlyList<CatalogIndexColumn> Indexes { get; init; } = [];
    public IReadOnlyList<CatalogSequence> Sequences { get; init; } = [];
    /// <summary>The database's default collation: columns that use it are listed without a collation, as a script
    /// that does not name one.</summary>
    public string? DefaultCollation { get; init; }
}

/// <summary>Maps SQL Server catalog rows to the <see cref="SchemaGraph"/> the T-SQL script reader builds for the same
/// schema: types through <see cref="TSqlCatalog.MapType"/>, CHECKs parsed by the same converter, defaults and
/// computed columns without the parentheses the catalog adds, alias types as domains, IDENTITY as
/// <see cref="IdentityKind.Always"/> with seed and increment, DEFAULT NEXT VALUE FOR as a sequence column.</summary>
public static partial class SqlServerCatalog
{
    public static SchemaGraph Build(CatalogRows rows, IReadOnlyCollection<string>? schemas = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        // Expression texts (defaults, CHECKs, computed columns, indexes) are the server's T-SQL.
        var domainList = new List<DomainType>();
        var sequences = new List<SequenceDef>();
        var tables = new List<int>(); // object ids in table order; byId holds each table as built so far
        var indexes = new List<IndexDef>();
        bool Wanted(string schema) => schemas is null || schemas.Count == 0 || schemas.Contains(schema, StringComparer.OrdinalIgnoreCase);

        var domains = new Dictionary<(string, string), DomainType>();
        foreach (var a in rows.AliasTypes.OrderBy(a => a.SchemaName, StringComparer.Ordinal).ThenBy(a => a.Name, StringComparer.Ordinal))
        {
            var mapped = TSqlCatalog.MapType(a.SystemType, a.MaxLength, a.Precision, a.Scale);
            var domain = new DomainType
            {
                Name = new QualifiedName(a.SchemaName, a.Name),
                BaseType = mapped.Type with { Domain = null },
                NotNull = !a.IsNullable,
            };
            domains[(a.SchemaName.ToUpperInvariant(), a.Name.ToUpperInvariant())] = domain;
            domainList.Add(domain);
        }

        foreach (var s in rows.Sequences.Where(s => Wanted(s.SchemaName)))
            sequences.Add(new SequenceDef
            {
                Name = new QualifiedName(s.SchemaName, s.Name),
                DataType = s.TypeName.ToLowerInvariant() switch
                {
                    "tinyint" or "smallint" => "smallint",
                    "int" => "integer",
                    _ => "bigint",
                },
                Start = s.StartValue ?? 1,
                Increment = s.Increment ?? 1,
                MinValue = s.MinValue,
                MaxValue = s.MaxValue,
                Cycle = s.IsCycling,
            });

        var byId = new Dictionary<int, TableDef>();
        var columnsOf = rows.Columns.GroupBy(c => c.ObjectId).ToDictionary(g => g.Key, g => g.OrderBy(c => c.ColumnId).ToList());
        foreach (var t in rows.Tables.Where(t => Wanted(t.SchemaName))
                     .OrderBy(t => t.SchemaName, StringComparer.Ordinal).ThenBy(t => t.TableName, StringComparer.Ordinal))
        {
            var table = new TableDef
            {
                Name = new QualifiedName(t.SchemaName, t.TableName),
                Comment = t.Description,
                Columns = [.. (columnsOf.GetValueOrDefault(t.ObjectId) ?? []).Select(c => Column(c, domains, rows.DefaultCollation, sequences))],
            };
            byId[t.ObjectId] = table;
            tables.Add(t.ObjectId);
        }

        foreach (var key in rows.Keys.Where(k => byId.ContainsKey(k.ObjectId)).GroupBy(k => (k.ObjectId, k.Name)))
        {
            var table = byId[key.Key.ObjectId];
            var def = new KeyConstraint { Name = key.Key.Name, Columns = key.OrderBy(k => k.KeyOrdinal).Select(k => k.ColumnName).ToList() };
            if (key.First().Type.Trim() == "PK")
            {
                foreach (var c in def.Columns) _ = table.Column(c); // a key column the table lacks is an error, as before
                table = table with
                {
                    PrimaryKey = def,
                    Columns = [.. table.Columns.Select(c => def.Columns.Contains(c.Name) ? c with { Nullable = false } : c)],
                };
            }
            else table = table with { Uniques = [.. table.Uniques, def] };
            byId[key.Key.ObjectId] = table;
        }

        foreach (var fk in rows.ForeignKeys.Where(k => byId.ContainsKey(k.ObjectId)).GroupBy(k => (k.ObjectId, k.Name)))
        {
            var cols = fk.OrderBy(k => k.Ordinal).ToList();
            var foreignKey = new ForeignKey
            {
                Name = fk.Key.Name,
                Columns = cols.Select(k => k.ColumnName).ToList(),
                RefTable = new QualifiedName(cols[0].RefSchema, cols[0].RefTable),
                RefColumns = cols.Select(k => k.RefColumnName).ToList(),
                OnDelete = Action(cols[0].DeleteAction),
                OnUpdate = Action(cols[0].UpdateAction),
            };
            byId[fk.Key.ObjectId] = byId[fk.Key.ObjectId] with { ForeignKeys = [.. byId[fk.Key.ObjectId].ForeignKeys, foreignKey] };
        }

        foreach (var check in rows.Checks.Where(c => byId.ContainsKey(c.ObjectId)))
        {
            var table = byId[check.ObjectId];
            byId[check.ObjectId] = table with { Checks = [.. table.Checks, TSqlCatalog.ParseCheck(check.Name, check.Definition, table)] };
        }

        foreach (var index in rows.Indexes.Where(i => byId.ContainsKey(i.ObjectId)).GroupBy(i => (i.ObjectId, i.Name)))
        {
            var table = byId[index.Key.ObjectId];
            var first = index.First();
            indexes.Add(new IndexDef
            {
                Name = index.Key.Name,
                Table = table.Name,
                Sql = IndexSql(table.Name, index.Key.Name, first, index.ToList()),
                Unique = first.IsUnique,
            });
        }
        return new SchemaGraph { Tables = [.. tables.Select(id => byId[id])], Domains = domainList, Sequences = sequences, Indexes = indexes, Dialect = SqlDialect.TSql };
    }

    private static ColumnDef Column(CatalogColumn c, Dictionary<(string, string), DomainType> domains, string? defaultCollation,
        List<SequenceDef> sequences)
    {
        var column = new ColumnDef { Name = c.Name, Type = SqlType.Of(TypeKind.Other), Nullable = c.IsNullable, Comment = c.Description };
        if (c.ComputedDefinition is { } computed)
        {
            // As the script reader: a computed column's type is the server's business; it is never loaded.
            column = column with { GeneratedExpression = TSqlCatalog.StripParentheses(computed) };
            return column;
        }
        if (c.IsUserDefined && c.UserTypeName is { } alias &&
            domains.TryGetValue(((c.UserTypeSchema ?? "dbo").ToUpperInvariant(), alias.ToUpperInvariant()), out var domain))
            column = column with { Type = domain.BaseType with { Domain = domain.Name } };
        else if (c.IsUserDefined && c.UserTypeName is { } clr)
            column = column with { Type = new SqlType { Kind = TypeKind.Other, UserType = new QualifiedName(c.UserTypeSchema ?? "dbo", clr) } };
        else
        {
            var mapped = TSqlCatalog.MapType(c.SystemType, c.MaxLength, c.Precision, c.Scale);
            column = column with { Type = mapped.Type };
            if (mapped.ServerGenerated)
                column = column with { GeneratedExpression = "rowversion", Nullable = false };
        }
        if (c.GeneratedAlwaysType != 0)
            column = column with
            {
                GeneratedExpression = "GENERATED ALWAYS AS " + c.GeneratedAlwaysType switch
                {
                    1 => "ROW START",
                    2 => "ROW END",
                    _ => $"(generated_always_type {c.GeneratedAlwaysType})",
                },
            };
        if (c.IsIdentity)
        {
            column = column with
            {
                Identity = IdentityKind.Always,
                IdentitySeed = c.IdentitySeed,
                IdentityIncrement = c.IdentityIncrement,
                Nullable = false,
            };
        }
        if (c.DefaultDefinition is { } dflt)
        {
            column = column with { Default = TSqlCatalog.StripParentheses(dflt) };
            if (NextValueFor().Match(column.Default) is { Success: true } m && column.Identity == IdentityKind.None)
            {
                var name = new QualifiedName(Unbracket(m.Groups["schema"].Success ? m.Groups["schema"].Value : "dbo"), Unbracket(m.Groups["name"].Value));
                column = column with
                {
                    Identity = IdentityKind.Sequence,
                    Sequence = sequences.Find(s =>
                        s.Name.Schema.Equals(name.Schema, StringComparison.OrdinalIgnoreCase) &&
                        s.Name.Name.Equals(name.Name, StringComparison.OrdinalIgnoreCase))?.Name ?? name,
                };
            }
        }
        if (c.CollationName is { } collation && !string.Equals(collation, defaultCollation, StringComparison.OrdinalIgnoreCase))
            column = column with { Collation = collation };
        return column;
    }

    private static string Unbracket(string s) =>
        s.Length >= 2 && s[0] == '[' && s[^1] == ']' ? s[1..^1].Replace("]]", "]", StringComparison.Ordinal) : s;

    private static ReferentialAction Action(int code) => code switch
    {
        1 => ReferentialAction.Cascade,
        2 => ReferentialAction.SetNull,
        3 => ReferentialAction.SetDefault,
        _ => ReferentialAction.NoAction,
    };

    /// <summary>The index as T-SQL, as a script would create it (kept for re-emission, like the reader's IndexDef.Sql).</summary>
    private static string IndexSql(QualifiedName table, string name, CatalogIndexColumn first, List<CatalogIndexColumn> columns)
    {
        var sb = new StringBuilder("CREATE ");
        if (first.IsUnique) sb.Append("UNIQUE ");
        sb.Append(first.TypeDesc.Equals("CLUSTERED", StringComparison.OrdinalIgnoreCase) ? "CLUSTERED " : "NONCLUSTERED ");
        sb.Append("INDEX ").Append(SqlServerNames.Quote(name)).Append(" ON ").Append(SqlServerNames.Quote(table)).Append(" (");
        sb.Append(string.Join(", ", columns.Where(c => !c.IsIncluded).OrderBy(c => c.KeyOrdinal)
            .Select(c => SqlServerNames.Quote(c.ColumnName) + (c.IsDescending ? " DESC" : " ASC"))));
        sb.Append(')');
        var included = columns.Where(c => c.IsIncluded).OrderBy(c => c.IndexColumnId).Select(c => SqlServerNames.Quote(c.ColumnName)).ToList();
        if (included.Count > 0) sb.Append(" INCLUDE (").Append(string.Join(", ", included)).Append(')');
        if (!string.IsNullOrEmpty(first.FilterDefinition)) sb.Append(" WHERE ").Append(first.FilterDefinition);
        return sb.ToString();
    }

    [GeneratedRegex(@"^NEXT\s+VALUE\s+FOR\s+(?:(?<schema>\[(?:[^\]]|\]\])+\]|\w+)\.)?(?<name>\[(?:[^\]]|\]\])+\]|\w+)\s*$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NextValueFor();
}
