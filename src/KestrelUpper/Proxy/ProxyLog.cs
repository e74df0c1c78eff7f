using System.Net;

namespace KestrelUpper.Proxy;

/// <summary>PROXY protocol log events (ids 300-399). Debug: a rejected header is a peer's problem, not ours.</summary>
internal static partial class ProxyLog
{
    [LoggerMessage(EventId = 300, EventName = "ProxyHeaderAccepted", Level = LogLevel.Debug,
        Message = "TCP connection {ConnectionId} from proxy {ProxyEndPoint}: PROXY v{Version} header, client {ClientEndPoint}, destination {DestinationEndPoint}")]
    public static partial void HeaderAccepted(ILogger logger, string connectionId, EndPoint? proxyEndPoint, int version, EndPoint? clientEndPoint, EndPoint? destinationEndPoint);

    [LoggerMessage(EventId = 301, EventName = "ProxyHeaderRejected", Level = LogLevel.Debug,
        Message = "TCP connection {ConnectionId} from {RemoteEndPoint} closed: PROXY header {Reason}")]
    public static partial void HeaderRejected(ILogger logger, string connectionId, EndPoint? remoteEndPoint, string reason);

    [LoggerMessage(EventId = 302, EventName = "ProxyHeaderLost", Level = LogLevel.Debug,
        Message = "TCP connection {ConnectionId} from {RemoteEndPoint} lost while reading the PROXY header: {Error}")]
    public static partial void HeaderLost(ILogger logger, string connectionId, EndPoint? remoteEndPoint, string error);

    [LoggerMessage(EventId = 303, EventName = "ProxyHeaderFailed", Level = LogLevel.Warning,
        Message = "TCP connection {ConnectionId} from {RemoteEndPoint} failed unexpectedly while reading the PROXY header")]
    public static partial void HeaderFailed(ILogger logger, string connectionId, EndPoint? remoteEndPoint, Exception exception);
}
