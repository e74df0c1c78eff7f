namespace KestrelUpper.Udp;

/// <summary>
/// Lets one log event through per interval and counts the ones it holds back, so a flood of bad datagrams
/// is one line every few seconds with a count, not one line per datagram.
/// </summary>
internal sealed class LogThrottle(TimeProvider time, TimeSpan interval)
{
    private long _nextAllowed = long.MinValue;
    private long _suppressed;

    /// <summary>True when this event may be logged; <paramref name="suppressed"/> is how many were held back before it.</summary>
    public bool TryEnter(out long suppressed)
    {
        long now = time.GetTimestamp();
        long next = Volatile.Read(ref _nextAllowed);
        if (now >= next && Interlocked.CompareExchange(ref _nextAllowed, now + (long)(interval.TotalSeconds * time.TimestampFrequency), next) == next)
        {
            suppressed = Interlocked.Exchange(ref _suppressed, 0);
            return true;
        }

        Interlocked.Increment(ref _suppressed);
        suppressed = 0;
        return false;
    }
}
