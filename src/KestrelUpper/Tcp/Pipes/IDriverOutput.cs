using System.Buffers;
using KestrelUpper.Tcp.Protocol;

namespace KestrelUpper.Tcp.Pipes;

/// <summary>Where the pipe driver's session writes its replies, and how the FIN follows them in order.</summary>
internal interface IDriverOutput : IBufferWriter<byte>, IDisposable
{
    /// <summary>The next call into the session answers <paramref name="inputBytes"/> bytes: room can be made at once.</summary>
    void Expect(long inputBytes);

    /// <summary>
    /// Hands what was written to the transport. A send that cannot complete at once is the session's backpressure
    /// (<see cref="UppercaseSession.OnOutputBlocked"/>), partial progress stamps its activity. False once the output
    /// is closed (the client is gone).
    /// </summary>
    ValueTask<bool> SendAsync(UppercaseSession session, TimeProvider time);

    /// <summary>Ends our direction after everything sent so far, leaving the input open (the linger reads on).</summary>
    ValueTask HalfCloseAsync();
}
