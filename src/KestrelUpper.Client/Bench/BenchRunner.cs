using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using KestrelUpper.Client.Cli;
using KestrelUpper.Client.Net;

namespace KestrelUpper.Client.Bench;

/// <summary>
/// Connects every connection first (so a missing server is one clear failure, not a table of errors), then
/// drives them all for the duration, drains the replies still owed for up to the timeout, and adds up.
/// </summary>
internal sealed class BenchRunner : IDisposable
{
    private readonly BenchSettings _settings;
    private readonly List<Socket> _sockets = [];
    private IBenchWorker[] _workers = [];
    private long _startedAt;

    public BenchRunner(BenchSettings settings) => _settings = settings;

    /// <summary>The address actually loaded, once connected.</summary>
    public IPEndPoint? EndPoint { get; private set; }

    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<IPEndPoint> endPoints = await _settings.Server.ResolveAsync(cancellationToken).ConfigureAwait(false);
        if (_settings.Protocol == BenchProtocol.Tcp)
        {
            Socket first = await TcpConnector.ConnectAsync(_settings.Server, endPoints, _settings.Timeout, cancellationToken).ConfigureAwait(false);
            _sockets.Add(first);
            EndPoint = (IPEndPoint)first.RemoteEndPoint!;
            IPEndPoint[] chosen = [EndPoint];
            while (_sockets.Count < _settings.Connections)
            {
                _sockets.Add(await TcpConnector.ConnectAsync(_settings.Server, chosen, _settings.Timeout, cancellationToken).ConfigureAwait(false));
            }
        }
        else
        {
            EndPoint = await UdpProbe.FindAsync(_settings.Server, endPoints, _settings.Timeout, cancellationToken).ConfigureAwait(false);
            while (_sockets.Count < _settings.Connections)
            {
                var socket = new Socket(EndPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                _sockets.Add(socket);
                socket.Connect(EndPoint);
            }
        }
    }

    /// <summary>Runs the load; <paramref name="cancellationToken"/> (Ctrl-C) ends it early and still reports.</summary>
    public async Task<BenchResult> RunAsync(CancellationToken cancellationToken)
    {
        if (_sockets.Count != _settings.Connections || EndPoint is null)
        {
            throw new InvalidOperationException("Connect first.");
        }

        BenchPayload payload = _settings.Payload ?? BenchPayload.Ascii(_settings.Size);
        double ratePerConnection = _settings.Rate / _settings.Connections;
        long start = Stopwatch.GetTimestamp();
        // Stagger paced connections across one interval so the total load is smooth, not bursts of N.
        long stagger = ratePerConnection > 0 ? (long)(Stopwatch.Frequency / ratePerConnection / _settings.Connections) : 0;
        IBenchWorker[] workers = new IBenchWorker[_sockets.Count];
        for (int i = 0; i < workers.Length; i++)
        {
            var pacer = new Pacer(ratePerConnection, start + (i * stagger));
            workers[i] = _settings.Protocol == BenchProtocol.Tcp
                ? new TcpBenchWorker(_sockets[i], payload, pacer, _settings.Pipeline)
                : new UdpBenchWorker(_sockets[i], payload, pacer, _settings.Pipeline, _settings.Timeout);
        }

        Volatile.Write(ref _workers, workers);
        Volatile.Write(ref _startedAt, start);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var abort = new CancellationTokenSource();
        stop.CancelAfter(_settings.Duration);
        await using CancellationTokenRegistration drainDeadline = stop.Token.Register(() => abort.CancelAfter(_settings.Timeout));
        await Task.WhenAll(workers.Select(w => Task.Run(() => w.RunAsync(stop.Token, abort.Token), CancellationToken.None))).ConfigureAwait(false);

        long lastReply = workers.Max(w => w.Stats.LastReply);
        long end = lastReply > 0 ? lastReply : Stopwatch.GetTimestamp();
        var latency = new LatencyHistogram();
        foreach (IBenchWorker worker in workers)
        {
            latency.Add(worker.Stats.Latency);
        }

        return new BenchResult(
            _settings,
            EndPoint.ToString(),
            Stopwatch.GetElapsedTime(start, end),
            workers.Sum(w => w.Stats.Messages),
            workers.Sum(w => w.Stats.Errors),
            workers.Sum(w => w.Stats.Mismatches),
            latency);
    }

    /// <summary>Totals so far, safe to call from another thread while <see cref="RunAsync"/> runs.</summary>
    public BenchSnapshot Snapshot()
    {
        IBenchWorker[] workers = Volatile.Read(ref _workers);
        long start = Volatile.Read(ref _startedAt);
        return new BenchSnapshot(
            start == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(start),
            workers.Sum(w => w.Stats.Messages),
            workers.Sum(w => w.Stats.Errors),
            workers.Sum(w => w.Stats.Mismatches));
    }

    public void Dispose()
    {
        foreach (IBenchWorker worker in _workers)
        {
            worker.Dispose();
        }

        foreach (Socket socket in _sockets)
        {
            socket.Dispose();
        }
    }
}
