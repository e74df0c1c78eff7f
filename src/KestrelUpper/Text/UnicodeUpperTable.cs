using System.Buffers.Binary;

namespace KestrelUpper.Text;

/// <summary>Lookup over the generated two-stage table (see scripts/generate-unicode-table.py for the layout).</summary>
internal static partial class UnicodeUpperTable
{
    /// <summary>The record of every code point whose uppercase is itself (delta 0).</summary>
    public const int IdentityRecord = 0;

    private const uint BlockMask = (1u << BlockShift) - 1;
    private const int RecordLengthMask = (1 << RecordLengthBits) - 1;
    private const int RecordSize = sizeof(int);

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
}
