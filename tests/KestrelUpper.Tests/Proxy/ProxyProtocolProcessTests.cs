using System.Net.Sockets;
using KestrelUpper.Testing;
using KestrelUpper.Tests.Tcp;
using static KestrelUpper.Tests.Proxy.ProxyHeaders;

namespace KestrelUpper.Tests.Proxy;

/// <summary>The service as a process, configured by environment variables as in Kubernetes: its logs name the proxied client.</summary>
public sealed class ProxyProtocolProcessTests
{
    [Fact]
    public async Task Environment_configuration_turns_proxy_protocol_on_and_the_handler_logs_the_proxied_client()
    {
        await using ServiceProcess service = await ServiceProcess.StartAsync(new Dictionary<string, string>
        {
            ["Upper__Tcp__ProxyProtocol"] = "Required",
            ["Upper__Tcp__TrustedProxies__0"] = "10.0.0.0/8",
            ["Upper__Tcp__TrustedProxies__1"] = "127.0.0.1/32",
            ["Serilog__MinimumLevel__Default"] = "Debug",
        });

        using (Socket client = await SocketExtensions.ConnectTcpAsync(service.TcpEndPoint))
        {
            await client.SendAllAsync(Concat(Ascii("PROXY TCP4 203.0.113.9 192.0.2.10 41000 12000\r\n"), Ascii("logged")));
            Assert.Equal("LOGGED", await ProxyProtocolEndToEndTests.ReceiveText(client, 6));
        }

        // Both the handler's own events (and so its log scope) carry the client the header named, not 127.0.0.1.
        await Eventually.UntilAsync(() => service.StandardOutput.Any(l => l.Contains("TcpConnectionClosed", StringComparison.Ordinal)));
        Assert.Contains(service.StandardOutput, l => l.Contains("ProxyHeaderAccepted", StringComparison.Ordinal) && l.Contains("203.0.113.9:41000", StringComparison.Ordinal));
        Assert.Contains(service.StandardOutput, l => l.Contains("TcpConnectionOpened", StringComparison.Ordinal) && l.Contains("203.0.113.9:41000", StringComparison.Ordinal));
        Assert.Contains(service.StandardOutput, l => l.Contains("TcpConnectionClosed", StringComparison.Ordinal) && l.Contains("203.0.113.9:41000", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_bad_trusted_proxy_cidr_stops_the_service_with_one_line_naming_the_key()
    {
        await using ServiceProcess service = ServiceProcess.Launch(new Dictionary<string, string>
        {
            ["Upper__Tcp__ProxyProtocol"] = "Required",
            ["Upper__Tcp__TrustedProxies__0"] = "10.0.0.0/40",
        });
        Assert.Equal(2, await service.WaitForExitAsync(TestTimeouts.Default));
        Assert.Contains(service.StandardError, l => l.Contains("Upper:Tcp:TrustedProxies:0 must be a CIDR", StringComparison.Ordinal));
    }
}
