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
        try
        {
            // Both directions, as Kestrel's transport does: the loop sees the end at once. The descriptor is closed
            // by DisposeAsync, after the handler returned and the loop let go of it; closing it here would wait for that.
            Socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already reset by the peer, or closed.
        }

        _driver?.Post(SessionCommands.None);
    }

    public override ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            // close() alone sends the FIN (one system call less than a shutdown first).
            Socket.Dispose();
        }

        return base.DisposeAsync();
    }
}
