using System.Buffers;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using KestrelUpper.Tcp.Transport;
using KestrelUpper.Text;

namespace KestrelUpper.Tcp;

/// <summary>
/// The TCP protocol on a socket the handler drives itself (<see cref="DirectTcpConnection"/>): receive, uppercase,
/// send, repeat, all on the thread the receive completed on. Same protocol as <see cref="UppercasePump"/>, without
/// pipes: no copy into a pipe, no hand-off to another thread, one receive and one send per message.
/// </summary>
internal static class SocketPump
{
    // Not ArrayPool<byte>.Shared: with two same-size rents per message it was measured allocating about 30 bytes
    // per round trip (AllocationTests); this pool never trims and keeps up to 256 arrays of each size.
    private static readonly ArrayPool<byte> Buffers = ArrayPool<byte>.Create(maxArrayLength: 1024 * 1024, maxArraysPerBucket: 256);

    // What the linger reads (and throws away) at a time: it only waits for the client's FIN.
    private const int DiscardBufferBytes = 16 * 1024;

    // After a drain's FIN, how long the client gets to close its side before the socket is closed anyway.
    private static readonly TimeSpan LingerAfterDrain = TimeSpan.FromSeconds(2);

    /// <summary>Runs until the client finishes sending, the server stops reading (drain), or the socket fails.</summary>
    public static async Task<PumpOutcome> RunAsync(DirectTcpConnection connection, Uppercaser uppercaser, TcpConnectionStats stats, int bufferSize)
    {
        Socket socket = connection.Socket;
        CancellationToken stopping = connection.ReadStopping;
        // As large as the input: ASCII and most text is one send per receive; text that grows goes out in pieces.
        int outputSize = Math.Max(Uppercaser.MinimumDestinationLength, bufferSize);
        var state = default(Utf8UpperState);
        byte[]? input = null;
        byte[]? output = null;
        bool waitForData = true;
        try
        {
            while (true)
            {
                int received;
                bool stopped = false;
                try
                {
                    if (waitForData)
                    {
                        // An idle connection holds no buffer: a zero-byte receive waits until the socket is readable.
                        Return(ref input);
                        Return(ref output);
                        await socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, stopping).ConfigureAwait(false);
                    }

                    input ??= Buffers.Rent(bufferSize);
                    received = await socket.ReceiveAsync(input.AsMemory(0, bufferSize), SocketFlags.None, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested && !connection.IsAborted)
                {
                    // Drain: answer what the kernel already holds (one buffer's worth; the receive completes at once)
                    // and any carried partial sequence, then close our side.
                    stopped = true;
                    input ??= Buffers.Rent(bufferSize);
                    received = socket.Available > 0 ? await socket.ReceiveAsync(input.AsMemory(0, bufferSize), SocketFlags.None).ConfigureAwait(false) : 0;
                }

                bool final = received == 0 || stopped;
                stats.Received(received);
                output ??= Buffers.Rent(outputSize);
                ReadOnlyMemory<byte> source = input.AsMemory(0, received);
                while (true)
                {
                    OperationStatus status = uppercaser.Transform(source.Span, output, ref state, final, out int consumed, out int produced);
                    source = source[consumed..];
                    if (produced > 0)
                    {
                        // A send that does not complete at once is backpressure: the client is not reading, so
                        // neither do we until it does.
                        await SendAllAsync(socket, output.AsMemory(0, produced)).ConfigureAwait(false);
                        stats.Sent(produced);
                        stats.Touch(); // a slow but steady reader of a long reply is not idle
                    }

                    if (status == OperationStatus.Done)
                    {
                        break;
                    }
                }

                stats.Touch();
                stats.AddInvalidBytes(ref state);
                if (final)
                {
                    socket.Shutdown(SocketShutdown.Send);
                    if (stopped)
                    {
                        // Closing with unread input would reset the connection, and a reset can destroy replies the
                        // client has not read yet: discard its input until it closes too (a lingering close).
                        await DiscardUntilClosedAsync(socket, input).ConfigureAwait(false);
                        return PumpOutcome.ReadCanceled;
                    }

                    return PumpOutcome.InputCompleted;
                }

                // A full buffer means more is probably queued (a stream): read again at once, keeping the buffers.
                waitForData = received < bufferSize;
            }
        }
        finally
        {
            Return(ref input);
            Return(ref output);
        }
    }

    /// <summary>After a drain's FIN: reads and discards until the client closes too, or the linger runs out.</summary>
    public static async Task DiscardUntilClosedAsync(Socket socket)
    {
        byte[] buffer = Buffers.Rent(DiscardBufferBytes);
        try
        {
            await DiscardUntilClosedAsync(socket, buffer).ConfigureAwait(false);
        }
        finally
        {
            Buffers.Return(buffer);
        }
    }

    private static async Task DiscardUntilClosedAsync(Socket socket, byte[] buffer)
    {
        using var linger = new CancellationTokenSource(LingerAfterDrain);
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, linger.Token).ConfigureAwait(false) > 0)
            {
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The client kept sending past the linger, reset, or the server's shutdown timeout aborted us: close anyway.
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))] // no allocation when a send has to wait
    private static async ValueTask SendAllAsync(Socket socket, ReadOnlyMemory<byte> data)
    {
        while (!data.IsEmpty)
        {
            int sent = await socket.SendAsync(data, SocketFlags.None).ConfigureAwait(false);
            data = data[sent..];
        }
    }

    private static void Return(ref byte[]? buffer)
    {
        if (buffer is not null)
        {
            Buffers.Return(buffer);
            buffer = null;
        }
    }
}
