using System.Net;
using System.Net.Sockets;
using KestrelUpper.Hosting;
using KestrelUpper.Tcp.Epoll;
using KestrelUpper.Tcp.Transport;
using KestrelUpper.Telemetry;
using KestrelUpper.Text;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Options;

namespace KestrelUpper.Tcp;

/// <summary>
/// Kestrel's handler for the raw TCP port: admits the connection against the limits, then serves it (on an epoll
/// event loop, with <see cref="SocketPump"/>, or with <see cref="UppercasePump"/> through Kestrel's pipes, by
/// transport) until the client finishes, the server drains, or the connection goes idle.
/// </summary>
internal sealed class UppercaseConnectionHandler(
    Uppercaser uppercaser,
    TcpConnectionLimiter limiter,
    EpollEngine epoll,
    UpperCounters counters,
    TimeProvider time,
    IOptions<UpperOptions> options,
    ILogger<UppercaseConnectionHandler> logger) : ConnectionHandler
{
    private readonly TimeSpan _idleTimeout = options.Value.Tcp.IdleTimeout;
    private readonly int _receiveBufferBytes = options.Value.Sockets.ReceiveBufferBytes;
    private readonly bool _epoll = options.Value.EffectiveTcpTransport == TcpTransport.Epoll;

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        // The global cap was taken by the listener's first middleware; the per-address cap needs the client's
        // address, which a PROXY header may only just have supplied. Refused before a byte of payload is read.
        IPAddress? address = ClientAddress.Of(connection.RemoteEndPoint);
        if (address is not null && !limiter.TryAdmitAddress(address))
        {
            TcpRejection.Record(counters, logger, connection, TcpRejectReason.MaxConnectionsPerIp);
            return;
        }

        counters.TcpConnectionOpened();
        try
        {
            await ServeAsync(connection).ConfigureAwait(false);
        }
        finally
        {
            counters.TcpConnectionClosed();
            if (address is not null)
            {
                limiter.ReleaseAddress(address);
            }
        }
    }

    private async Task ServeAsync(ConnectionContext connection)
    {
        // The scope tags the Debug events of this connection; the events above Debug carry the id and address in
        // their own text, so without Debug logging the per-connection scope (an allocation and a context switch of
        // the async-local log state) is skipped.
        using IDisposable? scope = logger.IsEnabled(LogLevel.Debug) ? logger.BeginScope(new ConnectionLogScope(connection.ConnectionId, connection.RemoteEndPoint)) : null;
        TcpLog.ConnectionOpened(logger, connection.ConnectionId, connection.RemoteEndPoint);

        long started = time.GetTimestamp();
        var stats = new TcpConnectionStats(counters, time);
        var closer = new ServerClose(connection, counters);
        using CancellationTokenRegistration drain = closer.WatchDrain(connection.Features.Get<IConnectionLifetimeNotificationFeature>());
        using IdleWatch? idle = _idleTimeout > TimeSpan.Zero ? new IdleWatch(time, _idleTimeout, stats, closer.CloseIdle) : null;

        string outcome;
        try
        {
            PumpOutcome result = connection is not DirectTcpConnection direct
                ? await UppercasePump.RunAsync(connection.Transport.Input, connection.Transport.Output, uppercaser, stats, closer).ConfigureAwait(false)
                : _epoll
                ? await epoll.ServeAsync(direct, stats).ConfigureAwait(false)
                : await SocketPump.RunAsync(direct, uppercaser, stats, _receiveBufferBytes).ConfigureAwait(false);
            outcome = result.ToString();
        }
        catch (Exception ex) when (IsConnectionLoss(ex))
        {
            // Resets and aborts are the network's normal weather: note them, don't page anyone.
            outcome = "lost";
            TcpLog.ConnectionLost(logger, connection.ConnectionId, connection.RemoteEndPoint, ex.Message);
        }
        catch (Exception ex)
        {
            outcome = "failed";
            TcpLog.ConnectionFailed(logger, connection.ConnectionId, connection.RemoteEndPoint, ex);
        }

        outcome = closer.Reason is { } reason ? TelemetryNames.ToAttributeValue(reason) : outcome;
        TcpLog.ConnectionClosed(logger, connection.ConnectionId, connection.RemoteEndPoint, outcome, time.GetElapsedTime(started).TotalMilliseconds, stats.BytesReceived, stats.BytesSent);
    }

    private static bool IsConnectionLoss(Exception ex) =>
        ex is ConnectionResetException or ConnectionAbortedException or IOException or SocketException or OperationCanceledException or ObjectDisposedException;
}
