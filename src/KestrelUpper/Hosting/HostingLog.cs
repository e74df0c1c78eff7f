using System.Net;

namespace KestrelUpper.Hosting;

/// <summary>Start-up and shutdown log events (ids 1-99).</summary>
internal static partial class HostingLog
{
    [LoggerMessage(EventId = 1, EventName = "Listening", Level = LogLevel.Information,
        Message = "Listening on {Protocol} {EndPoint}")]
    public static partial void Listening(ILogger logger, string protocol, IPEndPoint? endPoint);

    [LoggerMessage(EventId = 2, EventName = "Started", Level = LogLevel.Information,
        Message = "KestrelUpper {Version} ready: TCP {TcpEndPoint} ({TcpTransport} transport), UDP {UdpEndPoint}, HTTP {HttpEndPoint}, casing {Casing}")]
    public static partial void Started(ILogger logger, string version, IPEndPoint? tcpEndPoint, TcpTransport tcpTransport, IPEndPoint? udpEndPoint, IPEndPoint? httpEndPoint, string casing);

    [LoggerMessage(EventId = 3, EventName = "Draining", Level = LogLevel.Information,
        Message = "Shutdown requested: draining for at most {Timeout}")]
    public static partial void Draining(ILogger logger, TimeSpan timeout);

    [LoggerMessage(EventId = 4, EventName = "LogSettingIgnored", Level = LogLevel.Warning,
        Message = "{ConfigurationKey} is ignored: the Native AOT build reads only Serilog:MinimumLevel")]
    public static partial void LogSettingIgnored(ILogger logger, string configurationKey);

    [LoggerMessage(EventId = 5, EventName = "ConfigurationError", Level = LogLevel.Critical,
        Message = "Configuration error: {Problem}")]
    public static partial void ConfigurationError(ILogger logger, string problem);

    [LoggerMessage(EventId = 6, EventName = "StartFailed", Level = LogLevel.Critical,
        Message = "Cannot start: {Problem}")]
    public static partial void StartFailed(ILogger logger, string problem, Exception? exception);
}
