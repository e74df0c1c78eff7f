namespace KestrelUpper.Telemetry;

/// <summary>Why a UDP datagram got no reply: the <c>error.type</c> of <c>upper.udp.dropped</c>.</summary>
internal enum UdpDropReason
{
    /// <summary>The uppercased reply exceeds <c>Upper:Udp:MaxReplyBytes</c>.</summary>
    ReplyTooLarge = 0,

    /// <summary>The source IP exceeded <c>Upper:Udp:RatePerSource</c>.</summary>
    RateLimited = 1,

    /// <summary>The source port is in <c>Upper:Udp:BlockedSourcePorts</c>.</summary>
    BlockedSourcePort = 2,

    /// <summary>The kernel refused the reply (for example no route, or buffer full).</summary>
    SendFailed = 3,
}
