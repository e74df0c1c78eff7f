using System.Net;
using KestrelUpper.Hosting;
using KestrelUpper.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace KestrelUpper.Testing;

/// <summary>
/// The real service, in process, on ephemeral loopback ports. Start it, talk to it with real sockets, dispose it.
/// </summary>
public sealed class UpperHost : IAsyncDisposable
{
    private static readonly Dictionary<string, string?> Defaults = new()
    {
        ["Upper:Address"] = "127.0.0.1",
        ["Upper:Tcp:Port"] = "0",
        ["Upper:Udp:Port"] = "0",
        ["Upper:Http:Port"] = "0",
        ["Upper:Log:Format"] = "Text",
        ["Upper:Shutdown:Timeout"] = "00:00:05",
        ["Serilog:MinimumLevel:Default"] = "Warning",
    };

    private readonly WebApplication _app;
    private bool _stopped;

    private UpperHost(WebApplication app)
    {
        _app = app;
        ListenerEndpoints endpoints = app.Services.GetRequiredService<ListenerEndpoints>();
        TcpEndPoint = Loopback(endpoints.Tcp!);
        UdpEndPoint = Loopback(endpoints.Udp!);
        HttpEndPoint = Loopback(endpoints.Http!);
        Http = new HttpClient { BaseAddress = new Uri($"http://{HttpEndPoint}/"), Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>The TCP uppercase endpoint, as a client on this machine reaches it.</summary>
    public IPEndPoint TcpEndPoint { get; }

    /// <summary>The UDP uppercase endpoint.</summary>
    public IPEndPoint UdpEndPoint { get; }

    /// <summary>The HTTP (health, metrics, status) endpoint.</summary>
    public IPEndPoint HttpEndPoint { get; }

    /// <summary>A client for the HTTP endpoint.</summary>
    public HttpClient Http { get; }

    public IServiceProvider Services => _app.Services;

    internal UpperCounters Counters => _app.Services.GetRequiredService<UpperCounters>();

    /// <summary>Starts the service with the test defaults overridden by <paramref name="settings"/> (keys like <c>Upper:Casing</c>).</summary>
    public static async Task<UpperHost> StartAsync(IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var merged = new Dictionary<string, string?>(Defaults);
        foreach ((string key, string? value) in settings ?? new Dictionary<string, string?>())
        {
            merged[key] = value;
        }

        WebApplication app = UpperApp.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(merged);
            services?.Invoke(builder.Services);
        });
        await app.StartAsync().WaitAsync(TestTimeouts.Default).ConfigureAwait(false);
        return new UpperHost(app);
    }

    /// <summary>Stops the host as SIGTERM would (drain), bounded by <c>Upper:Shutdown:Timeout</c>.</summary>
    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await _app.StopAsync().WaitAsync(TestTimeouts.Default).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static IPEndPoint Loopback(IPEndPoint bound) => bound.Address.Equals(IPAddress.IPv6Any)
        ? new IPEndPoint(IPAddress.IPv6Loopback, bound.Port)
        : bound.Address.Equals(IPAddress.Any) ? new IPEndPoint(IPAddress.Loopback, bound.Port) : bound;
}
