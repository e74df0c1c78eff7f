using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace KestrelUpper.Text;

/// <summary>
/// Finds ill-formed UTF-8 32 bytes at a time, by table lookups on byte pairs (the approach of Keiser and Lemire,
/// "Validating UTF-8 in less than one instruction per byte", 2021). Each error class of a (previous byte, byte) pair
/// owns one bit; three 16-entry tables indexed by the previous byte's high and low nibble and the byte's high nibble
/// each hold the classes that nibble allows, so the AND of the three is non-zero exactly at an ill-formed pair.
/// Missing or extra 3rd/4th bytes are caught by comparing "two continuations in a row" with "a 3- or 4-byte lead two
/// or three bytes back". An error is reported at or after the byte where the sequence went wrong, never before it.
/// </summary>
internal static class Utf8VectorValidator
{
    // Error classes of a (previous, current) byte pair.
    private const byte TooShort = 1 << 0;          // a lead followed by ASCII or another lead
    private const byte TooLong = 1 << 1;           // ASCII followed by a continuation
    private const byte Overlong3 = 1 << 2;         // E0 80..9F
    private const byte TooLarge = 1 << 3;          // F4 90..BF, F5..FF 90..BF
    private const byte Surrogate = 1 << 4;         // ED A0..BF
    private const byte Overlong2 = 1 << 5;         // C0/C1 followed by a continuation
    private const byte TooLarge1000 = 1 << 6;      // F5..FF 80..8F
    private const byte Overlong4 = 1 << 6;         // F0 80..8F (shares the bit: the lead's low nibble tells them apart)
    private const byte TwoContinuations = 1 << 7;  // only right as the 3rd or 4th byte of a sequence

    // Classes whose previous-byte condition does not depend on its low nibble.
    private const byte AnyLow = TooShort | TooLong | TwoContinuations;

    private const byte ThirdByteBias = 0xE0 - 0x80;   // prev2 -sat this has its high bit set iff prev2 >= E0
    private const byte FourthByteBias = 0xF0 - 0x80;  // prev3 -sat this has its high bit set iff prev3 >= F0

    private static readonly Vector256<byte> PreviousHigh = Vector256.Create(Vector128.Create(
        TooLong, TooLong, TooLong, TooLong, TooLong, TooLong, TooLong, TooLong,                           // 0..7: ASCII
        TwoContinuations, TwoContinuations, TwoContinuations, TwoContinuations,                            // 8..B: continuation
        TooShort | Overlong2,                                                                              // C
        TooShort,                                                                                          // D
        TooShort | Overlong3 | Surrogate,                                                                  // E
        TooShort | TooLarge | TooLarge1000 | Overlong4));                                                  // F

    private static readonly Vector256<byte> PreviousLow = Vector256.Create(Vector128.Create(
        AnyLow | Overlong3 | Overlong2 | Overlong4,                                                        // 0: C0, E0, F0
        AnyLow | Overlong2,                                                                                // 1: C1
        AnyLow,
        AnyLow,
        AnyLow | TooLarge,                                                                                 // 4: F4
        AnyLow | TooLarge | TooLarge1000,                                                                  // 5..F: F5..FF
        AnyLow | TooLarge | TooLarge1000,
        AnyLow | TooLarge | TooLarge1000,
        AnyLow | TooLarge | TooLarge1000,
        AnyLow | TooLarge | TooLarge1000,
        AnyLow | TooLarge | TooLarge1000,
        AnyLow | TooLarge | TooLarge1000,
        AnyLow | TooLarge | TooLarge1000,
        AnyLow | TooLarge | TooLarge1000 | Surrogate,                                                      // D: ED
        AnyLow | TooLarge | TooLarge1000,
        AnyLow | TooLarge | TooLarge1000));

    private static readonly Vector256<byte> CurrentHigh = Vector256.Create(Vector128.Create(
        TooShort, TooShort, TooShort, TooShort, TooShort, TooShort, TooShort, TooShort,                   // 0..7: ASCII
        TooLong | Overlong2 | TwoContinuations | Overlong3 | TooLarge1000 | Overlong4,                     // 8
        TooLong | Overlong2 | TwoContinuations | Overlong3 | TooLarge,                                     // 9
        TooLong | Overlong2 | TwoContinuations | Surrogate | TooLarge,                                     // A
        TooLong | Overlong2 | TwoContinuations | Surrogate | TooLarge,                                     // B
        TooShort, TooShort, TooShort, TooShort));                                                          // C..F: leads

    /// <summary>
    /// A non-zero byte wherever a byte pair is ill-formed: a lead cut short, a stray continuation, an overlong, a
    /// surrogate, above U+10FFFF, or two continuations in a row (which <see cref="MustContinue"/> turns right where a
    /// 3rd or 4th byte is due). Takes the nibbles of each byte and of the byte before it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> PairErrors(Vector256<byte> high, Vector256<byte> previousHigh, Vector256<byte> previousLow) =>
        Avx2.Shuffle(PreviousHigh, previousHigh) & Avx2.Shuffle(PreviousLow, previousLow) & Avx2.Shuffle(CurrentHigh, high);

    /// <summary>0x80 where a 3rd or 4th byte is due: a 3- or 4-byte lead two bytes back, or a 4-byte lead three back.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> MustContinue(Vector256<byte> previous2, Vector256<byte> previous3) =>
        (Avx2.SubtractSaturate(previous2, Vector256.Create(ThirdByteBias)) | Avx2.SubtractSaturate(previous3, Vector256.Create(FourthByteBias)))
        & Vector256.Create(TwoContinuations);

    /// <summary>0x80 where a 3rd byte is due (a 3- or 4-byte lead two bytes back): <see cref="MustContinue"/> without the byte three back.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> MustBeThird(Vector256<byte> previous2) =>
        Avx2.SubtractSaturate(previous2, Vector256.Create(ThirdByteBias)) & Vector256.Create(TwoContinuations);

    /// <summary>
    /// A non-zero byte wherever the window is ill-formed, given the bytes before each (the window shifted by 1 to 3
    /// bytes; only the nibbles of the first): where a 3rd/4th byte is due, "two continuations" is right and its
    /// absence is the error; elsewhere the reverse.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> Errors(
        Vector256<byte> high, Vector256<byte> previousHigh, Vector256<byte> previousLow, Vector256<byte> previous2, Vector256<byte> previous3) =>
        PairErrors(high, previousHigh, previousLow) ^ MustContinue(previous2, previous3);
}
