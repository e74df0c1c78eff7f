using KestrelUpper.Hosting;
using KestrelUpper.Proxy;

namespace KestrelUpper.Tcp.Protocol;

/// <summary>
/// The rules one listener's sessions follow, fixed at start. Durations are in <see cref="TimeProvider"/> timestamp
/// ticks, because a session never reads a clock: its drivers pass timestamps in.
/// </summary>
internal sealed class SessionSettings
{
    /// <summary>After a drain's FIN, how long the client gets to close its side before the connection is closed anyway.</summary>
    public static readonly TimeSpan LingerTime = TimeSpan.FromSeconds(2);

    public SessionSettings(ProxyProtocolMode proxyProtocol, TrustedProxyNetworks trustedProxies, TcpOptions tcp, long timestampFrequency)
    {
        ProxyProtocol = proxyProtocol;
        TrustedProxies = trustedProxies;
        MaxHeaderBytes = tcp.MaxBufferedRequestBytes;
        HeaderTimeout = ToTicks(tcp.ProxyHeaderTimeout, timestampFrequency);
        IdleTimeout = ToTicks(tcp.IdleTimeout, timestampFrequency);
        Linger = ToTicks(LingerTime, timestampFrequency);
        TimestampFrequency = timestampFrequency;
    }

    /// <summary>Whether the session reads a PROXY header itself (Off on the TLS port, where middleware reads it before the handshake).</summary>
    public ProxyProtocolMode ProxyProtocol { get; }

    public TrustedProxyNetworks TrustedProxies { get; }

    /// <summary>A PROXY header that has not completed within this many bytes never will.</summary>
    public int MaxHeaderBytes { get; }

    public long HeaderTimeout { get; }

    /// <summary>Zero when the idle timeout is off.</summary>
    public long IdleTimeout { get; }

    public long Linger { get; }

    public long TimestampFrequency { get; }

    private static long ToTicks(TimeSpan span, long frequency) => (long)(span.TotalSeconds * frequency);
}
