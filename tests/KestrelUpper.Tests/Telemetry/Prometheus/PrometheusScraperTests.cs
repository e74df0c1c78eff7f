using System.Diagnostics.Metrics;
using System.Text;
using System.Text.RegularExpressions;
using KestrelUpper.Telemetry.Prometheus;
using Microsoft.AspNetCore.Http;

namespace KestrelUpper.Tests.Telemetry.Prometheus;

public partial class PrometheusScraperTests
{
    [Fact]
    public async Task Parallel_scrapes_all_succeed_and_collects_never_overlap()
    {
        using var h = new MetricsHarness();
        int active = 0;
        int maxActive = 0;
        int callbacks = 0;
        h.Meter.CreateObservableCounter("observed", () =>
        {
            // Observable callbacks run inside Collect: overlapping collects would show up as active > 1.
            int now = Interlocked.Increment(ref active);
            InterlockedMax(ref maxActive, now);
            Interlocked.Increment(ref callbacks);
            Thread.Sleep(20);
            Interlocked.Decrement(ref active);
            return 1L;
        }, null, "Observed");
        Counter<long> counter = h.Meter.CreateCounter<long>("busy", null, "Busy");
        const int scrapes = 32;

        string[] results = await Task.WhenAll(Enumerable.Range(0, scrapes).Select(i => Task.Run(async () =>
        {
            counter.Add(1, new KeyValuePair<string, object?>("worker", i % 4));
            return await h.ScrapeAsync();
        })));

        Assert.Equal(1, Volatile.Read(ref maxActive));
        Assert.InRange(Volatile.Read(ref callbacks), 1, scrapes);
        Assert.All(results, AssertWellFormed);
    }

    [Fact]
    public async Task Sequential_scrapes_each_collect_fresh_data()
    {
        using var h = new MetricsHarness();
        int callbacks = 0;
        h.Meter.CreateObservableGauge("calls", () => Interlocked.Increment(ref callbacks), null, "Calls");

        string first = await h.ScrapeAsync();
        string second = await h.ScrapeAsync();

        Assert.Equal(1, MetricsHarness.SampleValue(first, "calls"));
        Assert.Equal(2, MetricsHarness.SampleValue(second, "calls"));
    }

    [Fact]
    public async Task Scrape_after_provider_disposal_fails_clearly()
    {
        var h = new MetricsHarness();
        h.Dispose();

        var ex = await Assert.ThrowsAsync<PrometheusCollectException>(() => h.Scraper.ScrapeAsync());

        Assert.Contains("collection failed", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Slow_collect_times_out_with_clear_error()
    {
        using var release = new ManualResetEventSlim();
        using var h = new MetricsHarness(scraper: new PrometheusScraper(TimeSpan.FromMilliseconds(200)));
        h.Meter.CreateObservableGauge("slow", () =>
        {
            release.Wait(TimeSpan.FromSeconds(10));
            return 1L;
        }, null, "Slow");

        var ex = await Assert.ThrowsAsync<PrometheusCollectException>(() => h.Scraper.ScrapeAsync());
        release.Set();

        Assert.Contains("did not complete within 200 ms", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteToAsync_writes_the_exposition()
    {
        using var h = new MetricsHarness();
        h.Meter.CreateCounter<long>("written", null, "Written").Add(7);
        using var stream = new MemoryStream();

        await h.Scraper.WriteToAsync(stream);

        Assert.Contains("written_total 7\n", Encoding.UTF8.GetString(stream.ToArray()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Endpoint_handler_answers_200_with_exposition()
    {
        using var h = new MetricsHarness();
        h.Meter.CreateCounter<long>("served", null, "Served").Add(1);
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();

        await PrometheusEndpointRouteBuilderExtensions.HandleScrapeAsync(context, h.Scraper);

        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", context.Response.ContentType);
        Assert.Equal(PrometheusScraper.ContentType, context.Response.ContentType);
        string body = Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());
        Assert.Equal(body.Length, context.Response.ContentLength);
        Assert.Contains("served_total 1\n", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Endpoint_handler_answers_503_when_collect_fails()
    {
        var h = new MetricsHarness();
        h.Dispose();
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();

        await PrometheusEndpointRouteBuilderExtensions.HandleScrapeAsync(context, h.Scraper);

        Assert.Equal(503, context.Response.StatusCode);
        Assert.StartsWith("text/plain", context.Response.ContentType, StringComparison.Ordinal);
        string body = Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());
        Assert.StartsWith("Metrics are unavailable:", body, StringComparison.Ordinal);
    }

    /// <summary>Structural checks promtool would make: valid sample lines, each family declared once and contiguous.</summary>
    internal static void AssertWellFormed(string exposition)
    {
        Assert.EndsWith("\n", exposition, StringComparison.Ordinal);
        var declared = new HashSet<string>(StringComparer.Ordinal);
        string? current = null;
        foreach (string line in MetricsHarness.Lines(exposition))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                current = line.Split(' ')[2];
                Assert.True(declared.Add(current), $"family declared twice: {current}");
            }
            else if (!line.StartsWith('#'))
            {
                Match m = SampleLine().Match(line);
                Assert.True(m.Success, $"malformed sample line: {line}");
                Assert.NotNull(current);
                Assert.StartsWith(current, m.Groups["name"].Value, StringComparison.Ordinal);
            }
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*",?)*\})? (?<value>[-+]?([0-9.eE+-]+|Inf|NaN))$""")]
    private static partial Regex SampleLine();
}
