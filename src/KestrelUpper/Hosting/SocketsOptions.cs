namespace KestrelUpper.Hosting;

/// <summary><c>Upper:Sockets</c>: how socket completions are scheduled.</summary>
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
    /// Receive buffer of the Direct and Epoll transports: Direct takes it from a pool only while a connection has
    /// data to read, Epoll has one per event loop; an idle connection holds none. Larger buffers mean fewer
    /// system calls for streaming clients. Defaults to 64 KiB.
    /// </summary>
    public int ReceiveBufferBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// Run socket completions inline on the socket engine's thread instead of hopping to the thread pool (the
    /// runtime's inline socket completions). Safe here because nothing on the TCP and UDP paths blocks; it
    /// saves a thread hop per datagram. Defaults to true.
    /// </summary>
    public bool InlineCompletions { get; set; } = true;

    /// <summary>
    /// Also run Kestrel's pipe continuations inline (<c>UnsafePreferInlineScheduling</c>). Measured slower for
    /// streaming and pipelined TCP on two cores, so it defaults to false.
    /// </summary>
    public bool InlinePipeScheduling { get; set; }

    /// <summary>
    /// Wait for data with a zero-byte read before taking a buffer from the pool (Kestrel's
    /// <c>WaitForDataBeforeAllocatingBuffer</c>). True keeps idle connections cheap (no buffer while waiting)
    /// at the cost of one extra receive call per message. Defaults to true.
    /// </summary>
    public bool WaitForDataBeforeAllocatingBuffer { get; set; } = true;
}
