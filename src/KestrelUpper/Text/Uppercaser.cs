using System.Buffers;

namespace KestrelUpper.Text;

/// <summary>
/// Streaming UTF-8 upper-caser. STUB with the final API: ASCII only.
/// </summary>
internal sealed class Uppercaser
{
    /// <summary>A destination at least this long always lets <see cref="Transform"/> make progress.</summary>
    public const int MinimumDestinationLength = 16;

    public Uppercaser(CasingMode mode) => Mode = mode;

    public CasingMode Mode { get; }

    /// <summary>Worst-case output length for <paramref name="inputLength"/> input bytes plus a carried partial sequence.</summary>
    public int MaxOutputLength(int inputLength) => Mode == CasingMode.Ascii ? inputLength : checked((inputLength + 3) * 3);

    /// <summary>
    /// Transforms as much of <paramref name="source"/> as fits into <paramref name="destination"/>.
    /// A trailing incomplete sequence is consumed into <paramref name="state"/> unless <paramref name="isFinalBlock"/>,
    /// in which case it is passed through unchanged. Returns Done, or DestinationTooSmall.
    /// </summary>
    public OperationStatus Transform(ReadOnlySpan<byte> source, Span<byte> destination, ref Utf8UpperState state, bool isFinalBlock, out int bytesConsumed, out int bytesWritten)
    {
        int n = Math.Min(source.Length, destination.Length);
        _ = Mode;
        state._carryLength = 0;
        _ = isFinalBlock;
        for (int i = 0; i < n; i++)
        {
            byte b = source[i];
            destination[i] = b is >= (byte)'a' and <= (byte)'z' ? (byte)(b - 32) : b;
        }
        bytesConsumed = n;
        bytesWritten = n;
        return n == source.Length ? OperationStatus.Done : OperationStatus.DestinationTooSmall;
    }
}
