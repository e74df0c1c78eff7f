using System.Net;
using System.Net.Sockets;
using System.Text;
using KestrelUpper.Hosting;
using KestrelUpper.Telemetry;
using KestrelUpper.Testing;
using KestrelUpper.Text;
using KestrelUpper.Udp;
using Microsoft.Extensions.Options;

namespace KestrelUpper.Tests.Udp;

public sealed class UdpDatagramProcessorTests
{
    private readonly UpperCounters _counters = new();
    private readonly ManualTimeProvider _clock = new();

    private UdpDatagramProcessor Create(int rate = 0, int burst = 1000)
    {
        IOptions<UpperOptions> options = Options.Create(new UpperOptions { Udp = { RatePerSource = rate, BurstPerSource = burst } });
        return new UdpDatagramProcessor(new Uppercaser(CasingMode.Unicode), new SourceRateLimiter(options, _clock), _counters, options);
    }

    private static SourceKey From(string ip, int port)
    {
        var address = new SocketAddress(AddressFamily.InterNetworkV6);
        new IPEndPoint(IPAddress.Parse(ip).MapToIPv6(), port).Serialize().Buffer.Span.CopyTo(address.Buffer.Span);
        return SourceKey.From(address);
    }

    [Fact]
    public void The_services_own_port_is_never_answered_so_two_instances_cannot_ping_pong()
    {
        UdpDatagramProcessor processor = Create();
        processor.BlockSourcePort(12000);
        byte[] reply = new byte[processor.ReplyBufferLength];
        Assert.Equal(UdpDropReason.BlockedSourcePort, processor.Process("loop"u8, From("10.1.2.3", 12000), reply, out _));
        Assert.Null(processor.Process("fine"u8, From("10.1.2.3", 40000), reply, out int length));
        Assert.Equal("FINE", Encoding.ASCII.GetString(reply, 0, length));
    }

    [Fact]
    public void An_expanding_reply_costs_extra_tokens_so_no_source_gets_back_more_bytes_than_its_budget()
    {
        UdpDatagramProcessor processor = Create(rate: 1, burst: 3);
        byte[] reply = new byte[processor.ReplyBufferLength];
        SourceKey source = From("192.0.2.7", 40000);
        byte[] expanding = Encoding.UTF8.GetBytes("ΐ"); // 2 bytes in, 6 bytes out: three request-lengths

        Assert.Null(processor.Process(expanding, source, reply, out int length));
        Assert.Equal(6, length);
        Assert.Equal(UdpDropReason.RateLimited, processor.Process("a"u8, source, reply, out _)); // the bucket is spent

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(processor.Process("a"u8, source, reply, out _)); // one token back, one plain reply
        Assert.Equal(UdpDropReason.RateLimited, processor.Process("a"u8, From("192.0.2.7", 40001), reply, out _)); // per IP, not per port
        Assert.Null(processor.Process("a"u8, From("192.0.2.8", 40000), reply, out _)); // another source has its own bucket
    }

    [Fact]
    public void Ipv6_sources_share_a_bucket_per_64_prefix_and_ipv4_sources_have_their_own()
    {
        UdpDatagramProcessor processor = Create(rate: 1, burst: 1);
        byte[] reply = new byte[processor.ReplyBufferLength];
        Assert.Null(processor.Process("x"u8, From6("2001:db8:1:2::1", 40000), reply, out _));
        Assert.Equal(UdpDropReason.RateLimited, processor.Process("x"u8, From6("2001:db8:1:2:ffff::9", 40000), reply, out _));
        Assert.Null(processor.Process("x"u8, From6("2001:db8:1:3::1", 40000), reply, out _));
        Assert.Null(processor.Process("x"u8, From("203.0.113.1", 40000), reply, out _));
        Assert.Null(processor.Process("x"u8, From("203.0.113.2", 40000), reply, out _));
    }

    private static SourceKey From6(string ip, int port)
    {
        var address = new SocketAddress(AddressFamily.InterNetworkV6);
        new IPEndPoint(IPAddress.Parse(ip), port).Serialize().Buffer.Span.CopyTo(address.Buffer.Span);
        return SourceKey.From(address);
    }

    [Fact]
    public void Rate_limited_and_too_large_drops_are_counted_by_reason()
    {
        UdpDatagramProcessor processor = Create(rate: 1, burst: 1);
        byte[] reply = new byte[processor.ReplyBufferLength];
        SourceKey source = From("198.51.100.1", 40000);
        Assert.Null(processor.Process("x"u8, source, reply, out _));
        Assert.NotNull(processor.Process("x"u8, source, reply, out _));
        Assert.Equal(1, _counters.UdpDropped(UdpDropReason.RateLimited));
        Assert.Equal(2, _counters.UdpDatagramsReceived);
    }
}
