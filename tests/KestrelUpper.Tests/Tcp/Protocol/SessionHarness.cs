using System.Buffers;
using System.Net;
using KestrelUpper.Hosting;
using KestrelUpper.Proxy;
using KestrelUpper.Tcp;
using KestrelUpper.Tcp.Protocol;
using KestrelUpper.Telemetry;
using KestrelUpper.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace KestrelUpper.Tests.Tcp.Protocol;

/// <summary>
/// One session in memory, Bedrock style: bytes in, bytes out, timestamps made up by the test. Time is in seconds of
/// a clock with a frequency of 1000 ticks per second, so deadlines are easy to read.
/// </summary>
internal sealed class SessionHarness : ISessionHost
{
    public const long Frequency = 1000;
    public static readonly IPEndPoint Peer = IPEndPoint.Parse("127.0.0.1:40000");

    private SessionHarness(UpperOptions options, ProxyProtocolMode mode, EndPoint peer, long now)
    {
        Options = options;
        Limiter = new TcpConnectionLimiter(Microsoft.Extensions.Options.Options.Create(options));
        var settings = new SessionSettings(mode, new TrustedProxyNetworks(options.Tcp.TrustedProxies), options.Tcp, Frequency);
        Session = new UppercaseSession(settings, new Uppercaser(options.Casing), Counters, Limiter, NullLogger.Instance, "TEST", peer, this, now);
    }

    public UpperOptions Options { get; }

    public UppercaseSession Session { get; }

    public UpperCounters Counters { get; } = new();

    public TcpConnectionLimiter Limiter { get; }

    /// <summary>The replies written so far (across calls) and not yet taken with <see cref="TakeOutput"/>.</summary>
    public ArrayBufferWriter<byte> Output { get; } = new();

    public List<(IPEndPoint Client, IPEndPoint Destination)> Identified { get; } = [];

    public int DeadlineChanges { get; private set; }

    /// <summary>A session with PROXY off (or <paramref name="mode"/>, trusting 127.0.0.1) on the default options.</summary>
    public static SessionHarness Create(ProxyProtocolMode mode = ProxyProtocolMode.Off, Action<UpperOptions>? configure = null, EndPoint? peer = null, long now = 0)
    {
        var options = new UpperOptions();
        options.Tcp.TrustedProxies = ["127.0.0.1/32"];
        options.Tcp.ProxyProtocol = mode;
        configure?.Invoke(options);
        return new SessionHarness(options, mode, peer ?? Peer, now);
    }

    /// <summary>A session on the system clock for a driver test: PROXY off, default limits, its own counters.</summary>
    public static UppercaseSession ForDriver(EndPoint? peer, string connectionId)
    {
        var options = new UpperOptions();
        var settings = new SessionSettings(ProxyProtocolMode.Off, new TrustedProxyNetworks(null), options.Tcp, TimeProvider.System.TimestampFrequency);
        var limiter = new TcpConnectionLimiter(Microsoft.Extensions.Options.Options.Create(options));
        return new UppercaseSession(settings, new Uppercaser(CasingMode.Unicode), new UpperCounters(), limiter, NullLogger.Instance, connectionId, peer, host: null, TimeProvider.System.GetTimestamp());
    }

    public static long Seconds(double seconds) => (long)(seconds * Frequency);

    public SessionAction Receive(byte[] bytes, long now = 0) => Session.OnReceived(new ReadOnlySequence<byte>(bytes), Output, now);

    public SessionAction Receive(string text, long now = 0) => Receive(System.Text.Encoding.UTF8.GetBytes(text), now);

    public SessionAction End(long now = 0) => Session.OnInputEnded(Output, now);

    public SessionAction Command(SessionCommands commands, long now = 0) => Session.OnCommand(commands, Output, now);

    public byte[] TakeOutput()
    {
        byte[] written = Output.WrittenSpan.ToArray();
        Output.Clear();
        return written;
    }

    public string TakeText() => System.Text.Encoding.UTF8.GetString(TakeOutput());

    public void ClientIdentified(IPEndPoint client, IPEndPoint destination) => Identified.Add((client, destination));

    public void DeadlineChanged() => DeadlineChanges++;
}
