using System.Buffers;
using KestrelUpper.Hosting;
using KestrelUpper.Telemetry;

namespace KestrelUpper.Proxy;

/// <summary>
/// The PROXY protocol rules for one connection, apart from any transport: given the bytes received so far, whether
/// they are a header to believe, plain data, or a reason to close. The TCP session (both drivers) and the TLS port's
/// connection middleware decide through this one type, so trust, Optional/Required and the limits are the same.
/// </summary>
internal sealed class ProxyHeaderDecoder
{
    private readonly ProxyProtocolMode _mode;
    private readonly bool _peerTrusted;
    private readonly int _maxHeaderBytes;

    // A whole signature has arrived: the peer is sending a header, so it can no longer be plain data.
    private bool _committed;

    public ProxyHeaderDecoder(ProxyProtocolMode mode, bool peerTrusted, int maxHeaderBytes)
    {
        if (mode == ProxyProtocolMode.Off)
        {
            throw new ArgumentOutOfRangeException(nameof(mode), "A decoder is made only when PROXY headers are expected.");
        }

        _mode = mode;
        _peerTrusted = peerTrusted;
        _maxHeaderBytes = maxHeaderBytes;
    }

    /// <summary>Required mode and a peer outside the trusted networks: nothing it sends could be believed.</summary>
    public bool RejectsBeforeReading => !_peerTrusted && _mode == ProxyProtocolMode.Required;

    /// <summary>Optional mode and no whole signature yet: what has arrived may still be a plain client's data.</summary>
    public bool MayBePlain => _mode == ProxyProtocolMode.Optional && !_committed;

    /// <summary>
    /// Decides on <paramref name="received"/>, everything the connection has sent so far (<paramref name="inputEnded"/>:
    /// and it will send nothing more). On <see cref="ProxyDecision.Accepted"/>, the header's
    /// <see cref="ProxyHeader.Length"/> is where the client's data starts.
    /// </summary>
    public ProxyDecision Decide(in ReadOnlySequence<byte> received, bool inputEnded, out ProxyHeader header, out ProxyRejectReason reason)
    {
        reason = default;
        ProxyParseStatus status = ProxyHeaderParser.TryParse(received, out header, out _);
        _committed |= status is ProxyParseStatus.Complete or ProxyParseStatus.Invalid || ProxyHeaderParser.StartsWithSignature(received);
        if (_committed && !_peerTrusted)
        {
            return Reject(ProxyRejectReason.UntrustedPeer, out reason);
        }

        switch (status)
        {
            case ProxyParseStatus.Complete:
                return ProxyDecision.Accepted;
            case ProxyParseStatus.Invalid:
                return Reject(ProxyRejectReason.Malformed, out reason);
            case ProxyParseStatus.NotProxy:
                return _mode == ProxyProtocolMode.Required ? Reject(ProxyRejectReason.Missing, out reason) : ProxyDecision.Plain;
        }

        if (inputEnded)
        {
            // Optional and nothing but a signature's first bytes (or nothing): plain data after all.
            return MayBePlain ? ProxyDecision.Plain
                : received.IsEmpty ? ProxyDecision.PeerLeft
                : Reject(ProxyRejectReason.Truncated, out reason);
        }

        // A v2 length beyond what may be buffered could never complete: it would stall, not fail.
        return received.Length >= _maxHeaderBytes ? Reject(ProxyRejectReason.Malformed, out reason) : ProxyDecision.NeedMoreData;
    }

    /// <summary>The header timeout passed: a plain client that sent a signature's first bytes is served, else it is refused.</summary>
    public ProxyDecision OnTimeout(out ProxyRejectReason reason)
    {
        reason = default;
        return MayBePlain ? ProxyDecision.Plain : Reject(ProxyRejectReason.Timeout, out reason);
    }

    private static ProxyDecision Reject(ProxyRejectReason why, out ProxyRejectReason reason)
    {
        reason = why;
        return ProxyDecision.Rejected;
    }
}
