using System.Net;
using KestrelUpper.Health;
using KestrelUpper.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace KestrelUpper.Tests.Health;

public sealed class HealthEndpointTests
{
    [Theory]
    [InlineData("/livez", "live")]
    [InlineData("/readyz", "ready")]
    [InlineData("/healthz", "ready")]
    public async Task Probes_answer_200_once_listeners_are_bound(string path, string body)
    {
        await using UpperHost host = await UpperHost.StartAsync();
        using HttpResponseMessage response = await host.Http.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body, (await response.Content.ReadAsStringAsync()).Trim());
    }

    [Fact]
    public async Task Readyz_turns_503_while_draining_and_livez_stays_200()
    {
        await using UpperHost host = await UpperHost.StartAsync();
        host.Services.GetRequiredService<ReadinessState>().Drain();

        using HttpResponseMessage ready = await host.Http.GetAsync(new Uri("/readyz", UriKind.Relative));
        using HttpResponseMessage health = await host.Http.GetAsync(new Uri("/healthz", UriKind.Relative));
        using HttpResponseMessage live = await host.Http.GetAsync(new Uri("/livez", UriKind.Relative));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("not ready: draining", (await ready.Content.ReadAsStringAsync()).Trim());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task Stopping_the_host_marks_it_draining()
    {
        UpperHost host = await UpperHost.StartAsync();
        ReadinessState readiness = host.Services.GetRequiredService<ReadinessState>();
        Assert.True(readiness.IsReady);
        await host.StopAsync();
        Assert.True(readiness.IsDraining);
        Assert.False(readiness.IsReady);
        await host.DisposeAsync();
    }

    [Fact]
    public void Readiness_needs_both_listeners()
    {
        var readiness = new ReadinessState();
        Assert.Equal("starting", readiness.Describe());
        readiness.TcpListening();
        Assert.False(readiness.IsReady);
        readiness.UdpListening();
        Assert.True(readiness.IsReady);
    }
}
