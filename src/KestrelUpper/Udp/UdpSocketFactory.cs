using System.Net;
using System.Net.Sockets;

namespace KestrelUpper.Udp;

/// <summary>Binds the UDP socket: dual-stack for <c>::</c>, falling back to IPv4 any where IPv6 is off.</summary>
internal static class UdpSocketFactory
{
    public static Socket Bind(IPAddress address, int port)
    {
        if (address.Equals(IPAddress.IPv6Any))
        {
            try
            {
                return BindTo(new IPEndPoint(address, port), dualMode: true);
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.AddressFamilyNotSupported or SocketError.AddressNotAvailable)
            {
                return BindTo(new IPEndPoint(IPAddress.Any, port), dualMode: false);
            }
        }

        return BindTo(new IPEndPoint(address, port), dualMode: false);
    }

    private static Socket BindTo(IPEndPoint endPoint, bool dualMode)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (dualMode)
            {
                socket.DualMode = true;
            }

            socket.Bind(endPoint);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
