using System.Buffers;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace KestrelUpper.Text;

/// <summary>
/// Streaming UTF-8 upper-caser. <see cref="CasingMode.Unicode"/> equals Python's <c>str.upper()</c> on valid text and passes
/// every invalid byte (by maximal subpart) through unchanged; <see cref="CasingMode.Ascii"/> equals <c>bytes.upper()</c>.
/// Splitting the input into pieces anywhere never changes the output. Allocation-free; never throws on any input.
/// </summary>
internal sealed class Uppercaser(CasingMode mode)
{
    /// <summary>A destination at least this long always lets <see cref="Transform"/> make progress.</summary>
    public const int MinimumDestinationLength = 16;

    public CasingMode Mode { get; } = mode;

    /// <summary>Worst-case output length for <paramref name="inputLength"/> input bytes plus a carried partial sequence.</summary>
    public int MaxOutputLength(int inputLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(inputLength);
        return Mode == CasingMode.Ascii
            ? inputLength
            : checked((inputLength + Utf8UpperState.MaxCarryLength) * UnicodeUpperTable.MaxGrowthFactor);
    }

    /// <summary>
    /// Transforms as much of <paramref name="source"/> as fits into <paramref name="destination"/>.
    /// A trailing incomplete sequence is consumed into <paramref name="state"/> unless <paramref name="isFinalBlock"/>,
    /// in which case it (and any carried bytes) is passed through unchanged as invalid. Returns Done once all of
    /// <paramref name="source"/> is consumed, else DestinationTooSmall. Bytes of <paramref name="destination"/> past
    /// <paramref name="bytesWritten"/> may be overwritten. Source and destination must not overlap in Unicode mode.
    /// </summary>
    public OperationStatus Transform(ReadOnlySpan<byte> source, Span<byte> destination, ref Utf8UpperState state, bool isFinalBlock, out int bytesConsumed, out int bytesWritten)
    {
        if (Mode == CasingMode.Ascii)
        {
            int count = AsciiUpper.ToUpperAllBytes(source, destination);
            bytesConsumed = count;
            bytesWritten = count;
            return count == source.Length ? OperationStatus.Done : OperationStatus.DestinationTooSmall;
        }

        return TransformUnicode(source, destination, ref state, isFinalBlock, out bytesConsumed, out bytesWritten);
    }

    /// <summary>
    /// One-shot transform of a complete message (a UDP datagram): returns false when <paramref name="destination"/>
    /// is too small; <see cref="MaxOutputLength"/> bytes always suffice.
    /// </summary>
    public bool TryTransformComplete(ReadOnlySpan<byte> source, Span<byte> destination, out int bytesWritten, out int invalidBytes)
    {
        var state = default(Utf8UpperState);
        OperationStatus status = Transform(source, destination, ref state, isFinalBlock: true, out _, out bytesWritten);
        invalidBytes = (int)state.InvalidBytes;
        return status == OperationStatus.Done;
    }

    private static OperationStatus TransformUnicode(ReadOnlySpan<byte> source, Span<byte> destination, ref Utf8UpperState state, bool isFinalBlock, out int bytesConsumed, out int bytesWritten)
    {
        int consumed = 0;
        int written = 0;
        if (!state.IsEmpty)
        {
            if (!TryResolveCarry(source, destination, ref state, isFinalBlock, out consumed, out written))
            {
                bytesConsumed = 0;
                bytesWritten = 0;
                return OperationStatus.DestinationTooSmall;
            }
        }

        ref byte sourceStart = ref MemoryMarshal.GetReference(source);
        ref byte destinationStart = ref MemoryMarshal.GetReference(destination);
        while (consumed < source.Length)
        {
            if (VectorUpperRun.IsSupported)
            {
                consumed += VectorUpperRun.Transform(
                    ref Unsafe.Add(ref sourceStart, consumed), source.Length - consumed, ref Unsafe.Add(ref destinationStart, written), destination.Length - written, ref state.InvalidBytes, out int runWritten);
                written += runWritten;
                if (consumed == source.Length)
                {
                    break;
                }
            }

            int stepConsumed = ScalarStep(source.Slice(consumed), destination.Slice(written), ref state, isFinalBlock, out int stepWritten);
            if (stepConsumed == 0)
            {
                break;
            }

            consumed += stepConsumed;
            written += stepWritten;
        }

        bytesConsumed = consumed;
        bytesWritten = written;
        return consumed == source.Length ? OperationStatus.Done : OperationStatus.DestinationTooSmall;
    }

    /// <summary>
    /// One unit of the general path — an ASCII run, a sequence, an invalid maximal subpart, or the carry of a sequence
    /// cut by the end of the piece — for what the vector window leaves: the last bytes of a piece, a nearly full
    /// destination, invalid bytes, mappings that change length (and everything on hardware without AVX2).
    /// Returns the bytes consumed, 0 when the unit's output does not fit <paramref name="free"/>.
    /// </summary>
    private static int ScalarStep(ReadOnlySpan<byte> rest, Span<byte> free, ref Utf8UpperState state, bool isFinalBlock, out int written)
    {
        byte lead = rest[0];
        if (lead < Utf8Scalar.AsciiLimit)
        {
            if (rest.Length == 1 || rest[1] >= Utf8Scalar.AsciiLimit)
            {
                // A lone ASCII byte between non-ASCII text (spaces, punctuation): not worth a vector pass.
                if (free.IsEmpty)
                {
                    written = 0;
                    return 0;
                }

                free[0] = AsciiUpper.ToUpper(lead);
                written = 1;
                return 1;
            }

            written = AsciiUpper.ToUpperUntilNonAscii(rest, free);
            return written;
        }

        if (Utf8Scalar.IsTwoByteLead(lead) && rest.Length > 1 && Utf8Scalar.IsContinuation(rest[1]))
        {
            // Latin, Greek, Cyrillic, Armenian: the generated table gives the uppercase bytes directly.
            ushort pair = UnicodeUpperTable.TwoByteUpper(Utf8Scalar.TwoBytePayload(lead, rest[1]));
            if (pair != 0)
            {
                if (free.Length < Utf8Scalar.TwoByteLength)
                {
                    written = 0;
                    return 0;
                }

                Unsafe.WriteUnaligned(ref MemoryMarshal.GetReference(free), pair);
                written = Utf8Scalar.TwoByteLength;
                return Utf8Scalar.TwoByteLength;
            }
        }

        int length = Utf8Scalar.Decode(rest, out uint scalar);
        if (length > 0)
        {
            written = SequenceUpper.Write(scalar, rest.Slice(0, length), free);
            return written == 0 ? 0 : length;
        }

        if (length == 0 && !isFinalBlock)
        {
            // Valid so far but cut by the piece boundary: the next piece decides.
            state.SetCarry(rest);
            written = 0;
            return rest.Length;
        }

        // An invalid maximal subpart, or a truncated sequence at the end of the stream: pass it through.
        int invalid = length < 0 ? -length : rest.Length;
        if (!rest.Slice(0, invalid).TryCopyTo(free))
        {
            written = 0;
            return 0;
        }

        state.InvalidBytes += invalid;
        written = invalid;
        return invalid;
    }

    /// <summary>
    /// Completes (or gives up on) the carried sequence with the first bytes of <paramref name="source"/>.
    /// Returns false, leaving the state untouched, when the result does not fit <paramref name="destination"/>.
    /// </summary>
    private static bool TryResolveCarry(ReadOnlySpan<byte> source, Span<byte> destination, ref Utf8UpperState state, bool isFinalBlock, out int consumed, out int written)
    {
        int carried = state.CarryLength;
        Span<byte> sequence = stackalloc byte[Utf8Scalar.MaxSequenceLength];
        state.CopyCarryTo(sequence);
        int taken = Math.Min(Utf8Scalar.MaxSequenceLength - carried, source.Length);
        source.Slice(0, taken).CopyTo(sequence.Slice(carried));
        sequence = sequence.Slice(0, carried + taken);

        int length = Utf8Scalar.Decode(sequence, out uint scalar);
        if (length > 0)
        {
            written = SequenceUpper.Write(scalar, sequence.Slice(0, length), destination);
            if (written == 0)
            {
                consumed = 0;
                return false;
            }

            consumed = length - carried;
            state.ClearCarry();
            return true;
        }

        if (length == 0 && !isFinalBlock)
        {
            // Still incomplete: this whole (short) source joins the carry.
            state.SetCarry(sequence);
            consumed = source.Length;
            written = 0;
            return true;
        }

        int invalid = length < 0 ? -length : sequence.Length;
        Debug.Assert(invalid >= carried, "a carry is always a valid prefix, so it cannot fail inside itself");
        if (!sequence.Slice(0, invalid).TryCopyTo(destination))
        {
            consumed = 0;
            written = 0;
            return false;
        }

        state.InvalidBytes += invalid;
        state.ClearCarry();
        consumed = invalid - carried;
        written = invalid;
        return true;
    }
}
