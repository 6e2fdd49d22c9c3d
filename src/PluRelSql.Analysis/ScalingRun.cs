namespace PluRelSql.Analysis;

/// <summary>One training step's loss, for training curves.</summary>
public readonly record struct CurvePoint(int Step, double Loss);

/// <summary>One pretraining run of a scaling study: a point on the database axis, the token axis, or both.</summary>
public sealed record ScalingRun
{
    /// <summary>Folder name of the run under runs/ (e.g. n0008-s000400).</summary>
    public required string Id { get; init; }
    /// <summary>Synthetic databases trained on (N).</summary>
    public required int Databases { get; init; }
    /// <summary>Non-padding tokens trained on (S).</summary>
    public required long Tokens { get; init; }
    public required int Steps { get; init; }
    /// <summary>Mean training loss of the last steps (see <see cref="FinalWindow"/>): one batch alone is too noisy.</summary>
    public required double TrainLoss { get; init; }
    /// <summary>Mean masked-cell loss on the held-out databases (the loss the trainer optimizes).</summary>
    public required double HeldOutLoss { get; init; }
    /// <summary>Wall seconds of training and evaluation, summed over interrupted sessions.</summary>
    public required double Seconds { get; init; }
    public required bool InDatabaseSweep { get; init; }
    public required bool InTokenSweep { get; init; }
    /// <summary>Loss of every step, in order.</summary>
    public required IReadOnlyList<CurvePoint> Curve { get; init; }

    /// <summary>Steps averaged for <see cref="TrainLoss"/> (the same window `plurel train` prints).</summary>
    public const int FinalWindow = 20;

    public string Sweep => (InDatabaseSweep, InTokenSweep) switch
    {
        (true, true) => "dbs+tokens",
        (true, false) => "dbs",
        _ => "tokens",
    };
}
