namespace KestrelUpper.Client.Bench;

/// <summary>
/// A datagram's sequence number written as six base-26 lowercase letters at its start. Uppercasing keeps it
/// readable in the reply, so replies are matched to requests whatever order they come back in.
/// </summary>
internal static class UdpTag
{
    public const int Length = 6;

    /// <summary>Sequence numbers wrap here (about 309 million per connection).</summary>
    public const long Modulus = 26L * 26 * 26 * 26 * 26 * 26;

    public static void Write(long sequence, Span<byte> destination)
    {
        long value = sequence % Modulus;
        for (int i = Length - 1; i >= 0; i--)
        {
            destination[i] = (byte)('a' + (value % 26));
            value /= 26;
        }
    }

    /// <summary>Reads the uppercased tag of a reply; false when it is not six letters A-Z.</summary>
    public static bool TryReadReply(ReadOnlySpan<byte> reply, out long sequence)
    {
        sequence = 0;
        if (reply.Length < Length)
        {
            return false;
        }

        for (int i = 0; i < Length; i++)
        {
            int digit = reply[i] - 'A';
            if ((uint)digit >= 26)
            {
                return false;
            }

            sequence = (sequence * 26) + digit;
        }

        return true;
    }
}
