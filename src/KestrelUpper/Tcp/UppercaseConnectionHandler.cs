using System.Net.Sockets;
using KestrelUpper.Tcp.Pipes;
using KestrelUpper.Tcp.Protocol;
using KestrelUpper.Telemetry;
using KestrelUpper.Text;
using Microsoft.AspNetCore.Connections;

namespace KestrelUpper.Tcp;

/// <summary>
/// Kestrel's handler for the raw TCP (and TLS) port: one <see cref="UppercaseSession"/> per connection, run by the
/// connection's driver — an epoll event loop when the transport offers one (<see cref="ISessionDriverFeature"/>),
/// else the pipes of Kestrel's transport — until the client finishes, the server drains, or the connection goes idle.
/// </summary>
internal sealed class UppercaseConnectionHandler(
    SessionSettings settings,
    Uppercaser uppercaser,
    TcpConnectionLimiter limiter,
    UpperCounters counters,
    TimeProvider time,
    ILogger<UppercaseConnectionHandler> logger) : ConnectionHandler
{
    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        // The scope tags the Debug events of this connection; the events above Debug carry the id and address in
        // their own text, so without Debug logging the per-connection scope (an allocation and a context switch of
        // the async-local log state) is skipped.
        using IDisposable? scope = logger.IsEnabled(LogLevel.Debug) ? logger.BeginScope(new ConnectionLogScope(connection)) : null;
        long started = time.GetTimestamp();
        using var control = new ConnectionControl(connection, counters, time);
        var session = new UppercaseSession(settings, uppercaser, counters, limiter, logger, connection.ConnectionId, connection.RemoteEndPoint, control, started);
        ISessionDriver driver = connection.Features.Get<ISessionDriverFeature>()?.CreateDriver() ?? new PipeDriver(connection, time);
        control.Start(session, driver);

        string outcome;
        try
        {
            await driver.RunAsync(session).ConfigureAwait(false);
            outcome = Describe(session.Outcome);
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
        finally
        {
            session.Abandon();
            session.Release();
        }

        outcome = control.Reason is { } reason ? TelemetryNames.ToAttributeValue(reason) : outcome;
        TcpLog.ConnectionClosed(logger, connection.ConnectionId, connection.RemoteEndPoint, outcome, time.GetElapsedTime(started).TotalMilliseconds, session.BytesReceived, session.BytesSent);
    }

    private static string Describe(SessionOutcome outcome) => outcome switch
    {
        SessionOutcome.InputCompleted => "input_completed",
        SessionOutcome.Drained => "drained",
        SessionOutcome.Rejected => "rejected",
        SessionOutcome.PeerLeft => "peer_left",
        _ => "lost", // the transport ended it: the output closed under us, or an abort
    };

    private static bool IsConnectionLoss(Exception ex) =>
        ex is ConnectionResetException or ConnectionAbortedException or IOException or SocketException or OperationCanceledException or ObjectDisposedException;
}
