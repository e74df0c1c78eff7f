using KestrelUpper.Hosting;
using KestrelUpper.Text;
using Microsoft.Extensions.Configuration;

namespace KestrelUpper.Tests.Hosting;

public sealed class UpperOptionsValidatorTests
{
    private static UpperOptions Load(params (string Key, string Value)[] settings) =>
        UpperOptionsLoader.Load(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build());

    [Fact]
    public void Defaults_are_the_documented_ones()
    {
        UpperOptions o = Load();
        Assert.Equal("::", o.Address);
        Assert.Equal(CasingMode.Unicode, o.Casing);
        Assert.Equal(12000, o.Tcp.Port);
        Assert.Equal(12000, o.Udp.Port);
        Assert.Equal(8080, o.Http.Port);
        Assert.Equal(10_000, o.Tcp.MaxConnections);
        Assert.Equal(256, o.Tcp.MaxConnectionsPerIp);
        Assert.Equal(TimeSpan.FromMinutes(5), o.Tcp.IdleTimeout);
        Assert.Equal(1000, o.Udp.RatePerSource);
        Assert.Equal(1000, o.Udp.BurstPerSource);
        Assert.Equal(65_507, o.Udp.MaxReplyBytes);
        Assert.Equal(64, o.Udp.BatchSize);
        Assert.Equal(UdpLoop.Batch, o.Udp.Loop);
        Assert.Equal([0, 7, 17, 19, 53, 111, 123, 137, 161, 389, 1900, 5353, 11211], o.Udp.EffectiveBlockedSourcePorts);
        Assert.Equal(TimeSpan.FromSeconds(10), o.Shutdown.Timeout);
        Assert.Equal(TcpTransport.Epoll, o.Sockets.Transport);
        Assert.Equal(0, o.Sockets.EventLoops);
        Assert.Equal(64 * 1024, o.Sockets.ReceiveBufferBytes);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    public void Accepts_ip_addresses(string address) => Assert.Equal(address, Load(("Upper:Address", address)).Address);

    [Fact]
    public void Binds_casing_case_insensitively() => Assert.Equal(CasingMode.Ascii, Load(("Upper:Casing", "ascii")).Casing);

    [Fact]
    public void A_configured_blocked_port_list_replaces_the_default()
    {
        UpperOptions o = Load(("Upper:Udp:BlockedSourcePorts:0", "53"));
        Assert.Equal([53], o.Udp.EffectiveBlockedSourcePorts);
    }

    [Theory]
    [InlineData("Upper:Tcp:Port", "70000", "Upper:Tcp:Port must be between 0 and 65535 (got 70000)")]
    [InlineData("Upper:Udp:Port", "-1", "Upper:Udp:Port must be between 0 and 65535 (got -1)")]
    [InlineData("Upper:Http:Port", "65536", "Upper:Http:Port")]
    [InlineData("Upper:Address", "not-an-ip", "Upper:Address must be an IP address")]
    [InlineData("Upper:Tcp:MaxConnections", "0", "Upper:Tcp:MaxConnections must be between 1")]
    [InlineData("Upper:Tcp:MaxConnectionsPerIp", "0", "Upper:Tcp:MaxConnectionsPerIp")]
    [InlineData("Upper:Tcp:IdleTimeout", "-00:00:01", "Upper:Tcp:IdleTimeout must not be negative")]
    [InlineData("Upper:Udp:MaxReplyBytes", "65508", "Upper:Udp:MaxReplyBytes must be between 0 and 65507")]
    [InlineData("Upper:Udp:BurstPerSource", "0", "Upper:Udp:BurstPerSource")]
    [InlineData("Upper:Udp:BlockedSourcePorts:0", "99999", "Upper:Udp:BlockedSourcePorts")]
    [InlineData("Upper:Udp:BatchSize", "0", "Upper:Udp:BatchSize must be between 1 and 1024 (got 0)")]
    [InlineData("Upper:Udp:BatchSize", "1025", "Upper:Udp:BatchSize must be between 1 and 1024 (got 1025)")]
    [InlineData("Upper:Shutdown:Timeout", "-00:00:01", "Upper:Shutdown:Timeout must not be negative")]
    [InlineData("Upper:Sockets:ReceiveBufferBytes", "100", "Upper:Sockets:ReceiveBufferBytes must be between 1024")]
    [InlineData("Upper:Sockets:Transport", "7", "Upper:Sockets:Transport must be Epoll or Kestrel")]
    [InlineData("Upper:Udp:Loop", "7", "Upper:Udp:Loop must be Batch or Portable")]
    [InlineData("Upper:Sockets:EventLoops", "65", "Upper:Sockets:EventLoops must be between 0")]
    [InlineData("Upper:Sockets:EventLoops", "-1", "Upper:Sockets:EventLoops must be between 0")]
    public void Rejects_out_of_range_values_with_the_key_in_the_message(string key, string value, string expected)
    {
        var ex = Assert.Throws<ConfigurationErrorException>(() => Load((key, value)));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Upper:Tcp:Port", "abc")]
    [InlineData("Upper:Casing", "Klingon")]
    [InlineData("Upper:Tcp:IdleTimeout", "soon")]
    public void Rejects_values_that_do_not_parse_naming_the_key(string key, string value)
    {
        var ex = Assert.Throws<ConfigurationErrorException>(() => Load((key, value)));
        Assert.Contains(key, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Direct")]
    [InlineData("direct")]
    [InlineData(" Direct ")]
    public void The_removed_direct_transport_is_refused_naming_what_replaced_it(string value)
    {
        var ex = Assert.Throws<ConfigurationErrorException>(() => Load(("Upper:Sockets:Transport", value)));
        Assert.Equal(RetiredSettings.DirectTransportError, ex.Message);
        Assert.Contains("use Epoll", ex.Message, StringComparison.Ordinal);
        Assert.Contains("or Kestrel", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Retired_keys_are_found_with_the_reason_and_bind_to_nothing()
    {
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Upper:Sockets:InlineCompletions"] = "true",
                ["Upper:Udp:ReceiveLoops"] = "2",
                ["Upper:Tcp:Port"] = "13000",
            })
            .Build();

        IReadOnlyList<(string Key, string Why)> retired = RetiredSettings.Find(configuration);
        Assert.Equal(["Upper:Sockets:InlineCompletions", "Upper:Udp:ReceiveLoops"], retired.Select(r => r.Key));
        Assert.All(retired, r => Assert.False(string.IsNullOrWhiteSpace(r.Why)));
        Assert.Equal(13000, UpperOptionsLoader.Load(configuration).Tcp.Port); // still loads: a warning, not an error
    }

    [Fact]
    public void The_shipped_appsettings_uses_no_retired_key()
    {
        IConfiguration shipped = new ConfigurationBuilder().AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: false).Build();
        Assert.Empty(RetiredSettings.Find(shipped));
    }

    [Fact]
    public void Http_and_tcp_ports_must_differ()
    {
        var ex = Assert.Throws<ConfigurationErrorException>(() => Load(("Upper:Tcp:Port", "9000"), ("Upper:Http:Port", "9000")));
        Assert.Contains("must differ", ex.Message, StringComparison.Ordinal);
    }
}
