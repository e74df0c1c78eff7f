using System.Text.Json.Serialization;
using KestrelUpper.Health;
using KestrelUpper.Hosting;

namespace KestrelUpper.Telemetry;

/// <summary><c>GET /status</c>: a small JSON snapshot for a human with curl.</summary>
internal static class StatusEndpoint
{
    public static IEndpointRouteBuilder MapStatus(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/status", (UpperCounters counters, ReadinessState readiness, TimeProvider time, StartTime started) =>
            Results.Json(Snapshot(counters, readiness, time.GetElapsedTime(started.Timestamp)), StatusJsonContext.Default.StatusSnapshot));
        return endpoints;
    }

    public static StatusSnapshot Snapshot(UpperCounters c, ReadinessState readiness, TimeSpan uptime) => new(
        new TcpStatus(c.TcpActiveConnections, c.TcpTotalConnections, c.TcpBytesReceived, c.TcpBytesSent, c.TcpRejectedTotal, c.TcpInvalidBytes),
        new UdpStatus(c.UdpDatagramsReceived, c.UdpDatagramsSent, c.UdpDroppedTotal, c.UdpBytesReceived, c.UdpBytesSent, c.UdpInvalidBytes),
        Math.Round(uptime.TotalSeconds, 3),
        ServiceVersion.Value,
        readiness.Describe());
}

internal sealed record StatusSnapshot(TcpStatus Tcp, UdpStatus Udp, double UptimeSeconds, string Version, string State);

internal sealed record TcpStatus(long ActiveConnections, long TotalConnections, long BytesReceived, long BytesSent, long RejectedConnections, long InvalidBytes);

internal sealed record UdpStatus(long DatagramsReceived, long DatagramsSent, long Dropped, long BytesReceived, long BytesSent, long InvalidBytes);

/// <summary>When the process started serving, for <c>uptimeSeconds</c>.</summary>
internal sealed record StartTime(long Timestamp);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(StatusSnapshot))]
internal sealed partial class StatusJsonContext : JsonSerializerContext;
