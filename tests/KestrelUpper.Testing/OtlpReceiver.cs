using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace KestrelUpper.Testing;

/// <summary>A tiny OTLP/HTTP receiver: records every protobuf POST by path, for the OTLP export tests.</summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(string Path, string ContentType, byte[] Body)> _requests = new();

    private OtlpReceiver(WebApplication app) => _app = app;

    public Uri Endpoint { get; private set; } = null!;

    public IReadOnlyCollection<(string Path, string ContentType, byte[] Body)> Requests => _requests;

    public static async Task<OtlpReceiver> StartAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        WebApplication app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/{signal}", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body).ConfigureAwait(false);
            receiver._requests.Enqueue((context.Request.Path.Value!, context.Request.ContentType ?? string.Empty, body.ToArray()));
            context.Response.ContentType = "application/x-protobuf";
            return Results.Bytes([], "application/x-protobuf");
        });
        await app.StartAsync().WaitAsync(TestTimeouts.Default).ConfigureAwait(false);
        receiver.Endpoint = new Uri(app.Urls.First());
        return receiver;
    }

    /// <summary>Waits until a POST to <paramref name="path"/> whose body contains every one of <paramref name="needles"/> (UTF-8) arrives.</summary>
    public async Task<byte[]> WaitForAsync(string path, params string[] needles)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        while (true)
        {
            foreach ((string p, _, byte[] body) in _requests)
            {
                if (p == path && needles.All(n => body.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(n)) >= 0))
                {
                    return body;
                }
            }

            await Task.Delay(50, timeout.Token).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
