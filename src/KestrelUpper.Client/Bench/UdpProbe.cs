using System.Net;
using System.Net.Sockets;
using KestrelUpper.Client.Cli;
using KestrelUpper.Client.Net;

namespace KestrelUpper.Client.Bench;

/// <summary>
/// UDP has no handshake, so before loading a server one verified exchange shows that it is there, and which of
/// a name's addresses it answers on.
/// </summary>
internal static class UdpProbe
{
    public static async Task<IPEndPoint> FindAsync(ServerAddress server, IReadOnlyList<IPEndPoint> endPoints, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var payload = BenchPayload.Ascii(Math.Max(UdpTag.Length, 8));
        byte[] request = payload.Request(0).ToArray();
        UdpTag.Write(0, request);
        // The request is lowercase ASCII letters and "\n": its reply is known without a casing table.
        byte[] expected = [.. request.Select(b => b is >= (byte)'a' and <= (byte)'z' ? (byte)(b - 32) : b)];
        byte[] reply = new byte[64 * 1024];
        string problem = $"no reply from udp server at {server} within {timeout.TotalSeconds:0.###}s (is it running?)";
        foreach (IPEndPoint endPoint in endPoints)
        {
            using var socket = new Socket(endPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(timeout);
            try
            {
                await socket.ConnectAsync(endPoint, wait.Token).ConfigureAwait(false);
                await socket.SendAsync(request, SocketFlags.None, wait.Token).ConfigureAwait(false);
                int count = await socket.ReceiveAsync(reply, SocketFlags.None, wait.Token).ConfigureAwait(false);
                if (reply.AsSpan(0, count).SequenceEqual(expected))
                {
                    return endPoint;
                }

                problem = $"udp server at {server} answered the probe with something else";
            }
            catch (SocketException ex)
            {
                problem = SocketErrors.Describe(ex, "udp", server);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // No answer on this address: try the next.
            }
        }

        throw new ClientFailureException(problem);
    }
}
