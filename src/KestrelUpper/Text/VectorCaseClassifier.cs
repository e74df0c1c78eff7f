using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace KestrelUpper.Text;

/// <summary>
/// Marks, 32 bytes at a time, the non-ASCII sequences that may change under upper-casing, at their second byte, by
/// four generated 16-entry nibble tables over (lead, second byte). The marks are a superset of the changing sequences (the
/// generator and the tests check that): a false alarm costs one table lookup, a missed one would be a wrong output.
/// Caseless text (CJK, kana, Hangul, Hebrew, Arabic, most symbols, emoji) raises no mark and is copied as it is.
/// </summary>
internal static class VectorCaseClassifier
{
    private static readonly Vector256<byte> LeadHigh = Broadcast(UnicodeUpperTable.CaseClassLeadHigh);
    private static readonly Vector256<byte> LeadLow = Broadcast(UnicodeUpperTable.CaseClassLeadLow);
    private static readonly Vector256<byte> SecondHigh = Broadcast(UnicodeUpperTable.CaseClassSecondHigh);
    private static readonly Vector256<byte> SecondLow = Broadcast(UnicodeUpperTable.CaseClassSecondLow);

    /// <summary>
    /// A non-zero byte at the second byte of each sequence that may change, from the nibbles of the window and of the
    /// window shifted by one (the byte before each byte): the same nibbles the validator uses.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> Marks(Vector256<byte> previousHigh, Vector256<byte> previousLow, Vector256<byte> high, Vector256<byte> low) =>
        Avx2.Shuffle(LeadHigh, previousHigh) & Avx2.Shuffle(LeadLow, previousLow) & Avx2.Shuffle(SecondHigh, high) & Avx2.Shuffle(SecondLow, low);

    private static Vector256<byte> Broadcast(ReadOnlySpan<byte> table) => Vector256.Create(Vector128.Create(table));
}
