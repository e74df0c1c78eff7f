namespace KestrelUpper.Hosting;

/// <summary><c>Upper:Sockets:Transport</c>: what carries the bytes of the plain TCP port. Either way Kestrel accepts.</summary>
internal enum TcpTransport
{
    /// <summary>
    /// The service's own epoll event loops (<c>Tcp/Epoll/</c>): one epoll_wait, recv and send per message, as a
    /// hand-written C server makes. The default; needs Linux on x64 or arm64, elsewhere the port falls back to
    /// <see cref="Kestrel"/> (logged once at start).
    /// </summary>
    Epoll = 0,

    /// <summary>Kestrel's socket transport and its pipes, as the HTTP and TLS ports always use.</summary>
    Kestrel = 1,
}
