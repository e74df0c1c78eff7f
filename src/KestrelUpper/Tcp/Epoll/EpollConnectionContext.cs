using System.IO.Pipelines;
using System.Net.Sockets;
using KestrelUpper.Tcp.Protocol;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace KestrelUpper.Tcp.Epoll;

/// <summary>
/// A connection accepted by <see cref="EpollListener"/>, as Kestrel (its connection middleware, limits, metrics and the
/// handler) sees it. Its bytes never pass through pipes: the handler gets an <see cref="EpollConnection"/> from the
/// <see cref="ISessionDriverFeature"/> and an event loop serves the socket. <see cref="Transport"/> is therefore
/// unsupported; middleware that reads the stream (TLS) stays on Kestrel's transport.
/// </summary>
internal sealed class EpollConnectionContext : ConnectionContext, ISessionDriverFeature
{
    // Seeded from the clock like Kestrel's own ids (distinct across restarts), with bit 62 set so that they never
    // meet the ids Kestrel gives the HTTP and TLS connections (clock ticks stay below 2^62).
    private static long s_lastId = DateTime.UtcNow.Ticks | (1L << 62);

    private readonly EpollEngine _engine;
    private EpollConnection? _driver;
    private int _closed;
    private volatile bool _aborted;

    public EpollConnectionContext(Socket socket, EpollEngine engine)
    {
        Socket = socket;
        _engine = engine;
        LocalEndPoint = socket.LocalEndPoint;
        RemoteEndPoint = socket.RemoteEndPoint;
        ConnectionId = ConnectionIds.Next(ref s_lastId);
        Features.Set<ISessionDriverFeature>(this);
    }

    public Socket Socket { get; }

    /// <summary>True once the connection was aborted (idle timeout, shutdown timeout): there is nothing left to answer.</summary>
    public bool IsAborted => _aborted;

    public override string ConnectionId { get; set; }

    public override IFeatureCollection Features { get; } = new FeatureCollection();

    public override IDictionary<object, object?> Items { get; set; } = new ConnectionItems();

    public override IDuplexPipe Transport
    {
        get => throw new NotSupportedException("An epoll connection has no pipes: an event loop drives its socket.");
        set => throw new NotSupportedException("An epoll connection has no pipes: an event loop drives its socket.");
    }

    public ISessionDriver CreateDriver()
    {
        if (_driver is not null)
        {
            throw new InvalidOperationException("A connection is driven once.");
        }

        _driver = new EpollConnection(this, _engine);
        return _driver;
    }

    public override void Abort(ConnectionAbortedException abortReason)
    {
        _aborted = true; // before the wake-up, so the loop ends the session instead of serving it on
        _driver?.Post(SessionCommands.None);
        Close(abortive: true);
    }

    public override ValueTask DisposeAsync()
    {
        Close(abortive: false);
        return base.DisposeAsync();
    }

    private void Close(bool abortive)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        try
        {
            // An abort shuts down both directions, as Kestrel's transport does, so the loop sees the end at once.
            // Dispose comes after the handler has returned: close() alone sends the FIN (one system call less).
            if (abortive)
            {
                Socket.Shutdown(SocketShutdown.Both);
            }
        }
        catch (SocketException)
        {
            // Already reset by the peer.
        }
        catch (ObjectDisposedException)
        {
        }

        // While a loop uses the descriptor it holds a reference on the handle: the close waits for its release.
        Socket.Dispose();
    }
}
