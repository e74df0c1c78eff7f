using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading.Tasks.Sources;

namespace KestrelUpper.Tcp.Epoll;

/// <summary>
/// Accepts on the listening socket from an event loop: the loop waits for it in the same epoll_wait as its
/// connections, so no runtime socket thread wakes per connection, and Kestrel's accept loop (which awaits
/// <see cref="AcceptAsync"/> one call at a time) runs on from the loop thread.
/// </summary>
internal sealed class EpollAcceptor : IValueTaskSource<Socket?>
{
    private static readonly TimeSpan ErrorBackoff = TimeSpan.FromMilliseconds(50);

    private readonly Socket _listener;
    private readonly EpollLoop _loop;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    // Completed on the loop thread, continuations inline: Kestrel's accept loop queues the connection and asks again.
    private ManualResetValueTaskSourceCore<Socket?> _core;
    private SafeHandle? _handle;
    private bool _waiting;
    private bool _armed;
    private bool _closed;

    public EpollAcceptor(Socket listener, EpollLoop loop, ILogger logger)
    {
        _listener = listener;
        _loop = loop;
        _logger = logger;
        // Non-blocking in the runtime's view too: a sync Accept then makes one accept4 call and never waits.
        _listener.Blocking = false;
    }

    /// <summary>The listening descriptor, valid from <see cref="Start"/> to <see cref="Close"/>.</summary>
    public int Fd { get; private set; } = -1;

    /// <summary>Its epoll token: a GC handle to this object, freed by the loop when the loop ends.</summary>
    public GCHandle Token { get; set; }

    /// <summary>Registers the listening socket with the loop (disarmed until Kestrel first asks).</summary>
    public void Start()
    {
        SafeHandle handle = _listener.SafeHandle;
        bool added = false;
        handle.DangerousAddRef(ref added);
        _handle = handle;
        Fd = (int)handle.DangerousGetHandle();
        try
        {
            _loop.AddAcceptor(this);
        }
        catch
        {
            // Released, or disposing the listener would wait for this reference forever.
            _handle = null;
            Fd = -1;
            handle.DangerousRelease();
            throw;
        }
    }

    /// <summary>The next accepted socket, or null once the listener is closed.</summary>
    public ValueTask<Socket?> AcceptAsync()
    {
        lock (_lock)
        {
            if (_closed)
            {
                return ValueTask.FromResult<Socket?>(null);
            }

            _core.Reset();
            _waiting = true;
            SetArmed(true);
        }

        return new ValueTask<Socket?>(this, _core.Version);
    }

    /// <summary>The loop saw the listener readable: accept one connection for the waiting caller.</summary>
    public void OnReadable()
    {
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            if (!_waiting)
            {
                // Nobody asks (start-up, or Kestrel busy elsewhere): stop the level-triggered events until it does.
                SetArmed(false);
                return;
            }
        }

        Socket accepted;
        try
        {
            accepted = _listener.Accept();
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.WouldBlock)
        {
            return; // the client gave up before we took it
        }
        catch (ObjectDisposedException)
        {
            return; // closing
        }
        catch (SocketException ex)
        {
            // A client that reset in the queue, or a shortage (EMFILE): not fatal, but a shortage fails again at
            // once, and level-triggered epoll would spin on it: pause the listener for a moment.
            TcpLog.AcceptFailed(_logger, ex.SocketErrorCode.ToString());
            if (ex.SocketErrorCode is SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable)
            {
                Pause();
            }

            return;
        }

        lock (_lock)
        {
            if (!_waiting || _closed)
            {
                accepted.Dispose(); // closed meanwhile
                return;
            }

            _waiting = false;
        }

        _core.SetResult(accepted);
    }

    /// <summary>Stops accepting: a waiting caller gets null; the socket itself is the listener's to dispose.</summary>
    public void Close()
    {
        bool complete;
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            // Under the lock with every other epoll change of this descriptor: none can follow the removal (and
            // touch a reused descriptor number once the socket is closed).
            _closed = true;
            complete = _waiting;
            _waiting = false;
            _loop.RemoveAcceptor(this);
            _handle?.DangerousRelease();
            _handle = null;
        }

        if (complete)
        {
            _core.SetResult(null);
        }
    }

    Socket? IValueTaskSource<Socket?>.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<Socket?>.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource<Socket?>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    private void Pause()
    {
        lock (_lock)
        {
            if (!_closed)
            {
                SetArmed(false);
            }
        }

        ResumeLater();
    }

    private void ResumeLater() =>
        _ = Task.Delay(ErrorBackoff).ContinueWith(static (_, s) => ((EpollAcceptor)s!).Resume(), this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    private void Resume()
    {
        lock (_lock)
        {
            if (!_closed && _waiting)
            {
                SetArmed(true);
            }
        }
    }

    // Callers hold the lock.
    private void SetArmed(bool armed)
    {
        if (_armed == armed)
        {
            return;
        }

        if (_loop.SetAcceptorInterest(this, armed))
        {
            _armed = armed;
            return;
        }

        // The kernel refused the change (ENOMEM): say so, and try arming again shortly rather than wait forever.
        TcpLog.AcceptFailed(_logger, $"epoll_ctl errno {KestrelUpper.Interop.Libc.LastError}");
        if (armed)
        {
            ResumeLater();
        }
    }
}
