namespace KestrelUpper.Fuzz.Udp;

/// <summary>A clock the input moves: the rate limiter sees exactly the time between datagrams the fuzzer chose.</summary>
internal sealed class SteppedTimeProvider : TimeProvider
{
    private long _ticks = TimeSpan.TicksPerDay;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => _ticks;

    public void Advance(TimeSpan by) => _ticks += by.Ticks;
}
