using System.IO.Pipelines;
using System.Net.Security;

namespace KestrelUpper.Tcp.Pipes;

/// <summary>
/// Replies into the transport's output pipe: for TLS, whose end is its own close_notify, written through the same
/// stream after the last reply. Kestrel sends the TCP FIN when the connection is closed.
/// </summary>
internal sealed class PipeOutput(PipeWriter output, SslStream? tls) : IDriverOutput
{
    public void Advance(int count) => output.Advance(count);

    public Memory<byte> GetMemory(int sizeHint = 0) => output.GetMemory(sizeHint);

    public Span<byte> GetSpan(int sizeHint = 0) => output.GetSpan(sizeHint);

    public async ValueTask<bool> SendAsync(Action blocked)
    {
        if (output.CanGetUnflushedBytes && output.UnflushedBytes == 0)
        {
            return true;
        }

        // A flush that does not complete at once is backpressure: the output pipe is full.
        ValueTask<FlushResult> flushing = output.FlushAsync();
        if (!flushing.IsCompleted)
        {
            blocked();
        }

        FlushResult flushed = await flushing.ConfigureAwait(false);
        return !(flushed.IsCompleted || flushed.IsCanceled);
    }

    public async ValueTask HalfCloseAsync()
    {
        if (tls is not null)
        {
            await tls.ShutdownAsync().ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
    }
}
