using Dapper;
using Microsoft.Data.SqlClient;
using PluRelSql.Schema;

namespace PluRelSql.Storage.SqlServer;

/// <summary>Reads a live SQL Server database's schema from the sys.* catalog views (with Dapper) into the graph the
/// T-SQL script reader produces for the same schema (see <see cref="SqlServerCatalog"/>). Shipped objects
/// (is_ms_shipped) and the history tables of system-versioned tables (the server fills them) are left out.</summary>
public static class SqlServerIntrospector
{
    public static async Task<SchemaGraph> ReadAsync(SqlConnection conn, IReadOnlyCollection<string>? schemas = null,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(conn);
        var rows = await ReadRowsAsync(conn, ct).ConfigureAwait(false);
        return SqlServerCatalog.Build(rows, schemas);
    }

    /// <summary>The raw catalog rows (what <see cref="SqlServerCatalog.Build"/> maps).</summary>
    public static async Task<CatalogRows> ReadRowsAsync(SqlConnection conn, CancellationToken ct = default)
    {
        async Task<List<T>> Query<T>(string sql) =>
            (await conn.QueryAsync<T>(new CommandDefinition(sql, cancellationToken: ct)).ConfigureAwait(false)).AsList();

        return new CatalogRows
        {
            Tables = await Query<CatalogTable>(TablesSql).ConfigureAwait(false),
            Columns = await Query<CatalogColumn>(ColumnsSql).ConfigureAwait(false),
            AliasTypes = await Query<CatalogAliasType>(AliasTypesSql).ConfigureAwait(false),
            Keys = await Query<CatalogKeyColumn>(KeysSql).ConfigureAwait(false),
            ForeignKeys = await Query<CatalogForeignKeyColumn>(ForeignKeysSql).ConfigureAwait(false),
            Checks = await Query<CatalogCheck>(ChecksSql).ConfigureAwait(false),
            Indexes = await Query<CatalogIndexColumn>(IndexesSql).ConfigureAwait(false),
            Sequences = await Query<CatalogSequence>(SequencesSql).ConfigureAwait(false),
            DefaultCollation = await conn.ExecuteScalarAsync<string?>(new CommandDefinition(
                "SELECT CAST(DATABASEPROPERTYEX(DB_NAME(), 'Collation') AS nvarchar(128))", cancellationToken: ct)).ConfigureAwait(false),
        };
    }

    // The user tables: not shipped with the server, not the history table of a system-versioned table.
    private const string UserTables =
        "sys.tables t JOIN sys.schemas s ON s.schema_id = t.schema_id WHERE t.is_ms_shipped = 0 AND t.temporal_type <> 1";

    internal const string TablesSql =
        $"SELECT t.object_id AS ObjectId, s.name AS SchemaName, t.name AS TableName, {TableDescription} FROM {UserTables}";

    // The MS_Description extended property of a table (minor 0) or column: the comment the classifier reads.
    private const string TableDescription =
        "CAST((SELECT TOP 1 ep.value FROM sys.extended_properties ep WHERE ep.class = 1 AND ep.major_id = t.object_id " +
        "AND ep.minor_id = 0 AND ep.name = 'MS_Description') AS nvarchar(max)) AS Description";

    private const string ColumnDescription =
        "CAST((SELECT TOP 1 ep.value FROM sys.extended_properties ep WHERE ep.class = 1 AND ep.major_id = c.object_id " +
        "AND ep.minor_id = c.column_id AND ep.name = 'MS_Description') AS nvarchar(max)) AS Description";

    // CLR system types (geography, geometry, hierarchyid) share one system_type_id: their own name is the type.
    internal const string ColumnsSql =
        $"""
        SELECT c.object_id AS ObjectId, c.column_id AS ColumnId, c.name AS Name,
               CASE WHEN ut.is_assembly_type = 1 AND ut.is_user_defined = 0 THEN ut.name ELSE TYPE_NAME(c.system_type_id) END AS SystemType,
               ut.is_user_defined AS IsUserDefined, SCHEMA_NAME(ut.schema_id) AS UserTypeSchema, ut.name AS UserTypeName,
               CAST(c.max_length AS int) AS MaxLength, CAST(c.precision AS int) AS Precision, CAST(c.scale AS int) AS Scale,
               c.is_nullable AS IsNullable, c.is_identity AS IsIdentity,
               TRY_CAST(ic.seed_value AS bigint) AS IdentitySeed, TRY_CAST(ic.increment_value AS bigint) AS IdentityIncrement,
               cc.definition AS ComputedDefinition, dc.name AS DefaultName, dc.definition AS DefaultDefinition,
               c.collation_name AS CollationName, CAST(c.generated_always_type AS int) AS GeneratedAlwaysType,
               {ColumnDescription}
        FROM sys.columns c
        JOIN sys.types ut ON ut.user_type_id = c.user_type_id
        LEFT JOIN sys.identity_columns ic ON ic.object_id = c.object_id AND ic.column_id = c.column_id
        LEFT JOIN sys.computed_columns cc ON cc.object_id = c.object_id AND cc.column_id = c.column_id
        LEFT JOIN sys.default_constraints dc ON dc.parent_object_id = c.object_id AND dc.parent_column_id = c.column_id
        WHERE c.object_id IN (SELECT t.object_id FROM {UserTables})
        ORDER BY c.object_id, c.column_id
        """;

    internal const string AliasTypesSql =
        """
        SELECT SCHEMA_NAME(t.schema_id) AS SchemaName, t.name AS Name, TYPE_NAME(t.system_type_id) AS SystemType,
               CAST(t.max_length AS int) AS MaxLength, CAST(t.precision AS int) AS Precision, CAST(t.scale AS int) AS Scale,
               t.is_nullable AS IsNullable
        FROM sys.types t
        WHERE t.is_user_defined = 1 AND t.is_table_type = 0 AND t.is_assembly_type = 0
        """;

    internal const string KeysSql =
        """
        SELECT kc.parent_object_id AS ObjectId, kc.name AS Name, RTRIM(kc.type) AS Type, col.name AS ColumnName,
               CAST(ic.key_ordinal AS int) AS KeyOrdinal
        FROM sys.key_constraints kc
        JOIN sys.index_columns ic ON ic.object_id = kc.parent_object_id AND ic.index_id = kc.unique_index_id AND ic.is_included_column = 0
        JOIN sys.columns col ON col.object_id = ic.object_id AND col.column_id = ic.column_id
        ORDER BY kc.parent_object_id, kc.name, ic.key_ordinal
        """;

    internal const string ForeignKeysSql =
        """
        SELECT fk.parent_object_id AS ObjectId, fk.name AS Name, SCHEMA_NAME(rt.schema_id) AS RefSchema, rt.name AS RefTable,
               pc.name AS ColumnName, rc.name AS RefColumnName, fkc.constraint_column_id AS Ordinal,
               CAST(fk.delete_referential_action AS int) AS DeleteAction, CAST(fk.update_referential_action AS int) AS UpdateAction
        FROM sys.foreign_keys fk
        JOIN sys.tables rt ON rt.object_id = fk.referenced_object_id
        JOIN sys.foreign_key_columns fkc ON fkc.constraint_object_id = fk.object_id
        JOIN sys.columns pc ON pc.object_id = fkc.parent_object_id AND pc.column_id = fkc.parent_column_id
        JOIN sys.columns rc ON rc.object_id = fkc.referenced_object_id AND rc.column_id = fkc.referenced_column_id
        ORDER BY fk.parent_object_id, fk.name, fkc.constraint_column_id
        """;

    internal const string ChecksSql =
        """
        SELECT cc.parent_object_id AS ObjectId, cc.name AS Name, cc.definition AS Definition
        FROM sys.check_constraints cc
        ORDER BY cc.parent_object_id, cc.name
        """;

    internal const string IndexesSql =
        """
        SELECT i.object_id AS ObjectId, i.name AS Name, i.is_unique AS IsUnique, i.type_desc AS TypeDesc,
               i.filter_definition AS FilterDefinition, col.name AS ColumnName, CAST(ic.key_ordinal AS int) AS KeyOrdinal,
               CAST(ic.index_column_id AS int) AS IndexColumnId, ic.is_descending_key AS IsDescending,
               ic.is_included_column AS IsIncluded
        FROM sys.indexes i
        JOIN sys.index_columns ic ON ic.object_id = i.object_id AND ic.index_id = i.index_id
        JOIN sys.columns col ON col.object_id = ic.object_id AND col.column_id = ic.column_id
        WHERE i.is_primary_key = 0 AND i.is_unique_constraint = 0 AND i.is_hypothetical = 0 AND i.type IN (1, 2)
        ORDER BY i.object_id, i.name, ic.key_ordinal, ic.index_column_id
        """;

    internal const string SequencesSql =
        """
        SELECT SCHEMA_NAME(s.schema_id) AS SchemaName, s.name AS Name, TYPE_NAME(s.system_type_id) AS TypeName,
               TRY_CAST(s.start_value AS bigint) AS StartValue, TRY_CAST(s.increment AS bigint) AS Increment,
               TRY_CAST(s.minimum_value AS bigint) AS MinValue, TRY_CAST(s.maximum_value AS bigint) AS MaxValue,
               s.is_cycling AS IsCycling
        FROM sys.sequences s
        """;
}
