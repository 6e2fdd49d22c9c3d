using PluRelSql.Tokenization;
using PluRelSql.Training;

namespace PluRelSql.Workflows;

/// <summary>Opening a trainer and its context samplers, shared by <c>plurel train</c>, <c>eval</c> and the scaling study.</summary>
public static class TrainerSetup
{
    /// <summary>The trainer of checkpoint folder <paramref name="dir"/>: resumed when it holds a checkpoint (on
    /// <paramref name="device"/>), else made from <paramref name="fresh"/>. Bad settings are a <see cref="UsageException"/>;
    /// an unusable device a <see cref="DeviceUnavailableException"/>, checked before anything is read.</summary>
    public static (Trainer Trainer, bool Resumed) Open(string dir, string device, Func<(RtConfig Model, TrainerOptions Options)> fresh)
    {
        Trainer.ResolveDevice(device);
        if (File.Exists(Path.Combine(dir, Trainer.ConfigFile))) return (Trainer.Resume(dir, device), true);
        var (config, options) = fresh();
        try
        {
            config.Validate();
            options.Validate();
        }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        return (Trainer.Create(config, options), false);
    }

    /// <summary>One context sampler per database, sized to the model's context.</summary>
    public static List<ContextSampler> Samplers(IEnumerable<RelationalSnapshot> snapshots, RtConfig config) =>
        snapshots.Select(s => new ContextSampler(s, new SamplerOptions { ContextCells = config.MaxTokens, MaxBfsWidth = 16 })).ToList();
}
