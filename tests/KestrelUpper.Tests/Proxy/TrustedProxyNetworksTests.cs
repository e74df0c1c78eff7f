using System.Net;
using KestrelUpper.Proxy;

namespace KestrelUpper.Tests.Proxy;

public sealed class TrustedProxyNetworksTests
{
    [Theory]
    [InlineData("10.1.2.3", true)]
    [InlineData("::ffff:10.1.2.3", true)] // a dual-stack socket reports IPv4 peers mapped
    [InlineData("11.0.0.1", false)]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.0.0.2", false)]
    [InlineData("::1", true)]
    [InlineData("::2", false)]
    [InlineData("192.0.2.7", true)]
    [InlineData("fd00::5", true)]
    public void Contains_compares_mapped_ipv6_as_ipv4(string address, bool expected)
    {
        var trusted = new TrustedProxyNetworks(["10.0.0.0/8", "127.0.0.1/32", "::1/128", "192.0.2.7", "fd00::/8"]);
        Assert.Equal(expected, trusted.Contains(IPAddress.Parse(address)));
    }

    [Fact]
    public void Nothing_is_trusted_without_an_address_or_a_list()
    {
        Assert.False(new TrustedProxyNetworks(["0.0.0.0/0"]).Contains(null));
        Assert.False(new TrustedProxyNetworks(null).Contains(IPAddress.Loopback));
    }
}
