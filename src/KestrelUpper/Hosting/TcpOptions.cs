namespace KestrelUpper.Hosting;

/// <summary><c>Upper:Tcp</c>: the raw TCP uppercase listener.</summary>
internal sealed class TcpOptions
{
    /// <summary>Port of the TCP listener; 0 picks an ephemeral port. Defaults to 12000.</summary>
    public int Port { get; set; } = 12000;

    /// <summary>Open connections beyond which new ones are closed at once. Defaults to 10000.</summary>
    public int MaxConnections { get; set; } = 10_000;

    /// <summary>Open connections per remote IP beyond which new ones are closed at once. Defaults to 256.</summary>
    public int MaxConnectionsPerIp { get; set; } = 256;

    /// <summary>A connection with no bytes either way for this long is closed; zero disables. Defaults to 5 minutes.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Unsent reply bytes at which the server stops reading from a client (the client is not reading its replies).
    /// Defaults to 64 KiB; the pipe resumes at half of it.
    /// </summary>
    public int MaxBufferedReplyBytes { get; set; } = 64 * 1024;

    /// <summary>Received, not yet processed bytes at which the transport stops reading the socket. Defaults to 64 KiB.</summary>
    public int MaxBufferedRequestBytes { get; set; } = 64 * 1024;

    /// <summary>Whether connections start with a PROXY protocol header (behind HAProxy, an AWS NLB, ...). Defaults to Off.</summary>
    public ProxyProtocolMode ProxyProtocol { get; set; } = ProxyProtocolMode.Off;

    /// <summary>
    /// CIDRs (such as <c>10.0.0.0/8</c> or <c>::1/128</c>) of the proxies whose headers are believed; required when
    /// <see cref="ProxyProtocol"/> is not Off. The check is on the real socket peer.
    /// </summary>
    /// <remarks>Null rather than empty: an array default would be appended to, not replaced, by binding.</remarks>
    public string[]? TrustedProxies { get; set; }

    /// <summary>How long a connection may take to send its PROXY header. Defaults to 5 seconds.</summary>
    public TimeSpan ProxyHeaderTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
