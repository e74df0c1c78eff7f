using System.Net;
using System.Net.Sockets;
using System.Text;
using KestrelUpper.Hosting;
using KestrelUpper.Tcp.Epoll;
using KestrelUpper.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KestrelUpper.Tests.Hosting;

/// <summary>What carries each port, decided once; the fallback where the Linux loops cannot run, and what start-up says.</summary>
public sealed class TransportPlanTests
{
    [Fact]
    public void On_linux_the_configured_transport_and_loop_are_kept()
    {
        var options = new UpperOptions();
        TransportPlan plan = TransportPlan.Decide(options, linuxLoopsSupported: true);
        Assert.Equal(TcpTransport.Epoll, plan.Tcp);
        Assert.Equal(UdpLoop.Batch, plan.Udp);
        Assert.Null(plan.TcpFallback);
        Assert.Null(plan.UdpFallback);

        options.Sockets.Transport = TcpTransport.Kestrel;
        options.Udp.Loop = UdpLoop.Portable;
        plan = TransportPlan.Decide(options, linuxLoopsSupported: true);
        Assert.Equal(TcpTransport.Kestrel, plan.Tcp);
        Assert.Equal(UdpLoop.Portable, plan.Udp);
        Assert.Null(plan.TcpFallback); // chosen, not fallen back to
    }

    [Fact]
    public void Where_the_linux_loops_cannot_run_both_ports_fall_back_and_say_why()
    {
        TransportPlan plan = TransportPlan.Decide(new UpperOptions(), linuxLoopsSupported: false);
        Assert.Equal(TcpTransport.Kestrel, plan.Tcp);
        Assert.Equal(UdpLoop.Portable, plan.Udp);
        Assert.Contains("needs Linux on x64 or arm64", plan.TcpFallback, StringComparison.Ordinal);
        Assert.Contains("recvmmsg/sendmmsg", plan.UdpFallback, StringComparison.Ordinal);
    }

    [Fact]
    public void The_proxy_protocol_no_longer_moves_the_port_off_epoll()
    {
        var options = new UpperOptions();
        options.Tcp.ProxyProtocol = ProxyProtocolMode.Required;
        Assert.Equal(TcpTransport.Epoll, TransportPlan.Decide(options, linuxLoopsSupported: true).Tcp);
    }

    [Theory]
    [InlineData(TcpTransports.Epoll, null, "epoll, ")]
    [InlineData(TcpTransports.Kestrel, null, "Kestrel sockets")]
    [InlineData(TcpTransports.Epoll, "Optional", "epoll, ")]
    public async Task The_ready_line_names_the_transport_of_each_port_and_the_port_is_served_by_it(string transport, string? proxy, string expected)
    {
        var logs = new CapturingLoggerProvider();
        var settings = new Dictionary<string, string?> { ["Serilog:MinimumLevel:Default"] = "Information" };
        if (proxy is not null)
        {
            settings["Upper:Tcp:ProxyProtocol"] = proxy;
            settings["Upper:Tcp:TrustedProxies:0"] = "127.0.0.1/32";
        }

        await using UpperHost host = await TcpTransports.StartAsync(transport, settings, services => services.AddSingleton<ILoggerProvider>(logs));
        string ready = Assert.Single(logs.Events, e => e.Category == "KestrelUpper" && e.EventId.Name == "Started").Message;
        Assert.Contains($"TCP {host.TcpEndPoint} ({expected}", ready, StringComparison.Ordinal);
        Assert.Contains("UDP", ready, StringComparison.Ordinal);
        Assert.Contains("TLS off", ready, StringComparison.Ordinal);
        Assert.Equal(transport == TcpTransports.Epoll, host.Services.GetService<EpollEngine>() is not null);

        using Socket client = await SocketExtensions.ConnectTcpAsync(host.TcpEndPoint);
        await client.SendAllAsync("stra\u00DFe"u8.ToArray());
        Assert.Equal("STRASSE", Encoding.UTF8.GetString(await client.ReceiveExactlyAsync(7)));
    }

    [Fact]
    public async Task A_retired_key_is_named_in_a_warning_and_the_service_starts()
    {
        var logs = new CapturingLoggerProvider();
        await using UpperHost host = await UpperHost.StartAsync(
            new Dictionary<string, string?> { ["Upper:Sockets:InlineCompletions"] = "true" },
            services => services.AddSingleton<ILoggerProvider>(logs));
        var warning = Assert.Single(logs.Events, e => e.EventId.Name == "SettingIgnored");
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("Upper:Sockets:InlineCompletions", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_epoll_factory_binds_only_the_marked_endpoint()
    {
        using var engine = new EpollEngine(new KestrelUpper.Text.Uppercaser(KestrelUpper.Text.CasingMode.Unicode), TimeProvider.System, Microsoft.Extensions.Options.Options.Create(new UpperOptions()), Microsoft.Extensions.Logging.Abstractions.NullLogger<EpollEngine>.Instance);
        var factory = new EpollTransportFactory(engine, Microsoft.Extensions.Logging.Abstractions.NullLogger<EpollListener>.Instance);
        Assert.True(factory.CanBind(new EpollEndPoint(IPAddress.Loopback, 0)));
        Assert.False(factory.CanBind(new IPEndPoint(IPAddress.Loopback, 0)));
    }
}
