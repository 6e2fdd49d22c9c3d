using Microsoft.Data.SqlClient;

namespace PluRelSql.TestSupport;

/// <summary>A test that needs a live SQL Server: it runs only when <c>PLUREL_MSSQL</c> holds a SqlClient connection
/// string (e.g. the docker/compose.yml service: <c>Server=localhost,1433;User Id=sa;Password=…;TrustServerCertificate=true</c>),
/// and is reported as skipped, with that reason, when it does not.</summary>
public sealed class MssqlFactAttribute : FactAttribute
{
    public MssqlFactAttribute()
    {
        if (string.IsNullOrWhiteSpace(SqlServerTarget.ConnectionString))
            Skip = $"needs a live SQL Server: set {SqlServerTarget.Variable} to a SqlClient connection string (docker compose -f docker/compose.yml up -d sqlserver)";
    }
}

/// <summary>A theory that needs a live SQL Server, skipped with the same reason as <see cref="MssqlFactAttribute"/>.</summary>
public sealed class MssqlTheoryAttribute : TheoryAttribute
{
    public MssqlTheoryAttribute()
    {
        if (string.IsNullOrWhiteSpace(SqlServerTarget.ConnectionString))
            Skip = $"needs a live SQL Server: set {SqlServerTarget.Variable} to a SqlClient connection string (docker compose -f docker/compose.yml up -d sqlserver)";
    }
}

/// <summary>The server named by <c>PLUREL_MSSQL</c>: scratch databases, scalars and statements for assertions.</summary>
public static class SqlServerTarget
{
    public const string Variable = "PLUREL_MSSQL";

    public static string? ConnectionString => Environment.GetEnvironmentVariable(Variable);

    /// <summary>The connection string for database <paramref name="database"/> on that server.</summary>
    public static string For(string database) =>
        new SqlConnectionStringBuilder(ConnectionString) { InitialCatalog = database, Pooling = false }.ConnectionString;

    /// <summary>Drops and creates <paramref name="database"/> (named per test and process, so runs cannot collide).</summary>
    public static async Task<string> RecreateAsync(string database)
    {
        await ExecAsync("master", $"""
            IF DB_ID(N'{database}') IS NOT NULL
            BEGIN
                ALTER DATABASE [{database}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE;
                DROP DATABASE [{database}];
            END
            CREATE DATABASE [{database}];
            """);
        return For(database);
    }

    public static async Task DropAsync(string database) => await ExecAsync("master", $"""
        IF DB_ID(N'{database}') IS NOT NULL
        BEGIN
            ALTER DATABASE [{database}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE;
            DROP DATABASE [{database}];
        END
        """);

    public static async Task ExecAsync(string database, string sql)
    {
        await using var conn = new SqlConnection(For(database));
        await conn.OpenAsync();
        await using var cmd = new SqlCommand(sql, conn) { CommandTimeout = 300 };
        await cmd.ExecuteNonQueryAsync();
    }

    public static async Task<T> ScalarAsync<T>(string database, string sql)
    {
        await using var conn = new SqlConnection(For(database));
        await conn.OpenAsync();
        await using var cmd = new SqlCommand(sql, conn) { CommandTimeout = 300 };
        var v = await cmd.ExecuteScalarAsync();
        return (T)Convert.ChangeType(v!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A database name unique to this test process.</summary>
    public static string Name(string prefix) => $"plurel_{prefix}_{Environment.ProcessId}";
}
