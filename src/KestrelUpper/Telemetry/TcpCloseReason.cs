namespace KestrelUpper.Telemetry;

/// <summary>Why the server closed a served TCP connection: the <c>error.type</c> of <c>upper.tcp.closed</c>.</summary>
internal enum TcpCloseReason
{
    /// <summary>No bytes either way for <c>Upper:Tcp:IdleTimeout</c>.</summary>
    IdleTimeout = 0,

    /// <summary>The service is draining (SIGTERM).</summary>
    Shutdown = 1,
}
