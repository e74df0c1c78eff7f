using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using KestrelUpper.Tcp;
using KestrelUpper.Telemetry;
using KestrelUpper.Testing;
using KestrelUpper.Tests.Tcp;
using Microsoft.Extensions.DependencyInjection;
using static KestrelUpper.Tests.Proxy.ProxyHeaders;

namespace KestrelUpper.Tests.Proxy;

public sealed class ProxyProtocolEndToEndEpollTests() : ProxyProtocolEndToEndTests(TcpTransports.Epoll);

public sealed class ProxyProtocolEndToEndKestrelTransportTests() : ProxyProtocolEndToEndTests(TcpTransports.Kestrel);

/// <summary>
/// The real service with PROXY protocol on, headers written by the test over real sockets, on both drivers: the
/// session reads the header on the epoll loops and on Kestrel's pipes alike.
/// </summary>
public abstract class ProxyProtocolEndToEndTests(string transport)
{
    private static readonly IPEndPoint Destination = IPEndPoint.Parse("192.0.2.10:12000");

    internal static Dictionary<string, string?> Settings(string mode, string trusted = "127.0.0.1/32", params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Upper:Tcp:ProxyProtocol"] = mode,
            ["Upper:Tcp:TrustedProxies:0"] = trusted,
        };
        foreach ((string key, string value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    [Fact]
    public async Task V1_header_and_data_in_one_packet_is_answered_as_the_proxied_client()
    {
        await using UpperHost host = await TcpTransports.StartAsync(transport, Settings("Required"));
        using Socket client = await SocketExtensions.ConnectTcpAsync(host.TcpEndPoint);
        await client.SendAllAsync(Concat(Ascii("PROXY TCP4 203.0.113.7 192.0.2.10 40000 12000\r\n"), Ascii("hello, proxy")));
        Assert.Equal("HELLO, PROXY", await ReceiveText(client, 12));

        TcpConnectionLimiter limiter = host.Services.GetRequiredService<TcpConnectionLimiter>();
        Assert.Equal(1, limiter.OpenFrom(IPAddress.Parse("203.0.113.7")));
        Assert.Equal(0, limiter.OpenFrom(IPAddress.Loopback));
        Assert.Equal(0, host.Counters.ProxyRejectedTotal);
    }

    [Fact]
    public async Task V2_ipv4_header_with_tlvs_and_data_in_one_packet_is_answered_as_the_proxied_client()
    {
        await using UpperHost host = await TcpTransports.StartAsync(transport, Settings("Required"));
        using Socket client = await SocketExtensions.ConnectTcpAsync(host.TcpEndPoint);
        byte[] header = V2Proxy(IPEndPoint.Parse("198.51.100.20:5555"), Destination, Tlv(0x01, Ascii("h2")), Tlv(0xEA, Ascii("vpce-0abc")));
        await client.SendAllAsync(Concat(header, Ascii("binary header, text after")));
        Assert.Equal("BINARY HEADER, TEXT AFTER", await ReceiveText(client, 25));
        Assert.Equal(1, host.Services.GetRequiredService<TcpConnectionLimiter>().OpenFrom(IPAddress.Parse("198.51.100.20")));
    }

    [Fact]
    public async Task V2_ipv6_header_sent_one_byte_at_a_time_is_assembled()
    {
        await using UpperHost host = await TcpTransports.StartAsync(transport, Settings("Required"));
        using Socket client = await SocketExtensions.ConnectTcpAsync(host.TcpEndPoint);
        byte[] header = V2Proxy(IPEndPoint.Parse("[2001:db8::42]:6000"), IPEndPoint.Parse("[2001:db8::1]:12000"), Tlv(0x04, new byte[10]));
        foreach (byte b in header)
        {
            await client.SendAllAsync(new[] { b });
        }

        await client.SendAllAsync(Ascii("slow"));
        Assert.Equal("SLOW", await ReceiveText(client, 4));
        Assert.Equal(1, host.Services.GetRequiredService<TcpConnectionLimiter>().OpenFrom(IPAddress.Parse("2001:db8::42")));
    }

    [Fact]
    public async Task The_per_ip_limit_counts_the_proxied_source_not_the_proxy()
    {
        await using UpperHost host = await TcpTransports.StartAsync(transport, Settings("Required", "127.0.0.1/32", ("Upper:Tcp:MaxConnectionsPerIp", "1")));
        using Socket first = await ProxiedClient(host, "198.51.100.1");
        using Socket second = await ProxiedClient(host, "198.51.100.2");
        Assert.True(await TryExchange(first));
        Assert.True(await TryExchange(second)); // same proxy, different clients: both served

        using Socket third = await ProxiedClient(host, "198.51.100.1");
        Assert.False(await TryExchange(third)); // same client again: over its limit
        Assert.Equal(1, host.Counters.TcpRejected(TcpRejectReason.MaxConnectionsPerIp));
        Assert.True(await TryExchange(first));
    }

    [Fact]
    public async Task Required_closes_an_untrusted_peer_before_reading_and_counts_it()
    {
        await using UpperHost host = await TcpTransports.StartAsync(transport, Settings("Required", "10.0.0.0/8"));
        using Socket client = await SocketExtensions.ConnectTcpAsync(host.TcpEndPoint);
        await AssertClosed(client);
        Assert.Equal(1, host.Counters.ProxyRejected(ProxyRejectReason.UntrustedPeer));
        Assert.Equal(0, host.Counters.TcpTotalConnections);
    }

    [Fact]
    public async Task Optional_serves_plain_data_from_an_untrusted_peer_and_closes_one_that_sends_a_header()
    {
        await using UpperHost host = await TcpTransports.StartAsync(transport, Settings("Optional", "10.0.0.0/8"));
        using (Socket plain = await SocketExtensions.ConnectTcpAsync(host.TcpEndPoint))
        {
            await plain.SendAllAsync(Ascii("hi"));
            Assert.Equal("HI", await ReceiveText(plain, 2));
        }

        using Socket spoofer = await SocketExtensions.ConnectTcpAsync(host.TcpEndPoint);
        await spoofer.SendAllAsync(Ascii("PROXY TCP4 10.9.9.9 192.0.2.10 1 2\r\nhi"));
        await AssertClosed(spoofer);
        Assert.Equal(1, host.Counters.ProxyRejected(ProxyRejectReason.UntrustedPeer));
    }

    [Fact]
    public async Task Optional_serves_two_bytes_of_plain_data_from_a_trusted_proxy_without_waiting_for_more()
    {
        await using UpperHost host = await TcpTransports.StartAsync(transport, Settings("Optional"));
        using Socket client = await SocketExtensions.ConnectTcpAsync(host.TcpEndPoint);
        await client.SendAllAsync(Ascii("hi"));
        Assert.Equal("HI", await ReceiveText(client, 2));
        Assert.Equal(1, host.Services.GetRequiredService<TcpConnectionLimiter>().OpenFrom(IPAddress.Loopback));

        // A plain "P" that turns out not to be "PROXY " once more bytes arrive is data too.
        using Socket p = await SocketExtensions.ConnectTcpAsync(host.TcpEndPoint);
        await p.SendAllAsync(Ascii("P"));
        await p.SendAllAsync(Ascii("ing"));
        Assert.Equal("PING", await ReceiveText(p, 4));
        Assert.Equal(0, host.Counters.ProxyRejectedTotal);
    }

    [Fact]
    public async Task Required_closes_a_connection_without_a_header_as_missing()
    {
        await using UpperHost host = await TcpTransports.StartAsync(transport, Settings("Required"));
        using Socket client = await SocketExtensions.ConnectTcpAsync(host.TcpEndPoint);
        await client.SendAllAsync(Ascii("hello"));
        await AssertClosed(client);
        Assert.Equal(1, host.Counters.ProxyRejected(ProxyRejectReason.Missing));
    }

    [Fact]
    public async Task Required_does_not_count_a_connect_and_close_health_check()
    {
        await using UpperHost host = await TcpTransports.StartAsync(transport, Settings("Required"));
        using Socket probe = await SocketExtensions.ConnectTcpAsync(host.TcpEndPoint);
        probe.Shutdown(SocketShutdown.Send);
        await AssertClosed(probe); // the server saw the end of stream and closed its side
        Assert.Equal(0, host.Counters.ProxyRejectedTotal);
        Assert.Equal(0, host.Counters.TcpTotalConnections);
    }

    [Theory]
    [InlineData("PROXY TCP4 999.0.0.1 192.0.2.10 1 2\r\nhello")]
    [InlineData("PROXY TCP4 1.2.3.4 192.0.2.10 1 2\nhello")]
    [InlineData("PROXY UNKNOWN xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")]
    public async Task A_malformed_header_closes_the_connection(string sent)
    {
        await using UpperHost host = await TcpTransports.StartAsync(transport, Settings("Optional"));
        using Socket client = await SocketExtensions.ConnectTcpAsync(host.TcpEndPoint);
        await client.SendAllAsync(Ascii(sent));
        await AssertClosed(client);
        Assert.Equal(1, host.Counters.ProxyRejected(ProxyRejectReason.Malformed));
    }

    [Fact]
    public async Task A_v2_header_longer_than_the_request_buffer_is_refused_not_waited_for()
    {
        await using UpperHost host = await TcpTransports.StartAsync(transport, Settings("Required", "127.0.0.1/32", ("Upper:Tcp:MaxBufferedRequestBytes", "4096")));
        using Socket client = await SocketExtensions.ConnectTcpAsync(host.TcpEndPoint);
        byte[] header = V2(0x21, 0x11, new byte[8000], declaredLength: 65535);
        try
        {
            await client.SendAllAsync(header);
        }
        catch (SocketException)
        {
            // The server may close while we still send: that is the point.
        }

        await AssertClosed(client);
        Assert.Equal(1, host.Counters.ProxyRejected(ProxyRejectReason.Malformed));
    }

    [Fact]
    public async Task A_peer_that_closes_mid_header_is_counted_as_truncated()
    {
        await using UpperHost host = await TcpTransports.StartAsync(transport, Settings("Required"));
        using Socket client = await SocketExtensions.ConnectTcpAsync(host.TcpEndPoint);
        await client.SendAllAsync(Ascii("PROXY TCP4 1.2."));
        client.Shutdown(SocketShutdown.Send);
        await AssertClosed(client);
        Assert.Equal(1, host.Counters.ProxyRejected(ProxyRejectReason.Truncated));
    }

    [Fact]
    public async Task V2_local_and_v1_unknown_keep_the_real_peer()
    {
        await using UpperHost host = await TcpTransports.StartAsync(transport, Settings("Required"));
        TcpConnectionLimiter limiter = host.Services.GetRequiredService<TcpConnectionLimiter>();
        using Socket local = await SocketExtensions.ConnectTcpAsync(host.TcpEndPoint);
        await local.SendAllAsync(Concat(V2(0x20, 0x00, []), Ascii("health")));
        Assert.Equal("HEALTH", await ReceiveText(local, 6));
        using Socket unknown = await SocketExtensions.ConnectTcpAsync(host.TcpEndPoint);
        await unknown.SendAllAsync(Ascii("PROXY UNKNOWN\r\nunknown"));
        Assert.Equal("UNKNOWN", await ReceiveText(unknown, 7));
        Assert.Equal(2, limiter.OpenFrom(IPAddress.Loopback));
    }

    [Fact]
    public async Task Header_timeout_closes_the_connection_and_counts_it()
    {
        var clock = new ManualTimeProvider();
        await using UpperHost host = await TcpTransports.StartAsync(transport, Settings("Required"), services => services.AddSingletonTimeProvider(clock));
        int timers = clock.ActiveTimers;
        using Socket client = await SocketExtensions.ConnectTcpAsync(host.TcpEndPoint);
        await client.SendAllAsync(Ascii("PROXY TCP4 "));
        await Eventually.UntilAsync(() => clock.ActiveTimers > timers); // the header timer is armed

        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(0, host.Counters.ProxyRejectedTotal);
        clock.Advance(TimeSpan.FromSeconds(1));
        await AssertClosed(client);
        Assert.Equal(1, host.Counters.ProxyRejected(ProxyRejectReason.Timeout));
        Assert.Equal(0, host.Counters.TcpTotalConnections);
    }

    [Fact]
    public async Task Optional_header_timeout_hands_an_undecided_prefix_to_the_handler_which_answers_it_at_once()
    {
        var clock = new ManualTimeProvider();
        await using UpperHost host = await TcpTransports.StartAsync(transport, Settings("Optional", "127.0.0.1/32", ("Upper:Tcp:ProxyHeaderTimeout", "00:00:02")), services => services.AddSingletonTimeProvider(clock));
        int timers = clock.ActiveTimers;
        using Socket client = await SocketExtensions.ConnectTcpAsync(host.TcpEndPoint);
        await client.SendAllAsync(Ascii("PRO"));
        await Eventually.UntilAsync(() => clock.ActiveTimers > timers);
        clock.Advance(TimeSpan.FromSeconds(2));
        await Eventually.UntilAsync(() => host.Counters.TcpActiveConnections == 1); // the handler has it

        // The undecided prefix is answered at once, without waiting for the client's next bytes.
        Assert.Equal("PRO", await ReceiveText(client, 3));
        await client.SendAllAsync(Ascii("test"));
        Assert.Equal("TEST", await ReceiveText(client, 4));
        Assert.Equal(0, host.Counters.ProxyRejectedTotal);
    }

    [Fact]
    public async Task Off_treats_a_proxy_header_as_plain_data()
    {
        await using UpperHost host = await TcpTransports.StartAsync(transport);
        using Socket client = await SocketExtensions.ConnectTcpAsync(host.TcpEndPoint);
        await client.SendAllAsync(Ascii("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n"));
        Assert.Equal("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n", await ReceiveText(client, 32));
    }

    [Fact]
    public async Task Rejections_are_published_as_upper_tcp_proxy_protocol_rejected_by_error_type()
    {
        await using UpperHost host = await TcpTransports.StartAsync(transport, Settings("Required", "10.0.0.0/8"));
        using (Socket client = await SocketExtensions.ConnectTcpAsync(host.TcpEndPoint))
        {
            await AssertClosed(client);
        }

        IMeterFactory factory = host.Services.GetRequiredService<IMeterFactory>();
        var seen = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "upper.tcp.proxy_protocol.rejected" && instrument.Meter.Scope == factory)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                if (tag.Key == TelemetryNames.ErrorTypeAttribute)
                {
                    seen[(string)tag.Value!] = value;
                }
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();

        Assert.Equal(1, seen["untrusted_peer"]);
        Assert.Equal(0, seen["malformed"]);
        Assert.Equal(0, seen["timeout"]);
        Assert.Equal(0, seen["missing"]);
        Assert.Equal(0, seen["truncated"]);
    }

    private static async Task<Socket> ProxiedClient(UpperHost host, string source)
    {
        Socket socket = await SocketExtensions.ConnectTcpAsync(host.TcpEndPoint);
        await socket.SendAllAsync(Ascii(string.Create(CultureInfo.InvariantCulture, $"PROXY TCP4 {source} 192.0.2.10 40000 12000\r\n")));
        return socket;
    }

    internal static async Task<string> ReceiveText(Socket socket, int count) => Encoding.ASCII.GetString(await socket.ReceiveExactlyAsync(count));

    /// <summary>The server closed the connection without answering: end of stream, or a reset if it left data unread.</summary>
    internal static async Task AssertClosed(Socket socket)
    {
        try
        {
            Assert.Empty(await socket.ReceiveToEndAsync());
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
        }
    }

    private static async Task<bool> TryExchange(Socket client)
    {
        try
        {
            await client.SendAllAsync("ping"u8.ToArray());
            return await ReceiveText(client, 4) == "PING";
        }
        catch (Exception ex) when (ex is SocketException or EndOfStreamException)
        {
            return false;
        }
    }
}
