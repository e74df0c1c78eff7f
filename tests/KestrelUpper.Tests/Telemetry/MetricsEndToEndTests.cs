using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using KestrelUpper.Testing;
using KestrelUpper.Tests.Tcp;

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
            string[] lines = (await response.Content.ReadAsStringAsync()).Split('\n');

            string port = service.TcpEndPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.Contains(lines, l => l.StartsWith("kestrel_active_connections{", StringComparison.Ordinal) && l.Contains($"server_port=\"{port}\"", StringComparison.Ordinal) && l.EndsWith(" 3", StringComparison.Ordinal));
            Assert.Contains("upper_tcp_bytes_total{network_io_direction=\"receive\"} 12", lines);
            Assert.Contains("upper_tcp_bytes_total{network_io_direction=\"transmit\"} 12", lines);
            Assert.Contains("upper_tcp_connections 3", lines);
            Assert.Contains("upper_udp_datagrams_total{network_io_direction=\"receive\"} 2", lines);
            Assert.Contains("upper_udp_datagrams_total{network_io_direction=\"transmit\"} 2", lines);
            Assert.Contains("upper_udp_bytes_total{network_io_direction=\"receive\"} 16", lines);
            Assert.Contains("upper_udp_dropped_total{error_type=\"reply_too_large\"} 0", lines);
            Assert.Contains("upper_tcp_max_connections 10000", lines);
            Assert.Contains("upper_ready 1", lines);
            Assert.Contains("# TYPE kestrel_connection_duration_seconds histogram", lines);
            Assert.Contains("# TYPE upper_tcp_bytes_total counter", lines);
            Assert.Contains(lines, l => l.StartsWith("target_info{", StringComparison.Ordinal) && l.Contains("service_name=\"kestrelupper\"", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.StartsWith("dotnet_process_memory_working_set_bytes ", StringComparison.Ordinal));

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
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
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
