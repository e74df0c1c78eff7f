using System.Diagnostics;

namespace KestrelUpper.Client.Lines;

/// <summary>
/// Notices a server that owes replies and has gone quiet for longer than the timeout. Idle time with nothing
/// outstanding never counts: a pipe may pause between lines as long as it likes.
/// </summary>
internal sealed class ReplyWatchdog
{
    private readonly long _timeoutTicks;
    private long _sent;
    private long _received;
    private long _lastActivity = Stopwatch.GetTimestamp();

    public ReplyWatchdog(TimeSpan timeout) => _timeoutTicks = (long)(timeout.TotalSeconds * Stopwatch.Frequency);

    public long Sent => Volatile.Read(ref _sent);

    public long Received => Volatile.Read(ref _received);

    public void OnSending()
    {
        Touch();
        Interlocked.Increment(ref _sent);
    }

    public void OnReply()
    {
        Touch();
        Interlocked.Increment(ref _received);
    }

    public void Touch() => Volatile.Write(ref _lastActivity, Stopwatch.GetTimestamp());

    /// <summary>Completes when a reply is overdue; runs until then or until cancelled.</summary>
    public async Task WaitForStallAsync(CancellationToken cancellationToken)
    {
        TimeSpan period = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            await Task.Delay(period, cancellationToken).ConfigureAwait(false);
            bool owed = Volatile.Read(ref _sent) > Volatile.Read(ref _received);
            if (owed && Stopwatch.GetTimestamp() - Volatile.Read(ref _lastActivity) > _timeoutTicks)
            {
                return;
            }
        }
    }
}
