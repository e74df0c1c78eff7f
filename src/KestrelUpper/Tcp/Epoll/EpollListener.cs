using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace KestrelUpper.Tcp.Epoll;

/// <summary>
/// The plain TCP port's listening socket: accepted from the first event loop (<see cref="EpollAcceptor"/>), and
/// Kestrel's accept loop calls <see cref="AcceptAsync"/> for each connection.
/// </summary>
internal sealed class EpollListener : IConnectionListener
{
    // Kestrel's socket transport uses the same backlog; a burst of one-shot clients needs room to queue.
    private const int Backlog = 512;

    private readonly Socket _socket;
    private readonly EpollEngine _engine;
    private readonly ILogger _logger;
    private readonly EpollAcceptor _acceptor;

    private EpollListener(Socket socket, EpollEngine engine, ILogger logger)
    {
        _socket = socket;
        _engine = engine;
        _logger = logger;
        _acceptor = engine.CreateAcceptor(socket);
        // Still marked, so the bound endpoint shows which transport serves it (and a rebind comes back here).
        var bound = (IPEndPoint)socket.LocalEndPoint!;
        EndPoint = new EpollEndPoint(bound.Address, bound.Port);
    }

    public EndPoint EndPoint { get; }

    /// <summary>
    /// Binds and listens. <c>::</c> is dual-stack, falling back to <c>0.0.0.0</c> where IPv6 is off, as Kestrel's
    /// ListenAnyIP does.
    /// </summary>
    public static EpollListener Bind(EpollEndPoint endpoint, EpollEngine engine, ILogger logger)
    {
        Socket socket;
        if (endpoint.Address.Equals(IPAddress.IPv6Any))
        {
            try
            {
                socket = Listen(new IPEndPoint(IPAddress.IPv6Any, endpoint.Port));
            }
            catch (SocketException ex) when (ex.SocketErrorCode != SocketError.AddressAlreadyInUse)
            {
                socket = Listen(new IPEndPoint(IPAddress.Any, endpoint.Port));
            }
        }
        else
        {
            socket = Listen(new IPEndPoint(endpoint.Address, endpoint.Port));
        }

        try
        {
            return new EpollListener(socket, engine, logger);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        // Accept errors (a client that reset in the queue, EMFILE) are the acceptor's to log and back off from.
        while (await _acceptor.AcceptAsync().ConfigureAwait(false) is { } accepted)
        {
            try
            {
                accepted.NoDelay = true; // a reply is one write and must not wait for the next
                return new EpollConnectionContext(accepted, _engine);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // Reset between accept and here: nothing to serve, and Kestrel's accept loop must go on.
                TcpLog.AcceptFailed(_logger, ex is SocketException se ? se.SocketErrorCode.ToString() : ex.GetType().Name);
                accepted.Dispose();
            }
        }

        return null; // unbound
    }

    public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        Close();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        Close();
        return ValueTask.CompletedTask;
    }

    private void Close()
    {
        _acceptor.Close(); // first: it holds a reference on the socket's handle
        _socket.Dispose();
    }

    private static Socket Listen(IPEndPoint endpoint)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endpoint.Address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            socket.Bind(endpoint);
            socket.Listen(Backlog);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
