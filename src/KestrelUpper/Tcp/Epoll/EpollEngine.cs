using System.Collections.Concurrent;
using KestrelUpper.Hosting;
using KestrelUpper.Interop;
using KestrelUpper.Tcp.Transport;
using KestrelUpper.Text;
using Microsoft.Extensions.Options;

namespace KestrelUpper.Tcp.Epoll;

/// <summary>
/// The <see cref="TcpTransport.Epoll"/> transport's engine: event loops (started on first use) that serve
/// direct connections. Connections are spread over the loops round-robin; each stays on its loop.
/// </summary>
internal sealed class EpollEngine : IDisposable
{
    private readonly Uppercaser _uppercaser;
    private readonly int _receiveBufferBytes;
    private readonly int _loopCount;
    private readonly ILogger<EpollEngine> _logger;
    private readonly Lock _startLock = new();
    // Buffers for the first receive, made on the handler's thread before the loop takes over.
    private readonly ConcurrentBag<EpollBuffers> _firstReadBuffers = [];
    private EpollLoop[]? _loops;
    private uint _next;

    public EpollEngine(Uppercaser uppercaser, IOptions<UpperOptions> options, ILogger<EpollEngine> logger)
    {
        _uppercaser = uppercaser;
        _receiveBufferBytes = options.Value.Sockets.ReceiveBufferBytes;
        _loopCount = options.Value.Sockets.EffectiveEventLoops;
        _logger = logger;
    }

    /// <summary>Serves <paramref name="connection"/> until the client finishes, the server drains, or it fails.</summary>
    public async Task<PumpOutcome> ServeAsync(DirectTcpConnection connection, TcpConnectionStats stats)
    {
        var served = new EpollConnection(connection, _uppercaser, stats);
        served.Attach();
        EpollStep step;
        try
        {
            // The first message is usually there already (a textbook client sends at once): answer it on this
            // thread instead of waking the loop for it.
            EpollBuffers buffers = _firstReadBuffers.TryTake(out EpollBuffers? pooled) ? pooled : new EpollBuffers(_uppercaser, _receiveBufferBytes);
            try
            {
                step = served.OnReadable(buffers);
            }
            finally
            {
                _firstReadBuffers.Add(buffers);
            }

            if (step != EpollStep.Done)
            {
                NextLoop().Register(served, step);
            }
        }
        catch
        {
            served.Detach();
            throw;
        }

        if (step == EpollStep.Done)
        {
            served.Detach();
            served.Finish();
        }

        EpollExit exit;
        using (connection.ReadStopping.Register(static s => StopReading((EpollConnection)s!), served))
        {
            exit = await served.Completion.ConfigureAwait(false);
        }

        if (exit == EpollExit.Drained)
        {
            // Off the loop thread first (this continuation runs on it): the linger may read for seconds.
            await Task.Yield();
            // Closing with unread input would reset the connection and could destroy replies not read yet.
            await SocketPump.DiscardUntilClosedAsync(connection.Socket).ConfigureAwait(false);
            return PumpOutcome.ReadCanceled;
        }

        return PumpOutcome.InputCompleted;
    }

    /// <summary>Accepts on <paramref name="listener"/> from the first event loop instead of the runtime's socket thread.</summary>
    public EpollAcceptor CreateAcceptor(System.Net.Sockets.Socket listener)
    {
        var acceptor = new EpollAcceptor(listener, (_loops ?? Start())[0], _logger);
        acceptor.Start();
        return acceptor;
    }

    public void Dispose()
    {
        foreach (EpollLoop loop in _loops ?? [])
        {
            loop.Dispose();
        }
    }

    private static void StopReading(EpollConnection connection) => connection.Loop?.StopReading(connection);

    private EpollLoop NextLoop()
    {
        EpollLoop[] loops = _loops ?? Start();
        return loops[(int)(Interlocked.Increment(ref _next) % (uint)loops.Length)];
    }

    private EpollLoop[] Start()
    {
        lock (_startLock)
        {
            if (_loops is null)
            {
                var loops = new EpollLoop[_loopCount];
                try
                {
                    for (int i = 0; i < loops.Length; i++)
                    {
                        loops[i] = new EpollLoop(i, new EpollBuffers(_uppercaser, _receiveBufferBytes), _logger);
                    }
                }
                catch
                {
                    foreach (EpollLoop? started in loops)
                    {
                        started?.Dispose();
                    }

                    throw;
                }

                _loops = loops;
                TcpLog.EventLoopsStarted(_logger, loops.Length, _receiveBufferBytes);
            }

            return _loops;
        }
    }
}
