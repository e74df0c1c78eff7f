namespace KestrelUpper.Hosting;

/// <summary><c>Upper:Sockets:Transport</c>: what carries the bytes of the plain TCP port under Kestrel.</summary>
internal enum TcpTransport
{
    /// <summary>
    /// Kestrel accepts through the service's own listener and the handler drives the socket itself with the
    /// runtime's async socket calls: receive, uppercase, send, on the thread the receive completed on. No pipes,
    /// no thread hop per message. The TLS port, the HTTP port and a TCP port with the PROXY protocol on use
    /// Kestrel's transport whatever is configured.
    /// </summary>
    Direct = 0,

    /// <summary>Kestrel's socket transport and its pipes, as for every other endpoint.</summary>
    Kestrel = 1,

    /// <summary>
    /// As <see cref="Direct"/>, but the accepted sockets are served by the service's own epoll event loops
    /// (<c>Tcp/Epoll/</c>): one epoll_wait, recv and send per message, as a hand-written C server makes. The
    /// default; where epoll is not available (not Linux x64/arm64) the port falls back to <see cref="Direct"/>.
    /// </summary>
    Epoll = 2,
}
