using System.Diagnostics.Metrics;
using KestrelUpper.Telemetry.Prometheus;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace KestrelUpper.Tests.Telemetry.Prometheus;

public class PrometheusPullReaderTests
{
    [Fact]
    public void Pull_only_exporter_behind_AddReader_refuses_collect()
    {
        // The pitfall that shaped the design: this is why PrometheusPullExporter carries no ExportModes attribute.
        using var meter = new Meter("test-" + Guid.NewGuid().ToString("N"));
        var exporter = new PullOnlyExporter();
        using var reader = new BaseExportingMetricReader(exporter);
        using MeterProvider provider = Sdk.CreateMeterProviderBuilder().AddMeter(meter.Name).AddReader(reader).Build();
        meter.CreateCounter<long>("c").Add(1);

        bool collected = reader.Collect(1000);

        Assert.False(collected);
        Assert.Equal(0, exporter.Exports);
    }

    [Fact]
    public void Our_reader_collects_and_exports_on_demand()
    {
        using var meter = new Meter("test-" + Guid.NewGuid().ToString("N"));
        var scraper = new PrometheusScraper();
        using MeterProvider provider = Sdk.CreateMeterProviderBuilder().AddMeter(meter.Name).AddPrometheusPullReader(scraper).Build();
        meter.CreateCounter<long>("c").Add(1);
        var pullReader = Assert.IsType<PrometheusPullReader>(scraper.Reader);
        long before = pullReader.Exporter.ExportCount;

        bool collected = scraper.Reader.Collect(1000);

        Assert.True(collected);
        Assert.Equal(before + 1, pullReader.Exporter.ExportCount);
        Assert.Equal(MetricReaderTemporalityPreference.Cumulative, scraper.Reader.TemporalityPreference);
        byte[]? body = pullReader.Exporter.GetSnapshotNewerThan(before);
        Assert.NotNull(body);
        Assert.Contains("c_total 1\n", System.Text.Encoding.UTF8.GetString(body), StringComparison.Ordinal);
    }

    [Fact]
    public void Collect_after_provider_disposal_fails()
    {
        using var meter = new Meter("test-" + Guid.NewGuid().ToString("N"));
        var scraper = new PrometheusScraper();
        MeterProvider provider = Sdk.CreateMeterProviderBuilder().AddMeter(meter.Name).AddPrometheusPullReader(scraper).Build();
        var pullReader = Assert.IsType<PrometheusPullReader>(scraper.Reader);
        provider.Dispose();

        // SDK 1.20.1 still calls Export after disposal (it reported success before the exporter refused
        // to export once shut down); the refusal is what turns this into a failure.
        Assert.False(scraper.Reader.Collect(1000));
        Assert.True(pullReader.Exporter.IsShutdown);
        Assert.Null(pullReader.Exporter.GetSnapshotNewerThan(-1));
    }

    [Fact]
    public async Task Works_when_wired_through_OpenTelemetrySdk_Create()
    {
        using var meter = new Meter("test-" + Guid.NewGuid().ToString("N"));
        var scraper = new PrometheusScraper();
        using OpenTelemetrySdk sdk = OpenTelemetrySdk.Create(b => b
            .ConfigureResource(r => r.AddService("sdk-create-test"))
            .WithMetrics(m => m.AddMeter(meter.Name).AddPrometheusPullReader(scraper)));
        meter.CreateCounter<long>("upper.tcp.bytes", "By", "TCP bytes").Add(42, new KeyValuePair<string, object?>("network.io.direction", "receive"));

        string text = System.Text.Encoding.UTF8.GetString((await scraper.ScrapeAsync()).Span);

        Assert.Contains("upper_tcp_bytes_total{network_io_direction=\"receive\"} 42\n", text, StringComparison.Ordinal);
        Assert.Contains("service_name=\"sdk-create-test\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Out_overload_works_inside_an_OpenTelemetrySdk_Create_lambda()
    {
        using var meter = new Meter("test-" + Guid.NewGuid().ToString("N"));
        PrometheusScraper? scraper = null;
        using OpenTelemetrySdk sdk = OpenTelemetrySdk.Create(b => b.WithMetrics(m => m.AddMeter(meter.Name).AddPrometheusPullReader(out scraper)));
        meter.CreateCounter<long>("c").Add(3);

        Assert.NotNull(scraper);
        string text = System.Text.Encoding.UTF8.GetString((await scraper.ScrapeAsync()).Span);

        Assert.Contains("c_total 3\n", text, StringComparison.Ordinal);
    }
}
