using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace KestrelUpper.Text;

/// <summary>
/// Uppercases one valid, complete 2-, 3- or 4-byte sequence whose uppercase has the same length, over the copy of it
/// already in the destination: the vector window's step for a character that may change. A mapping that grows or
/// shrinks (ß→SS, ı→I, ɐ→Ɐ, ΐ) is refused and left to the general path, so output positions stay those of the input.
/// </summary>
internal static class SameLengthUpper
{
    private const uint PayloadMask = 0x3F;
    private const int PayloadBits = 6;
    private const uint TwoByteLeadPayload = 0x1F;
    private const uint ThreeByteLeadPayload = 0x0F;
    private const uint FourByteLeadPayload = 0x07;
    private const byte ThreeByteLeadMin = 0xE0;
    private const byte FourByteLeadMin = 0xF0;
    private const int ThreeByteLength = 3;
    private const int FourByteLength = 4;

    /// <summary>
    /// Writes the uppercase of the sequence at <paramref name="sequence"/> to <paramref name="destination"/>, which
    /// already holds the sequence's own bytes; returns false, writing nothing, when its length would change.
    /// The caller guarantees the sequence is valid and complete (the window validated it), which bounds every read.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryWrite(ref byte sequence, ref byte destination)
    {
        uint lead = sequence;
        uint second = Unsafe.Add(ref sequence, 1) & PayloadMask;
        if (lead < ThreeByteLeadMin)
        {
            // A 2-byte sequence maps straight to its uppercase bytes: no decode, no encode.
            ushort pair = UnicodeUpperTable.TwoByteUpper(((lead & TwoByteLeadPayload) << PayloadBits) | second);
            if (pair == 0)
            {
                return false;
            }

            Unsafe.WriteUnaligned(ref destination, pair);
            return true;
        }

        // Most 3-byte sequences the classifier reports do not change after all (punctuation, arrows): done.
        return (lead >= FourByteLeadMin
                || UnicodeUpperTable.ThreeByteMayChange((((lead & ThreeByteLeadPayload) << PayloadBits) | second) << PayloadBits | (Unsafe.Add(ref sequence, 2) & PayloadMask)))
            ? TryWriteWide(ref sequence, ref destination, lead, second)
            : true;
    }

    /// <summary>The 3- and 4-byte case, out of line: rarer, and it keeps the vector loop's registers free.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool TryWriteWide(ref byte sequence, ref byte destination, uint lead, uint second)
    {
        uint scalar;
        int length;
        if (lead < FourByteLeadMin)
        {
            scalar = (((lead & ThreeByteLeadPayload) << (2 * PayloadBits)) | (second << PayloadBits)) | (Unsafe.Add(ref sequence, 2) & PayloadMask);
            length = ThreeByteLength;
        }
        else
        {
            scalar = (((lead & FourByteLeadPayload) << (2 * PayloadBits)) | (second << PayloadBits) | (Unsafe.Add(ref sequence, 2) & PayloadMask)) << PayloadBits;
            scalar |= Unsafe.Add(ref sequence, 3) & PayloadMask;
            length = FourByteLength;
        }

        int record = UnicodeUpperTable.GetRecord(scalar);
        if (record == UnicodeUpperTable.IdentityRecord)
        {
            return true;
        }

        if (UnicodeUpperTable.IsExpansion(record))
        {
            return false;
        }

        uint upper = UnicodeUpperTable.ApplyDelta(scalar, record);
        if (Utf8Scalar.EncodedLength(upper) != length)
        {
            return false;
        }

        Utf8Scalar.Encode(upper, length, MemoryMarshal.CreateSpan(ref destination, length));
        return true;
    }
}
