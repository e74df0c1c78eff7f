namespace KestrelUpper.Telemetry;

/// <summary>Why a connection was closed before its PROXY header was accepted: the <c>error.type</c> of <c>upper.tcp.proxy_protocol.rejected</c>.</summary>
internal enum ProxyRejectReason
{
    /// <summary>A header (or, in Required mode, any connection) from a peer outside <c>Upper:Tcp:TrustedProxies</c>.</summary>
    UntrustedPeer = 0,

    /// <summary>A signature followed by a header that breaks the spec.</summary>
    Malformed = 1,

    /// <summary>The header did not arrive within <c>Upper:Tcp:ProxyHeaderTimeout</c>.</summary>
    Timeout = 2,

    /// <summary>Required mode, and the connection started without a signature. (Connect-and-close is not counted: nothing was refused.)</summary>
    Missing = 3,

    /// <summary>The peer closed its side in the middle of a header.</summary>
    Truncated = 4,
}
