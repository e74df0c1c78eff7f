using System.Runtime.InteropServices;

namespace KestrelUpper.Hosting;

/// <summary>
/// What carries each port's bytes, decided once at start from the options and the platform: the one place that
/// knows it. The configured choice is kept where this machine supports it; a fallback says why.
/// </summary>
internal sealed class TransportPlan
{
    private TransportPlan(TcpTransport tcp, string? tcpFallback, UdpLoop udp, string? udpFallback)
    {
        Tcp = tcp;
        TcpFallback = tcpFallback;
        Udp = udp;
        UdpFallback = udpFallback;
    }

    /// <summary>What carries the plain TCP port. (The TLS and HTTP ports always use Kestrel's transport.)</summary>
    public TcpTransport Tcp { get; }

    /// <summary>Why the configured TCP transport is not used here, or null when it is.</summary>
    public string? TcpFallback { get; }

    /// <summary>The UDP port's receive loop.</summary>
    public UdpLoop Udp { get; }

    /// <summary>Why the configured UDP loop is not used here, or null when it is.</summary>
    public string? UdpFallback { get; }

    /// <summary>Whether this process can run the Linux socket loops (<c>Interop/</c>): Linux on x64 or arm64.</summary>
    public static bool LinuxLoopsSupported => Interop.Libc.IsSupported;

    public static TransportPlan Decide(UpperOptions options) => Decide(options, LinuxLoopsSupported);

    /// <summary>The plan on a machine that does (or does not) run the Linux socket loops; for tests of the fallback.</summary>
    public static TransportPlan Decide(UpperOptions options, bool linuxLoopsSupported)
    {
        string platform = $"{RuntimeInformation.OSDescription} {RuntimeInformation.ProcessArchitecture}";
        TcpTransport tcp = options.Sockets.Transport;
        string? tcpFallback = null;
        if (tcp == TcpTransport.Epoll && !linuxLoopsSupported)
        {
            tcp = TcpTransport.Kestrel;
            tcpFallback = $"the epoll transport needs Linux on x64 or arm64, and this is {platform}";
        }

        UdpLoop udp = options.Udp.Loop;
        string? udpFallback = null;
        if (udp == UdpLoop.Batch && !linuxLoopsSupported)
        {
            udp = UdpLoop.Portable;
            udpFallback = $"the batch loop (recvmmsg/sendmmsg) needs Linux on x64 or arm64, and this is {platform}";
        }

        return new TransportPlan(tcp, tcpFallback, udp, udpFallback);
    }

    /// <summary>How the start-up line names the TCP port's transport.</summary>
    public string DescribeTcp(int eventLoops) => Tcp == TcpTransport.Epoll ? $"epoll, {eventLoops} event loops" : "Kestrel sockets";

    /// <summary>How the start-up line names the UDP loop.</summary>
    public string DescribeUdp(int batchSize) => Udp == UdpLoop.Batch ? $"recvmmsg/sendmmsg batch of {batchSize}" : "portable loop";
}
