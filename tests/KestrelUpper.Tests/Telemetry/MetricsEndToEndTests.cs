using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using System.Text.Json;
using KestrelUpper.Hosting;
using KestrelUpper.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace KestrelUpper.Tests.Telemetry;

/// <summary>
/// /metrics, /status and OTLP from a real service process (a process of its own, so no other test's meters
/// are counted in its numbers).
/// </summary>
public sealed class MetricsEndToEndTests
{
    [Fact]
    public async Task Metrics_and_status_count_connections_bytes_and_datagrams()
    {
        await using ServiceProcess service = await ServiceProcess.StartAsync();
        var clients = new List<Socket>();
        try
        {
            for (int i = 0; i < 4; i++)
            {
                Socket client = await SocketExtensions.ConnectTcpAsync(service.TcpEndPoint);
                clients.Add(client);
                await client.SendAllAsync("abc"u8.ToArray());
                Assert.Equal("ABC", Encoding.ASCII.GetString(await client.ReceiveExactlyAsync(3)));
            }

            for (int i = 0; i < 2; i++)
            {
                Assert.NotNull(await SocketExtensions.UdpExchangeAsync(service.UdpEndPoint, "datagram"u8.ToArray(), TestTimeouts.Default));
            }

            // One connection closes, so the duration histogram has a sample.
            clients[3].Shutdown(SocketShutdown.Send);
            Assert.Empty(await clients[3].ReceiveToEndAsync());
            using var http = new HttpClient { BaseAddress = new Uri($"http://{service.HttpEndPoint}/"), Timeout = TestTimeouts.Default };
            await Eventually.UntilAsync(() => http.GetStringAsync(new Uri("/status", UriKind.Relative)).Result.Contains("\"activeConnections\":3", StringComparison.Ordinal));
            using HttpResponseMessage response = await http.GetAsync(new Uri("/metrics", UriKind.Relative));
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(MediaTypeHeaderValue.Parse("text/plain; version=0.0.4; charset=utf-8"), response.Content.Headers.ContentType);
            var scrape = MetricsScrape.Parse(await response.Content.ReadAsStringAsync());
            string[] lines = scrape.Text.Split('\n');

            string port = service.TcpEndPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(3, Assert.Single(scrape.Samples, s => s.Name == "kestrel_active_connections" && s.Labels["server_port"] == port).Value);
            Assert.Equal(12, scrape.Value("upper_tcp_bytes_total", "network_io_direction=receive"));
            Assert.Equal(12, scrape.Value("upper_tcp_bytes_total", "network_io_direction=transmit"));
            Assert.Equal(3, scrape.Value("upper_tcp_connections"));
            Assert.Equal(2, scrape.Value("upper_udp_datagrams_total", "network_io_direction=receive"));
            Assert.Equal(2, scrape.Value("upper_udp_datagrams_total", "network_io_direction=transmit"));
            Assert.Equal(16, scrape.Value("upper_udp_bytes_total", "network_io_direction=receive"));
            Assert.Equal(0, scrape.Value("upper_udp_dropped_total", "error_type=reply_too_large"));
            Assert.Equal(10000, scrape.Value("upper_tcp_max_connections"));
            Assert.Equal(1, scrape.Value("upper_ready"));
            Assert.Contains("# TYPE kestrel_connection_duration_seconds histogram", lines);
            Assert.Contains("# TYPE upper_tcp_bytes_total counter", lines);
            Assert.Contains(scrape.Samples, s => s.Name == "target_info" && s.Labels["service_name"] == "kestrelupper");
            Assert.True(scrape.Value("dotnet_process_memory_working_set_bytes") > 0);
            // The same labels as before the official exporter: no otel_scope_* on every sample.
            Assert.DoesNotContain(scrape.Samples, s => s.Labels.Keys.Any(k => k.StartsWith("otel_scope", StringComparison.Ordinal)));
            // The runtime gauges whose names end in .count are renamed by views (promtool rejects a gauge named *_count).
            Assert.True(scrape.Value("dotnet_process_cpu_cores") >= 1);
            Assert.True(scrape.Value("dotnet_assembly_loaded") > 0);
            Assert.True(scrape.Value("dotnet_timer_active") >= 0);

            using JsonDocument status = JsonDocument.Parse(await http.GetStringAsync(new Uri("/status", UriKind.Relative)));
            JsonElement tcp = status.RootElement.GetProperty("tcp");
            JsonElement udp = status.RootElement.GetProperty("udp");
            Assert.Equal(3, tcp.GetProperty("activeConnections").GetInt64());
            Assert.Equal(4, tcp.GetProperty("totalConnections").GetInt64());
            Assert.Equal(12, tcp.GetProperty("bytesReceived").GetInt64());
            Assert.Equal(12, tcp.GetProperty("bytesSent").GetInt64());
            Assert.Equal(2, udp.GetProperty("datagramsReceived").GetInt64());
            Assert.Equal(2, udp.GetProperty("datagramsSent").GetInt64());
            Assert.Equal(0, udp.GetProperty("dropped").GetInt64());
            Assert.True(status.RootElement.GetProperty("uptimeSeconds").GetDouble() > 0);
            Assert.Equal("1.0.0", status.RootElement.GetProperty("version").GetString());

            // No response cache: a scrape right after a datagram counts it.
            Assert.NotNull(await SocketExtensions.UdpExchangeAsync(service.UdpEndPoint, "datagram"u8.ToArray(), TestTimeouts.Default));
            Assert.Equal(3, (await MetricsScrape.GetAsync(http)).Value("upper_udp_datagrams_total", "network_io_direction=receive"));
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task A_real_scrape_passes_promtool_check_metrics()
    {
        string promtool = await ExternalTools.RequireAsync("promtool", "prometheus");
        await using ServiceProcess service = await ServiceProcess.StartAsync();
        using (Socket client = await SocketExtensions.ConnectTcpAsync(service.TcpEndPoint))
        {
            await client.SendAllAsync("promtool"u8.ToArray());
            Assert.Equal("PROMTOOL", Encoding.ASCII.GetString(await client.ReceiveExactlyAsync(8)));
        }

        Assert.NotNull(await SocketExtensions.UdpExchangeAsync(service.UdpEndPoint, "datagram"u8.ToArray(), TestTimeouts.Default));
        using var http = new HttpClient { BaseAddress = new Uri($"http://{service.HttpEndPoint}/"), Timeout = TestTimeouts.Default };
        await http.GetStringAsync(new Uri("/readyz", UriKind.Relative)); // a closed HTTP connection: the duration histogram has a sample
        byte[] scrape = await http.GetByteArrayAsync(new Uri("/metrics", UriKind.Relative));

        ProcessResult result = await ProcessRunner.RunAsync(promtool, ["check", "metrics"], scrape);
        Assert.True(result.ExitCode == 0, $"promtool check metrics exited {result.ExitCode}:\n{result.StdoutText}{result.Stderr}\n--- scrape ---\n{Encoding.UTF8.GetString(scrape)}");
        Assert.Contains("kestrel_connection_duration_seconds_bucket{", Encoding.UTF8.GetString(scrape), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_are_served_on_the_http_port_only()
    {
        using var certificates = new TestCertificates();
        certificates.Write("metrics");
        await using UpperHost host = await UpperHost.StartAsync(new Dictionary<string, string?>
        {
            ["Upper:Tls:Port"] = SocketExtensions.FreeTcpPort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Upper:Tls:CertificatePath"] = certificates.CertificatePath,
            ["Upper:Tls:KeyPath"] = certificates.KeyPath,
        });
        const string Request = "GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n";
        const string Uppercased = "GET /METRICS HTTP/1.1\r\nHOST: LOCALHOST\r\n\r\n";

        using HttpResponseMessage http = await host.Http.GetAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, http.StatusCode);
        Assert.Contains("upper_ready", await http.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The TCP and TLS ports answer an HTTP request as any other line: uppercased, never with a scrape.
        using (Socket tcp = await SocketExtensions.ConnectTcpAsync(host.TcpEndPoint))
        {
            await tcp.SendAllAsync(Encoding.ASCII.GetBytes(Request));
            Assert.Equal(Uppercased, Encoding.ASCII.GetString(await tcp.ReceiveExactlyAsync(Uppercased.Length)));
        }

        int tlsPort = host.Services.GetRequiredService<ListenerEndpoints>().Tls!.Port;
        using Socket socket = await SocketExtensions.ConnectTcpAsync(new IPEndPoint(IPAddress.Loopback, tlsPort));
        await using var tls = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost", EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13 }).WaitAsync(TestTimeouts.Default);
        await tls.WriteAsync(Encoding.ASCII.GetBytes(Request)).AsTask().WaitAsync(TestTimeouts.Default);
        byte[] reply = new byte[Uppercased.Length];
        await tls.ReadExactlyAsync(reply).AsTask().WaitAsync(TestTimeouts.Default);
        Assert.Equal(Uppercased, Encoding.ASCII.GetString(reply));
    }

    [Fact]
    public async Task Metrics_and_logs_are_pushed_over_otlp_when_an_endpoint_is_set()
    {
        await using OtlpReceiver receiver = await OtlpReceiver.StartAsync();
        await using ServiceProcess service = await ServiceProcess.StartAsync(new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint.ToString().TrimEnd('/'),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
            ["OTEL_SERVICE_NAME"] = "upper-otlp-test",
            ["OTEL_RESOURCE_ATTRIBUTES"] = "deployment.environment=test",
        });

        using (Socket client = await SocketExtensions.ConnectTcpAsync(service.TcpEndPoint))
        {
            await client.SendAllAsync("otlp"u8.ToArray());
            Assert.Equal("OTLP", Encoding.ASCII.GetString(await client.ReceiveExactlyAsync(4)));
        }

        await receiver.WaitForAsync("/v1/metrics", "upper.tcp.bytes", "kestrel.active_connections", "upper-otlp-test", "deployment.environment");
        await receiver.WaitForAsync("/v1/logs", "upper-otlp-test", "ready");
        Assert.All(receiver.Requests, r => Assert.Equal("application/x-protobuf", r.ContentType));
    }
}
