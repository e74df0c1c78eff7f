using System.Collections.Concurrent;
using System.ComponentModel;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using KestrelUpper.Interop;

namespace KestrelUpper.Tcp.Epoll;

/// <summary>
/// One thread waiting in <c>epoll_wait</c> (level-triggered) over its connections and handling each ready one
/// inline: per message one <c>epoll_wait</c> (shared by every connection ready at once), one <c>recv</c>, one
/// <c>send</c>, no thread hop and no allocation. Connections are added from the handler's thread (epoll_ctl is
/// thread-safe); commands from other threads (drain, deadlines, abort) arrive through a queue and an eventfd.
/// </summary>
internal sealed unsafe class EpollLoop : IDisposable
{
    private const int MaxEventsPerWait = 256;
    private const ulong WakeToken = 0;
    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(5);

    private readonly int _epoll;
    private readonly EventFd _wake = new();
    private readonly EpollEvents _events = new(MaxEventsPerWait);
    private readonly EpollBuffers _buffers;
    private readonly ConcurrentQueue<EpollConnection> _commands = new();
    private readonly List<GCHandle> _finishedTokens = [];
    private readonly List<GCHandle> _acceptorTokens = [];
    private readonly Thread _thread;
    private readonly ILogger _logger;
    private volatile bool _stopping;

    public EpollLoop(int index, EpollBuffers buffers, ILogger logger)
    {
        _buffers = buffers;
        _logger = logger;
        _epoll = Libc.EpollCreate();
        if (_epoll < 0)
        {
            int errno = Libc.LastError;
            ReleaseNative();
            throw new Win32Exception(errno, "epoll_create1 failed");
        }

        byte* wake = stackalloc byte[EpollEvents.SingleEventBytes];
        EpollEvents.Write(wake, Libc.EPOLLIN, WakeToken);
        if (Libc.EpollCtl(_epoll, Libc.EPOLL_CTL_ADD, _wake.Fd, wake) != 0)
        {
            int errno = Libc.LastError;
            ReleaseNative();
            throw new Win32Exception(errno, "epoll_ctl(eventfd) failed");
        }

        _thread = new Thread(Run) { IsBackground = true, Name = $"upper-tcp-{index}" };
        _thread.Start();
    }

    /// <summary>
    /// Hands <paramref name="connection"/> (whose handle the caller has referenced) to the loop, waiting for
    /// <paramref name="step"/>. From here on only the loop touches it.
    /// </summary>
    public void Register(EpollConnection connection, EpollStep step)
    {
        connection.Loop = this;
        connection.Interest = EpollConnection.InterestOf(step);
        connection.Token = GCHandle.Alloc(connection);
        if (Control(Libc.EPOLL_CTL_ADD, connection) != 0)
        {
            int errno = Libc.LastError;
            connection.Token.Free();
            throw new SocketException((int)Libc.ToSocketError(errno));
        }
    }

    /// <summary>Adds a listening socket, disarmed; its token lives as long as the loop (listeners are few).</summary>
    public void AddAcceptor(EpollAcceptor acceptor)
    {
        acceptor.Token = GCHandle.Alloc(acceptor);
        lock (_acceptorTokens)
        {
            _acceptorTokens.Add(acceptor.Token);
        }

        if (ControlAcceptor(Libc.EPOLL_CTL_ADD, acceptor, 0) != 0)
        {
            throw new SocketException((int)Libc.ToSocketError(Libc.LastError));
        }
    }

    /// <summary>False (errno in <see cref="Libc.LastError"/>) when the kernel refused the change.</summary>
    public bool SetAcceptorInterest(EpollAcceptor acceptor, bool armed) =>
        ControlAcceptor(Libc.EPOLL_CTL_MOD, acceptor, armed ? Libc.EPOLLIN : 0) == 0;

    public void RemoveAcceptor(EpollAcceptor acceptor) => _ = ControlAcceptor(Libc.EPOLL_CTL_DEL, acceptor, 0);

    /// <summary>Asks the loop to hand <paramref name="connection"/> its posted commands; from any thread.</summary>
    public void Wake(EpollConnection connection)
    {
        _commands.Enqueue(connection);
        _wake.Signal();
    }

    public void Dispose()
    {
        _stopping = true;
        _wake.Signal();
        if (_thread.Join(StopWait))
        {
            ReleaseNative();
            lock (_acceptorTokens)
            {
                foreach (GCHandle token in _acceptorTokens)
                {
                    token.Free();
                }

                _acceptorTokens.Clear();
            }
        }
    }

    private void ReleaseNative()
    {
        if (_epoll >= 0)
        {
            _ = Libc.Close(_epoll);
        }

        _events.Dispose();
        _wake.Dispose();
    }

    private void Run()
    {
        while (!_stopping)
        {
            int ready = Libc.EpollWait(_epoll, _events.Pointer, _events.Capacity, -1);
            if (ready < 0)
            {
                int errno = Libc.LastError;
                if (errno != Libc.EINTR)
                {
                    TcpLog.EventLoopWaitFailed(_logger, errno);
                    Thread.Sleep(1); // never spin on a persistent failure
                }

                continue;
            }

            for (int i = 0; i < ready; i++)
            {
                ulong token = _events.Data(i);
                if (token == WakeToken)
                {
                    _wake.Reset();
                    RunCommands();
                    continue;
                }

                object? target = GCHandle.FromIntPtr((nint)token).Target;
                if (target is EpollConnection connection)
                {
                    if (!connection.IsFinished)
                    {
                        Handle(connection, connection.Interest == Libc.EPOLLOUT ? Event.Writable : Event.Readable);
                    }
                }
                else if (target is EpollAcceptor acceptor)
                {
                    Accept(acceptor);
                }
            }

            // Freed only now: a connection finished earlier in this batch may still have an event later in it.
            foreach (GCHandle finished in _finishedTokens)
            {
                finished.Free();
            }

            _finishedTokens.Clear();
        }
    }

    private void RunCommands()
    {
        while (_commands.TryDequeue(out EpollConnection? connection))
        {
            if (!connection.IsFinished)
            {
                Handle(connection, Event.Commands);
            }
        }
    }

    private void Accept(EpollAcceptor acceptor)
    {
        try
        {
            acceptor.OnReadable(); // Kestrel's accept loop runs on from here and queues the connection
        }
        catch (Exception ex)
        {
            TcpLog.EventLoopFault(_logger, ex);
        }
    }

    private void Handle(EpollConnection connection, Event happened)
    {
        EpollStep step;
        try
        {
            step = happened switch
            {
                Event.Commands => connection.OnCommands(_buffers),
                Event.Writable => connection.OnWritable(_buffers),
                _ => connection.OnReadable(_buffers),
            };
        }
        catch (Exception ex)
        {
            // A bug must not take the loop (and every connection on it) down: end this connection, report it, and
            // drop whatever half-written reply it left in the loop's buffer.
            _buffers.Output.Reset();
            connection.Fault(ex);
            step = EpollStep.Done;
        }

        if (step == EpollStep.Done)
        {
            Unregister(connection);
            return;
        }

        uint interest = EpollConnection.InterestOf(step);
        if (interest != connection.Interest)
        {
            connection.Interest = interest;
            if (Control(Libc.EPOLL_CTL_MOD, connection) != 0)
            {
                connection.Fault(new SocketException((int)Libc.ToSocketError(Libc.LastError)));
                Unregister(connection);
            }
        }
    }

    private void Unregister(EpollConnection connection)
    {
        _ = Control(Libc.EPOLL_CTL_DEL, connection);
        _finishedTokens.Add(connection.Token);
        connection.Detach(); // before Finish: what runs on may dispose the socket, which waits for this reference
        connection.Finish();
    }

    private int ControlAcceptor(int operation, EpollAcceptor acceptor, uint interest)
    {
        byte* change = stackalloc byte[EpollEvents.SingleEventBytes];
        EpollEvents.Write(change, interest, (ulong)GCHandle.ToIntPtr(acceptor.Token));
        return Libc.EpollCtl(_epoll, operation, acceptor.Fd, change);
    }

    private int Control(int operation, EpollConnection connection)
    {
        byte* change = stackalloc byte[EpollEvents.SingleEventBytes];
        EpollEvents.Write(change, connection.Interest, (ulong)GCHandle.ToIntPtr(connection.Token));
        return Libc.EpollCtl(_epoll, operation, connection.Fd, change);
    }

    private enum Event
    {
        Readable,
        Writable,
        Commands,
    }
}
