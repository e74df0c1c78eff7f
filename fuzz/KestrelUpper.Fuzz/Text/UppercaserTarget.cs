using System.Buffers;
using System.Text;
using System.Text.Unicode;
using KestrelUpper.Text;
using static KestrelUpper.Fuzz.FuzzCheckException;

namespace KestrelUpper.Fuzz.Text;

/// <summary>
/// The streaming uppercaser through its public API only (Transform, TryTransformComplete, MaxOutputLength,
/// Utf8UpperState), so it fuzzes whichever implementation is behind it. Input: a control byte (bit 0 the casing
/// mode, bits 1-3 how many piece-length bytes follow, bit 7 an extra empty final call), a destination-size byte,
/// the piece lengths, then the text.
/// </summary>
internal static class UppercaserTarget
{
    private const int MaxPieceLengths = 7;

    public static void Check(ReadOnlySpan<byte> data)
    {
        var input = new FuzzInput(data);
        byte control = input.TakeByte();
        CasingMode mode = (control & 1) == 0 ? CasingMode.Unicode : CasingMode.Ascii;
        int pieceLengthCount = (control >> 1) & MaxPieceLengths;
        bool extraFinalCall = (control & 0x80) != 0;
        int destinationLength = Uppercaser.MinimumDestinationLength + input.TakeByte();
        ReadOnlySpan<byte> pieceLengths = input.Take(pieceLengthCount);
        ReadOnlySpan<byte> text = input.TakeRest();

        var uppercaser = new Uppercaser(mode);
        int maxOutput = uppercaser.MaxOutputLength(text.Length);
        byte[] streamed = Stream(uppercaser, text, pieceLengths, destinationLength, extraFinalCall, out long streamedInvalid);
        Require(streamed.Length <= maxOutput, $"streamed {streamed.Length} bytes, more than MaxOutputLength({text.Length}) = {maxOutput}");

        byte[] oneShot = new byte[maxOutput];
        Require(uppercaser.TryTransformComplete(text, oneShot, out int written, out int invalid), "TryTransformComplete refused a MaxOutputLength destination");
        Require(written <= maxOutput, $"one-shot wrote {written} bytes, more than MaxOutputLength {maxOutput}");
        ReadOnlySpan<byte> expected = oneShot.AsSpan(0, written);
        Require(expected.SequenceEqual(streamed), $"streaming ({Convert.ToHexString(streamed)}) differs from one-shot ({Convert.ToHexString(expected)})");
        Require(invalid == streamedInvalid, $"InvalidBytes: streaming {streamedInvalid}, one-shot {invalid}");

        // A destination of exactly the output's length is big enough; one byte less is not.
        byte[] exact = new byte[written];
        Require(uppercaser.TryTransformComplete(text, exact, out int exactWritten, out _) && exact.AsSpan().SequenceEqual(expected) && exactWritten == written, "TryTransformComplete failed on a destination of exactly the output's length");
        if (written > 0)
        {
            Require(!uppercaser.TryTransformComplete(text, new byte[written - 1], out _, out _), "TryTransformComplete reported success on a destination one byte short");
        }

        if (mode == CasingMode.Ascii)
        {
            Require(expected.SequenceEqual(AsciiUpper(text)), "Ascii mode differs from bytes.upper()");
            Require(invalid == 0, $"Ascii mode counted {invalid} invalid bytes");
        }
        else
        {
            long expectedInvalid = InvalidBytesByMaximalSubpart(text);
            Require(invalid == expectedInvalid, $"InvalidBytes {invalid}, but the input has {expectedInvalid} bytes in invalid maximal subparts");
            Require(!Utf8.IsValid(text) || Utf8.IsValid(expected), "valid UTF-8 in gave invalid UTF-8 out");
        }
    }

    /// <summary>Feeds <paramref name="text"/> in pieces, each through a small destination, as the TCP loops do.</summary>
    private static byte[] Stream(Uppercaser uppercaser, ReadOnlySpan<byte> text, ReadOnlySpan<byte> pieceLengths, int destinationLength, bool extraFinalCall, out long invalidBytes)
    {
        var output = new ArrayBufferWriter<byte>();
        Span<byte> destination = new byte[destinationLength];
        var state = default(Utf8UpperState);
        int offset = 0;
        for (int piece = 0; ; piece++)
        {
            int length = text.Length - offset;
            if (!pieceLengths.IsEmpty)
            {
                // An empty piece is a valid call; only the first round of lengths may use it, so the loop always ends.
                int chosen = pieceLengths[piece % pieceLengths.Length];
                length = Math.Min(piece >= pieceLengths.Length ? Math.Max(1, chosen) : chosen, length);
            }

            bool last = offset + length == text.Length;
            Feed(uppercaser, text.Slice(offset, length), destination, ref state, last && !extraFinalCall, output);
            offset += length;
            if (last)
            {
                break;
            }
        }

        if (extraFinalCall)
        {
            Feed(uppercaser, default, destination, ref state, isFinalBlock: true, output);
        }

        Require(state.IsEmpty, "a partial sequence is still carried after the final block");
        invalidBytes = state.InvalidBytes;
        return output.WrittenSpan.ToArray();
    }

    private static void Feed(Uppercaser uppercaser, ReadOnlySpan<byte> piece, Span<byte> destination, ref Utf8UpperState state, bool isFinalBlock, ArrayBufferWriter<byte> output)
    {
        while (true)
        {
            OperationStatus status = uppercaser.Transform(piece, destination, ref state, isFinalBlock, out int consumed, out int written);
            Require(consumed >= 0 && consumed <= piece.Length && written >= 0 && written <= destination.Length, $"Transform reported consumed {consumed} of {piece.Length}, written {written} of {destination.Length}");
            output.Write(destination[..written]);
            piece = piece[consumed..];
            if (status == OperationStatus.Done)
            {
                Require(piece.IsEmpty, $"Transform returned Done with {piece.Length} bytes unconsumed");
                return;
            }

            Require(status == OperationStatus.DestinationTooSmall, $"Transform returned {status}");
            Require(consumed > 0 || written > 0, $"Transform made no progress with a {destination.Length}-byte destination");
        }
    }

    /// <summary>Python's <c>bytes.upper()</c>: a-z become A-Z, every other byte stays.</summary>
    private static byte[] AsciiUpper(ReadOnlySpan<byte> text)
    {
        byte[] upper = text.ToArray();
        for (int i = 0; i < upper.Length; i++)
        {
            if (upper[i] is >= (byte)'a' and <= (byte)'z')
            {
                upper[i] -= 'a' - 'A';
            }
        }

        return upper;
    }

    /// <summary>The BCL's decoder splits invalid input by maximal subpart (Unicode 3.9, U+FFFD best practice): count those bytes.</summary>
    private static long InvalidBytesByMaximalSubpart(ReadOnlySpan<byte> text)
    {
        long invalid = 0;
        while (!text.IsEmpty)
        {
            OperationStatus status = Rune.DecodeFromUtf8(text, out _, out int consumed);
            if (status != OperationStatus.Done)
            {
                invalid += consumed;
            }

            text = text[consumed..];
        }

        return invalid;
    }
}
