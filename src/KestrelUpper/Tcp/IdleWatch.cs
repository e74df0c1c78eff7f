namespace KestrelUpper.Tcp;

/// <summary>
/// Fires once a connection has moved no bytes for the idle timeout. The pump only stamps a timestamp per
/// message; the timer re-arms itself for the remaining time, so there is no timer reset on the hot path.
/// </summary>
internal sealed class IdleWatch : IDisposable
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _timeout;
    private readonly TcpConnectionStats _stats;
    private readonly Action _onIdle;
    private readonly ITimer _timer;

    public IdleWatch(TimeProvider time, TimeSpan timeout, TcpConnectionStats stats, Action onIdle)
    {
        _time = time;
        _timeout = timeout;
        _stats = stats;
        _onIdle = onIdle;
        _timer = time.CreateTimer(static s => ((IdleWatch)s!).Check(), this, timeout, Timeout.InfiniteTimeSpan);
    }

    public void Dispose() => _timer.Dispose();

    private void Check()
    {
        TimeSpan idle = _time.GetElapsedTime(_stats.LastActivity);
        if (idle >= _timeout)
        {
            _onIdle();
        }
        else
        {
            _timer.Change(_timeout - idle, Timeout.InfiniteTimeSpan);
        }
    }
}
