using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using KestrelUpper.Tcp;
using KestrelUpper.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace KestrelUpper.Tests.Proxy;

public sealed class ProxyProtocolHaproxyEpollTests() : ProxyProtocolHaproxyTests(TcpTransports.Epoll);

public sealed class ProxyProtocolHaproxyKestrelTransportTests() : ProxyProtocolHaproxyTests(TcpTransports.Kestrel);

/// <summary>
/// A real HAProxy in front of the service, on both drivers: the client connects from 127.0.0.2, HAProxy from
/// 127.0.0.1, and the service must account the connection to 127.0.0.2.
/// </summary>
public abstract class ProxyProtocolHaproxyTests(string transport)
{
    private static readonly IPAddress ClientAddress = IPAddress.Parse("127.0.0.2");

    [Theory]
    [InlineData("send-proxy")]
    [InlineData("send-proxy-v2")]
    public async Task Through_haproxy_the_service_sees_the_original_client(string sendProxy)
    {
        string haproxy = await ExternalTools.RequireAsync("haproxy", "haproxy");
        await using UpperHost host = await TcpTransports.StartAsync(transport, ProxyProtocolEndToEndTests.Settings("Required", "127.0.0.1/32"));
        TcpConnectionLimiter limiter = host.Services.GetRequiredService<TcpConnectionLimiter>();

        string dir = Directory.CreateTempSubdirectory("kestrelupper-haproxy-").FullName;
        int frontendPort = FreePort();
        string config = Path.Combine(dir, "haproxy.cfg");
        await File.WriteAllTextAsync(config, string.Create(CultureInfo.InvariantCulture, $"""
            global
                maxconn 64

            defaults
                mode tcp
                timeout connect 5s
                timeout client 60s
                timeout server 60s

            frontend upper_in
                bind 127.0.0.1:{frontendPort}
                default_backend upper

            backend upper
                server s1 127.0.0.1:{host.TcpEndPoint.Port} {sendProxy}

            """));

        using Process process = StartHaproxy(haproxy, config);
        try
        {
            using Socket client = await ConnectFromAsync(ClientAddress, new IPEndPoint(IPAddress.Loopback, frontendPort), process);
            await client.SendAllAsync("through haproxy"u8.ToArray());
            Assert.Equal("THROUGH HAPROXY", await ProxyProtocolEndToEndTests.ReceiveText(client, 15));

            Assert.Equal(1, limiter.OpenFrom(ClientAddress));
            Assert.Equal(0, limiter.OpenFrom(IPAddress.Loopback)); // HAProxy's own address is not the client
            Assert.Equal(0, host.Counters.ProxyRejectedTotal);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync().WaitAsync(TestTimeouts.Default);
            Directory.Delete(dir, recursive: true);
        }
    }

    private static Process StartHaproxy(string haproxy, string config)
    {
        var start = new ProcessStartInfo(haproxy) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-f");
        start.ArgumentList.Add(config);
        start.ArgumentList.Add("-db"); // foreground, so killing it is the end of it
        Process process = Process.Start(start) ?? throw new InvalidOperationException("haproxy did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Connects from <paramref name="source"/> once HAProxy listens (it binds a moment after it starts).</summary>
    private static async Task<Socket> ConnectFromAsync(IPAddress source, IPEndPoint target, Process haproxy)
    {
        using var deadline = new CancellationTokenSource(TestTimeouts.Default);
        while (true)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            socket.Bind(new IPEndPoint(source, 0)); // all of 127/8 is on lo
            try
            {
                await socket.ConnectAsync(target, deadline.Token);
                return socket;
            }
            catch (SocketException) when (!haproxy.HasExited)
            {
                socket.Dispose();
                await Task.Delay(50, deadline.Token);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
    }

    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
