using System.Collections.Concurrent;
using System.Net.Sockets;
using KestrelUpper.Hosting;
using KestrelUpper.Text;
using Microsoft.Extensions.Options;

namespace KestrelUpper.Tcp.Epoll;

/// <summary>
/// The epoll driver's event loops (started on first use). Connections are spread over the loops round-robin; each
/// stays on its loop. The first loop also accepts on the listening socket.
/// </summary>
internal sealed class EpollEngine : IDisposable
{
    private readonly Uppercaser _uppercaser;
    private readonly int _receiveBufferBytes;
    private readonly int _loopCount;
    private readonly ILogger<EpollEngine> _logger;
    private readonly Lock _startLock = new();
    // Buffers for the first receive, made on the handler's thread before a loop takes over.
    private readonly ConcurrentBag<EpollBuffers> _firstReadBuffers = [];
    private EpollLoop[]? _loops;
    private uint _next;

    public EpollEngine(Uppercaser uppercaser, TimeProvider time, IOptions<UpperOptions> options, ILogger<EpollEngine> logger)
    {
        _uppercaser = uppercaser;
        Time = time;
        _receiveBufferBytes = options.Value.Sockets.ReceiveBufferBytes;
        _loopCount = options.Value.Sockets.EffectiveEventLoops;
        _logger = logger;
    }

    /// <summary>The clock the drivers stamp the sessions' events with.</summary>
    public TimeProvider Time { get; }

    /// <summary>Runs <paramref name="connection"/>'s first step on the calling thread, with pooled buffers.</summary>
    public EpollStep RunFirstStep(EpollConnection connection)
    {
        EpollBuffers buffers = _firstReadBuffers.TryTake(out EpollBuffers? pooled) ? pooled : new EpollBuffers(_uppercaser, _receiveBufferBytes);
        try
        {
            return connection.Begin(buffers);
        }
        finally
        {
            buffers.Output.Reset(); // empty already, unless the step failed half-way
            _firstReadBuffers.Add(buffers);
        }
    }

    /// <summary>Hands <paramref name="connection"/> to the next loop, waiting for <paramref name="step"/>.</summary>
    public void Register(EpollConnection connection, EpollStep step) => NextLoop().Register(connection, step);

    /// <summary>Accepts on <paramref name="listener"/> from the first event loop instead of the runtime's socket thread.</summary>
    public EpollAcceptor CreateAcceptor(Socket listener)
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
