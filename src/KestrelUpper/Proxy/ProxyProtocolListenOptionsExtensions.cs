using KestrelUpper.Hosting;
using KestrelUpper.Telemetry;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace KestrelUpper.Proxy;

/// <summary>Adds PROXY protocol support to a Kestrel listener.</summary>
internal static class ProxyProtocolListenOptionsExtensions
{
    /// <summary>
    /// Reads the PROXY header of every connection as <c>Upper:Tcp:ProxyProtocol</c> says; a no-op when it is Off. For the
    /// TLS port, before the handshake (the plain TCP port's sessions read the header themselves, on either driver).
    /// </summary>
    public static ListenOptions UseProxyProtocol(this ListenOptions listen)
    {
        ArgumentNullException.ThrowIfNull(listen);
        IServiceProvider services = listen.ApplicationServices;
        UpperOptions options = services.GetRequiredService<IOptions<UpperOptions>>().Value;
        TcpOptions tcp = options.Tcp;
        if (tcp.ProxyProtocol == ProxyProtocolMode.Off)
        {
            return listen;
        }

        TrustedProxyNetworks trusted = services.GetRequiredService<TrustedProxyNetworks>();
        UpperCounters counters = services.GetRequiredService<UpperCounters>();
        TimeProvider time = services.GetRequiredService<TimeProvider>();
        ILogger<ProxyProtocolMiddleware> logger = services.GetRequiredService<ILogger<ProxyProtocolMiddleware>>();
        listen.Use(next => new ProxyProtocolMiddleware(next, tcp.ProxyProtocol, trusted, tcp.ProxyHeaderTimeout, tcp.MaxBufferedRequestBytes, counters, time, logger).OnConnectionAsync);
        return listen;
    }
}
