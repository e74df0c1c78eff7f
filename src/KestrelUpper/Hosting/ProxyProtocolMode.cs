namespace KestrelUpper.Hosting;

/// <summary><c>Upper:Tcp:ProxyProtocol</c>: whether TCP connections start with a PROXY protocol (v1 or v2) header.</summary>
internal enum ProxyProtocolMode
{
    /// <summary>No header is expected; a header is plain data like any other bytes.</summary>
    Off = 0,

    /// <summary>A header from a trusted proxy is honoured; a connection without one is served as plain data.</summary>
    Optional = 1,

    /// <summary>Every connection must come from a trusted proxy and start with a header.</summary>
    Required = 2,
}
