using System.Diagnostics.Metrics;
using KestrelUpper.Health;
using KestrelUpper.Hosting;
using Microsoft.Extensions.Options;

namespace KestrelUpper.Telemetry;

/// <summary>
/// The <c>KestrelUpper</c> meter: only what Kestrel's own meter lacks (bytes, datagrams, drops, rejections).
/// Every instrument is observable over <see cref="UpperCounters"/>, so the hot paths pay one interlocked add
/// and the collection cost falls on the scrape.
/// </summary>
internal sealed class UpperMetrics
{
    private static readonly KeyValuePair<string, object?> Receive = new(TelemetryNames.DirectionAttribute, "receive");
    private static readonly KeyValuePair<string, object?> Transmit = new(TelemetryNames.DirectionAttribute, "transmit");
    private static readonly KeyValuePair<string, object?> TcpTransport = new(TelemetryNames.TransportAttribute, "tcp");
    private static readonly KeyValuePair<string, object?> UdpTransport = new(TelemetryNames.TransportAttribute, "udp");

    public UpperMetrics(IMeterFactory meterFactory, UpperCounters counters, ReadinessState readiness, IOptions<UpperOptions> options)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        Meter meter = meterFactory.Create(TelemetryNames.MeterName);
        int maxConnections = options.Value.Tcp.MaxConnections;

        meter.CreateObservableCounter(
            "upper.tcp.bytes",
            () => Directions(counters.TcpBytesReceived, counters.TcpBytesSent),
            unit: "By",
            description: "Bytes received from and sent to TCP clients.");
        meter.CreateObservableUpDownCounter(
            "upper.tcp.connections",
            () => counters.TcpActiveConnections,
            unit: "{connection}",
            description: "TCP connections being served by the uppercase handler (after the connection limits).");
        meter.CreateObservableCounter(
            "upper.tcp.rejected",
            () => Reasons<TcpRejectReason>(counters.TcpRejected, TelemetryNames.ToAttributeValue),
            unit: "{connection}",
            description: "New TCP connections closed at once by a connection limit.");
        meter.CreateObservableCounter(
            "upper.tcp.closed",
            () => Reasons<TcpCloseReason>(counters.TcpClosed, TelemetryNames.ToAttributeValue),
            unit: "{connection}",
            description: "Served TCP connections closed by the server (idle timeout, shutdown).");
        meter.CreateObservableCounter(
            "upper.tcp.proxy_protocol.rejected",
            () => Reasons<ProxyRejectReason>(counters.ProxyRejected, TelemetryNames.ToAttributeValue),
            unit: "{connection}",
            description: "TCP connections closed before the handler because of their PROXY protocol header (or its absence), by reason.");
        meter.CreateObservableGauge(
            "upper.tcp.max_connections",
            () => maxConnections,
            unit: "{connection}",
            description: "The configured Upper:Tcp:MaxConnections.");
        meter.CreateObservableCounter(
            "upper.udp.datagrams",
            () => Directions(counters.UdpDatagramsReceived, counters.UdpDatagramsSent),
            unit: "{datagram}",
            description: "UDP datagrams received and replies sent.");
        meter.CreateObservableCounter(
            "upper.udp.bytes",
            () => Directions(counters.UdpBytesReceived, counters.UdpBytesSent),
            unit: "By",
            description: "UDP payload bytes received and sent.");
        meter.CreateObservableCounter(
            "upper.udp.dropped",
            () => Reasons<UdpDropReason>(counters.UdpDropped, TelemetryNames.ToAttributeValue),
            unit: "{datagram}",
            description: "UDP datagrams that got no reply, by reason.");
        meter.CreateObservableCounter(
            "upper.text.invalid_bytes",
            () => new[]
            {
                new Measurement<long>(counters.TcpInvalidBytes, TcpTransport),
                new Measurement<long>(counters.UdpInvalidBytes, UdpTransport),
            },
            unit: "By",
            description: "Bytes that were not valid UTF-8 and were passed through unchanged.");
        meter.CreateObservableGauge(
            "upper.ready",
            () => readiness.IsReady ? 1 : 0,
            description: "1 while /readyz answers 200, 0 while starting or draining.");
    }

    private static Measurement<long>[] Directions(long received, long sent) =>
        [new Measurement<long>(received, Receive), new Measurement<long>(sent, Transmit)];

    private static Measurement<long>[] Reasons<TReason>(Func<TReason, long> read, Func<TReason, string> name)
        where TReason : struct, Enum
    {
        TReason[] reasons = Enum.GetValues<TReason>();
        var measurements = new Measurement<long>[reasons.Length];
        for (int i = 0; i < reasons.Length; i++)
        {
            measurements[i] = new Measurement<long>(read(reasons[i]), new KeyValuePair<string, object?>(TelemetryNames.ErrorTypeAttribute, name(reasons[i])));
        }

        return measurements;
    }
}
