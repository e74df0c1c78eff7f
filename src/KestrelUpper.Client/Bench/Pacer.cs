using System.Diagnostics;

namespace KestrelUpper.Client.Bench;

/// <summary>
/// Open-loop schedule for one connection: message k is due at start + k/rate whatever the replies do. The
/// latency clock starts at the due time when the sender is late, so a stalled server shows up in the
/// percentiles instead of silently slowing the load (coordinated omission).
/// </summary>
internal sealed class Pacer
{
    private static readonly long OneMillisecond = Stopwatch.Frequency / 1000;

    private readonly double _intervalTicks;
    private readonly long _start;
    private long _sent;
    private long _wokeAt;

    /// <param name="ratePerSecond">Messages per second for this connection; 0 sends as fast as replies allow.</param>
    /// <param name="start">Timestamp of the first message.</param>
    public Pacer(double ratePerSecond, long start)
    {
        _intervalTicks = ratePerSecond > 0 ? Stopwatch.Frequency / ratePerSecond : 0;
        _start = start;
    }

    public bool IsPaced => _intervalTicks > 0;

    /// <summary>Waits until the next message is due and returns its due timestamp (now, when unpaced).</summary>
    public async ValueTask<long> NextAsync(CancellationToken cancellationToken)
    {
        if (!IsPaced)
        {
            return Stopwatch.GetTimestamp();
        }

        long due = _start + (long)(_sent++ * _intervalTicks);
        long wait = due - Stopwatch.GetTimestamp();
        // Timers are about a millisecond coarse: sleep only for longer waits and send the rest a little early.
        if (wait > OneMillisecond)
        {
            await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), cancellationToken).ConfigureAwait(false);
            _wokeAt = Stopwatch.GetTimestamp();
        }

        // A timer that wakes us late is our own slowness, not the server's: messages that fell due while we
        // overslept start their clock at the wake-up. Lateness after that (no free slot, a blocked send) counts.
        return Math.Max(due, _wokeAt);
    }

    /// <summary>
    /// When the latency clock of a message due at <paramref name="due"/> and sent now starts: unpaced, at the send;
    /// paced, at the due time if late (the wait is the server's doing) or at the send if a little early.
    /// </summary>
    public long ClockStart(long due) => IsPaced ? Math.Min(due, Stopwatch.GetTimestamp()) : Stopwatch.GetTimestamp();
}
