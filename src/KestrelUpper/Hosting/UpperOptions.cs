using KestrelUpper.Text;

namespace KestrelUpper.Hosting;

/// <summary>The service's settings: the <c>Upper</c> section of configuration (env form <c>Upper__Tcp__Port</c>).</summary>
internal sealed class UpperOptions
{
    public const string SectionName = "Upper";

    /// <summary>Address of every listener. Defaults to <c>::</c> (dual-stack any; IPv4-only hosts fall back to 0.0.0.0).</summary>
    public string Address { get; set; } = "::";

    /// <summary>Which upper-casing to apply. Defaults to <see cref="CasingMode.Unicode"/> (Python 3 <c>str.upper()</c>).</summary>
    public CasingMode Casing { get; set; } = CasingMode.Unicode;

    public TcpOptions Tcp { get; set; } = new();

    public UdpOptions Udp { get; set; } = new();

    public HttpOptions Http { get; set; } = new();

    public TlsOptions Tls { get; set; } = new();

    public ShutdownOptions Shutdown { get; set; } = new();

    public SocketsOptions Sockets { get; set; } = new();

    public LogOptions Log { get; set; } = new();
}
