namespace KestrelUpper.Telemetry;

/// <summary>Names of the service's meter, instruments and attribute values: a contract with dashboards and alerts.</summary>
internal static class TelemetryNames
{
    public const string MeterName = "KestrelUpper";
    public const string KestrelMeterName = "Microsoft.AspNetCore.Server.Kestrel";
    public const string RuntimeMeterName = "System.Runtime";
    public const string MemoryPoolMeterName = "Microsoft.AspNetCore.MemoryPool";

    public const string DirectionAttribute = "network.io.direction";
    public const string ErrorTypeAttribute = "error.type";
    public const string TransportAttribute = "network.transport";

    public static string ToAttributeValue(UdpDropReason reason) => reason switch
    {
        UdpDropReason.ReplyTooLarge => "reply_too_large",
        UdpDropReason.RateLimited => "rate_limited",
        UdpDropReason.BlockedSourcePort => "blocked_source_port",
        UdpDropReason.SendFailed => "send_failed",
        _ => "other",
    };

    public static string ToAttributeValue(TcpRejectReason reason) => reason switch
    {
        TcpRejectReason.MaxConnections => "max_connections",
        TcpRejectReason.MaxConnectionsPerIp => "max_connections_per_ip",
        _ => "other",
    };

    public static string ToAttributeValue(TcpCloseReason reason) => reason switch
    {
        TcpCloseReason.IdleTimeout => "idle_timeout",
        TcpCloseReason.Shutdown => "shutdown",
        _ => "other",
    };

    public static string ToAttributeValue(ProxyRejectReason reason) => reason switch
    {
        ProxyRejectReason.UntrustedPeer => "untrusted_peer",
        ProxyRejectReason.Malformed => "malformed",
        ProxyRejectReason.Timeout => "timeout",
        ProxyRejectReason.Missing => "missing",
        ProxyRejectReason.Truncated => "truncated",
        _ => "other",
    };
}
