namespace KestrelUpper.Text;

/// <summary>
/// Per-stream state of the transform: the bytes of a UTF-8 sequence cut by a piece boundary,
/// carried to the next piece, and a running count of invalid bytes passed through unchanged.
/// STUB: replaced by the real implementation.
/// </summary>
internal struct Utf8UpperState
{
    /// <summary>Invalid UTF-8 bytes passed through unchanged so far.</summary>
    public long InvalidBytes;

    /// <summary>True when no partial sequence is carried.</summary>
    public readonly bool IsEmpty => _carryLength == 0;

    internal int _carryLength;
}
