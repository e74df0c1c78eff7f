using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace KestrelUpper.Udp;

/// <summary>
/// A datagram's source read straight from the raw <see cref="SocketAddress"/> (no <see cref="IPEndPoint"/>
/// allocation per datagram): the IP as 128 bits (IPv4 as its IPv4-mapped IPv6 form, so both count alike) and the port.
/// </summary>
internal readonly record struct SourceKey(UInt128 Address, int Port)
{
    // sockaddr_in: family(2) port(2) addr(4); sockaddr_in6: family(2) port(2) flowinfo(4) addr(16) scope(4).
    private const int PortOffset = 2;
    private const int IPv4AddressOffset = 4;
    private const int IPv6AddressOffset = 8;
    private const int IPv4AddressLength = 4;
    private const int IPv6AddressLength = 16;
    private static readonly UInt128 IPv4MappedPrefix = (UInt128)0xFFFF << 32;

    public static SourceKey From(SocketAddress address) => From(address.Buffer.Span, address.Family);

    /// <summary>
    /// Reads a raw Linux sockaddr_in/sockaddr_in6 (what recvmmsg fills in, and the same bytes
    /// <see cref="SocketAddress.Buffer"/> holds on Linux) of <paramref name="family"/>.
    /// </summary>
    public static SourceKey From(ReadOnlySpan<byte> sockaddr, AddressFamily family)
    {
        int port = BinaryPrimitives.ReadUInt16BigEndian(sockaddr[PortOffset..]);
        UInt128 ip = family == AddressFamily.InterNetworkV6
            ? BinaryPrimitives.ReadUInt128BigEndian(sockaddr.Slice(IPv6AddressOffset, IPv6AddressLength))
            : IPv4MappedPrefix | BinaryPrimitives.ReadUInt32BigEndian(sockaddr.Slice(IPv4AddressOffset, IPv4AddressLength));
        return new SourceKey(ip, port);
    }

    /// <summary>The address for logs (allocates: not for the hot path).</summary>
    public IPAddress ToIPAddress()
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, Address);
        var ip = new IPAddress(bytes);
        return ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip;
    }
}
