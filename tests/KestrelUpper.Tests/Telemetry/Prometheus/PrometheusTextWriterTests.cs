using System.Diagnostics.Metrics;
using System.Globalization;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace KestrelUpper.Tests.Telemetry.Prometheus;

/// <summary>Rendering through a real meter provider: <c>Metric</c> has no public constructor.</summary>
public class PrometheusTextWriterTests
{
    [Fact]
    public async Task Contract_names_render_as_dashboards_expect()
    {
        using var h = new MetricsHarness();
        h.Meter.CreateUpDownCounter<long>("kestrel.active_connections", "{connection}", "Active connections").Add(3);
        h.Meter.CreateHistogram<double>("kestrel.connection.duration", "s", "Connection duration").Record(0.2);
        h.Meter.CreateCounter<long>("kestrel.rejected_connections", "{connection}", "Rejected").Add(2);
        Counter<long> bytes = h.Meter.CreateCounter<long>("upper.tcp.bytes", "By", "TCP bytes");
        bytes.Add(10, new KeyValuePair<string, object?>("network.io.direction", "receive"));
        bytes.Add(7, new KeyValuePair<string, object?>("network.io.direction", "transmit"));
        h.Meter.CreateCounter<long>("upper.udp.datagrams", "{datagram}", "UDP datagrams").Add(4);
        h.Meter.CreateObservableCounter("dotnet.process.cpu.time", () => 1.25, "s", "CPU time");
        h.Meter.CreateObservableUpDownCounter("dotnet.process.memory.working_set", () => 4096L, "By", "Working set");

        string text = await h.ScrapeAsync();

        Assert.Equal("3", Value(text, "kestrel_active_connections"));
        Assert.Contains("# TYPE kestrel_active_connections gauge\n", text, StringComparison.Ordinal);
        Assert.Equal("1", Value(text, "kestrel_connection_duration_seconds_count"));
        Assert.Equal("0.2", Value(text, "kestrel_connection_duration_seconds_sum"));
        Assert.Contains("# TYPE kestrel_connection_duration_seconds histogram\n", text, StringComparison.Ordinal);
        Assert.Equal("2", Value(text, "kestrel_rejected_connections_total"));
        Assert.Contains("# TYPE kestrel_rejected_connections_total counter\n", text, StringComparison.Ordinal);
        Assert.Equal("10", Value(text, "upper_tcp_bytes_total{network_io_direction=\"receive\"}"));
        Assert.Equal("7", Value(text, "upper_tcp_bytes_total{network_io_direction=\"transmit\"}"));
        Assert.Equal("4", Value(text, "upper_udp_datagrams_total"));
        Assert.Equal("1.25", Value(text, "dotnet_process_cpu_time_seconds_total"));
        Assert.Contains("# TYPE dotnet_process_cpu_time_seconds_total counter\n", text, StringComparison.Ordinal);
        Assert.Equal("4096", Value(text, "dotnet_process_memory_working_set_bytes"));
        Assert.Contains("# TYPE dotnet_process_memory_working_set_bytes gauge\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Histogram_buckets_are_cumulative_with_inf_sum_and_count()
    {
        using var h = new MetricsHarness(b => b.AddView("req.duration", new ExplicitBucketHistogramConfiguration { Boundaries = [0.005, 0.1, 1] }));
        Histogram<double> histogram = h.Meter.CreateHistogram<double>("req.duration", "s", "Request duration");
        foreach (double v in new[] { 0.001, 0.05, 0.05, 0.5, 5 })
        {
            histogram.Record(v, new KeyValuePair<string, object?>("http.route", "/up"));
        }

        string text = await h.ScrapeAsync();

        string[] buckets = MetricsHarness.Lines(text).Where(l => l.StartsWith("req_duration_seconds_bucket", StringComparison.Ordinal)).ToArray();
        Assert.Equal(
            [
                "req_duration_seconds_bucket{http_route=\"/up\",le=\"0.005\"} 1",
                "req_duration_seconds_bucket{http_route=\"/up\",le=\"0.1\"} 3",
                "req_duration_seconds_bucket{http_route=\"/up\",le=\"1\"} 4",
                "req_duration_seconds_bucket{http_route=\"/up\",le=\"+Inf\"} 5",
            ],
            buckets);
        Assert.Equal(5.601, MetricsHarness.SampleValue(text, "req_duration_seconds_sum{http_route=\"/up\"}"), 9);
        Assert.Equal("5", Value(text, "req_duration_seconds_count{http_route=\"/up\"}"));
        Assert.Single(MetricsHarness.Lines(text), l => l == "# TYPE req_duration_seconds histogram");
    }

    [Fact]
    public async Task Histogram_without_bounds_still_has_inf_bucket()
    {
        using var h = new MetricsHarness(b => b.AddView("plain.hist", new ExplicitBucketHistogramConfiguration { Boundaries = [] }));
        Histogram<long> histogram = h.Meter.CreateHistogram<long>("plain.hist", "By", "Sizes");
        histogram.Record(10);
        histogram.Record(20);

        string text = await h.ScrapeAsync();

        Assert.Equal("2", Value(text, "plain_hist_bytes_bucket{le=\"+Inf\"}"));
        Assert.Equal("30", Value(text, "plain_hist_bytes_sum"));
        Assert.Equal("2", Value(text, "plain_hist_bytes_count"));
    }

    [Fact]
    public async Task Counter_total_suffix_is_not_doubled()
    {
        using var h = new MetricsHarness();
        h.Meter.CreateCounter<long>("jobs.processed.total", null, "Jobs").Add(5);
        h.Meter.CreateCounter<double>("energy_total", "J", "Energy").Add(1.5);

        string text = await h.ScrapeAsync();

        Assert.Equal("5", Value(text, "jobs_processed_total"));
        Assert.Equal("1.5", Value(text, "energy_joules_total"));
        Assert.DoesNotContain("_total_total", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpDownCounter_renders_as_gauge_with_current_value()
    {
        using var h = new MetricsHarness();
        UpDownCounter<long> depth = h.Meter.CreateUpDownCounter<long>("queue.depth", "{item}", "Queued items");
        depth.Add(5);
        depth.Add(-2);
        h.Meter.CreateObservableGauge("cache.hit", () => 0.75, "1", "Hit ratio");

        string text = await h.ScrapeAsync();

        Assert.Contains("# TYPE queue_depth gauge\n", text, StringComparison.Ordinal);
        Assert.Equal("3", Value(text, "queue_depth"));
        Assert.Contains("# TYPE cache_hit_ratio gauge\n", text, StringComparison.Ordinal);
        Assert.Equal("0.75", Value(text, "cache_hit_ratio"));
    }

    [Fact]
    public async Task Counters_stay_cumulative_across_scrapes()
    {
        using var h = new MetricsHarness();
        Counter<long> counter = h.Meter.CreateCounter<long>("ticks", null, "Ticks");
        counter.Add(2);
        string first = await h.ScrapeAsync();
        counter.Add(3);

        string second = await h.ScrapeAsync();

        Assert.Equal("2", Value(first, "ticks_total"));
        Assert.Equal("5", Value(second, "ticks_total"));
    }

    [Fact]
    public async Task Help_text_and_label_values_are_escaped()
    {
        using var h = new MetricsHarness();
        h.Meter.CreateCounter<long>("escapes", null, "Path C:\\tmp\nsecond line \"quoted\"")
            .Add(1, new KeyValuePair<string, object?>("weird.value", "a\"b\\c\nd"));

        string text = await h.ScrapeAsync();

        Assert.Contains("# HELP escapes_total Path C:\\\\tmp\\nsecond line \"quoted\"\n", text, StringComparison.Ordinal);
        Assert.Equal("1", Value(text, "escapes_total{weird_value=\"a\\\"b\\\\c\\nd\"}"));
    }

    [Fact]
    public async Task Missing_description_falls_back_to_the_instrument_name()
    {
        using var h = new MetricsHarness();
        h.Meter.CreateCounter<long>("no.description").Add(1);

        string text = await h.ScrapeAsync();

        Assert.Contains("# HELP no_description_total no.description\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Target_info_carries_resource_attributes()
    {
        using var h = new MetricsHarness(b => b.ConfigureResource(r => r.AddAttributes([new("deployment.environment", "test \"env\"")])));

        string text = await h.ScrapeAsync();

        Assert.Contains("# TYPE target_info gauge\n", text, StringComparison.Ordinal);
        string line = Assert.Single(MetricsHarness.Lines(text), l => l.StartsWith("target_info{", StringComparison.Ordinal));
        Assert.EndsWith("} 1", line, StringComparison.Ordinal);
        Assert.Contains("service_name=\"svc-test\"", line, StringComparison.Ordinal);
        Assert.Contains("service_version=\"1.2.3\"", line, StringComparison.Ordinal);
        Assert.Contains("deployment_environment=\"test \\\"env\\\"\"", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_mapping_to_one_name_share_one_family()
    {
        using var h = new MetricsHarness();
        h.Meter.CreateCounter<long>("dup.name", null, "First").Add(1, new KeyValuePair<string, object?>("source", "dotted"));
        h.Meter.CreateCounter<long>("dup_name", null, "Second").Add(2, new KeyValuePair<string, object?>("source", "underscored"));
        h.Meter.CreateCounter<long>("other", null, "Between").Add(1);

        string text = await h.ScrapeAsync();
        string[] lines = MetricsHarness.Lines(text);

        Assert.Single(lines, l => l.StartsWith("# TYPE dup_name_total ", StringComparison.Ordinal));
        Assert.Single(lines, l => l.StartsWith("# HELP dup_name_total ", StringComparison.Ordinal));
        Assert.Equal("1", Value(text, "dup_name_total{source=\"dotted\"}"));
        Assert.Equal("2", Value(text, "dup_name_total{source=\"underscored\"}"));

        // Samples of a family must be contiguous, right after its TYPE line.
        int type = Array.IndexOf(lines, "# TYPE dup_name_total counter");
        Assert.StartsWith("dup_name_total{", lines[type + 1], StringComparison.Ordinal);
        Assert.StartsWith("dup_name_total{", lines[type + 2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Same_name_with_conflicting_type_is_dropped_not_duplicated()
    {
        using var h = new MetricsHarness();
        h.Meter.CreateObservableGauge("clash_total", () => 9L, null, "Gauge named like a counter");
        h.Meter.CreateCounter<long>("clash", null, "Counter").Add(1);

        string text = await h.ScrapeAsync();

        Assert.Single(MetricsHarness.Lines(text), l => l.StartsWith("# TYPE clash_total ", StringComparison.Ordinal));
        Assert.Single(MetricsHarness.Lines(text), l => l.StartsWith("clash_total ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Colliding_label_names_are_merged()
    {
        using var h = new MetricsHarness();
        h.Meter.CreateCounter<long>("collide", null, "Collide").Add(
            1,
            new KeyValuePair<string, object?>("a_b", "second"),
            new KeyValuePair<string, object?>("a.b", "first"));

        string text = await h.ScrapeAsync();

        Assert.Equal("1", Value(text, "collide_total{a_b=\"first;second\"}"));
    }

    [Fact]
    public async Task Sample_lines_carry_no_timestamps()
    {
        using var h = new MetricsHarness();
        h.Meter.CreateCounter<long>("stamp", null, "Stamp").Add(1, new KeyValuePair<string, object?>("k", "v"));

        string text = await h.ScrapeAsync();

        Assert.Equal("stamp_total{k=\"v\"} 1", MetricsHarness.SingleSample(text, "stamp_total{k=\"v\"}"));
    }

    private static string Value(string text, string prefix)
    {
        string line = MetricsHarness.SingleSample(text, prefix);
        string value = line[(prefix.Length + 1)..];
        Assert.True(double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _) || value is "+Inf" or "-Inf" or "NaN", line);
        return value;
    }
}
