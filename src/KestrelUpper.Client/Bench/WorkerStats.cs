using System.Diagnostics;

namespace KestrelUpper.Client.Bench;

/// <summary>
/// One connection's results. The receiving side writes them; the progress display reads the counters from
/// another thread, hence the interlocked access. The histogram is read only after the worker has finished.
/// </summary>
internal sealed class WorkerStats
{
    private long _messages;
    private long _errors;
    private long _mismatches;
    private long _lastReply;

    public LatencyHistogram Latency { get; } = new();

    public long Messages => Interlocked.Read(ref _messages);

    public long Errors => Interlocked.Read(ref _errors);

    public long Mismatches => Interlocked.Read(ref _mismatches);

    /// <summary>Timestamp of the last verified reply; 0 if none.</summary>
    public long LastReply => Interlocked.Read(ref _lastReply);

    public void Reply(long clockStart, bool matches)
    {
        long now = Stopwatch.GetTimestamp();
        Latency.Record((now - clockStart) * 1_000_000 / Stopwatch.Frequency);
        Interlocked.Increment(ref _messages);
        if (!matches)
        {
            Interlocked.Increment(ref _mismatches);
        }

        Interlocked.Exchange(ref _lastReply, now);
    }

    public void Error(long count = 1) => Interlocked.Add(ref _errors, count);

    public void Mismatch() => Interlocked.Increment(ref _mismatches);
}
