using KestrelUpper.Hosting;
using Microsoft.Extensions.Configuration;

namespace KestrelUpper.Tests.Proxy;

public sealed class ProxyProtocolOptionsTests
{
    private static UpperOptions Load(params (string Key, string Value)[] settings) =>
        UpperOptionsLoader.Load(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build());

    [Fact]
    public void Proxy_protocol_is_off_by_default_with_a_five_second_header_timeout()
    {
        UpperOptions o = Load();
        Assert.Equal(ProxyProtocolMode.Off, o.Tcp.ProxyProtocol);
        Assert.Null(o.Tcp.TrustedProxies);
        Assert.Equal(TimeSpan.FromSeconds(5), o.Tcp.ProxyHeaderTimeout);
    }

    [Fact]
    public void Binds_mode_case_insensitively_and_the_trusted_list_in_order()
    {
        UpperOptions o = Load(
            ("Upper:Tcp:ProxyProtocol", "required"),
            ("Upper:Tcp:TrustedProxies:0", "10.0.0.0/8"),
            ("Upper:Tcp:TrustedProxies:1", "::1/128"),
            ("Upper:Tcp:TrustedProxies:2", "192.0.2.7"),
            ("Upper:Tcp:ProxyHeaderTimeout", "00:00:02"));
        Assert.Equal(ProxyProtocolMode.Required, o.Tcp.ProxyProtocol);
        Assert.Equal(["10.0.0.0/8", "::1/128", "192.0.2.7"], o.Tcp.TrustedProxies!);
        Assert.Equal(TimeSpan.FromSeconds(2), o.Tcp.ProxyHeaderTimeout);
    }

    [Theory]
    [InlineData("10.0.0.0/33", "Upper:Tcp:TrustedProxies:0 must be a CIDR")]
    [InlineData("10.1.2.3/8", "Upper:Tcp:TrustedProxies:0 must be a CIDR")]
    [InlineData("not-a-cidr", "(got 'not-a-cidr')")]
    [InlineData("::1/129", "Upper:Tcp:TrustedProxies:0")]
    public void Proxy_bad_cidr_is_one_line_naming_the_key(string cidr, string expected)
    {
        var ex = Assert.Throws<ConfigurationErrorException>(() => Load(("Upper:Tcp:ProxyProtocol", "Optional"), ("Upper:Tcp:TrustedProxies:0", cidr)));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Theory]
    [InlineData("Optional")]
    [InlineData("Required")]
    public void Proxy_protocol_without_trusted_proxies_is_refused(string mode)
    {
        var ex = Assert.Throws<ConfigurationErrorException>(() => Load(("Upper:Tcp:ProxyProtocol", mode)));
        Assert.Contains($"Upper:Tcp:TrustedProxies must list at least one CIDR when Upper:Tcp:ProxyProtocol is {mode}", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:00:01")]
    [InlineData("00:10:01")]
    public void Proxy_header_timeout_out_of_range_is_refused(string timeout)
    {
        var ex = Assert.Throws<ConfigurationErrorException>(() => Load(("Upper:Tcp:ProxyHeaderTimeout", timeout)));
        Assert.Contains("Upper:Tcp:ProxyHeaderTimeout must be more than zero", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Upper:Tcp:ProxyProtocol", "Sometimes")]
    [InlineData("Upper:Tcp:ProxyHeaderTimeout", "soon")]
    public void Proxy_values_that_do_not_parse_name_the_key(string key, string value)
    {
        var ex = Assert.Throws<ConfigurationErrorException>(() => Load((key, value)));
        Assert.Contains(key, ex.Message, StringComparison.Ordinal);
    }
}
