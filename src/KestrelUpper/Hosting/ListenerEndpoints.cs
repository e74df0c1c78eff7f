using System.Net;

namespace KestrelUpper.Hosting;

/// <summary>The endpoints actually bound (with the real port when 0 was asked), once start-up has bound them.</summary>
internal sealed class ListenerEndpoints
{
    public IPEndPoint? Tcp { get; set; }

    public IPEndPoint? Udp { get; set; }

    public IPEndPoint? Http { get; set; }

    /// <summary>The TLS endpoint, or null when TLS is off.</summary>
    public IPEndPoint? Tls { get; set; }
}
