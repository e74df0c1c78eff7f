using System.Buffers;
using System.Diagnostics;
using KestrelUpper.Text;

namespace KestrelUpper.Tests.Text;

/// <summary>
/// The Unicode-mode transform exactly as main had it before the fast paths (d55fc39, Uppercaser.TransformUnicode):
/// one scalar at a time — decode, two-stage table, encode or copy. Kept as the reference the fast paths must equal in
/// every observable (output, InvalidBytes, carry, bytesConsumed, bytesWritten, status) and linked into the benchmarks
/// as the "before" column. It shares the decoder, the ASCII run and the generated table with the service, which the
/// fast paths left unchanged.
/// </summary>
internal static class LegacyUppercaser
{
    public static OperationStatus Transform(ReadOnlySpan<byte> source, Span<byte> destination, ref Utf8UpperState state, bool isFinalBlock, out int bytesConsumed, out int bytesWritten)
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

        while (consumed < source.Length)
        {
            ReadOnlySpan<byte> rest = source.Slice(consumed);
            Span<byte> free = destination.Slice(written);
            byte lead = rest[0];
            if (lead < Utf8Scalar.AsciiLimit && !free.IsEmpty && (rest.Length == 1 || rest[1] >= Utf8Scalar.AsciiLimit))
            {
                // A lone ASCII byte between non-ASCII text (spaces, punctuation): not worth a vector pass.
                free[0] = AsciiUpper.ToUpper(lead);
                consumed++;
                written++;
                continue;
            }

            if (lead < Utf8Scalar.AsciiLimit)
            {
                int run = AsciiUpper.ToUpperUntilNonAscii(rest, free);
                if (run == 0)
                {
                    break;
                }

                consumed += run;
                written += run;
                continue;
            }

            int length = Utf8Scalar.Decode(rest, out uint scalar);
            if (length > 0)
            {
                int upperLength = WriteUpper(scalar, rest.Slice(0, length), free);
                if (upperLength == 0)
                {
                    break;
                }

                consumed += length;
                written += upperLength;
            }
            else if (length == 0 && !isFinalBlock)
            {
                // Valid so far but cut by the piece boundary: the next piece decides.
                state.SetCarry(rest);
                consumed = source.Length;
            }
            else
            {
                // An invalid maximal subpart, or a truncated sequence at the end of the stream: pass it through.
                int invalid = length < 0 ? -length : rest.Length;
                if (!rest.Slice(0, invalid).TryCopyTo(free))
                {
                    break;
                }

                state.InvalidBytes += invalid;
                consumed += invalid;
                written += invalid;
            }
        }

        bytesConsumed = consumed;
        bytesWritten = written;
        return consumed == source.Length ? OperationStatus.Done : OperationStatus.DestinationTooSmall;
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
            written = WriteUpper(scalar, sequence.Slice(0, length), destination);
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

    /// <summary>
    /// Writes the uppercase of <paramref name="scalar"/> (encoded in the source as <paramref name="encoded"/>) and returns
    /// its length, or 0 when it does not fit.
    /// </summary>
    private static int WriteUpper(uint scalar, ReadOnlySpan<byte> encoded, Span<byte> destination)
    {
        int record = UnicodeUpperTable.GetRecord(scalar);
        if (record == UnicodeUpperTable.IdentityRecord)
        {
            // Most non-ASCII text (CJK, emoji, symbols, already-uppercase letters) is unchanged: copy it.
            if (destination.Length < encoded.Length)
            {
                return 0;
            }

            // At most 4 bytes: a plain loop beats a memmove call.
            for (int i = 0; i < encoded.Length; i++)
            {
                destination[i] = encoded[i];
            }

            return encoded.Length;
        }

        if (UnicodeUpperTable.IsExpansion(record))
        {
            ReadOnlySpan<byte> expansion = UnicodeUpperTable.GetExpansion(record);
            return expansion.TryCopyTo(destination) ? expansion.Length : 0;
        }

        uint upper = UnicodeUpperTable.ApplyDelta(scalar, record);
        int length = Utf8Scalar.EncodedLength(upper);
        if (destination.Length < length)
        {
            return 0;
        }

        Utf8Scalar.Encode(upper, length, destination);
        return length;
    }
}
