using Microsoft.Data.SqlClient;

namespace PluRelSql.Storage.SqlServer;

/// <summary>Checks a SqlClient connection string typed after <c>--db</c> and fills what a load needs.</summary>
public static class SqlServerConnectionString
{
    public static SqlConnectionStringBuilder Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        SqlConnectionStringBuilder b;
        try
        {
            b = new SqlConnectionStringBuilder(text.Trim());
        }
        catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException)
        {
            throw new FormatException($"not a SQL Server connection string: {e.Message}");
        }
        if (string.IsNullOrWhiteSpace(b.DataSource))
            throw new FormatException("the SQL Server connection string names no server (Server=host,1433 or Data Source=…)");
        if (string.IsNullOrEmpty(b.ApplicationName) || b.ApplicationName == new SqlConnectionStringBuilder().ApplicationName)
            b.ApplicationName = "plurel";
        return b;
    }

    /// <summary>Server and database for messages, never the password.</summary>
    public static string Describe(SqlConnectionStringBuilder b) =>
        $"{b.DataSource}/{(string.IsNullOrEmpty(b.InitialCatalog) ? "master" : b.InitialCatalog)} (SQL Server)";
}
