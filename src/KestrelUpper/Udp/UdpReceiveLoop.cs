using System.Net;
using System.Net.Sockets;
using KestrelUpper.Telemetry;

namespace KestrelUpper.Udp;

/// <summary>
/// One receive loop over the shared socket, with its own buffers and its own <see cref="SocketAddress"/>,
/// reused for every datagram: the steady state allocates nothing.
/// </summary>
internal sealed class UdpReceiveLoop(Socket socket, UdpDatagramProcessor processor, UpperCounters counters, LogThrottle throttle, ILogger logger)
{
    // Larger than any UDP payload (65507 over IPv4, 65527 over IPv6), so nothing is ever truncated.
    private const int ReceiveBufferLength = 64 * 1024;
    private static readonly TimeSpan ErrorBackoff = TimeSpan.FromMilliseconds(10);

    private readonly byte[] _request = GC.AllocateUninitializedArray<byte>(ReceiveBufferLength, pinned: true);
    private readonly byte[] _reply = GC.AllocateUninitializedArray<byte>(processor.ReplyBufferLength, pinned: true);
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
                if (throttle.TryEnter(out _))
                {
                    UdpLog.LoopError(logger, ex);
                }

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
        UdpDropReason? dropped;
        int replyLength;
        try
        {
            dropped = processor.Process(_request.AsSpan(0, received), source, _reply, out replyLength);
        }
        catch (Exception ex)
        {
            // A bug must not end the service: log (throttled) and keep serving.
            if (throttle.TryEnter(out _))
            {
                UdpLog.LoopError(logger, ex);
            }

            return;
        }

        if (dropped is { } reason)
        {
            // Rate-limited and blocked-port drops are silent by design (an attacker must not make us log per packet).
            if (reason == UdpDropReason.ReplyTooLarge && throttle.TryEnter(out long suppressed))
            {
                UdpLog.DatagramDropped(logger, received, source.ToIPAddress(), TelemetryNames.ToAttributeValue(reason), suppressed);
            }

            return;
        }

        try
        {
            await socket.SendToAsync(_reply.AsMemory(0, replyLength), SocketFlags.None, _source, CancellationToken.None).ConfigureAwait(false);
            counters.UdpSent(replyLength);
        }
        catch (SocketException ex)
        {
            counters.UdpDrop(UdpDropReason.SendFailed);
            if (logger.IsEnabled(LogLevel.Debug) && throttle.TryEnter(out _))
            {
                UdpLog.SendFailed(logger, source.ToIPAddress(), ex.SocketErrorCode.ToString());
            }
        }
        catch (ObjectDisposedException)
        {
            counters.UdpDrop(UdpDropReason.SendFailed);
        }
    }
}
