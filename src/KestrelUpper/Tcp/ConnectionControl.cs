using System.Net;
using KestrelUpper.Proxy;
using KestrelUpper.Tcp.Protocol;
using KestrelUpper.Telemetry;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace KestrelUpper.Tcp;

/// <summary>
/// What happens to one served connection from outside its driver: the server's drain, the session's deadlines (one
/// timer, re-armed only when the kind of deadline changes: the hot path merely stamps a timestamp), the idle abort,
/// and the endpoints a PROXY header named. Records which of the server's reasons closed it (first one wins).
/// </summary>
internal sealed class ConnectionControl(ConnectionContext connection, UpperCounters counters, TimeProvider time) : ISessionHost, IDisposable
{
    private readonly Lock _timerLock = new();
    private UppercaseSession? _session;
    private ISessionDriver? _driver;
    private ITimer? _timer;
    private CancellationTokenRegistration _drain;
    private int _reason = -1;
    private bool _disposed;

    public TcpCloseReason? Reason => Volatile.Read(ref _reason) is >= 0 and var r ? (TcpCloseReason)r : null;

    /// <summary>Watches the server's drain and arms the first deadline; before the driver runs.</summary>
    public void Start(UppercaseSession session, ISessionDriver driver)
    {
        _session = session;
        _driver = driver;
        if (connection.Features.Get<IConnectionLifetimeNotificationFeature>() is { } lifetime)
        {
            _drain = lifetime.ConnectionClosedRequested.Register(static s => ((ConnectionControl)s!).OnDrain(), this);
        }

        Arm();
    }

    public void ClientIdentified(IPEndPoint client, IPEndPoint destination) => ConnectionEndPoints.Replace(connection, client, destination);

    public void DeadlineChanged() => Arm();

    public void Dispose()
    {
        _drain.Dispose();
        lock (_timerLock)
        {
            _disposed = true;
            _timer?.Dispose();
        }
    }

    private void Arm()
    {
        if (_session is not { } session)
        {
            return; // not started: Start arms
        }

        SessionDeadline deadline = session.NextDeadline(out long due);
        lock (_timerLock)
        {
            if (_disposed)
            {
                return;
            }

            if (deadline == SessionDeadline.None)
            {
                _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                return;
            }

            TimeSpan delay = Until(due);
            if (_timer is null)
            {
                _timer = time.CreateTimer(static s => ((ConnectionControl)s!).OnTimer(), this, delay, Timeout.InfiniteTimeSpan);
            }
            else
            {
                _timer.Change(delay, Timeout.InfiniteTimeSpan);
            }
        }
    }

    private void OnTimer()
    {
        SessionDeadline deadline = _session!.NextDeadline(out long due);
        if (deadline == SessionDeadline.None)
        {
            return;
        }

        if (time.GetTimestamp() < due)
        {
            Arm(); // activity moved the deadline on: wait for the rest
            return;
        }

        switch (deadline)
        {
            case SessionDeadline.Idle:
                CloseIdle();
                break;
            default:
                // The header or linger deadline: the session decides on its own thread, and its next state re-arms.
                _driver!.Post(SessionCommands.Deadline);
                break;
        }
    }

    /// <summary>
    /// Idle: nothing moved either way for the whole timeout, so nothing can be lost by aborting, and an abort also
    /// frees a connection whose client stopped reading (a graceful close would wait on its window forever).
    /// </summary>
    private void CloseIdle()
    {
        if (Claim(TcpCloseReason.IdleTimeout))
        {
            connection.Abort(new ConnectionAbortedException("Idle timeout."));
        }
    }

    /// <summary>On drain, the session answers what has arrived, sends its FIN and lingers.</summary>
    private void OnDrain()
    {
        if (Claim(TcpCloseReason.Shutdown))
        {
            _driver!.Post(SessionCommands.Drain);
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

    private TimeSpan Until(long due)
    {
        // Rounded up: a timer that fired a tick early would find the deadline not yet passed and re-arm for zero.
        long ticks = Math.Max(0, due - time.GetTimestamp());
        return TimeSpan.FromTicks((long)Math.Ceiling(ticks * ((double)TimeSpan.TicksPerSecond / time.TimestampFrequency)));
    }
}
