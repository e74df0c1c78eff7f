using KestrelUpper.Testing;
using System.Diagnostics.Metrics;
using KestrelUpper.Telemetry.Prometheus;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace KestrelUpper.Tests.Telemetry.Prometheus;

public class PromtoolTests
{
    [Fact]
    public async Task Realistic_scrape_passes_promtool_check_metrics()
    {
        string promtool = await ExternalTools.RequireAsync("promtool", "prometheus");

        using var h = new MetricsHarness(b => b
            .ConfigureResource(r => r.AddAttributes([new("host.name", "box \"1\"\\prod\nrack")]))
            .AddView("kestrel.connection.duration", new ExplicitBucketHistogramConfiguration { Boundaries = [0.01, 0.1, 1, 10] }));
        Record(h.Meter);
        string text = await h.ScrapeAsync();
        string file = Path.Combine(Path.GetTempPath(), $"scrape-{Guid.NewGuid():N}.prom");
        await File.WriteAllTextAsync(file, text);
        try
        {
            (int exitCode, string output) = await RunPromtoolAsync(promtool, file);

            Assert.True(exitCode == 0, $"promtool check metrics exited {exitCode}:\n{output}\n--- scrape ---\n{text}");
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static void Record(Meter meter)
    {
        meter.CreateUpDownCounter<long>("kestrel.active_connections", "{connection}", "Number of connections that are currently active on the server.").Add(2);
        Histogram<double> duration = meter.CreateHistogram<double>("kestrel.connection.duration", "s", "The duration of connections on the server.");
        duration.Record(0.05, new KeyValuePair<string, object?>("network.transport", "tcp"), new KeyValuePair<string, object?>("server.port", 5000));
        duration.Record(3.2, new KeyValuePair<string, object?>("network.transport", "tcp"), new KeyValuePair<string, object?>("server.port", 5000));
        meter.CreateCounter<long>("kestrel.rejected_connections", "{connection}", "Number of connections rejected by the server.").Add(1);
        Counter<long> bytes = meter.CreateCounter<long>("upper.tcp.bytes", "By", "Bytes moved over TCP.");
        bytes.Add(100, new KeyValuePair<string, object?>("network.io.direction", "receive"));
        bytes.Add(100, new KeyValuePair<string, object?>("network.io.direction", "transmit"));
        meter.CreateCounter<long>("upper.udp.datagrams", "{datagram}", "Datagrams handled.\nSecond line with a \\ backslash.")
            .Add(3, new KeyValuePair<string, object?>("peer.note", "quote \" backslash \\ newline \n end"));
        meter.CreateObservableCounter("dotnet.process.cpu.time", () => 0.42, "s", "CPU time used by the process.");
        meter.CreateObservableUpDownCounter("dotnet.process.memory.working_set", () => 52_428_800L, "By", "Working set.");
        meter.CreateObservableGauge("upper.cache.hit", () => 0.9, "1", "Cache hit ratio.");
    }

    private static async Task<(int ExitCode, string Output)> RunPromtoolAsync(string promtool, string file)
    {
        // Equivalent of `promtool check metrics < file`.
        ProcessResult result = await ProcessRunner.RunAsync(promtool, ["check", "metrics"], await File.ReadAllBytesAsync(file));
        return (result.ExitCode, result.StdoutText + result.Stderr);
    }
}
