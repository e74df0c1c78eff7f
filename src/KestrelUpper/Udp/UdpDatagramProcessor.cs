using KestrelUpper.Hosting;
using KestrelUpper.Telemetry;
using KestrelUpper.Text;
using Microsoft.Extensions.Options;

namespace KestrelUpper.Udp;

/// <summary>
/// Decides and builds the answer to one datagram: blocked source port, rate limit, then the whole datagram
/// uppercased, unless the reply would exceed <c>Upper:Udp:MaxReplyBytes</c>. No socket here, so every rule is
/// testable without one; no allocation per datagram.
/// </summary>
internal sealed class UdpDatagramProcessor
{
    private const int PortCount = 65_536;

    private readonly Uppercaser _uppercaser;
    private readonly SourceRateLimiter _rateLimiter;
    private readonly UpperCounters _counters;
    private readonly bool[] _blockedPorts = new bool[PortCount];

    public UdpDatagramProcessor(Uppercaser uppercaser, SourceRateLimiter rateLimiter, UpperCounters counters, IOptions<UpperOptions> options)
    {
        _uppercaser = uppercaser;
        _rateLimiter = rateLimiter;
        _counters = counters;
        MaxReplyBytes = options.Value.Udp.MaxReplyBytes;
        foreach (int port in options.Value.Udp.EffectiveBlockedSourcePorts)
        {
            _blockedPorts[port] = true;
        }
    }

    public int MaxReplyBytes { get; }

    /// <summary>
    /// Never answers datagrams from <paramref name="port"/>: the service's own UDP port, so that a spoofed datagram
    /// cannot start an endless exchange between two instances.
    /// </summary>
    public void BlockSourcePort(int port) => _blockedPorts[port] = true;

    /// <summary>A reply buffer this long lets <see cref="Process"/> tell every too-large reply from a good one.</summary>
    public int ReplyBufferLength => MaxReplyBytes + Uppercaser.MinimumDestinationLength;

    /// <summary>Counts the datagram and builds its reply in <paramref name="reply"/>; null means send it, else why not.</summary>
    public UdpDropReason? Process(ReadOnlySpan<byte> request, SourceKey source, Span<byte> reply, out int replyLength)
    {
        _counters.UdpReceived(request.Length);
        replyLength = 0;

        if (_blockedPorts[source.Port])
        {
            return Drop(UdpDropReason.BlockedSourcePort);
        }

        if (!_rateLimiter.TryAcquire(source.Address))
        {
            return Drop(UdpDropReason.RateLimited);
        }

        bool fits = _uppercaser.TryTransformComplete(request, reply, out int written, out int invalidBytes);
        if (invalidBytes > 0)
        {
            _counters.UdpInvalid(invalidBytes);
        }

        if (!fits || written > MaxReplyBytes)
        {
            return Drop(UdpDropReason.ReplyTooLarge);
        }

        // Never an amplifier: a reply longer than its request (Unicode expansion, up to 3x) costs one more token
        // per extra request-length, so a source's budget bounds the bytes it gets back, not just the datagrams.
        if (written > request.Length && !_rateLimiter.TryAcquire(source.Address, (written - 1) / request.Length))
        {
            return Drop(UdpDropReason.RateLimited);
        }

        replyLength = written;
        return null;
    }

    private UdpDropReason Drop(UdpDropReason reason)
    {
        _counters.UdpDrop(reason);
        return reason;
    }
}
