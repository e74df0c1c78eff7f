using System.Net;
using System.Net.Sockets;

namespace KestrelUpper.Udp;

/// <summary>
/// The portable receive loop (any OS, or <c>Upper:Udp:Loop=Portable</c>): one datagram per receive and per send
/// over the socket, with its own buffers and its own <see cref="SocketAddress"/>, reused for every
/// datagram: the steady state allocates nothing.
/// </summary>
internal sealed class UdpReceiveLoop(Socket socket, UdpDatagramHandler handler)
{
    // Larger than any UDP payload (65507 over IPv4, 65527 over IPv6), so nothing is ever truncated.
    private const int ReceiveBufferLength = 64 * 1024;
    private static readonly TimeSpan ErrorBackoff = TimeSpan.FromMilliseconds(10);

    private readonly byte[] _request = GC.AllocateUninitializedArray<byte>(ReceiveBufferLength, pinned: true);
    private readonly byte[] _reply = GC.AllocateUninitializedArray<byte>(handler.ReplyBufferLength, pinned: true);
    private readonly SocketAddress _source = new(socket.AddressFamily);

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            int received;
            try
            {
                received = await socket.ReceiveFromAsync(_request, SocketFlags.None, _source, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.MessageSize)
            {
                // An ICMP port-unreachable for an earlier reply, or an oversized datagram: not this loop's problem.
                continue;
            }
            catch (ObjectDisposedException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException ex)
            {
                // Anything else the kernel reports (ENOBUFS, ENOMEM, ...) is transient for a datagram socket:
                // log it (throttled), breathe, keep serving. Only stopping ends the loop.
                handler.LoopError(ex);
                await Task.Delay(ErrorBackoff, CancellationToken.None).ConfigureAwait(false);
                continue;
            }

            // The datagram in hand is answered even when stopping has begun: nothing read is left unanswered.
            await AnswerAsync(received).ConfigureAwait(false);
        }
    }

    private async ValueTask AnswerAsync(int received)
    {
        SourceKey source = SourceKey.From(_source);
        if (!handler.TryBuildReply(_request.AsSpan(0, received), source, _reply, out int replyLength))
        {
            return;
        }

        try
        {
            await socket.SendToAsync(_reply.AsMemory(0, replyLength), SocketFlags.None, _source, CancellationToken.None).ConfigureAwait(false);
            handler.Sent(replyLength);
        }
        catch (SocketException ex)
        {
            handler.SendFailed(source, ex.SocketErrorCode);
        }
        catch (ObjectDisposedException)
        {
            handler.SendFailed(source, SocketError.OperationAborted);
        }
    }
}
