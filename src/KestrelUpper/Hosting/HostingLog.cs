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
}
