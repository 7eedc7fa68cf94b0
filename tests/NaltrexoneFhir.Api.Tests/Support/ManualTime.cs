namespace NaltrexoneFhir.Testing;

/// <summary>A clock whose elapsed time moves only when a test says so (timers stay real).</summary>
public sealed class ManualTime : TimeProvider
{
    private long _ticks;
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    public override long GetTimestamp() => Interlocked.Read(ref _ticks);
    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
