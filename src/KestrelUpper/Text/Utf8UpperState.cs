using System.Diagnostics;

namespace KestrelUpper.Text;

/// <summary>
/// Per-stream state of the transform: the bytes of a UTF-8 sequence cut by a piece boundary,
/// carried to the next piece, and a running count of invalid bytes passed through unchanged.
/// </summary>
internal struct Utf8UpperState
{
    /// <summary>The longest valid-but-incomplete prefix: a 4-byte sequence missing its last byte.</summary>
    internal const int MaxCarryLength = Utf8Scalar.MaxSequenceLength - 1;

    private const int BitsPerByte = 8;

    /// <summary>Invalid UTF-8 bytes passed through unchanged so far.</summary>
    public long InvalidBytes;

    // Packed little-end-first so the struct stays two words and copies cheaply.
    private uint _carry;
    private int _carryLength;

    /// <summary>True when no partial sequence is carried.</summary>
    public readonly bool IsEmpty => _carryLength == 0;

    internal readonly int CarryLength => _carryLength;

    internal readonly void CopyCarryTo(Span<byte> destination)
    {
        for (int i = 0; i < _carryLength; i++)
        {
            destination[i] = (byte)(_carry >> (i * BitsPerByte));
        }
    }

    internal void SetCarry(ReadOnlySpan<byte> bytes)
    {
        Debug.Assert(bytes.Length <= MaxCarryLength, "only an incomplete sequence is ever carried");
        uint packed = 0;
        for (int i = 0; i < bytes.Length; i++)
        {
            packed |= (uint)bytes[i] << (i * BitsPerByte);
        }

        _carry = packed;
        _carryLength = bytes.Length;
    }

    internal void ClearCarry()
    {
        _carry = 0;
        _carryLength = 0;
    }
}
