using System.Net;
using System.Net.Sockets;
using System.Text;
using KestrelUpper.Hosting;
using KestrelUpper.Tcp;
using KestrelUpper.Tcp.Transport;
using KestrelUpper.Telemetry;
using KestrelUpper.Testing;
using KestrelUpper.Text;
using Microsoft.Extensions.DependencyInjection;

namespace KestrelUpper.Tests.Tcp;

/// <summary>Which transport carries the TCP port, and the direct pump on a real socket pair.</summary>
public sealed class DirectTransportTests
{
    [Theory]
    [InlineData(null, null, TcpTransport.Epoll)] // Linux: epoll is there
    [InlineData("Epoll", null, TcpTransport.Epoll)]
    [InlineData("Direct", null, TcpTransport.Direct)]
    [InlineData("Kestrel", null, TcpTransport.Kestrel)]
    [InlineData("Direct", "Optional", TcpTransport.Kestrel)] // the PROXY header is read through pipes
    [InlineData("Epoll", "Optional", TcpTransport.Kestrel)]
    internal async Task The_tcp_port_is_carried_by_the_configured_transport(string? transport, string? proxy, TcpTransport expected)
    {
        var settings = new Dictionary<string, string?>();
        if (transport is not null)
        {
            settings["Upper:Sockets:Transport"] = transport;
        }

        if (proxy is not null)
        {
            settings["Upper:Tcp:ProxyProtocol"] = proxy;
            settings["Upper:Tcp:TrustedProxies:0"] = "127.0.0.1/32";
        }

        await using UpperHost host = await UpperHost.StartAsync(settings);
        Assert.Equal(expected, host.Services.GetRequiredService<ListenerEndpoints>().TcpTransport);

        using Socket client = await SocketExtensions.ConnectTcpAsync(host.TcpEndPoint);
        await client.SendAllAsync("stra\u00DFe"u8.ToArray());
        Assert.Equal("STRASSE", Encoding.UTF8.GetString(await client.ReceiveExactlyAsync(7)));
    }

    [Fact]
    public void The_factory_binds_only_the_marked_endpoint()
    {
        var options = Microsoft.Extensions.Options.Options.Create(new UpperOptions());
        using var epoll = new KestrelUpper.Tcp.Epoll.EpollEngine(new Uppercaser(CasingMode.Unicode), options, Microsoft.Extensions.Logging.Abstractions.NullLogger<KestrelUpper.Tcp.Epoll.EpollEngine>.Instance);
        var factory = new DirectTransportFactory(Microsoft.Extensions.Logging.Abstractions.NullLogger<DirectTcpListener>.Instance, epoll, options);
        Assert.True(factory.CanBind(new DirectTcpEndPoint(IPAddress.Loopback, 0)));
        Assert.False(factory.CanBind(new IPEndPoint(IPAddress.Loopback, 0)));
    }

    [Fact]
    public async Task Drain_answers_a_carried_partial_sequence_and_what_the_kernel_holds_then_closes()
    {
        await using var pair = await DirectSocketPair.CreateAsync();
        var counters = new UpperCounters();
        var stats = new TcpConnectionStats(counters, TimeProvider.System);
        Task<PumpOutcome> pump = SocketPump.RunAsync(pair.Server, new Uppercaser(CasingMode.Unicode), stats, bufferSize: 4096);

        // "é" split: its first byte is carried by the transform until more arrives or the stream ends.
        await pair.Client.SendAllAsync("abc\u00E9"u8.ToArray().AsMemory(0, 4));
        Assert.Equal("ABC", Encoding.UTF8.GetString(await pair.Client.ReceiveExactlyAsync(3)));

        pair.Server.StopReading();

        // The lone lead byte goes out unchanged (invalid on its own), then FIN; the server lingers until the
        // client closes too, so nothing it sent is lost to a reset.
        byte[] rest = await pair.Client.ReceiveToEndAsync();
        Assert.Equal(new byte[] { 0xC3 }, rest);
        pair.Client.Shutdown(SocketShutdown.Send);
        Assert.Equal(PumpOutcome.ReadCanceled, await pump);
        Assert.Equal(4, stats.BytesReceived);
        Assert.Equal(4, stats.BytesSent);
    }

    [Fact]
    public async Task A_client_half_close_flushes_every_reply_then_the_server_sends_fin()
    {
        await using var pair = await DirectSocketPair.CreateAsync();
        var stats = new TcpConnectionStats(new UpperCounters(), TimeProvider.System);
        Task<PumpOutcome> pump = SocketPump.RunAsync(pair.Server, new Uppercaser(CasingMode.Unicode), stats, bufferSize: 1024);

        // More than the receive buffer, so the pump reads again at once with the buffers it holds.
        byte[] input = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("\uFB03 stra\u00DFe ", 500)));
        byte[] expected = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("FFI STRASSE ", 500)));
        Task<byte[]> reply = pair.Client.ReceiveToEndAsync();
        await pair.Client.SendAllAsync(input);
        pair.Client.Shutdown(SocketShutdown.Send);

        Assert.Equal(expected, await reply);
        Assert.Equal(PumpOutcome.InputCompleted, await pump);
        Assert.Equal(input.Length, stats.BytesReceived);
        Assert.Equal(expected.Length, stats.BytesSent);
    }

    [Fact]
    public async Task Abort_ends_a_waiting_pump_with_a_socket_error()
    {
        await using var pair = await DirectSocketPair.CreateAsync();
        var stats = new TcpConnectionStats(new UpperCounters(), TimeProvider.System);
        Task<PumpOutcome> pump = SocketPump.RunAsync(pair.Server, new Uppercaser(CasingMode.Unicode), stats, bufferSize: 1024);

        pair.Server.Abort(new Microsoft.AspNetCore.Connections.ConnectionAbortedException("test"));
        Exception? failure = await Record.ExceptionAsync(() => pump);

        // Either the wait was cancelled or the closed socket failed it: both are the handler's "lost" outcome.
        Assert.True(failure is OperationCanceledException or SocketException or ObjectDisposedException, failure?.ToString() ?? "no exception");
    }
}
