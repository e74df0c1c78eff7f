using System.Net;

namespace KestrelUpper.Proxy;

/// <summary>
/// The networks of <c>Upper:Tcp:TrustedProxies</c>: only a socket peer inside one of them may tell us who the client is.
/// </summary>
internal sealed class TrustedProxyNetworks
{
    private readonly IPNetwork[] _networks;

    public TrustedProxyNetworks(IEnumerable<string>? entries)
    {
        var networks = new List<IPNetwork>();
        foreach (string entry in entries ?? [])
        {
            // The validator has vetted every entry at start; a bad one here is a programming error.
            networks.Add(TryParse(entry, out IPNetwork network) ? network : throw new ArgumentException($"'{entry}' is not a CIDR.", nameof(entries)));
        }

        _networks = [.. networks];
    }

    /// <summary>Parses a CIDR; a bare address means just that host (/32 or /128).</summary>
    public static bool TryParse(string? entry, out IPNetwork network)
    {
        network = default;
        if (string.IsNullOrWhiteSpace(entry))
        {
            return false;
        }

        ReadOnlySpan<char> text = entry.AsSpan().Trim();
        int slash = text.IndexOf('/');
        if (slash >= 0)
        {
            // Host bits past the prefix (10.1.2.3/8) are a likely typo, better refused than silently masked.
            return IPNetwork.TryParse(text, out network)
                && IPAddress.TryParse(text[..slash], out IPAddress? written)
                && written.Equals(network.BaseAddress);
        }

        if (IPAddress.TryParse(text, out IPAddress? host))
        {
            network = new IPNetwork(host, host.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        return false;
    }

    /// <summary>Whether <paramref name="address"/> is a trusted proxy; an IPv4-mapped IPv6 address compares as IPv4.</summary>
    public bool Contains(IPAddress? address)
    {
        if (address is null)
        {
            return false; // not an IP socket (a Unix socket, a test transport): nobody to trust
        }

        IPAddress? mapped = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : null;
        foreach (IPNetwork network in _networks)
        {
            if (network.Contains(address) || (mapped is not null && network.Contains(mapped)))
            {
                return true;
            }
        }

        return false;
    }
}
