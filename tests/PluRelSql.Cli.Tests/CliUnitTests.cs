using PluRelSql.Cli.Commands;
using PluRelSql.Storage.Postgres;
using PluRelSql.Workflows;

namespace PluRelSql.Cli.Tests;

public sealed class CliUnitTests
{
    [Fact]
    public void Rows_accepts_a_default_and_per_table_counts()
    {
        var o = PopulateCommand.ParseRows(["500", "public.film=20", "actor=1,000"]);
        Assert.Equal(500, o.DefaultRows);
        Assert.Equal(20, o.TableRows["PUBLIC.FILM"]);
        Assert.Equal(1000, o.TableRows["actor"]);
        Assert.Throws<UsageException>(() => PopulateCommand.ParseRows(["x=-1"]));
        Assert.Throws<UsageException>(() => PopulateCommand.ParseRows(["many"]));
    }

    [Fact]
    public void Time_range_defaults_to_a_fixed_span_and_bad_ranges_are_usage_errors()
    {
        Assert.Equal(PluRelSql.Generation.TimeRange.Default, PopulateCommand.ParseTimeRange(null));
        var r = PopulateCommand.ParseTimeRange("2019-06-01..2019-06-30");
        Assert.Equal((new DateOnly(2019, 6, 1), new DateOnly(2019, 6, 30)), (r.From, r.To));
        foreach (var bad in new[] { "2020-01-01..2019-01-01", "2020", "2020-02-30..2021-01-01", "..2021-01-01" })
        {
            var e = Assert.Throws<UsageException>(() => PopulateCommand.ParseTimeRange(bad));
            Assert.StartsWith("--time-range ", SettingFlags.Message(e), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("../shared/corpus/postgres/pagila-schema.sql", "pagila_schema")]
    [InlineData("/tmp/1st.sql", "db_1st")]
    [InlineData("Shop.SQL", "shop")]
    public void Default_database_is_named_after_the_schema_file(string path, string expected) =>
        Assert.Equal(expected, PopulateCommand.DefaultDatabaseName(path));

    [Fact]
    public void Connection_strings_in_every_accepted_form()
    {
        string? NoEnv(string _) => null;
        var uri = PgConnectionString.Parse("postgresql://bob:s%40cret@db.example:6543/sales?sslmode=require&application_name=x", NoEnv);
        Assert.Equal(("db.example", 6543, "sales", "bob", "s@cret"), (uri.Host, uri.Port, uri.Database, uri.Username, uri.Password));
        Assert.Equal("x", uri.ApplicationName);
        var kw = PgConnectionString.Parse("host=h port=7 dbname='my db' user=u", NoEnv);
        Assert.Equal(("h", 7, "my db", "u"), (kw.Host, kw.Port, kw.Database, kw.Username));
        var npg = PgConnectionString.Parse("Host=h2;Database=d2;Username=u2", NoEnv);
        Assert.Equal(("h2", "d2", "u2"), (npg.Host, npg.Database, npg.Username));
        var env = new Dictionary<string, string> { ["PGHOST"] = "envhost", ["PGPORT"] = "6000", ["PGUSER"] = "envuser", ["PGDATABASE"] = "envdb" };
        var fromEnv = PgConnectionString.Parse("postgresql://", k => env.GetValueOrDefault(k));
        Assert.Equal(("envhost", 6000, "envdb", "envuser"), (fromEnv.Host, fromEnv.Port, fromEnv.Database, fromEnv.Username));
        Assert.Throws<FormatException>(() => PgConnectionString.Parse("postgresql://h:notaport/x", NoEnv));
        Assert.Throws<FormatException>(() => PgConnectionString.Parse("host=h sslmode=sometimes", NoEnv));
    }
}
