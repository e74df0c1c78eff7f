using System.Net;
using System.Net.Sockets;

namespace KestrelUpper.Testing;

/// <summary>Real-socket helpers for end-to-end tests; every await is bounded by <see cref="TestTimeouts"/>.</summary>
public static class SocketExtensions
{
    public static async Task<Socket> ConnectTcpAsync(IPEndPoint endPoint)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endPoint).WaitAsync(TestTimeouts.Default).ConfigureAwait(false);
        return socket;
    }

    public static async Task SendAllAsync(this Socket socket, ReadOnlyMemory<byte> data)
    {
        while (!data.IsEmpty)
        {
            int sent = await socket.SendAsync(data, SocketFlags.None).AsTask().WaitAsync(TestTimeouts.Default).ConfigureAwait(false);
            data = data[sent..];
        }
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes, failing if the stream ends first.</summary>
    public static async Task<byte[]> ReceiveExactlyAsync(this Socket socket, int count)
    {
        var buffer = new byte[count];
        int read = 0;
        while (read < count)
        {
            int n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None).AsTask().WaitAsync(TestTimeouts.Default).ConfigureAwait(false);
            if (n == 0)
            {
                throw new EndOfStreamException($"Connection closed after {read} of {count} bytes.");
            }

            read += n;
        }

        return buffer;
    }

    /// <summary>Reads until the peer closes its side.</summary>
    public static async Task<byte[]> ReceiveToEndAsync(this Socket socket)
    {
        using var all = new MemoryStream();
        var buffer = new byte[64 * 1024];
        while (true)
        {
            int n = await socket.ReceiveAsync(buffer.AsMemory(), SocketFlags.None).AsTask().WaitAsync(TestTimeouts.Extended).ConfigureAwait(false);
            if (n == 0)
            {
                return all.ToArray();
            }

            all.Write(buffer, 0, n);
        }
    }

    /// <summary>
    /// A TCP port free right now, for the few settings where 0 cannot mean "ephemeral" (Upper:Tls:Port: 0 is off).
    /// </summary>
    public static int FreeTcpPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    /// <summary>One UDP exchange; null when no reply arrives within <paramref name="wait"/>.</summary>
    public static async Task<byte[]?> UdpExchangeAsync(IPEndPoint server, ReadOnlyMemory<byte> request, TimeSpan wait, Socket? socket = null)
    {
        Socket udp = socket ?? new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            await udp.SendToAsync(request, SocketFlags.None, server).ConfigureAwait(false);
            var buffer = new byte[256 * 1024];
            using var cts = new CancellationTokenSource(wait);
            try
            {
                SocketReceiveFromResult result = await udp.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(server.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0), cts.Token).ConfigureAwait(false);
                return buffer.AsSpan(0, result.ReceivedBytes).ToArray();
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }
        finally
        {
            if (socket is null)
            {
                udp.Dispose();
            }
        }
    }
}
