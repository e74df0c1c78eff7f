using System.Buffers;
using System.IO.Pipelines;
using KestrelUpper.Text;

namespace KestrelUpper.Tcp;

/// <summary>
/// The TCP protocol: read whatever arrived, uppercase it straight into the output pipe, flush, repeat.
/// There is no framing: the reply to a piece goes out as soon as the piece arrives (the textbook client sends
/// one message without a newline and waits for one reply).
/// </summary>
internal static class UppercasePump
{
    // Kestrel's memory pool hands out 4 KiB blocks; asking for more would leave the pool.
    private const int MaxSpanHint = 4096;

    /// <summary>Runs until the client finishes sending, the output closes, or a read is cancelled (idle, drain).</summary>
    public static async Task<PumpOutcome> RunAsync(PipeReader input, PipeWriter output, Uppercaser uppercaser, TcpConnectionStats stats, ServerClose? close = null)
    {
        var state = default(Utf8UpperState);

        // Connection middleware (the PROXY protocol detector) may have examined bytes it then left unconsumed, and
        // a pipe's ReadAsync waits for *new* data past what was examined. A cancelled read returns whatever is
        // buffered at once, so the first read is cancelled on purpose and its IsCanceled ignored, unless the server
        // really is closing by then.
        input.CancelPendingRead();
        bool first = true;
        while (true)
        {
            ReadResult read = await input.ReadAsync().ConfigureAwait(false);
            if (first && read.IsCanceled && close?.Reason is null)
            {
                read = new ReadResult(read.Buffer, isCanceled: false, read.IsCompleted);
            }

            first = false;
            ReadOnlySequence<byte> buffer = read.Buffer;
            long received = buffer.Length; // read before AdvanceTo: the segments go back to the pool there

            // A cancelled read (drain, idle) is the end of this stream too: write out any carried partial sequence.
            bool final = read.IsCompleted || read.IsCanceled;
            long written;
            try
            {
                written = TransformInto(buffer, output, uppercaser, ref state, final);
            }
            finally
            {
                input.AdvanceTo(buffer.End);
            }

            stats.Received(received);
            stats.Sent(written);

            // A flush that does not complete at once is backpressure: the client is not reading, so neither do we.
            FlushResult flush = await output.FlushAsync().ConfigureAwait(false);
            stats.Touch();
            stats.AddInvalidBytes(ref state);

            if (flush.IsCompleted || flush.IsCanceled)
            {
                return PumpOutcome.OutputClosed;
            }

            if (read.IsCompleted)
            {
                return PumpOutcome.InputCompleted;
            }

            if (read.IsCanceled)
            {
                return PumpOutcome.ReadCanceled;
            }
        }
    }

    /// <summary>Uppercases every segment of <paramref name="buffer"/> into <paramref name="output"/>; returns the bytes written.</summary>
    public static long TransformInto(in ReadOnlySequence<byte> buffer, PipeWriter output, Uppercaser uppercaser, ref Utf8UpperState state, bool isFinalBlock)
    {
        long written = 0;
        foreach (ReadOnlyMemory<byte> segment in buffer)
        {
            written += TransformSpan(segment.Span, output, uppercaser, ref state, isFinalBlock: false);
        }

        if (isFinalBlock)
        {
            written += TransformSpan(default, output, uppercaser, ref state, isFinalBlock: true);
        }

        return written;
    }

    private static int TransformSpan(ReadOnlySpan<byte> source, PipeWriter output, Uppercaser uppercaser, ref Utf8UpperState state, bool isFinalBlock)
    {
        if (source.IsEmpty && !isFinalBlock)
        {
            return 0;
        }

        int written = 0;
        while (true)
        {
            int hint = Math.Clamp(uppercaser.MaxOutputLength(source.Length), Uppercaser.MinimumDestinationLength, MaxSpanHint);
            Span<byte> destination = output.GetSpan(hint);
            OperationStatus status = uppercaser.Transform(source, destination, ref state, isFinalBlock, out int consumed, out int produced);
            output.Advance(produced);
            written += produced;
            source = source[consumed..];
            if (status == OperationStatus.Done)
            {
                return written;
            }
        }
    }
}
