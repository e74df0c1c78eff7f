namespace KestrelUpper.Hosting;

/// <summary><c>Upper:Sockets</c>: how socket completions are scheduled.</summary>
internal sealed class SocketsOptions
{
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
