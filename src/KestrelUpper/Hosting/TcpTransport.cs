namespace KestrelUpper.Hosting;

/// <summary><c>Upper:Sockets:Transport</c>: what carries the bytes of the plain TCP port under Kestrel.</summary>
internal enum TcpTransport
{
    /// <summary>
    /// Kestrel accepts through the service's own listener and the handler drives the socket itself: receive,
    /// uppercase, send, on the thread the receive completed on. No pipes, no thread hop per message. The
    /// default. The TLS port, the HTTP port and a TCP port with the PROXY protocol on use Kestrel's transport.
    /// </summary>
    Direct = 0,

    /// <summary>Kestrel's socket transport and its pipes, as for every other endpoint.</summary>
    Kestrel = 1,
}
