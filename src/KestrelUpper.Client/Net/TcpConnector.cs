using System.Net;
using System.Net.Sockets;
using KestrelUpper.Client.Cli;

namespace KestrelUpper.Client.Net;

/// <summary>Connects to the first address of a server that accepts, each try bounded by a timeout.</summary>
internal static class TcpConnector
{
    public static async Task<Socket> ConnectAsync(ServerAddress server, IReadOnlyList<IPEndPoint> endPoints, TimeSpan timeout, CancellationToken cancellationToken)
    {
        SocketException? last = null;
        foreach (IPEndPoint endPoint in endPoints)
        {
            var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attempt.CancelAfter(timeout);
            try
            {
                await socket.ConnectAsync(endPoint, attempt.Token).ConfigureAwait(false);
                return socket;
            }
            catch (SocketException ex)
            {
                // "localhost" may name ::1 first while the server listens on 127.0.0.1 only: try the next address.
                socket.Dispose();
                last = ex;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                socket.Dispose();
                last = new SocketException((int)SocketError.TimedOut);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw new ClientFailureException(SocketErrors.Describe(last ?? new SocketException((int)SocketError.HostNotFound), "tcp", server), last!);
    }
}
