namespace KestrelUpper.Hosting;

/// <summary><c>Upper:Udp:Loop</c>: which receive loop serves the UDP port.</summary>
internal enum UdpLoop
{
    /// <summary>
    /// recvmmsg/sendmmsg on a dedicated thread, <c>Upper:Udp:BatchSize</c> datagrams per system call. The default;
    /// needs Linux on x64 or arm64, elsewhere the port falls back to <see cref="Portable"/> (logged once at start).
    /// </summary>
    Batch = 0,

    /// <summary>The runtime's async socket calls, one datagram at a time: every platform (chosen here to rule the batch loop out).</summary>
    Portable = 1,
}
