using KestrelUpper.Telemetry;
using KestrelUpper.Text;

namespace KestrelUpper.Tcp;

/// <summary>
/// One connection's byte counts and last activity, feeding the shared <see cref="UpperCounters"/> as it goes
/// so <c>/status</c> and <c>/metrics</c> are live while a long stream runs.
/// </summary>
internal sealed class TcpConnectionStats(UpperCounters counters, TimeProvider time)
{
    private long _lastActivity = time.GetTimestamp();
    private long _invalidReported;

    public long BytesReceived { get; private set; }

    public long BytesSent { get; private set; }

    public long InvalidBytes => _invalidReported;

    /// <summary>Timestamp (<see cref="TimeProvider.GetTimestamp"/>) of the last byte moved either way.</summary>
    public long LastActivity => Volatile.Read(ref _lastActivity);

    public void Received(long bytes)
    {
        if (bytes > 0)
        {
            BytesReceived += bytes;
            counters.TcpReceived(bytes);
            Touch();
        }
    }

    public void Sent(long bytes)
    {
        if (bytes > 0)
        {
            BytesSent += bytes;
            counters.TcpSent(bytes);
        }
    }

    public void Touch() => Volatile.Write(ref _lastActivity, time.GetTimestamp());

    /// <summary>Publishes invalid bytes the transform has counted since the last call.</summary>
    public void AddInvalidBytes(ref Utf8UpperState state)
    {
        long delta = state.InvalidBytes - _invalidReported;
        if (delta > 0)
        {
            _invalidReported = state.InvalidBytes;
            counters.TcpInvalid(delta);
        }
    }
}
