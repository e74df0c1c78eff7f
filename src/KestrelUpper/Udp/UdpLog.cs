namespace KestrelUpper.Udp;

/// <summary>UDP log events (ids 200-299). Per-datagram events go through <see cref="LogThrottle"/>.</summary>
internal static partial class UdpLog
{
    [LoggerMessage(EventId = 200, EventName = "UdpDatagramDropped", Level = LogLevel.Warning,
        Message = "UDP datagram of {Bytes} bytes from {Source} dropped: {Reason} ({Suppressed} more drops since the last message)")]
    public static partial void DatagramDropped(ILogger logger, int bytes, System.Net.IPAddress source, string reason, long suppressed);

    [LoggerMessage(EventId = 201, EventName = "UdpSendFailed", Level = LogLevel.Debug,
        Message = "UDP reply to {Source} failed: {Error}")]
    public static partial void SendFailed(ILogger logger, System.Net.IPAddress source, string error);

    [LoggerMessage(EventId = 202, EventName = "UdpLoopError", Level = LogLevel.Error,
        Message = "UDP receive loop error; the loop continues")]
    public static partial void LoopError(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 203, EventName = "UdpStopped", Level = LogLevel.Information,
        Message = "UDP service stopped: {Received} datagrams received, {Sent} replies sent")]
    public static partial void Stopped(ILogger logger, long received, long sent);

    [LoggerMessage(EventId = 204, EventName = "UdpSystemCallFailed", Level = LogLevel.Error,
        Message = "UDP {Call} failed with errno {Errno} ({Error}); the loop continues ({Suppressed} more errors since the last message)")]
    public static partial void SystemCallFailed(ILogger logger, string call, int errno, string error, long suppressed);

    [LoggerMessage(EventId = 205, EventName = "UdpLoopsStarted", Level = LogLevel.Information,
        Message = "UDP receive loop started: {Kind}")]
    public static partial void LoopsStarted(ILogger logger, string kind);
}
