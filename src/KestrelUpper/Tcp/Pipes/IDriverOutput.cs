using System.Buffers;

namespace KestrelUpper.Tcp.Pipes;

/// <summary>Where the pipe driver's session writes its replies, and how the FIN follows them in order.</summary>
internal interface IDriverOutput : IBufferWriter<byte>, IDisposable
{
    /// <summary>
    /// Hands what was written to the transport. A send that cannot complete at once calls <paramref name="blocked"/>
    /// first (the session's backpressure). False once the output is closed (the client is gone).
    /// </summary>
    ValueTask<bool> SendAsync(Action blocked);

    /// <summary>Ends our direction after everything sent so far, leaving the input open (the linger reads on).</summary>
    ValueTask HalfCloseAsync();
}
