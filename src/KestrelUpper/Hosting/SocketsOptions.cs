namespace KestrelUpper.Hosting;

/// <summary><c>Upper:Sockets</c>: what serves the plain TCP port's sockets.</summary>
internal sealed class SocketsOptions
{
    /// <summary>What carries the plain TCP port's bytes; see <see cref="Hosting.TcpTransport"/>. Defaults to Epoll.</summary>
    public TcpTransport Transport { get; set; } = TcpTransport.Epoll;

    /// <summary>
    /// Event loop threads of the Epoll transport; 0 means one per processor the process may run on. Defaults to 0.
    /// </summary>
    public int EventLoops { get; set; }

    /// <summary>The number of event loops in force.</summary>
    public int EffectiveEventLoops => EventLoops > 0 ? EventLoops : Environment.ProcessorCount;

    /// <summary>
    /// Bytes the Epoll transport reads per receive: one buffer per event loop (an idle connection holds none).
    /// Larger buffers mean fewer system calls for streaming clients. Defaults to 64 KiB.
    /// </summary>
    public int ReceiveBufferBytes { get; set; } = 64 * 1024;
}
