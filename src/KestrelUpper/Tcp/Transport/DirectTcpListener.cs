using System.Net;
using System.Net.Sockets;
using KestrelUpper.Tcp.Epoll;
using Microsoft.AspNetCore.Connections;

namespace KestrelUpper.Tcp.Transport;

/// <summary>The listening socket of the direct transport; Kestrel's accept loop calls <see cref="AcceptAsync"/>.</summary>
internal sealed class DirectTcpListener : IConnectionListener
{
    // Kestrel's socket transport uses the same backlog; a burst of one-shot clients needs room to queue.
    private const int Backlog = 512;

    private static readonly TimeSpan AcceptBackoff = TimeSpan.FromMilliseconds(50);

    private readonly Socket _socket;
    private readonly ILogger _logger;
    private readonly EpollAcceptor? _acceptor;

    private DirectTcpListener(Socket socket, ILogger logger, EpollEngine? epoll)
    {
        _socket = socket;
        _logger = logger;
        _acceptor = epoll?.CreateAcceptor(socket);
        // Still marked, so the bound endpoint shows which transport serves it (and a rebind comes back here).
        var bound = (IPEndPoint)socket.LocalEndPoint!;
        EndPoint = new DirectTcpEndPoint(bound.Address, bound.Port);
    }

    public EndPoint EndPoint { get; }

    /// <summary>
    /// Binds and listens. <c>::</c> is dual-stack, falling back to <c>0.0.0.0</c> where IPv6 is off, as Kestrel's
    /// ListenAnyIP does. With <paramref name="epoll"/>, an event loop accepts instead of the runtime's socket thread.
    /// </summary>
    public static DirectTcpListener Bind(DirectTcpEndPoint endpoint, ILogger logger, EpollEngine? epoll = null)
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
            return new DirectTcpListener(socket, logger, epoll);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Socket accepted;
            try
            {
                Socket? next = _acceptor is null
                    ? await _socket.AcceptAsync(cancellationToken).ConfigureAwait(false)
                    : await _acceptor.AcceptAsync().ConfigureAwait(false);
                if (next is null)
                {
                    return null; // unbound
                }

                accepted = next;
            }
            catch (ObjectDisposedException)
            {
                return null; // unbound
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.OperationAborted)
            {
                return null; // unbound
            }
            catch (SocketException ex)
            {
                // A client that reset while still in the accept queue, or a transient shortage (EMFILE): not fatal,
                // but a shortage would fail again at once, so give it a moment instead of spinning.
                TcpLog.AcceptFailed(_logger, ex.SocketErrorCode.ToString());
                if (ex.SocketErrorCode is SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable)
                {
                    await Task.Delay(AcceptBackoff, cancellationToken).ConfigureAwait(false);
                }

                continue;
            }

            try
            {
                accepted.NoDelay = true; // a reply is one write and must not wait for the next
                return new DirectTcpConnection(accepted);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // Reset between accept and here: nothing to serve, and Kestrel's accept loop must go on.
                TcpLog.AcceptFailed(_logger, ex is SocketException se ? se.SocketErrorCode.ToString() : ex.GetType().Name);
                accepted.Dispose();
            }
        }
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
        _acceptor?.Close(); // first: it holds a reference on the socket's handle
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
