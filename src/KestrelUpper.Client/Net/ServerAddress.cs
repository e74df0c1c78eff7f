using System.Net;
using System.Net.Sockets;
using KestrelUpper.Client.Cli;

namespace KestrelUpper.Client.Net;

/// <summary>A `--host`/`--port` pair: an IP literal (v4, v6, bracketed v6) or a name to resolve.</summary>
internal sealed record ServerAddress(string Host, int Port)
{
    /// <summary>For messages: `host:port`, with IPv6 literals bracketed.</summary>
    public override string ToString() => Host.Contains(':', StringComparison.Ordinal) && !Host.StartsWith('[') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    /// <summary>
    /// Every address the host stands for, in resolver order; a name that does not resolve is a
    /// <see cref="ClientFailureException"/>.
    /// </summary>
    public async Task<IReadOnlyList<IPEndPoint>> ResolveAsync(CancellationToken cancellationToken)
    {
        string host = Host.StartsWith('[') && Host.EndsWith(']') ? Host[1..^1] : Host;
        if (IPAddress.TryParse(host, out IPAddress? literal))
        {
            return [new IPEndPoint(literal, Port)];
        }

        IPAddress[] addresses;
        try
        {
            addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            throw new ClientFailureException($"cannot resolve host '{Host}': {ex.Message}", ex);
        }
        catch (ArgumentException ex)
        {
            throw new ClientFailureException($"invalid host '{Host}'", ex);
        }

        if (addresses.Length == 0)
        {
            throw new ClientFailureException($"cannot resolve host '{Host}': no addresses");
        }

        return [.. addresses.Select(a => new IPEndPoint(a, Port))];
    }
}
