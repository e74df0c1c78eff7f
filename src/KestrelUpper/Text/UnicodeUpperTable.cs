using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace KestrelUpper.Text;

/// <summary>Lookup over the generated two-stage table (see scripts/generate-unicode-table.py for the layout).</summary>
internal static partial class UnicodeUpperTable
{
    /// <summary>The record of every code point whose uppercase is itself (delta 0).</summary>
    public const int IdentityRecord = 0;

    private const uint BlockMask = (1u << BlockShift) - 1;
    private const int RecordLengthMask = (1 << RecordLengthBits) - 1;
    private const int RecordSize = sizeof(int);
    private const uint TwoBytePayloadMask = 0x7FF;
    private const uint ThreeByteBlockMask = 0x3FF;
    private const int BitsPerByteShift = 3;
    private const uint BitInByteMask = 7;

    /// <summary>The mapping record of <paramref name="scalar"/>: two loads and a clamp, no data-dependent branch.</summary>
    public static int GetRecord(uint scalar)
    {
        // Everything above the last mapped page clamps onto the final entry, which is the identity block.
        int block = PageIndex[(int)Math.Min(scalar >> BlockShift, LastPage)];
        int record = Blocks[(block << BlockShift) | (int)(scalar & BlockMask)];
        return BinaryPrimitives.ReadInt32LittleEndian(Records.Slice(record * RecordSize, RecordSize));
    }

    /// <summary>True when the record is a multi-code-point expansion rather than a delta.</summary>
    public static bool IsExpansion(int record) => (record & 1) != 0;

    public static uint ApplyDelta(uint scalar, int record) => (uint)((int)scalar + (record >> 1));

    /// <summary>The pre-encoded UTF-8 of an expansion record.</summary>
    public static ReadOnlySpan<byte> GetExpansion(int record)
    {
        int packed = record >> 1;
        return Expansions.Slice(packed >> RecordLengthBits, packed & RecordLengthMask);
    }

    /// <summary>
    /// The uppercase of the 2-byte sequence with payload <paramref name="codePoint"/> (U+0080..U+07FF) as its two UTF-8
    /// bytes in memory order, or 0 when it is not a single 2-byte sequence (ß→SS, ı→I, ɐ→Ɐ, ΐ, ...).
    /// Unchanged code points return their own bytes, so the result can be stored unconditionally.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort TwoByteUpper(uint codePoint)
    {
        // Masked to the table's 2048 entries, so the unchecked read stays inside it whatever the argument.
        ref byte entry = ref Unsafe.Add(ref MemoryMarshal.GetReference(TwoByteUpperBytes), (nint)((codePoint & TwoBytePayloadMask) * sizeof(ushort)));
        return Unsafe.ReadUnaligned<ushort>(ref entry);
    }

    /// <summary>
    /// False when the 3-byte code point <paramref name="codePoint"/> (U+0800..U+FFFF) is its own uppercase: its block
    /// (the sequence's lead and second byte) holds no code point that changes, or not this one. Most 3-byte code points
    /// the vector classifier reports (punctuation, arrows, Hangul) end here, without the two-stage table.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool ThreeByteMayChange(uint codePoint)
    {
        ref byte numbers = ref MemoryMarshal.GetReference(ThreeByteBlockNumbers);
        uint number = Unsafe.Add(ref numbers, (nint)((codePoint >> BlockShift) & ThreeByteBlockMask));
        uint low = codePoint & BlockMask;
        byte bits = Unsafe.Add(ref MemoryMarshal.GetReference(ThreeByteCodePointBits), (nint)((number * sizeof(ulong)) + (low >> BitsPerByteShift)));
        return ((bits >> (int)(low & BitInByteMask)) & 1) != 0;
    }
}
