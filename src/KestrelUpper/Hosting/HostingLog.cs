using System.Net;

namespace KestrelUpper.Hosting;

/// <summary>Start-up and shutdown log events (ids 1-99).</summary>
internal static partial class HostingLog
{
    [LoggerMessage(EventId = 1, EventName = "Listening", Level = LogLevel.Information,
        Message = "Listening on {Protocol} {EndPoint}")]
    public static partial void Listening(ILogger logger, string protocol, IPEndPoint? endPoint);

    [LoggerMessage(EventId = 2, EventName = "Started", Level = LogLevel.Information,
        Message = "KestrelUpper {Version} ready: TCP {TcpEndPoint} ({TcpTransport}), UDP {UdpEndPoint} ({UdpLoop}), HTTP {HttpEndPoint}, TLS {TlsEndPoint}, casing {Casing}")]
    public static partial void Started(ILogger logger, string version, IPEndPoint? tcpEndPoint, string tcpTransport, IPEndPoint? udpEndPoint, string udpLoop, IPEndPoint? httpEndPoint, string tlsEndPoint, string casing);

    [LoggerMessage(EventId = 3, EventName = "Draining", Level = LogLevel.Information,
        Message = "Shutdown requested: draining for at most {Timeout}")]
    public static partial void Draining(ILogger logger, TimeSpan timeout);

    [LoggerMessage(EventId = 4, EventName = "TransportFallback", Level = LogLevel.Information,
        Message = "{Port} port: {Reason}; using the {Transport} instead")]
    public static partial void TransportFallback(ILogger logger, string port, string reason, string transport);

    [LoggerMessage(EventId = 5, EventName = "SettingIgnored", Level = LogLevel.Warning,
        Message = "Configuration {Key} is no longer read as before ({Why}); remove or change it")]
    public static partial void SettingIgnored(ILogger logger, string key, string why);

    [LoggerMessage(EventId = 6, EventName = "LogSettingIgnored", Level = LogLevel.Warning,
        Message = "{ConfigurationKey} is ignored: the Native AOT build reads only Serilog:MinimumLevel")]
    public static partial void LogSettingIgnored(ILogger logger, string configurationKey);

    [LoggerMessage(EventId = 7, EventName = "ConfigurationError", Level = LogLevel.Critical,
        Message = "Configuration error: {Problem}")]
    public static partial void ConfigurationError(ILogger logger, string problem);

    [LoggerMessage(EventId = 8, EventName = "StartFailed", Level = LogLevel.Critical,
        Message = "Cannot start: {Problem}")]
    public static partial void StartFailed(ILogger logger, string problem, Exception? exception);
}
