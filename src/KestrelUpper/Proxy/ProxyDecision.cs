namespace KestrelUpper.Proxy;

/// <summary>What <see cref="ProxyHeaderDecoder"/> made of the bytes a connection has sent so far.</summary>
internal enum ProxyDecision
{
    /// <summary>Undecided: wait for more bytes (or the header timeout).</summary>
    NeedMoreData = 0,

    /// <summary>A whole header from a trusted proxy; the connection's own data follows it.</summary>
    Accepted = 1,

    /// <summary>No header (Optional mode): every byte so far is the client's own data.</summary>
    Plain = 2,

    /// <summary>The connection must be closed; the reason is counted.</summary>
    Rejected = 3,

    /// <summary>The peer connected and closed without a byte (a load balancer's TCP check): closed, not counted.</summary>
    PeerLeft = 4,
}
