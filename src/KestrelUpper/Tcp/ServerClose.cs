using KestrelUpper.Tcp.Transport;
using KestrelUpper.Telemetry;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace KestrelUpper.Tcp;

/// <summary>The two ways the server ends a served connection, and which one happened (first one wins).</summary>
internal sealed class ServerClose(ConnectionContext connection, UpperCounters counters)
{
    private int _reason = -1;

    public TcpCloseReason? Reason => Volatile.Read(ref _reason) is >= 0 and var r ? (TcpCloseReason)r : null;

    /// <summary>On drain, stop reading: the pump answers what has arrived, flushes and returns.</summary>
    public CancellationTokenRegistration WatchDrain(IConnectionLifetimeNotificationFeature? lifetime) =>
        lifetime is null
            ? default
            : lifetime.ConnectionClosedRequested.Register(static s => ((ServerClose)s!).CloseForDrain(), this);

    /// <summary>
    /// Idle: nothing moved either way for the whole timeout, so nothing can be lost by aborting, and an abort
    /// also frees a connection whose client stopped reading (a graceful close would wait on its window forever).
    /// </summary>
    public void CloseIdle()
    {
        if (Claim(TcpCloseReason.IdleTimeout))
        {
            connection.Abort(new ConnectionAbortedException("Idle timeout."));
        }
    }

    private void CloseForDrain()
    {
        if (Claim(TcpCloseReason.Shutdown))
        {
            if (connection is DirectTcpConnection direct)
            {
                direct.StopReading();
            }
            else
            {
                connection.Transport.Input.CancelPendingRead();
            }
        }
    }

    private bool Claim(TcpCloseReason reason)
    {
        if (Interlocked.CompareExchange(ref _reason, (int)reason, -1) != -1)
        {
            return false;
        }

        counters.TcpConnectionClosedByServer(reason);
        return true;
    }
}
