using KestrelUpper.Hosting;
using KestrelUpper.Proxy;
using KestrelUpper.Tcp.Protocol;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace KestrelUpper.Tcp;

/// <summary>Serves a Kestrel listener's connections with the uppercase protocol.</summary>
internal static class UppercaseListenOptionsExtensions
{
    /// <summary>
    /// Runs <see cref="UppercaseConnectionHandler"/> last on <paramref name="listen"/>. With
    /// <paramref name="readsProxyHeader"/> the sessions read the PROXY header themselves, as <c>Upper:Tcp:ProxyProtocol</c>
    /// says (the plain TCP port, on either driver); without, connection middleware already has (the TLS port, where the
    /// header precedes the handshake).
    /// </summary>
    public static ListenOptions UseUppercase(this ListenOptions listen, bool readsProxyHeader)
    {
        IServiceProvider services = listen.ApplicationServices;
        TcpOptions tcp = services.GetRequiredService<IOptions<UpperOptions>>().Value.Tcp;
        TimeProvider time = services.GetRequiredService<TimeProvider>();
        var settings = new SessionSettings(
            readsProxyHeader ? tcp.ProxyProtocol : ProxyProtocolMode.Off,
            services.GetRequiredService<TrustedProxyNetworks>(),
            tcp,
            time.TimestampFrequency);
        var handler = ActivatorUtilities.CreateInstance<UppercaseConnectionHandler>(services, settings);
        listen.Run(handler.OnConnectedAsync);
        return listen;
    }
}
