using Microsoft.Data.SqlClient;
using PluRelSql.Schema;

namespace PluRelSql.Storage.SqlServer;

/// <summary>Database-level steps around a load that cannot run inside its transaction (CREATE / DROP DATABASE run in
/// master, on their own).</summary>
public static class SqlServerDatabases
{
    private static readonly HashSet<string> SystemDatabases = new(StringComparer.OrdinalIgnoreCase) { "master", "model", "msdb", "tempdb" };

    /// <summary>master, model, msdb or tempdb (never dropped).</summary>
    public static bool IsSystem(string name) => SystemDatabases.Contains(name);

    /// <summary>The database the connection string names (Initial Catalog / Database), master when it names none.</summary>
    public static string DatabaseOf(string connectionString)
    {
        var name = SqlServerConnectionString.Parse(connectionString).InitialCatalog;
        return string.IsNullOrEmpty(name) ? "master" : name;
    }

    /// <summary>CREATE DATABASE when it does not exist (dropping it first when <paramref name="recreate"/>). Returns
    /// true when this call created it.</summary>
    public static async Task<bool> EnsureAsync(string connectionString, bool recreate, CancellationToken ct)
    {
        var name = DatabaseOf(connectionString);
        if (recreate && SystemDatabases.Contains(name))
            throw new FormatException($"refusing to drop the system database \"{name}\"");
        await using var conn = new SqlConnection(MasterOf(connectionString));
        await conn.OpenAsync(ct).ConfigureAwait(false);
        if (recreate) await DropAsync(conn, name, ct).ConfigureAwait(false);
        await using var exists = new SqlCommand("SELECT DB_ID(@name)", conn);
        exists.Parameters.AddWithValue("@name", name);
        if (await exists.ExecuteScalarAsync(ct).ConfigureAwait(false) is not DBNull and not null) return false;
        await using var create = new SqlCommand($"CREATE DATABASE {SqlServerNames.Quote(name)}", conn);
        await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        return true;
    }

    private static async Task DropAsync(SqlConnection master, string name, CancellationToken ct)
    {
        var quoted = SqlServerNames.Quote(name);
        await using var drop = new SqlCommand(
            $"""
            IF DB_ID(@name) IS NOT NULL
            BEGIN
                ALTER DATABASE {quoted} SET SINGLE_USER WITH ROLLBACK IMMEDIATE;
                DROP DATABASE {quoted};
            END
            """, master);
        drop.Parameters.AddWithValue("@name", name);
        await drop.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>The first of <paramref name="tables"/> that exists in the database, or null.</summary>
    public static async Task<QualifiedName?> FirstExistingTableAsync(string connectionString, IEnumerable<QualifiedName> tables,
        CancellationToken ct)
    {
        await using var conn = new SqlConnection(connectionString);
        await conn.OpenAsync(ct).ConfigureAwait(false);
        foreach (var t in tables)
        {
            await using var cmd = new SqlCommand("SELECT OBJECT_ID(@name, 'U')", conn);
            cmd.Parameters.AddWithValue("@name", SqlServerNames.Quote(t));
            if (await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false) is not DBNull and not null) return t;
        }
        return null;
    }

    private static string MasterOf(string connectionString) =>
        new SqlConnectionStringBuilder(SqlServerConnectionString.Parse(connectionString).ConnectionString) { InitialCatalog = "master" }.ConnectionString;
}
