using System.Net;
using Microsoft.AspNetCore.Connections;

namespace KestrelUpper.Tcp.Epoll;

/// <summary>
/// Kestrel's transport for <see cref="EpollEndPoint"/> only: a selector, so the HTTP and TLS endpoints keep
/// Kestrel's socket transport. Registered after it, and Kestrel asks the last registered factory first.
/// </summary>
internal sealed class EpollTransportFactory(EpollEngine engine, ILogger<EpollListener> logger) : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    public bool CanBind(EndPoint endpoint) => endpoint is EpollEndPoint;

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        var marked = endpoint as EpollEndPoint ?? throw new NotSupportedException($"{nameof(EpollTransportFactory)} binds {nameof(EpollEndPoint)} only (got {endpoint.GetType().Name}).");
        return ValueTask.FromResult<IConnectionListener>(EpollListener.Bind(marked, engine, logger));
    }
}
