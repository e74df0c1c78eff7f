using KestrelUpper.Telemetry;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace KestrelUpper.Tcp;

/// <summary>
/// The global connection cap as Kestrel connection middleware: registered first on a listener, it refuses a
/// connection before the PROXY header or the TLS handshake is read, so those phases cannot be used to go
/// around <c>Upper:Tcp:MaxConnections</c>.
/// </summary>
internal static class ConnectionLimitListenOptionsExtensions
{
    public static ListenOptions UseConnectionLimit(this ListenOptions listen)
    {
        TcpConnectionLimiter limiter = listen.ApplicationServices.GetRequiredService<TcpConnectionLimiter>();
        UpperCounters counters = listen.ApplicationServices.GetRequiredService<UpperCounters>();
        ILogger logger = listen.ApplicationServices.GetRequiredService<ILogger<UppercaseConnectionHandler>>();
        listen.Use(next => async connection =>
        {
            if (!limiter.TryAdmitConnection())
            {
                TcpRejection.Record(counters, logger, connection.ConnectionId, connection.RemoteEndPoint, TcpRejectReason.MaxConnections);
                return;
            }

            try
            {
                await next(connection).ConfigureAwait(false);
            }
            finally
            {
                limiter.ReleaseConnection();
            }
        });
        return listen;
    }
}
