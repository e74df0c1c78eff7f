using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace KestrelUpper.Text;

/// <summary>Vectorized a-z to A-Z over byte runs.</summary>
internal static class AsciiUpper
{
    private const byte LowerA = (byte)'a';
    private const byte AlphabetLength = 26;
    private const byte CaseBit = 0x20;
    private const byte HighBit = 0x80;

    /// <summary>
    /// Upper-cases the ASCII prefix of <paramref name="source"/> (bounded by the destination length) and returns its length.
    /// May write (harmlessly) past the returned length inside <paramref name="destination"/>.
    /// </summary>
    public static int ToUpperUntilNonAscii(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        int length = Math.Min(source.Length, destination.Length);
        // Loads and stores below stay within [0, length), which both spans cover.
        ref byte src = ref MemoryMarshal.GetReference(source);
        ref byte dst = ref MemoryMarshal.GetReference(destination);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // Two vectors per step: one combined high-bit test for the common all-ASCII case.
            for (; i <= length - (2 * Vector256<byte>.Count); i += 2 * Vector256<byte>.Count)
            {
                Vector256<byte> first = Vector256.LoadUnsafe(ref src, (nuint)i);
                Vector256<byte> second = Vector256.LoadUnsafe(ref src, (nuint)(i + Vector256<byte>.Count));
                ToUpper(first).StoreUnsafe(ref dst, (nuint)i);
                ToUpper(second).StoreUnsafe(ref dst, (nuint)(i + Vector256<byte>.Count));
                if (((first | second) & Vector256.Create(HighBit)) != Vector256<byte>.Zero)
                {
                    uint firstMask = first.ExtractMostSignificantBits();
                    return firstMask != 0
                        ? i + BitOperations.TrailingZeroCount(firstMask)
                        : i + Vector256<byte>.Count + BitOperations.TrailingZeroCount(second.ExtractMostSignificantBits());
                }
            }
        }

        for (; i <= length - Vector128<byte>.Count; i += Vector128<byte>.Count)
        {
            Vector128<byte> chunk = Vector128.LoadUnsafe(ref src, (nuint)i);
            ToUpper(chunk).StoreUnsafe(ref dst, (nuint)i);
            uint nonAscii = chunk.ExtractMostSignificantBits();
            if (nonAscii != 0)
            {
                return i + BitOperations.TrailingZeroCount(nonAscii);
            }
        }

        for (; i < length; i++)
        {
            byte b = source[i];
            if (b >= Utf8Scalar.AsciiLimit)
            {
                return i;
            }

            destination[i] = ToUpper(b);
        }

        return length;
    }

    /// <summary>Python <c>bytes.upper()</c>: converts min(source, destination) bytes and returns that count.</summary>
    public static int ToUpperAllBytes(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        int length = Math.Min(source.Length, destination.Length);
        ref byte src = ref MemoryMarshal.GetReference(source);
        ref byte dst = ref MemoryMarshal.GetReference(destination);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= length - Vector256<byte>.Count; i += Vector256<byte>.Count)
            {
                ToUpper(Vector256.LoadUnsafe(ref src, (nuint)i)).StoreUnsafe(ref dst, (nuint)i);
            }
        }

        for (; i <= length - Vector128<byte>.Count; i += Vector128<byte>.Count)
        {
            ToUpper(Vector128.LoadUnsafe(ref src, (nuint)i)).StoreUnsafe(ref dst, (nuint)i);
        }

        for (; i < length; i++)
        {
            destination[i] = ToUpper(source[i]);
        }

        return length;
    }

    public static byte ToUpper(byte value) => (byte)(value - LowerA) < AlphabetLength ? (byte)(value ^ CaseBit) : value;

    // Byte comparisons are unsigned, so one compare checks 'a' <= b <= 'z'; bytes >= 0x80 never change.
    public static Vector256<byte> ToUpper(Vector256<byte> chunk) =>
        chunk ^ (Vector256.LessThan(chunk - Vector256.Create(LowerA), Vector256.Create(AlphabetLength)) & Vector256.Create(CaseBit));

    private static Vector128<byte> ToUpper(Vector128<byte> chunk) =>
        chunk ^ (Vector128.LessThan(chunk - Vector128.Create(LowerA), Vector128.Create(AlphabetLength)) & Vector128.Create(CaseBit));
}
