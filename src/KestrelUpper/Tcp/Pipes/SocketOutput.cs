using System.Buffers;
using System.Net.Sockets;

namespace KestrelUpper.Tcp.Pipes;

/// <summary>
/// Replies sent on the connection's socket by the driver itself, for plain TCP over Kestrel's transport: Kestrel's
/// transport cannot half-close (ending its output closes the socket both ways), and a FIN sent beside its sender
/// could overtake replies still in its pipe. Sent here, the FIN follows the last reply, and the input stays open
/// for the linger. The buffer is pooled and held only while a reply is on its way.
/// </summary>
internal sealed class SocketOutput(Socket socket) : IDriverOutput
{
    private const int MinimumBuffer = 4096;

    private byte[]? _buffer;
    private int _written;

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (_buffer is null || count > _buffer.Length - _written)
        {
            throw new InvalidOperationException("Advanced past the end of the buffer.");
        }

        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0) => Room(sizeHint);

    public Span<byte> GetSpan(int sizeHint = 0) => Room(sizeHint).Span;

    public async ValueTask<bool> SendAsync(Action blocked)
    {
        if (_written == 0)
        {
            return true;
        }

        try
        {
            ReadOnlyMemory<byte> pending = _buffer.AsMemory(0, _written);
            while (!pending.IsEmpty)
            {
                // A send that does not complete at once is backpressure: the client is not reading.
                ValueTask<int> sending = socket.SendAsync(pending, SocketFlags.None);
                if (!sending.IsCompleted)
                {
                    blocked();
                }

                pending = pending[await sending.ConfigureAwait(false)..];
            }

            return true;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return false; // reset, or the connection was aborted
        }
        finally
        {
            Release();
        }
    }

    public ValueTask HalfCloseAsync()
    {
        try
        {
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // The client is gone already: the linger's read ends at once.
        }

        return ValueTask.CompletedTask;
    }

    public void Dispose() => Release();

    private Memory<byte> Room(int sizeHint)
    {
        int wanted = Math.Max(sizeHint, 1);
        if (_buffer is null || _buffer.Length - _written < wanted)
        {
            byte[] grown = ArrayPool<byte>.Shared.Rent(Math.Max(MinimumBuffer, Math.Max(_written + wanted, (_buffer?.Length ?? 0) * 2)));
            _buffer?.AsSpan(0, _written).CopyTo(grown);
            if (_buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
            }

            _buffer = grown;
        }

        return _buffer.AsMemory(_written);
    }

    private void Release()
    {
        _written = 0;
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }
    }
}
