using PluRelSql.Storage.SqlServer;

namespace PluRelSql.Storage.Tests.SqlServer;

public sealed class ProviderDetectionTests
{
    [Theory]
    [InlineData("postgresql://u:p@h:5432/db", DatabaseProvider.Postgres)]
    [InlineData("postgres://h/db", DatabaseProvider.Postgres)]
    [InlineData("host=h port=5432 dbname='my db' user=u", DatabaseProvider.Postgres)]
    [InlineData("host=h", DatabaseProvider.Postgres)]
    [InlineData("Host=h;Database=d;Username=u", DatabaseProvider.Postgres)]
    [InlineData("Host=h;Port=5433;Database=d;Password=x", DatabaseProvider.Postgres)]
    [InlineData("Server=h;Port=5432;Database=d;User Id=postgres", DatabaseProvider.Postgres)] // Npgsql's Server synonym
    [InlineData("Server=h;Database=d;UID=sa;PWD=x", DatabaseProvider.SqlServer)]
    [InlineData("Server=localhost,1433;User Id=sa;Password=x;TrustServerCertificate=true;Database=shop", DatabaseProvider.SqlServer)]
    [InlineData("Data Source=tcp:db.example,1433;Initial Catalog=shop;Integrated Security=true", DatabaseProvider.SqlServer)]
    [InlineData("server=localhost", DatabaseProvider.SqlServer)]
    [InlineData("Address=db;Database=x;Encrypt=false", DatabaseProvider.SqlServer)]
    public void The_connection_string_says_which_server(string text, DatabaseProvider expected) =>
        Assert.Equal(expected, ProviderDetection.Detect(text));

    [Theory]
    [InlineData("Database=shop;Password=x")] // keys both drivers accept
    [InlineData("Host=h;Encrypt=true;Database=d")] // keys of both
    [InlineData("just-a-name")]
    [InlineData("")]
    public void Ambiguous_or_invalid_text_is_refused_with_a_hint(string text)
    {
        var e = Assert.Throws<ProviderDetectionException>(() => ProviderDetection.Detect(text));
        Assert.True(e.Message.Contains("state the provider", StringComparison.Ordinal) || e.Message.Contains("not a connection string", StringComparison.Ordinal),
            e.Message);
    }

    [Fact]
    public void An_explicit_provider_decides_what_the_text_leaves_open_and_may_not_contradict_it()
    {
        Assert.Equal(DatabaseProvider.SqlServer, ProviderDetection.Detect("Database=shop;Password=x", "sqlserver"));
        Assert.Equal(DatabaseProvider.Postgres, ProviderDetection.Detect("Database=shop;Password=x", "postgres"));
        Assert.Equal(DatabaseProvider.SqlServer, ProviderDetection.Detect("Server=s;Database=d", "mssql"));
        var clash = Assert.Throws<ProviderDetectionException>(() => ProviderDetection.Detect("postgresql://h/db", "sqlserver"));
        Assert.Contains("contradicts", clash.Message);
        Assert.Throws<FormatException>(() => ProviderDetection.Detect("Server=s", "oracle"));
    }

    [Fact]
    public void Jdbc_style_uris_are_refused()
    {
        var e = Assert.Throws<ProviderDetectionException>(() => ProviderDetection.Detect("sqlserver://h:1433;databaseName=x"));
        Assert.Contains("SqlClient keywords", e.Message);
    }

    [Fact]
    public void SqlClient_strings_must_name_a_server()
    {
        Assert.Equal("plurel", SqlServerConnectionString.Parse("Server=h;Database=d").ApplicationName);
        Assert.Equal("mine", SqlServerConnectionString.Parse("Server=h;Application Name=mine").ApplicationName);
        Assert.Throws<FormatException>(() => SqlServerConnectionString.Parse("Database=d"));
        Assert.DoesNotContain("secret", SqlServerConnectionString.Describe(SqlServerConnectionString.Parse("Server=h;Password=secret")));
    }
}
