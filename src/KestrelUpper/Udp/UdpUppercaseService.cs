using System.Net;
using System.Net.Sockets;
using KestrelUpper.Health;
using KestrelUpper.Hosting;
using KestrelUpper.Telemetry;
using Microsoft.Extensions.Options;

namespace KestrelUpper.Udp;

/// <summary>
/// The UDP port: one datagram in, the whole datagram uppercased back to its sender. The socket is bound in
/// <see cref="StartAsync"/> so a port conflict fails start-up; the receive loops run until the host stops,
/// then answer the datagram in hand and end.
/// </summary>
internal sealed class UdpUppercaseService(
    UdpDatagramProcessor processor,
    UpperCounters counters,
    ListenerEndpoints endpoints,
    ReadinessState readiness,
    TimeProvider time,
    IOptions<UpperOptions> options,
    ILogger<UdpUppercaseService> logger) : BackgroundService
{
    private static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(10);
    private Socket? _socket;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        UpperOptions o = options.Value;
        _socket = UdpSocketFactory.Bind(IPAddress.Parse(o.Address), o.Udp.Port);
        endpoints.Udp = (IPEndPoint)_socket.LocalEndPoint!;
        processor.BlockSourcePort(endpoints.Udp.Port);
        readiness.UdpListening();
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await base.StopAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _socket?.Dispose();
            UdpLog.Stopped(logger, counters.UdpDatagramsReceived, counters.UdpDatagramsSent);
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Socket socket = _socket ?? throw new InvalidOperationException("The UDP socket is bound in StartAsync.");
        UdpOptions udp = options.Value.Udp;
        var handler = new UdpDatagramHandler(processor, counters, new LogThrottle(time, LogInterval), logger);
        bool batch = UsesBatchLoop(udp);
        UdpLog.LoopsStarted(logger, udp.ReceiveLoops, batch ? "recvmmsg/sendmmsg batch" : "portable", batch ? udp.BatchSize : 1);
        var loops = new Task[udp.ReceiveLoops];
        for (int i = 0; i < loops.Length; i++)
        {
            if (batch)
            {
                loops[i] = RunBatchLoopAsync(socket, handler, udp.BatchSize, $"upper-udp-{i}", stoppingToken);
            }
            else
            {
                var loop = new UdpReceiveLoop(socket, handler);
                loops[i] = Task.Run(() => loop.RunAsync(stoppingToken), CancellationToken.None);
            }
        }

        return Task.WhenAll(loops);
    }

    /// <summary>The Linux batch loop where its system calls exist and batching was asked for; else the portable loop.</summary>
    internal static bool UsesBatchLoop(UdpOptions udp) => Interop.Libc.IsSupported && udp.BatchSize > 1;

    private static async Task RunBatchLoopAsync(Socket socket, UdpDatagramHandler handler, int batchSize, string threadName, CancellationToken stoppingToken)
    {
        // Disposed (buffers freed) only once its thread has ended; StopAsync disposes the socket after that.
        using var loop = new UdpBatchLoop(socket, handler, batchSize, threadName);
        await loop.RunAsync(stoppingToken).ConfigureAwait(false);
    }
}
