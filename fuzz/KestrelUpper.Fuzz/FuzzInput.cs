using System.Buffers.Binary;

namespace KestrelUpper.Fuzz;

/// <summary>
/// Reads a fuzzer's bytes as decisions. Past the end every read yields zeros, so any input (even empty) is a valid
/// case and the fuzzer never wastes executions on inputs the harness would refuse.
/// </summary>
internal ref struct FuzzInput(ReadOnlySpan<byte> data)
{
    private ReadOnlySpan<byte> _rest = data;

    public readonly bool IsEmpty => _rest.IsEmpty;

    public readonly int Remaining => _rest.Length;

    public byte TakeByte()
    {
        if (_rest.IsEmpty)
        {
            return 0;
        }

        byte value = _rest[0];
        _rest = _rest[1..];
        return value;
    }

    public ushort TakeUInt16()
    {
        Span<byte> bytes = [TakeByte(), TakeByte()];
        return BinaryPrimitives.ReadUInt16BigEndian(bytes);
    }

    /// <summary>Up to <paramref name="count"/> bytes: fewer when the input ends first.</summary>
    public ReadOnlySpan<byte> Take(int count)
    {
        ReadOnlySpan<byte> taken = _rest[..Math.Min(count, _rest.Length)];
        _rest = _rest[taken.Length..];
        return taken;
    }

    /// <summary>Everything not read yet.</summary>
    public ReadOnlySpan<byte> TakeRest() => Take(_rest.Length);
}
