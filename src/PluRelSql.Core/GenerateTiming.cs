namespace PluRelSql.Core;

/// <summary>Thread-seconds inside the generator (summed over workers) and seconds the writer waited for the next batch.</summary>
public sealed class GenerateTiming
{
    private long _generateTicks;
    private long _waitTicks;

    public void AddGenerate(TimeSpan t) => Interlocked.Add(ref _generateTicks, t.Ticks);

    public void AddWait(TimeSpan t) => Interlocked.Add(ref _waitTicks, t.Ticks);

    public double GenerateSeconds => TimeSpan.FromTicks(Interlocked.Read(ref _generateTicks)).TotalSeconds;

    public double WaitSeconds => TimeSpan.FromTicks(Interlocked.Read(ref _waitTicks)).TotalSeconds;
}
