using System.Net;
using Microsoft.AspNetCore.Connections;

namespace KestrelUpper.Tcp.Transport;

/// <summary>
/// Kestrel's transport for <see cref="DirectTcpEndPoint"/> only: a selector, so the HTTP and TLS endpoints keep
/// Kestrel's socket transport. Registered after it, and Kestrel asks the last registered factory first.
/// </summary>
internal sealed class DirectTransportFactory(ILogger<DirectTcpListener> logger) : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    public bool CanBind(EndPoint endpoint) => endpoint is DirectTcpEndPoint;

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        var direct = endpoint as DirectTcpEndPoint ?? throw new NotSupportedException($"{nameof(DirectTransportFactory)} binds {nameof(DirectTcpEndPoint)} only (got {endpoint.GetType().Name}).");
        return ValueTask.FromResult<IConnectionListener>(DirectTcpListener.Bind(direct, logger));
    }
}
