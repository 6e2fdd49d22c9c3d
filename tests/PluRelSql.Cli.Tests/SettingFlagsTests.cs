using System.CommandLine;
using PluRelSql.Cli.Commands;
using PluRelSql.Workflows;

namespace PluRelSql.Cli.Tests;

/// <summary>Workflows name settings; the CLI prints them as its flags, with the exact text it printed before.</summary>
public sealed class SettingFlagsTests
{
    [Fact]
    public void Every_setting_is_a_distinct_flag_that_a_command_takes()
    {
        var commands = new Command[]
        {
            PopulateCommand.Create(), SampleCommands.Sample(), SampleCommands.Corpus(), ModelCommands.Train(), ScalingCommand.Create(),
        };
        var options = commands.SelectMany(c => c.Options).SelectMany(o => o.Aliases.Append(o.Name)).ToHashSet(StringComparer.Ordinal);
        var flags = Enum.GetValues<Setting>().Select(SettingFlags.Flag).ToList();
        Assert.Equal(flags.Count, flags.Distinct(StringComparer.Ordinal).Count());
        Assert.All(flags, f => Assert.Contains(f, options));
    }

    [Fact]
    public void A_refusal_prints_with_flags_where_the_library_says_settings()
    {
        var e = UsageException.About($"name the database to fill: Database=… in {Setting.ConnectionString}, or {Setting.Database} NAME (not master)");
        Assert.Equal("name the database to fill: Database=… in ConnectionString, or Database NAME (not master)", e.Message);
        Assert.Equal("name the database to fill: Database=… in --db, or --database NAME (not master)", SettingFlags.Message(e));

        var scaled = Assert.Throws<UsageException>(() => SampleWorkflow.Scaled(
            PluRelSql.Generation.PluRel.SchemaSampler.Sample(7, new PluRelSql.Generation.PluRel.SamplerConfig { ForceTables = 3 }), 1e300, "s"));
        Assert.Matches(@"^\S+: [\d,]+ rows × --scale 1E\+300 = [\d.E+]+ rows, more than one PostgreSQL table can hold; lower --scale$",
            SettingFlags.Message(scaled));
        Assert.Equal("plain {0} text", SettingFlags.Message(new UsageException("plain {0} text")));
    }

    [Fact]
    public void Scaling_settings_refusals_print_as_before()
    {
        var s = Workflows.Scaling.ScalingSettings.Quick;
        string Refusal(Workflows.Scaling.ScalingSettings bad) => SettingFlags.Message(Assert.Throws<UsageException>(bad.Validate));
        Assert.Equal("--dbs: every N must be at least 1", Refusal(s with { Databases = [0, 1, 2] }));
        Assert.Equal("--eval-dbs must be at least 1", Refusal(s with { EvalDatabases = 0 }));
        Assert.Equal("--context must be at least 8 and --tokens-per-batch at least --context", Refusal(s with { Context = 4 }));
        Assert.Equal("--lr must be positive", Refusal(s with { LearningRate = 0 }));
        Assert.Equal("--bootstrap must be >= 0", Refusal(s with { Bootstrap = -1 }));
    }
}
