using System.Net.Sockets;
using System.Runtime.InteropServices;
using KestrelUpper.Telemetry;

namespace KestrelUpper.Udp;

/// <summary>
/// What both receive loops (portable and Linux batch) do around <see cref="UdpDatagramProcessor.Process"/>: the
/// same counting, the same throttled logs, so the two loops cannot drift apart. No socket here.
/// </summary>
internal sealed class UdpDatagramHandler(UdpDatagramProcessor processor, UpperCounters counters, LogThrottle throttle, ILogger logger)
{
    /// <summary>See <see cref="UdpDatagramProcessor.ReplyBufferLength"/>.</summary>
    public int ReplyBufferLength => processor.ReplyBufferLength;

    /// <summary>Builds the reply to one datagram in <paramref name="reply"/>; false when nothing is to be sent (already counted).</summary>
    public bool TryBuildReply(ReadOnlySpan<byte> request, SourceKey source, Span<byte> reply, out int replyLength)
    {
        UdpDropReason? dropped;
        try
        {
            dropped = processor.Process(request, source, reply, out replyLength);
        }
        catch (Exception ex)
        {
            // A bug must not end the service: log (throttled) and keep serving.
            LoopError(ex);
            replyLength = 0;
            return false;
        }

        if (dropped is { } reason)
        {
            // Rate-limited and blocked-port drops are silent by design (an attacker must not make us log per packet).
            if (reason == UdpDropReason.ReplyTooLarge)
            {
                LogTooLarge(request.Length, source);
            }

            return false;
        }

        return true;
    }

    /// <summary>
    /// A datagram cut by the kernel (longer than the receive buffer). With 64 KiB buffers it cannot happen over
    /// UDP; were it to, its reply would exceed any allowed reply, so it counts as received and dropped as reply_too_large.
    /// </summary>
    public void Truncated(int receivedLength, SourceKey source)
    {
        counters.UdpReceived(receivedLength);
        counters.UdpDrop(UdpDropReason.ReplyTooLarge);
        LogTooLarge(receivedLength, source);
    }

    public void Sent(int replyLength) => counters.UdpSent(replyLength);

    public void SendFailed(SourceKey source, SocketError error)
    {
        counters.UdpDrop(UdpDropReason.SendFailed);
        if (ShouldLogSendFailure())
        {
            UdpLog.SendFailed(logger, source.ToIPAddress(), error.ToString());
        }
    }

    public void SendFailed(SourceKey source, int errno)
    {
        counters.UdpDrop(UdpDropReason.SendFailed);
        if (ShouldLogSendFailure())
        {
            UdpLog.SendFailed(logger, source.ToIPAddress(), Marshal.GetPInvokeErrorMessage(errno));
        }
    }

    /// <summary>An unexpected error in a loop that goes on serving: logged, throttled.</summary>
    public void LoopError(Exception exception)
    {
        if (throttle.TryEnter(out _))
        {
            UdpLog.LoopError(logger, exception);
        }
    }

    /// <summary>A failed system call of the batch loop (ENOBUFS, ENOMEM, ...): logged, throttled.</summary>
    public void SystemCallFailed(string call, int errno)
    {
        if (throttle.TryEnter(out long suppressed))
        {
            UdpLog.SystemCallFailed(logger, call, errno, Marshal.GetPInvokeErrorMessage(errno), suppressed);
        }
    }

    private void LogTooLarge(int requestLength, SourceKey source)
    {
        if (throttle.TryEnter(out long suppressed))
        {
            UdpLog.DatagramDropped(logger, requestLength, source.ToIPAddress(), TelemetryNames.ToAttributeValue(UdpDropReason.ReplyTooLarge), suppressed);
        }
    }

    // Send failures are the peer's weather (ICMP, buffer full): Debug only, and throttled even then.
    private bool ShouldLogSendFailure() => logger.IsEnabled(LogLevel.Debug) && throttle.TryEnter(out _);
}
