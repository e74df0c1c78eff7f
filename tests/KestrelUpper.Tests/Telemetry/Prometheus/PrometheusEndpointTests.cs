using System.Net;
using KestrelUpper.Telemetry.Prometheus;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace KestrelUpper.Tests.Telemetry.Prometheus;

public class PrometheusEndpointTests
{
    [Fact]
    public async Task Mapped_endpoint_serves_scrapes_over_http()
    {
        using var h = new MetricsHarness();
        h.Meter.CreateCounter<long>("upper.udp.datagrams", "{datagram}", "Datagrams").Add(9);
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using WebApplication app = builder.Build();
        app.MapPrometheusScrape("/metrics", h.Scraper);
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

        using HttpResponseMessage get = await client.GetAsync(new Uri("/metrics", UriKind.Relative));
        using HttpResponseMessage post = await client.PostAsync(new Uri("/metrics", UriKind.Relative), null);
        string body = await get.Content.ReadAsStringAsync();
        h.Provider.Dispose();
        using HttpResponseMessage afterDispose = await client.GetAsync(new Uri("/metrics", UriKind.Relative));
        await app.StopAsync();

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(PrometheusScraper.ContentType, get.Content.Headers.ContentType?.ToString());
        Assert.Contains("upper_udp_datagrams_total 9\n", body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, afterDispose.StatusCode);
    }
}
