using System.Diagnostics;
using System.Net.Sockets;

namespace KestrelUpper.Client.Bench;

/// <summary>
/// One connected UDP socket keeping up to <c>--pipeline</c> datagrams in flight. Each carries its sequence number
/// (<see cref="UdpTag"/>), so replies are matched in any order; a datagram unanswered after <c>--timeout</c> is
/// an error and frees its slot, and a reply that turns up later is ignored.
/// </summary>
internal sealed class UdpBenchWorker : IBenchWorker
{
    private const long Free = -1;

    private readonly Socket _socket;
    private readonly BenchPayload _payload;
    private readonly Pacer _pacer;
    private readonly long _timeoutTicks;
    private readonly SemaphoreSlim _slots;
    private readonly Lock _lock = new();
    private readonly long[] _sequences;
    private readonly long[] _clockStarts;
    private readonly long[] _sentAt;
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _inFlight;
    private int _senderDone;

    public UdpBenchWorker(Socket socket, BenchPayload payload, Pacer pacer, int pipeline, TimeSpan timeout)
    {
        _socket = socket;
        _payload = payload;
        _pacer = pacer;
        _timeoutTicks = (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        _slots = new SemaphoreSlim(pipeline, pipeline);
        _sequences = new long[pipeline];
        _clockStarts = new long[pipeline];
        _sentAt = new long[pipeline];
        Array.Fill(_sequences, Free);
    }

    public WorkerStats Stats { get; } = new();

    public async Task RunAsync(CancellationToken stopSending, CancellationToken abort)
    {
        using var finished = CancellationTokenSource.CreateLinkedTokenSource(abort);
        Task receive = ReceiveAsync(finished.Token);
        Task expire = ExpireAsync(finished.Token);
        try
        {
            await SendAsync(stopSending, abort).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            Stats.Error();
        }

        Interlocked.Exchange(ref _senderDone, 1);
        CheckDrained();
        try
        {
            await _drained.Task.WaitAsync(abort).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Drain deadline: what is still owed is counted below.
        }

        await finished.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(receive, expire).ConfigureAwait(false);
        lock (_lock)
        {
            Stats.Error(_inFlight);
        }
    }

    public void Dispose()
    {
        _socket.Dispose();
        _slots.Dispose();
    }

    private async Task SendAsync(CancellationToken stop, CancellationToken abort)
    {
        byte[] datagram = new byte[_payload.Size];
        for (long sequence = 0; ; sequence++)
        {
            long due = await _pacer.NextAsync(stop).ConfigureAwait(false);
            await _slots.WaitAsync(stop).ConfigureAwait(false);
            _payload.Request(sequence).Span.CopyTo(datagram);
            UdpTag.Write(sequence, datagram);
            lock (_lock)
            {
                int slot = Array.IndexOf(_sequences, Free);
                _sequences[slot] = sequence % UdpTag.Modulus;
                _clockStarts[slot] = _pacer.ClockStart(due);
                _sentAt[slot] = Stopwatch.GetTimestamp();
                _inFlight++;
            }

            try
            {
                await _socket.SendAsync(datagram, SocketFlags.None, abort).ConfigureAwait(false);
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
            {
                // An ICMP error left by an earlier datagram: this one may not have gone out; it expires if so.
            }
        }
    }

    private async Task ReceiveAsync(CancellationToken finished)
    {
        byte[] buffer = new byte[64 * 1024];
        while (true)
        {
            int count;
            try
            {
                count = await _socket.ReceiveAsync(buffer, SocketFlags.None, finished).ConfigureAwait(false);
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
            {
                // Port unreachable: the datagram it answers will expire and count as an error.
                continue;
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            Accept(buffer.AsSpan(0, count));
        }
    }

    private void Accept(ReadOnlySpan<byte> reply)
    {
        if (!UdpTag.TryReadReply(reply, out long sequence))
        {
            Stats.Mismatch();
            return;
        }

        long clockStart;
        lock (_lock)
        {
            int slot = Array.IndexOf(_sequences, sequence);
            if (slot < 0)
            {
                // Late (already counted as lost) or duplicated.
                return;
            }

            _sequences[slot] = Free;
            clockStart = _clockStarts[slot];
            _inFlight--;
        }

        ReadOnlySpan<byte> expected = _payload.Reply(sequence);
        bool matches = reply.Length == expected.Length && reply[UdpTag.Length..].SequenceEqual(expected[UdpTag.Length..]);
        Stats.Reply(clockStart, matches);
        _slots.Release();
        CheckDrained();
    }

    /// <summary>Gives up on datagrams unanswered for longer than the timeout, freeing their slots.</summary>
    private async Task ExpireAsync(CancellationToken finished)
    {
        TimeSpan period = TimeSpan.FromSeconds(Math.Clamp((double)_timeoutTicks / Stopwatch.Frequency / 4, 0.01, 0.1));
        while (!finished.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(period, finished).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            int expired = 0;
            long now = Stopwatch.GetTimestamp();
            lock (_lock)
            {
                for (int slot = 0; slot < _sequences.Length; slot++)
                {
                    if (_sequences[slot] != Free && now - _sentAt[slot] > _timeoutTicks)
                    {
                        _sequences[slot] = Free;
                        _inFlight--;
                        expired++;
                    }
                }
            }

            if (expired > 0)
            {
                Stats.Error(expired);
                _slots.Release(expired);
                CheckDrained();
            }
        }
    }

    private void CheckDrained()
    {
        if (Volatile.Read(ref _senderDone) == 0)
        {
            return;
        }

        lock (_lock)
        {
            if (_inFlight == 0)
            {
                _drained.TrySetResult();
            }
        }
    }
}
