using System.Text.Json;
using Npgsql;
using PluRelSql.TestSupport;

namespace PluRelSql.Cli.Tests;

/// <summary><c>plurel realism</c>: issue 15's measure, end to end against the embedded cluster.</summary>
[Collection(ClusterCollection.Name)]
public sealed class RealismTests(ClusterFixture pg)
{
    /// <summary>The six corpus data sets that ship with real data.</summary>
    public static TheoryData<string> DataSets => new()
    {
        "postgres/chinook.sql", "postgres/northwind.sql", "wild/pg-neon-periodic-table.sql",
        "wild/pg-neon-happiness-index.sql", "wild/pg-neon-titanic.sql", "wild/pg-iso-3166.sql",
    };

    /// <summary>Issue 15's goal: ≥ 80 % plausible columns and table-size Spearman ≥ 0.8 (n/a passes) on every data set.
    /// Not met on every set (see docs/generator.md, "How realistic"): `make test` leaves the RealismGoal trait out,
    /// and the ratchet below keeps what is reached.</summary>
    [CorpusTheory("postgres/chinook.sql", "postgres/northwind.sql", "wild/pg-neon-periodic-table.sql",
        "wild/pg-neon-happiness-index.sql", "wild/pg-neon-titanic.sql", "wild/pg-iso-3166.sql")]
    [MemberData(nameof(DataSets))]
    [Trait("Category", "RealismGoal")]
    public async Task Generated_data_is_plausible_next_to_the_real_data(string dataSet)
    {
        var (share, spearman, report) = await MeasureDataSetAsync(dataSet, "goal_");
        // The text report carries every implausible column and its reason: the message says what to fix.
        Assert.True(share >= 0.8, $"{dataSet}: {share:P0} plausible, goal 80 %\n{report}");
        Assert.True(spearman is null || spearman >= 0.8, $"{dataSet}: table-size Spearman {spearman}, goal 0.8\n{report}");
    }

    /// <summary>The ratchet: what the generator reached on each data set (plausible share, table-size Spearman where
    /// there are ≥ 3 tables), a little below the measured level so that seed-level noise of a column near a threshold
    /// does not fail it, while a real regression (a kind losing its shape, sizes losing their order) does.</summary>
    [CorpusTheory("postgres/chinook.sql", "postgres/northwind.sql", "wild/pg-neon-periodic-table.sql",
        "wild/pg-neon-happiness-index.sql", "wild/pg-neon-titanic.sql", "wild/pg-iso-3166.sql")]
    [InlineData("postgres/chinook.sql", 0.70, 0.8)]
    [InlineData("postgres/northwind.sql", 0.80, 0.5)]
    [InlineData("wild/pg-neon-periodic-table.sql", 0.50, null)]
    [InlineData("wild/pg-neon-happiness-index.sql", 0.12, null)]
    [InlineData("wild/pg-neon-titanic.sql", 0.50, null)]
    [InlineData("wild/pg-iso-3166.sql", 1.0, null)]
    public async Task Generated_data_keeps_the_plausibility_it_reached(string dataSet, double minShare, double? minSpearman)
    {
        var (share, spearman, report) = await MeasureDataSetAsync(dataSet, "floor_");
        Assert.True(share >= minShare - 1e-9, $"{dataSet}: {share:P0} plausible, reached {minShare:P0} before\n{report}");
        if (minSpearman is { } s) Assert.True(spearman >= s, $"{dataSet}: table-size Spearman {spearman}, reached {s} before\n{report}");
    }

    private async Task<(double Share, double? Spearman, string Report)> MeasureDataSetAsync(string dataSet, string prefix)
    {
        var name = prefix + Path.GetFileNameWithoutExtension(dataSet).Replace('-', '_');
        var (real, generated) = await LoadRealAsync(name, Repo.Corpus(dataSet));
        var rows = await LargestTableAsync(real);
        var populate = Cli.Plurel("populate", "--db", pg.Url("postgres"), "--database", generated, "--recreate",
            "--schema", Repo.Corpus(dataSet), "--rows", rows.ToString(System.Globalization.CultureInfo.InvariantCulture), "--seed", "42");
        Assert.True(populate.ExitCode == 0, populate.ToString());

        var r = Cli.Plurel("realism", "--real", pg.Url(real), "--generated", pg.Url(generated));
        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = Measure(real, generated);
        var root = doc.RootElement;
        var spearman = root.GetProperty("spearman");
        return (root.GetProperty("plausibleShare").GetDouble(),
            spearman.ValueKind == JsonValueKind.Null ? null : spearman.GetDouble(), r.StdOut);
    }

    /// <summary>The meter against itself: the real data measured as if generated is plausible everywhere it scores,
    /// and table sizes rank identically; a generated database of the wrong shape is not.</summary>
    [CorpusFact("postgres/chinook.sql")]
    public async Task Real_data_measured_against_itself_is_fully_plausible_and_generated_data_is_not()
    {
        var file = Repo.Corpus("postgres/chinook.sql");
        var (real, twin) = await LoadRealAsync("self_chinook", file);
        var load = Cli.Plurel("realism", "--real", pg.Url(twin), "--generated", pg.Url(real), "--load-real", file);
        Assert.True(load.ExitCode == 0, load.ToString());

        using (var doc = Measure(real, twin))
        {
            var root = doc.RootElement;
            Assert.True(root.GetProperty("scored").GetInt32() >= 20, root.ToString());
            Assert.Equal(root.GetProperty("scored").GetInt32(), root.GetProperty("plausible").GetInt32());
            Assert.Equal(1.0, root.GetProperty("spearman").GetDouble(), 9);
            Assert.Equal(11, root.GetProperty("tables").GetArrayLength());
            var columns = root.GetProperty("columns").EnumerateArray().ToList();
            // Keys are not scored; low-cardinality columns the schema cannot know are skipped with the reason.
            Assert.DoesNotContain(columns, c => c.GetProperty("column").GetString() is "customer_id" or "invoice_id" or "track_id");
            var country = columns.Single(c => c.GetProperty("table").GetString() == "customer" && c.GetProperty("column").GetString() == "country");
            Assert.Equal("skipped", country.GetProperty("test").GetString());
            Assert.Equal("low cardinality, values not in the schema", country.GetProperty("reason").GetString());
            var email = columns.Single(c => c.GetProperty("table").GetString() == "customer" && c.GetProperty("column").GetString() == "email");
            Assert.Equal("shape", email.GetProperty("test").GetString());
            Assert.Equal("email", email.GetProperty("kind").GetString());
            var date = columns.Single(c => c.GetProperty("column").GetString() == "invoice_date");
            Assert.Equal("range", date.GetProperty("test").GetString());
        }

        // Shift every invoice 30 years and turn every email into digits: those two columns, and only those, fail;
        // a column the generated database lacks is skipped, saying so.
        await pg.Execute(twin, "UPDATE invoice SET invoice_date = invoice_date + interval '30 years'; UPDATE customer SET email = '12345'; " +
                               "ALTER TABLE customer DROP COLUMN fax");
        using (var doc = Measure(real, twin))
        {
            var columns = doc.RootElement.GetProperty("columns").EnumerateArray().ToList();
            var bad = columns
                .Where(c => c.GetProperty("plausible").ValueKind == JsonValueKind.False)
                .Select(c => c.GetProperty("table").GetString() + "." + c.GetProperty("column").GetString()).Order().ToList();
            Assert.Equal(["customer.email", "invoice.invoice_date"], bad);
            var fax = columns.Single(c => c.GetProperty("table").GetString() == "customer" && c.GetProperty("column").GetString() == "fax");
            Assert.Equal("missing from the generated database", fax.GetProperty("reason").GetString());
            Assert.Equal(JsonValueKind.Null, fax.GetProperty("plausible").ValueKind);
        }
        var text = Cli.Plurel("realism", "--real", pg.Url(real), "--generated", pg.Url(twin));
        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains("BAD  invoice.invoice_date", text.StdOut);
        Assert.Matches(@"plausible \d+/\d+ \(\d+ %\)", text.StdOut);
        Assert.Contains("table-size Spearman 1.00 over 11 tables", text.StdOut);
    }

    [Fact]
    public void A_missing_real_data_file_is_bad_input_and_a_missing_database_a_database_error()
    {
        var missing = Cli.Plurel("realism", "--real", pg.Url("realism_nofile"), "--generated", pg.Url("postgres"),
            "--load-real", "/nonexistent/data.sql");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("--load-real /nonexistent/data.sql: no such file", missing.StdErr);

        var nodb = Cli.Plurel("realism", "--real", pg.Url("realism_no_such_db"), "--generated", pg.Url("postgres"));
        Assert.Equal(3, nodb.ExitCode);
        Assert.Contains("realism_no_such_db", nodb.StdErr);
    }

    private JsonDocument Measure(string real, string generated)
    {
        var r = Cli.Plurel("realism", "--real", pg.Url(real), "--generated", pg.Url(generated), "--format", "json");
        Assert.True(r.ExitCode == 0, r.ToString());
        return JsonDocument.Parse(r.StdOut);
    }

    // Loads the file with its data into <name>_real through the CLI (which recreates it); <name>_gen starts empty.
    private async Task<(string Real, string Generated)> LoadRealAsync(string name, string file)
    {
        string real = name + "_real", generated = name + "_gen";
        await pg.RecreateDatabase(generated);
        var load = Cli.Plurel("realism", "--real", pg.Url(real), "--generated", pg.Url(generated), "--load-real", file);
        Assert.True(load.ExitCode == 0, load.ToString());
        return (real, generated);
    }

    private async Task<long> LargestTableAsync(string database)
    {
        await using var conn = new NpgsqlConnection(pg.ConnectionString(database));
        await conn.OpenAsync();
        var graph = await PluRelSql.Storage.Postgres.PgIntrospector.ReadAsync(conn, null, default);
        long max = 0;
        foreach (var t in graph.LoadableTables)
            max = Math.Max(max, await pg.Scalar<long>(database, $"SELECT count(*) FROM {t.Name.ToSql()}"));
        return max;
    }
}
