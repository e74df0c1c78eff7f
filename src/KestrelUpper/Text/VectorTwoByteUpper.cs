using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace KestrelUpper.Text;

/// <summary>
/// Uppercases all the 2-byte sequences of a window at once (Latin-1, Latin Extended, IPA, Greek, Cyrillic, Armenian),
/// with AVX-512 VBMI byte permutes over generated tables: a sequence's group of 16 code points (its lead's low five
/// bits and its second byte's bits 5..4) selects a delta class, the lead and second-byte deltas of the class's even
/// and odd code points (case pairs alternate in Latin Extended, Cyrillic and Greek), added mod 256. The few code
/// points that do not follow their group's class (ά, ς, ÿ, µ, ß, ...; a bit each in a generated table) are left to
/// the 2-byte table one by one.
/// </summary>
internal static class VectorTwoByteUpper
{
    private const byte LeadBits = 0x1F;
    private const byte GroupBits = 0x03;
    private const byte EighthBits = 0x07;
    private const byte OddBit = 0x01;
    private const byte HighHalf = 0x80;
    private const byte LowLaneFromHigh = 0x81;

    private static readonly Vector512<byte> GroupClassLow = Vector512.Create(UnicodeUpperTable.TwoByteGroupClass[..64]);
    private static readonly Vector512<byte> GroupClassHigh = Vector512.Create(UnicodeUpperTable.TwoByteGroupClass[64..128]);
    private static readonly Vector512<byte> ExceptionsLowLow = Vector512.Create(UnicodeUpperTable.TwoByteExceptionBits[..64]);
    private static readonly Vector512<byte> ExceptionsLowHigh = Vector512.Create(UnicodeUpperTable.TwoByteExceptionBits[64..128]);
    private static readonly Vector512<byte> ExceptionsHighLow = Vector512.Create(UnicodeUpperTable.TwoByteExceptionBits[128..192]);
    private static readonly Vector512<byte> ExceptionsHighHigh = Vector512.Create(UnicodeUpperTable.TwoByteExceptionBits[192..256]);
    private static readonly Vector512<byte> LeadEven = Vector512.Create(UnicodeUpperTable.TwoByteClassLeadEven);
    private static readonly Vector512<byte> SecondEven = Vector512.Create(UnicodeUpperTable.TwoByteClassSecondEven);
    private static readonly Vector512<byte> LeadOdd = Vector512.Create(UnicodeUpperTable.TwoByteClassLeadOdd);
    private static readonly Vector512<byte> SecondOdd = Vector512.Create(UnicodeUpperTable.TwoByteClassSecondOdd);
    private static readonly Vector256<byte> BitOfLowThree = Vector256.Create(Vector128.Create((byte)1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128));

    public static bool IsSupported => Avx512Vbmi.IsSupported && Avx512Vbmi.VL.IsSupported && Avx2.IsSupported;

    /// <summary>
    /// <paramref name="output"/> (the window with a-z uppercased) with every 2-byte sequence whose second byte is set in
    /// <paramref name="seconds"/> uppercased, except those led from before the window (position 0) and the exceptions,
    /// whose second-byte positions come back in <paramref name="oneByOne"/>. <paramref name="previous1"/> is the window
    /// shifted by one (the byte before each byte: the lead at a second byte).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> Apply(Vector256<byte> output, Vector256<byte> input, Vector256<byte> previous1, Vector256<byte> seconds, out uint oneByOne)
    {
        Vector256<byte> leadBits = previous1 & Vector256.Create(LeadBits);
        Vector256<byte> group = (Vector256.ShiftLeft(leadBits.AsUInt16(), 2).AsByte() | (Vector256.ShiftRightLogical(input.AsUInt16(), 4).AsByte() & Vector256.Create(GroupBits)));
        Vector256<byte> deltaClass = Avx512Vbmi.PermuteVar64x8x2(GroupClassLow, group.ToVector512Unsafe(), GroupClassHigh).GetLower();

        // The code point's byte in the exception bits is its top eight bits; the bit, its low three.
        Vector256<byte> eighth = Vector256.ShiftLeft(leadBits.AsUInt16(), 3).AsByte() | (Vector256.ShiftRightLogical(input.AsUInt16(), 3).AsByte() & Vector256.Create(EighthBits));
        Vector512<byte> eighthWide = eighth.ToVector512Unsafe();
        Vector256<byte> exceptionByte = Vector256.ConditionalSelect(
            Vector256.GreaterThanOrEqual(eighth, Vector256.Create(HighHalf)),
            Avx512Vbmi.PermuteVar64x8x2(ExceptionsHighLow, eighthWide, ExceptionsHighHigh).GetLower(),
            Avx512Vbmi.PermuteVar64x8x2(ExceptionsLowLow, eighthWide, ExceptionsLowHigh).GetLower());
        Vector256<byte> exception = ~Vector256.Equals(exceptionByte & Avx2.Shuffle(BitOfLowThree, input & Vector256.Create(EighthBits)), Vector256<byte>.Zero);

        // Position 0's lead is in the previous window, already stored: that one goes one by one too.
        exception |= Vector256.Create(byte.MaxValue, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        oneByOne = (seconds & exception).ExtractMostSignificantBits();
        Vector256<byte> apply = Vector256.AndNot(seconds, exception);

        Vector512<byte> classWide = deltaClass.ToVector512Unsafe();
        Vector256<byte> odd = Vector256.Equals(input & Vector256.Create(OddBit), Vector256.Create(OddBit));
        Vector256<byte> leadDelta = apply & Vector256.ConditionalSelect(
            odd, Avx512Vbmi.PermuteVar64x8(LeadOdd, classWide).GetLower(), Avx512Vbmi.PermuteVar64x8(LeadEven, classWide).GetLower());
        Vector256<byte> secondDelta = apply & Vector256.ConditionalSelect(
            odd, Avx512Vbmi.PermuteVar64x8(SecondOdd, classWide).GetLower(), Avx512Vbmi.PermuteVar64x8(SecondEven, classWide).GetLower());

        // A lead delta belongs one byte down, on the lead.
        Vector256<byte> onLeads = Avx2.AlignRight(Avx2.Permute2x128(leadDelta, leadDelta, LowLaneFromHigh), leadDelta, 1);
        return output + secondDelta + onLeads;
    }
}
