using System.Globalization;

namespace PluRelSql.Workflows;

/// <summary>Options that make no sense together, bad values: exit code 2. A refusal made with <see cref="About(FormattableString)"/>
/// names the settings to change as <see cref="Setting"/>s: <see cref="Exception.Message"/> says them in the library's
/// words (the setting's name), and a front end says them in its own (<see cref="Render"/>, e.g. the CLI's flags).</summary>
public sealed class UsageException : Exception
{
    private readonly string? _format;
    private readonly object?[] _args = [];
    private readonly IFormatProvider? _provider;

    public UsageException(string message) : base(message) { }

    private UsageException(IFormatProvider? provider, string format, object?[] args)
        : base(string.Format(provider, format, Named(args, s => s.ToString())))
    {
        _provider = provider;
        _format = format;
        _args = args;
    }

    /// <summary>A refusal whose <see cref="Setting"/> arguments name the settings to change, formatted in the current culture.</summary>
    public static UsageException About(FormattableString text) => About(CultureInfo.CurrentCulture, text);

    /// <summary>As <see cref="About(FormattableString)"/>, formatted with <paramref name="provider"/>.</summary>
    public static UsageException About(IFormatProvider? provider, FormattableString text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new UsageException(provider, text.Format, text.GetArguments());
    }

    /// <summary>The settings the message names, in order.</summary>
    public IReadOnlyList<Setting> Settings => _args.OfType<Setting>().ToList();

    /// <summary>The message with every setting named by <paramref name="name"/>.</summary>
    public string Render(Func<Setting, string> name) =>
        _format is null ? Message : string.Format(_provider, _format, Named(_args, name));

    private static object?[] Named(object?[] args, Func<Setting, string> name) =>
        args.Select(a => a is Setting s ? name(s) : a).ToArray();
}

/// <summary>A setting of a workflow that a refusal tells the caller to change.</summary>
public enum Setting
{
    /// <summary>Row counts, per table or for all (<see cref="PluRelSql.Generation.GenerationOptions"/>).</summary>
    Rows,
    /// <summary>Lowering row counts a key cannot number to what it can.</summary>
    FitRows,
    /// <summary>The factor every row count is multiplied by.</summary>
    Scale,
    /// <summary>Row counts by role or the same for every table (<see cref="PluRelSql.Generation.RowSizing"/>).</summary>
    Sizing,
    /// <summary>The most rows one run may plan.</summary>
    MaxRows,
    /// <summary>Creating the schema's objects (<see cref="PopulateOptions.Create"/>).</summary>
    Create,
    /// <summary>Dropping and creating the database (<see cref="PopulateOptions.Recreate"/>).</summary>
    Recreate,
    /// <summary>Emptying the tables before the load (<see cref="PopulateOptions.Truncate"/>).</summary>
    Truncate,
    /// <summary>How to reach the server (<see cref="DatabaseEndpoint.ConnectionString"/>).</summary>
    ConnectionString,
    /// <summary>The target database's name (<see cref="DatabaseEndpoint.Database"/>).</summary>
    Database,
    /// <summary>The scaling study's database axis.</summary>
    Databases,
    /// <summary>The scaling study's token budgets.</summary>
    Tokens,
    EvalDatabases,
    Steps,
    Context,
    TokensPerBatch,
    EvalContexts,
    CheckpointEvery,
    Bootstrap,
    LearningRate,
    /// <summary>The folder a study or model is written to.</summary>
    Out,
    /// <summary>The span generated dates and timestamps fall in (<see cref="PluRelSql.Generation.GenerationOptions.TimeRange"/>).</summary>
    TimeRange,
    /// <summary>The locale of generated names, addresses and words (<see cref="PluRelSql.Generation.GenerationOptions.Locale"/>).</summary>
    Locale,
    /// <summary>The source whose statistics a twin follows (<see cref="LikeSource"/>).</summary>
    Like,
    /// <summary>Running ANALYZE on that source first.</summary>
    AnalyzeSource,
}
