using System.Net;

namespace KestrelUpper.Tcp;

/// <summary>TCP log events (ids 100-199). Nothing here is logged per message.</summary>
internal static partial class TcpLog
{
    [LoggerMessage(EventId = 100, EventName = "TcpConnectionOpened", Level = LogLevel.Debug,
        Message = "TCP connection {ConnectionId} from {RemoteEndPoint} opened")]
    public static partial void ConnectionOpened(ILogger logger, string connectionId, EndPoint? remoteEndPoint);

    [LoggerMessage(EventId = 101, EventName = "TcpConnectionClosed", Level = LogLevel.Debug,
        Message = "TCP connection {ConnectionId} from {RemoteEndPoint} closed ({Outcome}) after {DurationMs:0} ms: {BytesReceived} bytes in, {BytesSent} bytes out")]
    public static partial void ConnectionClosed(ILogger logger, string connectionId, EndPoint? remoteEndPoint, string outcome, double durationMs, long bytesReceived, long bytesSent);

    [LoggerMessage(EventId = 102, EventName = "TcpConnectionRejected", Level = LogLevel.Debug,
        Message = "TCP connection {ConnectionId} from {RemoteEndPoint} rejected: {Reason}")]
    public static partial void ConnectionRejected(ILogger logger, string connectionId, EndPoint? remoteEndPoint, string reason);

    [LoggerMessage(EventId = 103, EventName = "TcpConnectionLost", Level = LogLevel.Debug,
        Message = "TCP connection {ConnectionId} from {RemoteEndPoint} lost: {Error}")]
    public static partial void ConnectionLost(ILogger logger, string connectionId, EndPoint? remoteEndPoint, string error);

    [LoggerMessage(EventId = 104, EventName = "TcpConnectionFailed", Level = LogLevel.Warning,
        Message = "TCP connection {ConnectionId} from {RemoteEndPoint} failed unexpectedly")]
    public static partial void ConnectionFailed(ILogger logger, string connectionId, EndPoint? remoteEndPoint, Exception exception);

    [LoggerMessage(EventId = 105, EventName = "TcpAcceptFailed", Level = LogLevel.Debug,
        Message = "TCP accept failed ({SocketError}); accepting the next connection")]
    public static partial void AcceptFailed(ILogger logger, string socketError);

    [LoggerMessage(EventId = 106, EventName = "TcpEventLoopWaitFailed", Level = LogLevel.Error,
        Message = "TCP event loop: epoll_wait failed with errno {Errno}; retrying")]
    public static partial void EventLoopWaitFailed(ILogger logger, int errno);

    [LoggerMessage(EventId = 107, EventName = "TcpEventLoopsStarted", Level = LogLevel.Debug,
        Message = "TCP event loops started: {Loops} (epoll), {ReceiveBufferBytes} byte receive buffer")]
    public static partial void EventLoopsStarted(ILogger logger, int loops, int receiveBufferBytes);

    [LoggerMessage(EventId = 108, EventName = "TcpEventLoopFault", Level = LogLevel.Error,
        Message = "TCP event loop: unexpected failure; the loop goes on")]
    public static partial void EventLoopFault(ILogger logger, Exception exception);
}
