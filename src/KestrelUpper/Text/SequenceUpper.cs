namespace KestrelUpper.Text;

/// <summary>The uppercase of one decoded sequence, by the generated two-stage table: the rule every fast path must equal.</summary>
internal static class SequenceUpper
{
    /// <summary>
    /// Writes the uppercase of <paramref name="scalar"/> (encoded in the source as <paramref name="encoded"/>) and returns
    /// its length, or 0 when it does not fit.
    /// </summary>
    public static int Write(uint scalar, ReadOnlySpan<byte> encoded, Span<byte> destination)
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
