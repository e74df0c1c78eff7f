using System.IO.Pipelines;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace KestrelUpper.Tcp.Transport;

/// <summary>
/// A connection accepted by <see cref="DirectTcpListener"/>. It has no pipes: the handler serves
/// <see cref="Socket"/> itself, on an event loop (<see cref="Epoll.EpollEngine"/>) or with <see cref="SocketPump"/>. <see cref="Transport"/> is therefore unsupported,
/// which is why connection middleware that reads the stream (PROXY protocol, TLS) keeps Kestrel's transport.
/// </summary>
internal sealed class DirectTcpConnection : ConnectionContext
{
    // Seeded from the clock like Kestrel's own ids (distinct across restarts), with bit 62 set so that they never
    // meet the ids Kestrel gives the HTTP and TLS connections (clock ticks stay below 2^62).
    private static long s_lastId = DateTime.UtcNow.Ticks | (1L << 62);

    private readonly CancellationTokenSource _stopReading = new();
    private int _closed;
    private volatile bool _aborted;

    public DirectTcpConnection(Socket socket)
    {
        Socket = socket;
        LocalEndPoint = socket.LocalEndPoint;
        RemoteEndPoint = socket.RemoteEndPoint;
        ConnectionId = ConnectionIds.Next(ref s_lastId);
    }

    public Socket Socket { get; }

    /// <summary>True once the connection was aborted (idle timeout, shutdown timeout): there is nothing left to answer.</summary>
    public bool IsAborted => _aborted;

    /// <summary>Cancelled when the server wants the pump to stop reading (drain) or the connection is aborted.</summary>
    public CancellationToken ReadStopping => _stopReading.Token;

    public override string ConnectionId { get; set; }

    public override IFeatureCollection Features { get; } = new FeatureCollection();

    public override IDictionary<object, object?> Items { get; set; } = new ConnectionItems();

    public override IDuplexPipe Transport
    {
        get => throw new NotSupportedException("A direct TCP connection has no pipes; the uppercase handler drives its socket.");
        set => throw new NotSupportedException("A direct TCP connection has no pipes; the uppercase handler drives its socket.");
    }

    /// <summary>Asks the pump to answer what has arrived and finish (drain); the socket stays open until it does.</summary>
    public void StopReading()
    {
        try
        {
            _stopReading.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already closed: nothing is reading.
        }
    }

    public override void Abort(ConnectionAbortedException abortReason)
    {
        _aborted = true; // before the cancellation, so the pump does not mistake it for a drain
        StopReading();
        Close(abortive: true);
    }

    public override ValueTask DisposeAsync()
    {
        // The token source is not disposed: it holds no timer or wait handle, and an idle timer callback may still
        // be cancelling it.
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
            // An abort shuts down both directions, as Kestrel's transport does, so a pending receive or send ends
            // at once. Dispose comes after the handler has returned: nothing is pending, and close() alone sends
            // the FIN (one system call less per connection).
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

        Socket.Dispose();
    }
}
