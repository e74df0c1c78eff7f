using System.Net;

namespace KestrelUpper.Tcp;

/// <summary>The client's IP as limits see it: an IPv4-mapped IPv6 address counts as the IPv4 address.</summary>
internal static class ClientAddress
{
    public static IPAddress? Of(EndPoint? endPoint) => endPoint switch
    {
        IPEndPoint { Address: { IsIPv4MappedToIPv6: true } mapped } => mapped.MapToIPv4(),
        IPEndPoint ip => ip.Address,
        _ => null,
    };
}
