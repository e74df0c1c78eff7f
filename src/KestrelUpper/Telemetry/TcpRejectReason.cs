namespace KestrelUpper.Telemetry;

/// <summary>Why a new TCP connection was closed at once: the <c>error.type</c> of <c>upper.tcp.rejected</c>.</summary>
internal enum TcpRejectReason
{
    /// <summary>Open connections reached <c>Upper:Tcp:MaxConnections</c>.</summary>
    MaxConnections = 0,

    /// <summary>Open connections from the remote IP reached <c>Upper:Tcp:MaxConnectionsPerIp</c>.</summary>
    MaxConnectionsPerIp = 1,
}
