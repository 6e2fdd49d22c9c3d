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

    /// <summary>The fine-tuning trainer writing to <paramref name="dir"/>: resumed when that folder holds a checkpoint
    /// (which must have been fine-tuned from <paramref name="pretrained"/>), else the pretrained model with a fresh optimizer
    /// and <paramref name="options"/>' schedule.</summary>
    public static (Trainer Trainer, bool Resumed) OpenFineTune(string dir, string pretrained, string device, TrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Trainer.ResolveDevice(device);
        try
        {
            options.Validate();
        }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        var origin = Trainer.ReadCheckpointInfo(pretrained);
        if (File.Exists(Path.Combine(dir, Trainer.ConfigFile)))
        {
            var info = Trainer.ReadCheckpointInfo(dir);
            var expected = $"{Path.GetFullPath(pretrained)}@{origin.Step}";
            if (info.FineTunedFrom != expected)
                throw UsageException.About($"{dir} holds a checkpoint that was not fine-tuned from {expected} (it says {info.FineTunedFrom ?? "trained from scratch"}): use another {Setting.Out}");
            return (Trainer.Resume(dir, device), true);
        }
        return (Trainer.FineTune(pretrained, options), false);
    }

    /// <summary>One context sampler per database, sized to the model's context, drawing the targets <paramref name="targets"/>
    /// selects under <paramref name="heldOut"/> (needed unless <paramref name="targets"/> is <see cref="TargetFilter.All"/>).</summary>
    public static List<ContextSampler> Samplers(IEnumerable<RelationalSnapshot> snapshots, RtConfig config,
        TargetFilter targets = TargetFilter.All, HeldOutRule? heldOut = null) =>
        snapshots.Select(s => new ContextSampler(s, new SamplerOptions
        {
            ContextCells = config.MaxTokens, MaxBfsWidth = 16, Targets = targets, HeldOut = targets == TargetFilter.All ? null : heldOut,
        })).ToList();
}
