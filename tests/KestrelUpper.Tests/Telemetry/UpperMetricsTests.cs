using System.Diagnostics.Metrics;
using KestrelUpper.Health;
using KestrelUpper.Hosting;
using KestrelUpper.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KestrelUpper.Tests.Telemetry;

/// <summary>The KestrelUpper meter's instruments, read with a MeterListener scoped to this test's meter factory.</summary>
public sealed class UpperMetricsTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly UpperCounters _counters = new();
    private readonly ReadinessState _readiness = new();

    public void Dispose() => _services.Dispose();

    private Dictionary<string, long> Collect()
    {
        IMeterFactory factory = _services.GetRequiredService<IMeterFactory>();
        _ = new UpperMetrics(factory, _counters, _readiness, Options.Create(new UpperOptions { Tcp = { MaxConnections = 1234 } }));
        var values = new Dictionary<string, long>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Scope == factory && instrument.Meter.Name == TelemetryNames.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string key = instrument.Name + string.Concat(tags.ToArray().Select(t => $"|{t.Key}={t.Value}"));
            values[key] = value;
        });
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => values[instrument.Name] = value);
        listener.Start();
        listener.RecordObservableInstruments();
        return values;
    }

    [Fact]
    public void Tcp_instruments_report_the_counters_with_their_attributes()
    {
        _counters.TcpConnectionOpened();
        _counters.TcpConnectionOpened();
        _counters.TcpConnectionClosed();
        _counters.TcpReceived(100);
        _counters.TcpSent(300);
        _counters.TcpInvalid(7);
        _counters.TcpConnectionRejected(TcpRejectReason.MaxConnectionsPerIp);
        _counters.TcpConnectionClosedByServer(TcpCloseReason.IdleTimeout);

        Dictionary<string, long> v = Collect();
        Assert.Equal(100, v["upper.tcp.bytes|network.io.direction=receive"]);
        Assert.Equal(300, v["upper.tcp.bytes|network.io.direction=transmit"]);
        Assert.Equal(1, v["upper.tcp.connections"]);
        Assert.Equal(1, v["upper.tcp.rejected|error.type=max_connections_per_ip"]);
        Assert.Equal(0, v["upper.tcp.rejected|error.type=max_connections"]);
        Assert.Equal(1, v["upper.tcp.closed|error.type=idle_timeout"]);
        Assert.Equal(7, v["upper.text.invalid_bytes|network.transport=tcp"]);
        Assert.Equal(1234, v["upper.tcp.max_connections"]);
    }

    [Fact]
    public void Udp_instruments_report_datagrams_bytes_and_drops_by_reason()
    {
        _counters.UdpReceived(10);
        _counters.UdpReceived(20);
        _counters.UdpSent(10);
        _counters.UdpDrop(UdpDropReason.ReplyTooLarge);
        _counters.UdpDrop(UdpDropReason.RateLimited);
        _counters.UdpDrop(UdpDropReason.RateLimited);

        Dictionary<string, long> v = Collect();
        Assert.Equal(2, v["upper.udp.datagrams|network.io.direction=receive"]);
        Assert.Equal(1, v["upper.udp.datagrams|network.io.direction=transmit"]);
        Assert.Equal(30, v["upper.udp.bytes|network.io.direction=receive"]);
        Assert.Equal(1, v["upper.udp.dropped|error.type=reply_too_large"]);
        Assert.Equal(2, v["upper.udp.dropped|error.type=rate_limited"]);
        Assert.Equal(0, v["upper.udp.dropped|error.type=blocked_source_port"]);
    }

    [Fact]
    public void Ready_gauge_follows_readiness()
    {
        Assert.Equal(0, Collect()["upper.ready"]);
        _readiness.TcpListening();
        _readiness.UdpListening();
        Assert.Equal(1, Collect()["upper.ready"]);
        _readiness.Drain();
        Assert.Equal(0, Collect()["upper.ready"]);
    }
}
