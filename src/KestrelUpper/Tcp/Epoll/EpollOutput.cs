using System.Buffers;

namespace KestrelUpper.Tcp.Epoll;

/// <summary>
/// An event loop's reply buffer as the session's output: pinned, sized for the uppercased form of a whole receive
/// buffer, so one read's reply always fits. Only the rest of a read that completed a split PROXY header can be
/// larger; it grows into a pooled array until the reply is sent.
/// </summary>
internal sealed class EpollOutput(int capacity) : IBufferWriter<byte>
{
    private readonly byte[] _buffer = GC.AllocateUninitializedArray<byte>(capacity, pinned: true);
    private byte[]? _grown;
    private int _written;

    /// <summary>The array holding the written bytes, from index 0.</summary>
    public byte[] Array => _grown ?? _buffer;

    public int WrittenCount => _written;

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count > Array.Length - _written)
        {
            throw new InvalidOperationException("Advanced past the end of the buffer.");
        }

        _written += count;
    }

    public Span<byte> GetSpan(int sizeHint = 0) => Room(sizeHint).Span;

    public Memory<byte> GetMemory(int sizeHint = 0) => Room(sizeHint);

    /// <summary>Empties it for the next reply (and gives back a grown array).</summary>
    public void Reset()
    {
        _written = 0;
        if (_grown is not null)
        {
            ArrayPool<byte>.Shared.Return(_grown);
            _grown = null;
        }
    }

    private Memory<byte> Room(int sizeHint)
    {
        byte[] array = Array;
        int wanted = Math.Max(sizeHint, 1);
        if (array.Length - _written < wanted)
        {
            byte[] grown = ArrayPool<byte>.Shared.Rent(Math.Max(_written + wanted, array.Length * 2));
            array.AsSpan(0, _written).CopyTo(grown);
            if (_grown is not null)
            {
                ArrayPool<byte>.Shared.Return(_grown);
            }

            _grown = grown;
            array = grown;
        }

        return array.AsMemory(_written);
    }
}
