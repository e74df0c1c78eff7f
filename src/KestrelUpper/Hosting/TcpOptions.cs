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
}
