namespace KestrelUpper.Text;

/// <summary>
/// Strict UTF-8 decoding by maximal subpart (Unicode 15, section 3.9, "U+FFFD Substitution of Maximal Subparts")
/// and encoding. Maximal subparts make invalid-byte handling independent of where the input is split.
/// </summary>
internal static class Utf8Scalar
{
    public const int MaxSequenceLength = 4;
    public const int TwoByteLength = 2;
    public const byte AsciiLimit = 0x80;

    private const uint ContinuationMin = 0x80;
    private const uint ContinuationMax = 0xBF;
    private const uint PayloadMask = 0x3F;
    private const int PayloadBits = 6;

    // Lead bytes: C0/C1 would only encode overlongs, F5..FF would exceed U+10FFFF.
    private const byte TwoByteLeadMin = 0xC2;
    private const byte ThreeByteLeadMin = 0xE0;
    private const byte FourByteLeadMin = 0xF0;
    private const byte LeadMax = 0xF4;
    private const uint TwoByteLeadPayload = 0x1F;
    private const uint ThreeByteLeadPayload = 0x0F;
    private const uint FourByteLeadPayload = 0x07;

    // Leads whose second byte is restricted: E0 and F0 (overlongs), ED (surrogates), F4 (above U+10FFFF).
    private const byte OverlongThreeByteLead = 0xE0;
    private const uint OverlongThreeByteSecondMin = 0xA0;
    private const byte SurrogateLead = 0xED;
    private const uint SurrogateLeadSecondMax = 0x9F;
    private const byte OverlongFourByteLead = 0xF0;
    private const uint OverlongFourByteSecondMin = 0x90;
    private const byte MaxCodePointLead = 0xF4;
    private const uint MaxCodePointLeadSecondMax = 0x8F;

    private const uint OneByteMax = 0x7F;
    private const uint TwoByteMax = 0x7FF;
    private const uint ThreeByteMax = 0xFFFF;
    private const uint SurrogateMin = 0xD800;
    private const uint SurrogateMax = 0xDFFF;
    private const uint TwoByteLeadMarker = 0xC0;
    private const uint ThreeByteLeadMarker = 0xE0;
    private const uint FourByteLeadMarker = 0xF0;

    /// <summary>
    /// Decodes the sequence at the start of <paramref name="source"/> (which must not be empty).
    /// Returns its length when valid; minus the length of the invalid maximal subpart when not;
    /// 0 when <paramref name="source"/> ends inside a sequence that is valid so far.
    /// </summary>
    public static int Decode(ReadOnlySpan<byte> source, out uint scalar)
    {
        byte lead = source[0];
        scalar = lead;
        if (lead < AsciiLimit)
        {
            return 1;
        }

        // Fast paths for well-formed 2- and 3-byte sequences (Latin, Greek, Cyrillic, CJK, ...); anything unusual,
        // including overlongs and surrogates (caught by the scalar range check), takes the general path below.
        if (source.Length > 1 && IsContinuation(source[1]))
        {
            uint second = source[1] & PayloadMask;
            if (lead < ThreeByteLeadMin)
            {
                if (lead >= TwoByteLeadMin)
                {
                    scalar = ((lead & TwoByteLeadPayload) << PayloadBits) | second;
                    return 2;
                }
            }
            else if (lead < FourByteLeadMin && source.Length > 2 && IsContinuation(source[2]))
            {
                uint candidate = ((lead & ThreeByteLeadPayload) << (2 * PayloadBits)) | (second << PayloadBits) | (source[2] & PayloadMask);
                if (candidate > TwoByteMax && candidate - SurrogateMin > SurrogateMax - SurrogateMin)
                {
                    scalar = candidate;
                    return 3;
                }
            }
        }

        int length;
        uint secondMin = ContinuationMin;
        uint secondMax = ContinuationMax;
        if (lead < TwoByteLeadMin)
        {
            return -1;
        }
        else if (lead < ThreeByteLeadMin)
        {
            length = 2;
            scalar = lead & TwoByteLeadPayload;
        }
        else if (lead < FourByteLeadMin)
        {
            length = 3;
            scalar = lead & ThreeByteLeadPayload;
            secondMin = lead == OverlongThreeByteLead ? OverlongThreeByteSecondMin : ContinuationMin;
            secondMax = lead == SurrogateLead ? SurrogateLeadSecondMax : ContinuationMax;
        }
        else if (lead <= LeadMax)
        {
            length = MaxSequenceLength;
            scalar = lead & FourByteLeadPayload;
            secondMin = lead == OverlongFourByteLead ? OverlongFourByteSecondMin : ContinuationMin;
            secondMax = lead == MaxCodePointLead ? MaxCodePointLeadSecondMax : ContinuationMax;
        }
        else
        {
            return -1;
        }

        for (int i = 1; i < length; i++)
        {
            if (i >= source.Length)
            {
                return 0;
            }

            uint next = source[i];
            if (next < secondMin || next > secondMax)
            {
                return -i;
            }

            scalar = (scalar << PayloadBits) | (next & PayloadMask);
            secondMin = ContinuationMin;
            secondMax = ContinuationMax;
        }

        return length;
    }

    public static int EncodedLength(uint scalar) =>
        scalar <= OneByteMax ? 1 : scalar <= TwoByteMax ? 2 : scalar <= ThreeByteMax ? 3 : MaxSequenceLength;

    /// <summary>Writes <paramref name="scalar"/>; <paramref name="destination"/> must hold <see cref="EncodedLength"/> bytes.</summary>
    public static void Encode(uint scalar, int length, Span<byte> destination)
    {
        switch (length)
        {
            case 1:
                destination[0] = (byte)scalar;
                break;
            case 2:
                destination[1] = Continuation(scalar);
                destination[0] = (byte)(TwoByteLeadMarker | (scalar >> PayloadBits));
                break;
            case 3:
                destination[2] = Continuation(scalar);
                destination[1] = Continuation(scalar >> PayloadBits);
                destination[0] = (byte)(ThreeByteLeadMarker | (scalar >> (2 * PayloadBits)));
                break;
            default:
                destination[3] = Continuation(scalar);
                destination[2] = Continuation(scalar >> PayloadBits);
                destination[1] = Continuation(scalar >> (2 * PayloadBits));
                destination[0] = (byte)(FourByteLeadMarker | (scalar >> (3 * PayloadBits)));
                break;
        }
    }

    public static bool IsContinuation(uint value) => value - ContinuationMin <= ContinuationMax - ContinuationMin;

    /// <summary>C2..DF: a lead of a (non-overlong) 2-byte sequence.</summary>
    public static bool IsTwoByteLead(uint value) => value - TwoByteLeadMin <= ThreeByteLeadMin - 1 - TwoByteLeadMin;

    /// <summary>The code point of a valid 2-byte sequence.</summary>
    public static uint TwoBytePayload(uint lead, uint second) => ((lead & TwoByteLeadPayload) << PayloadBits) | (second & PayloadMask);

    private static byte Continuation(uint bits) => (byte)(ContinuationMin | (bits & PayloadMask));
}
