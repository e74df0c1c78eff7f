using System.Net;

namespace KestrelUpper.Proxy;

/// <summary>
/// A parsed PROXY header. <see cref="Source"/> and <see cref="Destination"/> are null when the header carries no
/// usable address (v1 <c>UNKNOWN</c>, v2 <c>LOCAL</c>, UNSPEC, UDP or Unix): the real peer then stays the client.
/// </summary>
/// <param name="Version">1 (text) or 2 (binary).</param>
/// <param name="Length">Bytes the header occupies, signature and TLVs included.</param>
internal readonly record struct ProxyHeader(int Version, int Length, IPEndPoint? Source, IPEndPoint? Destination)
{
    public bool HasAddresses => Source is not null && Destination is not null;
}
