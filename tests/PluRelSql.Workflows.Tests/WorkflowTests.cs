using System.Text.RegularExpressions;
using PluRelSql.Generation.PluRel;
using PluRelSql.Schema;
using PluRelSql.Storage;
using PluRelSql.Storage.Postgres;
using PluRelSql.Training;

namespace PluRelSql.Workflows.Tests;

public sealed class WorkflowTests
{
    [Theory]
    [InlineData("plurel_0000[0-3]", "plurel_00002", true)]
    [InlineData("plurel_0000[0-3]", "plurel_00004", false)]
    [InlineData("pub*", "public", true)]
    [InlineData("a?c", "abc", true)]
    [InlineData("[!x]y", "xy", false)]
    [InlineData("a.b", "axb", false)]
    public void Schema_globs_match_as_in_a_shell(string glob, string name, bool matches) =>
        Assert.Equal(matches, Regex.IsMatch(name, "^" + Snapshots.GlobToRegex(glob) + "$"));

    [Fact]
    public void Corpus_schemas_are_numbered_with_five_digits()
    {
        Assert.Equal("plurel_00000", CorpusWorkflow.CorpusSchema(0));
        Assert.Equal("plurel_01234", CorpusWorkflow.CorpusSchema(1234));
    }

    [Fact]
    public void Scaling_a_sampled_schema_multiplies_every_table_and_refuses_what_no_table_holds()
    {
        var sampled = SchemaSampler.Sample(7, new SamplerConfig { ForceTables = 3 });
        var half = SampleWorkflow.Scaled(sampled, 0.5, "s");
        Assert.Equal("s", half.Schema);
        Assert.Equal(sampled.Tables.Select(t => Math.Max(1, (long)Math.Round(t.Rows * 0.5))), half.Tables.Select(t => t.Rows));
        var e = Assert.Throws<UsageException>(() => SampleWorkflow.Scaled(sampled, 1e300, "s"));
        Assert.Contains("more than one PostgreSQL table can hold", e.Message, StringComparison.Ordinal);
        Assert.Throws<UsageException>(() => SampleWorkflow.Scaled(sampled, double.NaN, "s"));
    }

    [Fact]
    public void An_endpoint_uses_the_target_of_its_provider()
    {
        var pg = new DatabaseEndpoint(DatabaseTargets.For(DatabaseProvider.Postgres), "Host=h;Database=d", "d", "h:5432/d");
        Assert.IsType<PostgresDatabaseTarget>(pg.Server);
        Assert.Equal(SqlDialect.PostgreSql, pg.Server.Dialect);
        Assert.Equal(SqlDialect.TSql, DatabaseTargets.For(DatabaseProvider.SqlServer).Dialect);
        Assert.Null(pg.Server.TableRowLimit(PostgresDatabaseTarget.MaxTableRows));
        Assert.NotNull(pg.Server.TableRowLimit(PostgresDatabaseTarget.MaxTableRows + 1));
        Assert.Null(DatabaseTargets.SqlServer.TableRowLimit(long.MaxValue));
    }

    [Fact]
    public void A_trainer_with_bad_settings_is_bad_input_and_leaves_no_checkpoint()
    {
        var dir = Path.Combine(Path.GetTempPath(), "plurel-wf-" + Guid.NewGuid().ToString("N"));
        var e = Assert.Throws<UsageException>(() => TrainerSetup.Open(dir, "cpu",
            () => (new RtConfig { DModel = 64, Layers = 2, Heads = 3, MaxTokens = 32 }, new TrainerOptions { TotalSteps = 10 })));
        Assert.False(string.IsNullOrEmpty(e.Message));
        Assert.False(Directory.Exists(dir));
    }
}
