namespace KestrelUpper.Telemetry;

/// <summary>
/// The service's own running totals: plain <see cref="Interlocked"/> adds, so counting costs the hot paths
/// no lock and no allocation. <see cref="UpperMetrics"/> publishes them as OpenTelemetry instruments and
/// <c>/status</c> reads them directly.
/// </summary>
internal sealed class UpperCounters
{
    private readonly long[] _udpDropped = new long[Enum.GetValues<UdpDropReason>().Length];
    private readonly long[] _tcpRejected = new long[Enum.GetValues<TcpRejectReason>().Length];
    private readonly long[] _tcpClosed = new long[Enum.GetValues<TcpCloseReason>().Length];
    private readonly long[] _proxyRejected = new long[Enum.GetValues<ProxyRejectReason>().Length];
    private long _tcpActive;
    private long _tcpTotal;
    private long _tcpBytesReceived;
    private long _tcpBytesSent;
    private long _tcpInvalidBytes;
    private long _udpDatagramsReceived;
    private long _udpDatagramsSent;
    private long _udpBytesReceived;
    private long _udpBytesSent;
    private long _udpInvalidBytes;

    public long TcpActiveConnections => Volatile.Read(ref _tcpActive);

    public long TcpTotalConnections => Volatile.Read(ref _tcpTotal);

    public long TcpBytesReceived => Volatile.Read(ref _tcpBytesReceived);

    public long TcpBytesSent => Volatile.Read(ref _tcpBytesSent);

    public long TcpInvalidBytes => Volatile.Read(ref _tcpInvalidBytes);

    public long UdpDatagramsReceived => Volatile.Read(ref _udpDatagramsReceived);

    public long UdpDatagramsSent => Volatile.Read(ref _udpDatagramsSent);

    public long UdpBytesReceived => Volatile.Read(ref _udpBytesReceived);

    public long UdpBytesSent => Volatile.Read(ref _udpBytesSent);

    public long UdpInvalidBytes => Volatile.Read(ref _udpInvalidBytes);

    public long UdpDroppedTotal => Sum(_udpDropped);

    public long TcpRejectedTotal => Sum(_tcpRejected);

    public long UdpDropped(UdpDropReason reason) => Volatile.Read(ref _udpDropped[(int)reason]);

    public long TcpRejected(TcpRejectReason reason) => Volatile.Read(ref _tcpRejected[(int)reason]);

    public long TcpClosed(TcpCloseReason reason) => Volatile.Read(ref _tcpClosed[(int)reason]);

    public long ProxyRejected(ProxyRejectReason reason) => Volatile.Read(ref _proxyRejected[(int)reason]);

    public long ProxyRejectedTotal => Sum(_proxyRejected);

    public void TcpConnectionOpened()
    {
        Interlocked.Increment(ref _tcpActive);
        Interlocked.Increment(ref _tcpTotal);
    }

    public void TcpConnectionClosed() => Interlocked.Decrement(ref _tcpActive);

    public void TcpConnectionRejected(TcpRejectReason reason) => Interlocked.Increment(ref _tcpRejected[(int)reason]);

    public void TcpConnectionClosedByServer(TcpCloseReason reason) => Interlocked.Increment(ref _tcpClosed[(int)reason]);

    public void ProxyHeaderRejected(ProxyRejectReason reason) => Interlocked.Increment(ref _proxyRejected[(int)reason]);

    public void TcpReceived(long bytes) => Interlocked.Add(ref _tcpBytesReceived, bytes);

    public void TcpSent(long bytes) => Interlocked.Add(ref _tcpBytesSent, bytes);

    public void TcpInvalid(long bytes) => Interlocked.Add(ref _tcpInvalidBytes, bytes);

    public void UdpReceived(int bytes)
    {
        Interlocked.Increment(ref _udpDatagramsReceived);
        Interlocked.Add(ref _udpBytesReceived, bytes);
    }

    public void UdpSent(int bytes)
    {
        Interlocked.Increment(ref _udpDatagramsSent);
        Interlocked.Add(ref _udpBytesSent, bytes);
    }

    public void UdpInvalid(long bytes) => Interlocked.Add(ref _udpInvalidBytes, bytes);

    public void UdpDrop(UdpDropReason reason) => Interlocked.Increment(ref _udpDropped[(int)reason]);

    private static long Sum(long[] values)
    {
        long total = 0;
        for (int i = 0; i < values.Length; i++)
        {
            total += Volatile.Read(ref values[i]);
        }

        return total;
    }
}
