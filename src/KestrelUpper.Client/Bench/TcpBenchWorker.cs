using System.Collections.Concurrent;
using System.Net.Sockets;

namespace KestrelUpper.Client.Bench;

/// <summary>
/// One TCP connection keeping up to <c>--pipeline</c> requests in flight. The reply stream has no framing, but every
/// reply has the payload's known length (the request's for lowercase ASCII), so reply k is exactly the next that
/// many bytes and is compared byte for byte with what it must be.
/// </summary>
internal sealed class TcpBenchWorker : IBenchWorker
{
    private readonly Socket _socket;
    private readonly BenchPayload _payload;
    private readonly Pacer _pacer;
    private readonly SemaphoreSlim _slots;
    private readonly ConcurrentQueue<long> _clockStarts = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _sent;
    private long _received;
    private int _senderDone;

    public TcpBenchWorker(Socket socket, BenchPayload payload, Pacer pacer, int pipeline)
    {
        _socket = socket;
        _payload = payload;
        _pacer = pacer;
        _slots = new SemaphoreSlim(pipeline, pipeline);
    }

    public WorkerStats Stats { get; } = new();

    public async Task RunAsync(CancellationToken stopSending, CancellationToken abort)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(stopSending);
        Task receive = ReceiveAsync(stop, abort);
        try
        {
            await SendAsync(stop.Token, abort).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The run is over (or the receiver gave up): stop sending.
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            Stats.Error();
        }

        Interlocked.Exchange(ref _senderDone, 1);
        if (Interlocked.Read(ref _received) >= Interlocked.Read(ref _sent))
        {
            _drained.TrySetResult();
        }

        try
        {
            await Task.WhenAny(_drained.Task, receive).WaitAsync(abort).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Drain deadline: what is still owed is counted below.
        }

        long owed = Interlocked.Read(ref _sent) - Interlocked.Read(ref _received);
        if (owed > 0)
        {
            Stats.Error(owed);
        }

        _socket.Dispose();
        await receive.ConfigureAwait(false);
    }

    public void Dispose()
    {
        _socket.Dispose();
        _slots.Dispose();
    }

    private async Task SendAsync(CancellationToken stop, CancellationToken abort)
    {
        for (long message = 0; ; message++)
        {
            long due = await _pacer.NextAsync(stop).ConfigureAwait(false);
            await _slots.WaitAsync(stop).ConfigureAwait(false);
            _clockStarts.Enqueue(_pacer.ClockStart(due));
            // A message is never cut short by the end of the run (that would corrupt the stream): only abort stops it.
            ReadOnlyMemory<byte> request = _payload.Request(message);
            while (!request.IsEmpty)
            {
                int sent = await _socket.SendAsync(request, SocketFlags.None, abort).ConfigureAwait(false);
                request = request[sent..];
            }

            Interlocked.Increment(ref _sent);
        }
    }

    /// <summary>Verifies replies as bytes arrive; ends at the server's close, a failure, or the drain deadline.</summary>
    private async Task ReceiveAsync(CancellationTokenSource stopSending, CancellationToken abort)
    {
        byte[] buffer = new byte[64 * 1024];
        long message = 0;
        int offset = 0;
        bool matches = true;
        try
        {
            while (true)
            {
                int count = await _socket.ReceiveAsync(buffer, SocketFlags.None, abort).ConfigureAwait(false);
                if (count == 0)
                {
                    if (Volatile.Read(ref _senderDone) == 0 || offset > 0)
                    {
                        Stats.Error();
                    }

                    break;
                }

                ReadOnlySpan<byte> data = buffer.AsSpan(0, count);
                while (!data.IsEmpty)
                {
                    ReadOnlySpan<byte> expected = _payload.Reply(message)[offset..];
                    int take = Math.Min(expected.Length, data.Length);
                    matches &= data[..take].SequenceEqual(expected[..take]);
                    data = data[take..];
                    offset += take;
                    if (offset < _payload.ReplySize)
                    {
                        continue;
                    }

                    if (!_clockStarts.TryDequeue(out long clockStart))
                    {
                        // More bytes than were asked for: the stream can no longer be trusted.
                        Stats.Mismatch();
                        return;
                    }

                    Stats.Reply(clockStart, matches);
                    message++;
                    offset = 0;
                    matches = true;
                    Interlocked.Increment(ref _received);
                    _slots.Release();
                    if (Volatile.Read(ref _senderDone) == 1 && Interlocked.Read(ref _received) >= Interlocked.Read(ref _sent))
                    {
                        _drained.TrySetResult();
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Drain deadline.
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            if (!abort.IsCancellationRequested && !_drained.Task.IsCompleted)
            {
                Stats.Error();
            }
        }
        finally
        {
            // Nothing more will be answered: let the sender stop instead of waiting for slots.
            await stopSending.CancelAsync().ConfigureAwait(false);
        }
    }
}
