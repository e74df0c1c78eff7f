using KestrelUpper.Telemetry.Prometheus;
using OpenTelemetry.Metrics;

namespace KestrelUpper.Tests.Telemetry.Prometheus;

public class PrometheusNamingTests
{
    [Theory]
    // Contract names used by dashboards and alerts.
    [InlineData("kestrel.active_connections", "{connection}", MetricType.LongSumNonMonotonic, "kestrel_active_connections")]
    [InlineData("kestrel.connection.duration", "s", MetricType.Histogram, "kestrel_connection_duration_seconds")]
    [InlineData("kestrel.rejected_connections", "{connection}", MetricType.LongSum, "kestrel_rejected_connections_total")]
    [InlineData("upper.tcp.bytes", "By", MetricType.LongSum, "upper_tcp_bytes_total")]
    [InlineData("upper.udp.datagrams", "{datagram}", MetricType.LongSum, "upper_udp_datagrams_total")]
    [InlineData("dotnet.process.cpu.time", "s", MetricType.DoubleSum, "dotnet_process_cpu_time_seconds_total")]
    [InlineData("dotnet.process.memory.working_set", "By", MetricType.LongSumNonMonotonic, "dotnet_process_memory_working_set_bytes")]
    // Character rules.
    [InlineData("http-server.req", "", MetricType.LongGauge, "http_server_req")]
    [InlineData("a..b--c", null, MetricType.LongGauge, "a_b_c")]
    [InlineData("a__b", null, MetricType.LongGauge, "a_b")]
    [InlineData("2xx.count", null, MetricType.LongGauge, "_2xx_count")]
    [InlineData("ns:metric", null, MetricType.LongGauge, "ns:metric")]
    [InlineData("caf\u00e9", null, MetricType.LongGauge, "caf_")]
    // Unit suffixes.
    [InlineData("latency", "ms", MetricType.Histogram, "latency_milliseconds")]
    [InlineData("buffer", "KiBy", MetricType.LongGauge, "buffer_kibibytes")]
    [InlineData("cpu.utilization", "1", MetricType.DoubleGauge, "cpu_utilization_ratio")]
    [InlineData("cpu.utilization", "1", MetricType.DoubleSumNonMonotonic, "cpu_utilization_ratio")]
    [InlineData("items", "1", MetricType.LongSum, "items_total")]
    [InlineData("items", "1", MetricType.Histogram, "items")]
    [InlineData("throughput", "By/s", MetricType.DoubleGauge, "throughput_bytes_per_second")]
    [InlineData("events.rate", "{event}/s", MetricType.DoubleGauge, "events_rate_per_second")]
    [InlineData("odd", "furlongs", MetricType.LongGauge, "odd_furlongs")]
    // Never duplicate a suffix that is already there.
    [InlineData("request.duration_seconds", "s", MetricType.Histogram, "request_duration_seconds")]
    [InlineData("jobs.total", null, MetricType.LongSum, "jobs_total")]
    [InlineData("jobs_total", "{job}", MetricType.LongSum, "jobs_total")]
    [InlineData("io.bytes_total", "By", MetricType.LongSum, "io_bytes_total")]
    [InlineData("cpu.time.total", "s", MetricType.DoubleSum, "cpu_time_seconds_total")]
    [InlineData("disk.ratio", "1", MetricType.DoubleGauge, "disk_ratio")]
    public void Family_names_follow_the_compatibility_rules(string name, string? unit, MetricType type, string expected)
    {
        string actual = PrometheusNaming.GetFamilyName(name, unit, PrometheusNaming.GetKind(type));

        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData(MetricType.LongSum, "Counter")]
    [InlineData(MetricType.DoubleSum, "Counter")]
    [InlineData(MetricType.LongSumNonMonotonic, "Gauge")]
    [InlineData(MetricType.DoubleSumNonMonotonic, "Gauge")]
    [InlineData(MetricType.LongGauge, "Gauge")]
    [InlineData(MetricType.DoubleGauge, "Gauge")]
    [InlineData(MetricType.Histogram, "Histogram")]
    [InlineData(MetricType.ExponentialHistogram, "Unsupported")]
    public void Metric_types_map_to_prometheus_types(MetricType type, string expected) =>
        Assert.Equal(expected, PrometheusNaming.GetKind(type).ToString());

    [Theory]
    [InlineData("network.io.direction", "network_io_direction")]
    [InlineData("server.port", "server_port")]
    [InlineData("http.route", "http_route")]
    [InlineData("a:b", "a_b")]
    [InlineData("9lives", "_9lives")]
    [InlineData("x--y", "x_y")]
    [InlineData("already_valid", "already_valid")]
    public void Label_names_are_sanitized(string key, string expected) =>
        Assert.Equal(expected, PrometheusNaming.SanitizeLabelName(key));
}
