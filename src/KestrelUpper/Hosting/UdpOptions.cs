namespace KestrelUpper.Hosting;

/// <summary><c>Upper:Udp</c>: the UDP uppercase service.</summary>
internal sealed class UdpOptions
{
    /// <summary>The largest UDP payload over IPv4 (65535 - 20 IP header - 8 UDP header).</summary>
    public const int MaxDatagramPayload = 65_507;

    /// <summary>Port of the UDP socket; 0 picks an ephemeral port. Defaults to 12000.</summary>
    public int Port { get; set; } = 12000;

    /// <summary>Replies larger than this are not sent (counted). Defaults to 65507, the IPv4 limit.</summary>
    public int MaxReplyBytes { get; set; } = MaxDatagramPayload;

    /// <summary>Datagrams per second answered per source IP (token bucket refill rate); 0 disables the limit. Defaults to 1000.</summary>
    public int RatePerSource { get; set; } = 1000;

    /// <summary>Token bucket size per source IP. Defaults to 1000.</summary>
    public int BurstPerSource { get; set; } = 1000;

    /// <summary>Source IPs tracked by the rate limiter at most; the least recently seen are evicted. Defaults to 65536.</summary>
    public int MaxTrackedSources { get; set; } = 65_536;

    /// <summary>
    /// Datagrams from these source ports are never answered: a spoofed source aimed at another UDP service
    /// (echo, chargen, DNS, NTP, SSDP, memcached, ...) would turn the service into a reflector.
    /// </summary>
    /// <remarks>Null means <see cref="DefaultBlockedSourcePorts"/>; an array default would be appended to, not replaced, by binding.</remarks>
    public int[]? BlockedSourcePorts { get; set; }

    /// <summary>The well-known UDP services a reflected reply could be aimed at.</summary>
    public static IReadOnlyList<int> DefaultBlockedSourcePorts { get; } = [0, 7, 17, 19, 53, 111, 123, 137, 161, 389, 1900, 5353, 11211];

    /// <summary>The ports in force: the configured list, or the defaults when none is configured.</summary>
    public IReadOnlyList<int> EffectiveBlockedSourcePorts => BlockedSourcePorts ?? DefaultBlockedSourcePorts;

    /// <summary>Which receive loop serves the port; see <see cref="Hosting.UdpLoop"/>. Defaults to Batch.</summary>
    public UdpLoop Loop { get; set; } = UdpLoop.Batch;

    /// <summary>The most <see cref="BatchSize"/> may be: 1024 datagrams is UIO_MAXIOV, the kernel's cap per recvmmsg/sendmmsg call.</summary>
    public const int MaxBatchSize = 1024;

    /// <summary>
    /// Datagrams received (recvmmsg) and answered (sendmmsg) per system call by the batch loop. Defaults to 64. The
    /// loop holds 64 KiB of receive buffer per batch entry (4 MiB at 64).
    /// </summary>
    public int BatchSize { get; set; } = 64;
}
