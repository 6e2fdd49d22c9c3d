using PluRelSql.Workflows;

namespace PluRelSql.Cli;

/// <summary>The CLI's words for the settings a workflow's refusal names: its flags.</summary>
public static class SettingFlags
{
    public static string Flag(Setting setting) => setting switch
    {
        Setting.Rows => "--rows",
        Setting.FitRows => "--fit-rows",
        Setting.Scale => "--scale",
        Setting.Sizing => "--sizing",
        Setting.MaxRows => "--max-rows",
        Setting.Create => "--create",
        Setting.Recreate => "--recreate",
        Setting.Truncate => "--truncate",
        Setting.ConnectionString => "--db",
        Setting.Database => "--database",
        Setting.Databases => "--dbs",
        Setting.Tokens => "--tokens",
        Setting.EvalDatabases => "--eval-dbs",
        Setting.Steps => "--steps",
        Setting.Context => "--context",
        Setting.TokensPerBatch => "--tokens-per-batch",
        Setting.EvalContexts => "--eval-contexts",
        Setting.CheckpointEvery => "--checkpoint-every",
        Setting.Bootstrap => "--bootstrap",
        Setting.LearningRate => "--lr",
        Setting.Out => "--out",
        Setting.TimeRange => "--time-range",
        Setting.Locale => "--locale",
        Setting.Like => "--like",
        Setting.AnalyzeSource => "--analyze-source",
        _ => throw new ArgumentOutOfRangeException(nameof(setting), setting, "a setting without a flag"),
    };

    /// <summary>The refusal as the CLI prints it: every setting named by its flag.</summary>
    public static string Message(UsageException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.Render(Flag);
    }
}
