using System.Net;
using System.Net.Sockets;
using System.Text;
using KestrelUpper.Telemetry;
using KestrelUpper.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KestrelUpper.Tests.Udp;

public sealed class UdpEndToEndBatchLoopTests() : UdpEndToEndTests(UdpLoops.Batch);

public sealed class UdpEndToEndPortableLoopTests() : UdpEndToEndTests(UdpLoops.Portable);

public abstract class UdpEndToEndTests(string loop)
{
    private static readonly TimeSpan ReplyWait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan NoReplyWait = TimeSpan.FromMilliseconds(500);

    [Fact]
    public async Task Runs_the_loop_the_options_select()
    {
        var logs = new CapturingLoggerProvider();
        await using UpperHost host = await StartAsync(
            new Dictionary<string, string?> { ["Serilog:MinimumLevel:Default"] = "Information" },
            services => services.AddSingleton<ILoggerProvider>(logs));

        // ExecuteAsync runs in the background: the loops may start just after the host reports started.
        await Eventually.UntilAsync(() => logs.Events.Any(e => e.EventId.Name == "UdpLoopsStarted"));
        string started = Assert.Single(logs.Events, e => e.EventId.Name == "UdpLoopsStarted").Message;
        bool batch = loop != UdpLoops.Portable && KestrelUpper.Hosting.TransportPlan.LinuxLoopsSupported;
        Assert.Contains(batch ? "recvmmsg/sendmmsg batch of 64" : "portable loop", started, StringComparison.Ordinal);
        Assert.NotNull(await SocketExtensions.UdpExchangeAsync(host.UdpEndPoint, "x"u8.ToArray(), ReplyWait));
    }

    [Fact]
    public async Task One_datagram_in_one_uppercased_datagram_back()
    {
        await using UpperHost host = await StartAsync();
        byte[]? reply = await SocketExtensions.UdpExchangeAsync(host.UdpEndPoint, Encoding.UTF8.GetBytes("hello udp straße"), ReplyWait);
        Assert.Equal("HELLO UDP STRASSE", Encoding.UTF8.GetString(reply!));
    }

    [Fact]
    public async Task An_empty_datagram_gets_an_empty_reply()
    {
        await using UpperHost host = await StartAsync();
        byte[]? reply = await SocketExtensions.UdpExchangeAsync(host.UdpEndPoint, ReadOnlyMemory<byte>.Empty, ReplyWait);
        Assert.NotNull(reply);
        Assert.Empty(reply);
    }

    [Fact]
    public async Task A_reply_that_would_exceed_the_ipv4_limit_is_not_sent_and_is_counted()
    {
        await using UpperHost host = await StartAsync();
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

        // 'ΐ' is 2 bytes and uppercases to 6: 20000 of them (40000 bytes) would need a 120000-byte reply.
        byte[] expanding = Encoding.UTF8.GetBytes(new string('ΐ', 20_000));
        Assert.Null(await SocketExtensions.UdpExchangeAsync(host.UdpEndPoint, expanding, NoReplyWait, client));
        Assert.Equal(1, host.Counters.UdpDropped(UdpDropReason.ReplyTooLarge));

        // The loop goes on serving.
        byte[]? reply = await SocketExtensions.UdpExchangeAsync(host.UdpEndPoint, "next"u8.ToArray(), ReplyWait, client);
        Assert.Equal("NEXT", Encoding.ASCII.GetString(reply!));
    }

    [Fact]
    public async Task A_maximum_size_datagram_round_trips()
    {
        await using UpperHost host = await StartAsync();
        byte[] request = Enumerable.Range(0, 65_507).Select(i => (byte)('a' + (i % 26))).ToArray();
        byte[]? reply = await SocketExtensions.UdpExchangeAsync(host.UdpEndPoint, request, ReplyWait);
        Assert.Equal(Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(request).ToUpperInvariant()), reply);
    }

    [Fact]
    public async Task Datagrams_from_a_blocked_source_port_are_never_answered()
    {
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        client.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)client.LocalEndPoint!).Port;
        await using UpperHost host = await StartAsync(new Dictionary<string, string?> { ["Upper:Udp:BlockedSourcePorts:0"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) });

        Assert.Null(await SocketExtensions.UdpExchangeAsync(host.UdpEndPoint, "reflect me"u8.ToArray(), NoReplyWait, client));
        Assert.Equal(1, host.Counters.UdpDropped(UdpDropReason.BlockedSourcePort));

        byte[]? other = await SocketExtensions.UdpExchangeAsync(host.UdpEndPoint, "other port"u8.ToArray(), ReplyWait);
        Assert.Equal("OTHER PORT", Encoding.ASCII.GetString(other!));
    }

    [Fact]
    public async Task Token_bucket_per_source_refills_with_time()
    {
        var clock = new ManualTimeProvider();
        await using UpperHost host = await StartAsync(
            new Dictionary<string, string?> { ["Upper:Udp:RatePerSource"] = "2", ["Upper:Udp:BurstPerSource"] = "3" },
            services => services.AddSingletonTimeProvider(clock));
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

        int answered = 0;
        for (int i = 0; i < 5; i++)
        {
            if (await SocketExtensions.UdpExchangeAsync(host.UdpEndPoint, "x"u8.ToArray(), i < 3 ? ReplyWait : NoReplyWait, client) is not null)
            {
                answered++;
            }
        }

        Assert.Equal(3, answered);
        Assert.Equal(2, host.Counters.UdpDropped(UdpDropReason.RateLimited));

        clock.Advance(TimeSpan.FromSeconds(1)); // two more tokens
        Assert.NotNull(await SocketExtensions.UdpExchangeAsync(host.UdpEndPoint, "y"u8.ToArray(), ReplyWait, client));
        Assert.NotNull(await SocketExtensions.UdpExchangeAsync(host.UdpEndPoint, "z"u8.ToArray(), ReplyWait, client));
        Assert.Null(await SocketExtensions.UdpExchangeAsync(host.UdpEndPoint, "w"u8.ToArray(), NoReplyWait, client));
    }

    [Fact]
    public async Task Serves_ipv6_loopback()
    {
        await using UpperHost host = await StartAsync(new Dictionary<string, string?> { ["Upper:Address"] = "::" });
        byte[]? v6 = await SocketExtensions.UdpExchangeAsync(new IPEndPoint(IPAddress.IPv6Loopback, host.UdpEndPoint.Port), "six"u8.ToArray(), ReplyWait);
        byte[]? v4 = await SocketExtensions.UdpExchangeAsync(new IPEndPoint(IPAddress.Loopback, host.UdpEndPoint.Port), "four"u8.ToArray(), ReplyWait);
        Assert.Equal("SIX", Encoding.ASCII.GetString(v6!));
        Assert.Equal("FOUR", Encoding.ASCII.GetString(v4!));
    }

    [Fact]
    public async Task An_icmp_unreachable_from_an_earlier_reply_does_not_stop_the_loop()
    {
        await using UpperHost host = await StartAsync();
        for (int i = 0; i < 20; i++)
        {
            // Send and close at once: the reply hits a closed port and ICMP port-unreachable comes back.
            using var gone = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            await gone.SendToAsync("bye"u8.ToArray(), SocketFlags.None, host.UdpEndPoint);
        }

        byte[]? reply = await SocketExtensions.UdpExchangeAsync(host.UdpEndPoint, "alive"u8.ToArray(), ReplyWait);
        Assert.Equal("ALIVE", Encoding.ASCII.GetString(reply!));
    }

    private Task<UpperHost> StartAsync(IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null) =>
        UdpLoops.StartAsync(loop, settings, services);
}
