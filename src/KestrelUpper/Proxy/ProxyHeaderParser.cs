using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace KestrelUpper.Proxy;

/// <summary>
/// PROXY protocol v1 and v2 header parser. Pure and allocation-light: it copies at most 107 bytes to the stack,
/// walks TLVs in place, and allocates only the endpoints of a complete header. Every length comes from the peer,
/// so every length is checked against the bytes actually present before use.
/// </summary>
internal static class ProxyHeaderParser
{
    /// <summary>The longest v1 header, CRLF included (spec, section 2.1).</summary>
    public const int MaxV1Length = 107;

    private const int V2FixedLength = 16;
    private const int V2Ipv4AddressLength = 12;
    private const int V2Ipv6AddressLength = 36;
    private const int MaxIpv6TextLength = 45;

    private static ReadOnlySpan<byte> V1Prefix => "PROXY "u8;

    private static ReadOnlySpan<byte> V2Signature => [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    private enum Signature
    {
        Undecided,
        None,
        V1,
        V2,
    }

    /// <summary>
    /// Parses the header at the start of <paramref name="buffer"/>. On <see cref="ProxyParseStatus.Complete"/>,
    /// <paramref name="consumed"/> is just past the header; otherwise it is <paramref name="buffer"/>'s start.
    /// </summary>
    public static ProxyParseStatus TryParse(in ReadOnlySequence<byte> buffer, out ProxyHeader header, out SequencePosition consumed)
    {
        header = default;
        consumed = buffer.Start;
        ProxyParseStatus status = MatchSignature(buffer) switch
        {
            Signature.V1 => ParseV1(buffer, out header),
            Signature.V2 => ParseV2(buffer, out header),
            Signature.None => ProxyParseStatus.NotProxy,
            _ => ProxyParseStatus.NeedMoreData,
        };

        if (status == ProxyParseStatus.Complete)
        {
            consumed = buffer.GetPosition(header.Length);
        }

        return status;
    }

    /// <summary>
    /// Whether <paramref name="buffer"/> starts with a whole v1 or v2 signature: past that point the peer has committed
    /// to sending a header, before it the bytes could still be plain data (<c>PRO</c>).
    /// </summary>
    public static bool StartsWithSignature(in ReadOnlySequence<byte> buffer) => MatchSignature(buffer) is Signature.V1 or Signature.V2;

    private static Signature MatchSignature(in ReadOnlySequence<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return Signature.Undecided;
        }

        // Decide on as few bytes as possible: a client that sends "hi" and waits must not wait for 12.
        byte first = buffer.FirstSpan[0];
        ReadOnlySpan<byte> expected = first == V1Prefix[0] ? V1Prefix : first == V2Signature[0] ? V2Signature : default;
        if (expected.IsEmpty)
        {
            return Signature.None;
        }

        Span<byte> start = stackalloc byte[V2Signature.Length];
        int available = (int)Math.Min(buffer.Length, expected.Length);
        buffer.Slice(0, available).CopyTo(start);
        if (!start[..available].SequenceEqual(expected[..available]))
        {
            return Signature.None;
        }

        if (available < expected.Length)
        {
            return Signature.Undecided;
        }

        return first == V1Prefix[0] ? Signature.V1 : Signature.V2;
    }

    private static ProxyParseStatus ParseV1(in ReadOnlySequence<byte> buffer, out ProxyHeader header)
    {
        header = default;
        Span<byte> copy = stackalloc byte[MaxV1Length];
        int available = (int)Math.Min(buffer.Length, MaxV1Length);
        buffer.Slice(0, available).CopyTo(copy);
        ReadOnlySpan<byte> line = copy[..available];

        int lineFeed = line.IndexOf((byte)'\n');
        if (lineFeed < 0)
        {
            return available >= MaxV1Length ? ProxyParseStatus.Invalid : ProxyParseStatus.NeedMoreData;
        }

        if (line[lineFeed - 1] != (byte)'\r')
        {
            return ProxyParseStatus.Invalid; // lineFeed >= 6: the prefix holds no '\n'
        }

        int length = lineFeed + 1;
        ReadOnlySpan<byte> body = line[V1Prefix.Length..(lineFeed - 1)];
        if (body.StartsWith("UNKNOWN"u8) && (body.Length == 7 || body[7] == (byte)' '))
        {
            // The spec says to ignore whatever follows UNKNOWN up to the CRLF.
            header = new ProxyHeader(1, length, null, null);
            return ProxyParseStatus.Complete;
        }

        AddressFamily family;
        if (body.StartsWith("TCP4 "u8))
        {
            family = AddressFamily.InterNetwork;
        }
        else if (body.StartsWith("TCP6 "u8))
        {
            family = AddressFamily.InterNetworkV6;
        }
        else
        {
            return ProxyParseStatus.Invalid;
        }

        ReadOnlySpan<byte> rest = body[5..];
        if (!TryTakeToken(ref rest, out ReadOnlySpan<byte> sourceText)
            || !TryTakeToken(ref rest, out ReadOnlySpan<byte> destinationText)
            || !TryTakeToken(ref rest, out ReadOnlySpan<byte> sourcePortText)
            || !IsLastToken(rest)
            || !TryParseAddress(sourceText, family, out IPAddress? source)
            || !TryParseAddress(destinationText, family, out IPAddress? destination)
            || !TryParsePort(sourcePortText, out int sourcePort)
            || !TryParsePort(rest, out int destinationPort))
        {
            return ProxyParseStatus.Invalid;
        }

        header = new ProxyHeader(1, length, new IPEndPoint(source, sourcePort), new IPEndPoint(destination, destinationPort));
        return ProxyParseStatus.Complete;
    }

    /// <summary>Takes the text up to the next single space; fields are separated by exactly one space.</summary>
    private static bool TryTakeToken(ref ReadOnlySpan<byte> rest, out ReadOnlySpan<byte> token)
    {
        int space = rest.IndexOf((byte)' ');
        if (space <= 0)
        {
            token = default;
            return false;
        }

        token = rest[..space];
        rest = rest[(space + 1)..];
        return true;
    }

    private static bool IsLastToken(ReadOnlySpan<byte> rest) => !rest.IsEmpty && !rest.Contains((byte)' ');

    private static bool TryParseAddress(ReadOnlySpan<byte> text, AddressFamily family, [NotNullWhen(true)] out IPAddress? address) =>
        family == AddressFamily.InterNetwork ? TryParseIpv4(text, out address) : TryParseIpv6(text, out address);

    /// <summary>Strict dotted quad: IPAddress.Parse would also take "1", "0x7f.1" or octal, none of which a proxy sends.</summary>
    private static bool TryParseIpv4(ReadOnlySpan<byte> text, [NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        Span<byte> octets = stackalloc byte[4];
        for (int i = 0; i < 4; i++)
        {
            int dot = text.IndexOf((byte)'.');
            ReadOnlySpan<byte> part = i < 3 ? (dot < 0 ? default : text[..dot]) : text;
            if (i == 3 && dot >= 0)
            {
                return false;
            }

            if (!TryParseDecimal(part, 3, out int value) || value > 255)
            {
                return false;
            }

            octets[i] = (byte)value;
            text = i < 3 ? text[(dot + 1)..] : default;
        }

        address = new IPAddress(octets);
        return true;
    }

    private static bool TryParseIpv6(ReadOnlySpan<byte> text, [NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        if (text.IsEmpty || text.Length > MaxIpv6TextLength)
        {
            return false;
        }

        // Only hex digits, colons and dots (embedded IPv4): no scope ids, no brackets, no spaces.
        Span<char> chars = stackalloc char[MaxIpv6TextLength];
        for (int i = 0; i < text.Length; i++)
        {
            byte b = text[i];
            if (!(char.IsAsciiHexDigit((char)b) || b == (byte)':' || b == (byte)'.'))
            {
                return false;
            }

            chars[i] = (char)b;
        }

        return IPAddress.TryParse(chars[..text.Length], out address) && address.AddressFamily == AddressFamily.InterNetworkV6;
    }

    private static bool TryParsePort(ReadOnlySpan<byte> text, out int port) =>
        TryParseDecimal(text, 5, out port) && port <= ushort.MaxValue;

    /// <summary>1 to <paramref name="maxDigits"/> ASCII digits, no sign, no leading zero (a leading zero is not what any proxy sends).</summary>
    private static bool TryParseDecimal(ReadOnlySpan<byte> text, int maxDigits, out int value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > maxDigits || (text.Length > 1 && text[0] == (byte)'0'))
        {
            return false;
        }

        foreach (byte b in text)
        {
            if (!char.IsAsciiDigit((char)b))
            {
                return false;
            }

            value = (value * 10) + (b - '0');
        }

        return true;
    }

    private static ProxyParseStatus ParseV2(in ReadOnlySequence<byte> buffer, out ProxyHeader header)
    {
        header = default;
        if (buffer.Length < V2FixedLength)
        {
            return ProxyParseStatus.NeedMoreData;
        }

        Span<byte> fixedPart = stackalloc byte[V2FixedLength + V2Ipv6AddressLength];
        int available = (int)Math.Min(buffer.Length, fixedPart.Length);
        buffer.Slice(0, available).CopyTo(fixedPart);

        int version = fixedPart[12] >> 4;
        int command = fixedPart[12] & 0x0F;
        int family = fixedPart[13] >> 4;
        int protocol = fixedPart[13] & 0x0F;
        int payloadLength = BinaryPrimitives.ReadUInt16BigEndian(fixedPart[14..]);

        // Senders must not emit other values; refuse them rather than guess.
        if (version != 2 || command > 1 || family > 3 || protocol > 2)
        {
            return ProxyParseStatus.Invalid;
        }

        bool isProxy = command == 1;
        int addressLength = (family, protocol) switch
        {
            (1, 1) => V2Ipv4AddressLength,
            (2, 1) => V2Ipv6AddressLength,
            _ => 0, // UNSPEC, UDP, Unix: no address we can use, the real peer stays the client
        };

        // Refuse a length too short for its addresses now, before waiting for bytes that could not fix it.
        if (isProxy && payloadLength < addressLength)
        {
            return ProxyParseStatus.Invalid;
        }

        int length = V2FixedLength + payloadLength;
        if (buffer.Length < length)
        {
            return ProxyParseStatus.NeedMoreData;
        }

        if (!isProxy || addressLength == 0)
        {
            // LOCAL (a health check from the proxy itself) or an address family we do not use: skip the rest unread.
            header = new ProxyHeader(2, length, null, null);
            return ProxyParseStatus.Complete;
        }

        if (!TlvsAreWellFormed(buffer.Slice(V2FixedLength + addressLength, payloadLength - addressLength)))
        {
            return ProxyParseStatus.Invalid;
        }

        ReadOnlySpan<byte> addresses = fixedPart.Slice(V2FixedLength, addressLength);
        int addressSize = addressLength == V2Ipv4AddressLength ? 4 : 16;
        var source = new IPAddress(addresses[..addressSize]);
        var destination = new IPAddress(addresses.Slice(addressSize, addressSize));
        int sourcePort = BinaryPrimitives.ReadUInt16BigEndian(addresses[(2 * addressSize)..]);
        int destinationPort = BinaryPrimitives.ReadUInt16BigEndian(addresses[((2 * addressSize) + 2)..]);
        header = new ProxyHeader(2, length, new IPEndPoint(source, sourcePort), new IPEndPoint(destination, destinationPort));
        return ProxyParseStatus.Complete;
    }

    /// <summary>TLVs are skipped, not used, but each must fit inside the declared length: type (1), length (2, BE), value.</summary>
    private static bool TlvsAreWellFormed(ReadOnlySequence<byte> tlvs)
    {
        var reader = new SequenceReader<byte>(tlvs);
        while (!reader.End)
        {
            if (!reader.TryRead(out _) || !reader.TryReadBigEndian(out short signedLength))
            {
                return false;
            }

            ushort valueLength = (ushort)signedLength;
            if (reader.Remaining < valueLength)
            {
                return false;
            }

            reader.Advance(valueLength);
        }

        return true;
    }
}
