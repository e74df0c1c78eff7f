using System.Net;
using KestrelUpper.Hosting;
using KestrelUpper.Tcp.Epoll;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace KestrelUpper.Tcp.Transport;

/// <summary>
/// Kestrel's transport for <see cref="DirectTcpEndPoint"/> only: a selector, so the HTTP and TLS endpoints keep
/// Kestrel's socket transport. Registered after it, and Kestrel asks the last registered factory first.
/// </summary>
internal sealed class DirectTransportFactory(ILogger<DirectTcpListener> logger, EpollEngine epoll, IOptions<UpperOptions> options) : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    private readonly bool _epoll = options.Value.EffectiveTcpTransport == TcpTransport.Epoll;

    public bool CanBind(EndPoint endpoint) => endpoint is DirectTcpEndPoint;

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        var direct = endpoint as DirectTcpEndPoint ?? throw new NotSupportedException($"{nameof(DirectTransportFactory)} binds {nameof(DirectTcpEndPoint)} only (got {endpoint.GetType().Name}).");
        return ValueTask.FromResult<IConnectionListener>(DirectTcpListener.Bind(direct, logger, _epoll ? epoll : null));
    }
}
