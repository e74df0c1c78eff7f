using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace KestrelUpper.Fuzz.Proxy;

/// <summary>
/// Writes PROXY headers from their parts, independently of the parser (spec sections 2.1 and 2.2): the round trip
/// parse, write, parse must keep the addresses.
/// </summary>
internal static class ProxyHeaderWriter
{
    public static ReadOnlySpan<byte> V2Signature => [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    /// <summary><c>PROXY TCP4|TCP6 src dst sport dport\r\n</c>, or <c>PROXY UNKNOWN\r\n</c> without endpoints.</summary>
    public static byte[] V1(IPEndPoint? source, IPEndPoint? destination)
    {
        if (source is null || destination is null)
        {
            return "PROXY UNKNOWN\r\n"u8.ToArray();
        }

        string family = source.AddressFamily == AddressFamily.InterNetwork ? "TCP4" : "TCP6";
        return Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"PROXY {family} {source.Address} {destination.Address} {source.Port} {destination.Port}\r\n"));
    }

    /// <summary>A v2 PROXY/STREAM header with the endpoints and no TLV, or a LOCAL one without endpoints.</summary>
    public static byte[] V2(IPEndPoint? source, IPEndPoint? destination)
    {
        if (source is null || destination is null)
        {
            return [.. V2Signature, 0x20, 0x00, 0x00, 0x00];
        }

        bool ipv4 = source.AddressFamily == AddressFamily.InterNetwork;
        int addressSize = ipv4 ? 4 : 16;
        byte[] header = new byte[16 + (2 * addressSize) + 4];
        V2Signature.CopyTo(header);
        header[12] = 0x21; // version 2, PROXY
        header[13] = ipv4 ? (byte)0x11 : (byte)0x21; // INET or INET6, STREAM
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(14), (ushort)(header.Length - 16));
        Span<byte> addresses = header.AsSpan(16);
        source.Address.TryWriteBytes(addresses, out _);
        destination.Address.TryWriteBytes(addresses[addressSize..], out _);
        BinaryPrimitives.WriteUInt16BigEndian(addresses[(2 * addressSize)..], (ushort)source.Port);
        BinaryPrimitives.WriteUInt16BigEndian(addresses[((2 * addressSize) + 2)..], (ushort)destination.Port);
        return header;
    }
}
