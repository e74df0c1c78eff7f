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
    TransportPlan plan,
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

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Socket socket = _socket ?? throw new InvalidOperationException("The UDP socket is bound in StartAsync.");
        UdpOptions udp = options.Value.Udp;
        var handler = new UdpDatagramHandler(processor, counters, new LogThrottle(time, LogInterval), logger);
        UdpLog.LoopsStarted(logger, plan.DescribeUdp(udp.BatchSize));
        if (plan.Udp == UdpLoop.Batch)
        {
            // Disposed (buffers freed) only once its thread has ended; StopAsync disposes the socket after that.
            using var loop = new UdpBatchLoop(socket, handler, udp.BatchSize, "upper-udp-0");
            await loop.RunAsync(stoppingToken).ConfigureAwait(false);
        }
        else
        {
            await Task.Run(() => new UdpReceiveLoop(socket, handler).RunAsync(stoppingToken), CancellationToken.None).ConfigureAwait(false);
        }
    }
}
