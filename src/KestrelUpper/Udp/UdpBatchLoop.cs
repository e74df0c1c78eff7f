using System.Net.Sockets;
using System.Runtime.InteropServices;
using KestrelUpper.Interop;

namespace KestrelUpper.Udp;

/// <summary>
/// The Linux receive loop: a dedicated thread waits in poll on the socket and a stop eventfd, takes up to
/// <c>Upper:Udp:BatchSize</c> datagrams with one recvmmsg, builds every reply through the same
/// <see cref="UdpDatagramHandler"/> as the portable loop, and sends them with one sendmmsg. Every buffer is
/// native memory allocated once here and freed in <see cref="Dispose"/>: the steady state allocates nothing.
/// </summary>
internal sealed unsafe class UdpBatchLoop : IDisposable
{
    // Larger than any UDP payload (65507 over IPv4, 65527 over IPv6), so MSG_TRUNC cannot happen.
    private const int RequestSlotLength = 64 * 1024;

    // sizeof(struct sockaddr_storage): room for any address the kernel reports.
    private const int AddressSlotLength = 128;

    // Replies share one arena instead of a ReplyBufferLength slot each (another 64 x 64 KiB per loop): a reply is
    // built where the previous one ended, and only when less than one maximal reply is left are the replies so far
    // sent early. Past one maximal reply the arena keeps this much, so a batch of 64 replies of up to 4 KiB each
    // goes out in one sendmmsg; only batches of large replies (where copying dominates anyway) take more.
    private const int ReplyArenaSlack = 256 * 1024;

    private const int ErrorBackoffMilliseconds = 10;

    // How long a reply waits for room in a full non-blocking send buffer before it counts as send_failed.
    private const int SendWaitMilliseconds = 100;

    private readonly Socket _socket;
    private readonly UdpDatagramHandler _handler;
    private readonly int _batchSize;
    private readonly string _threadName;
    private readonly AddressFamily _family;
    private readonly int _replySlotLength;
    private readonly int _replyArenaLength;
    private readonly EventFd _stop = new();

    private byte* _requests;
    private byte* _addresses;
    private byte* _replyArena;
    private Libc.IoVec* _receiveVectors;
    private Libc.MMsgHdr* _receiveMessages;
    private Libc.IoVec* _replyVectors;
    private Libc.MMsgHdr* _replyMessages;
    private volatile bool _stopping;
    private int _fd = -1;

    public UdpBatchLoop(Socket socket, UdpDatagramHandler handler, int batchSize, string threadName)
    {
        _socket = socket;
        _handler = handler;
        _batchSize = batchSize;
        _threadName = threadName;
        _family = socket.AddressFamily;
        _replySlotLength = handler.ReplyBufferLength;
        _replyArenaLength = (int)Math.Min((long)batchSize * _replySlotLength, (long)_replySlotLength + ReplyArenaSlack);
        try
        {
            _requests = (byte*)NativeMemory.Alloc((nuint)batchSize * RequestSlotLength);
            _addresses = (byte*)NativeMemory.AllocZeroed((nuint)batchSize * AddressSlotLength);
            _replyArena = (byte*)NativeMemory.Alloc((nuint)_replyArenaLength);
            _receiveVectors = (Libc.IoVec*)NativeMemory.AllocZeroed((nuint)batchSize, (nuint)sizeof(Libc.IoVec));
            _receiveMessages = (Libc.MMsgHdr*)NativeMemory.AllocZeroed((nuint)batchSize, (nuint)sizeof(Libc.MMsgHdr));
            _replyVectors = (Libc.IoVec*)NativeMemory.AllocZeroed((nuint)batchSize, (nuint)sizeof(Libc.IoVec));
            _replyMessages = (Libc.MMsgHdr*)NativeMemory.AllocZeroed((nuint)batchSize, (nuint)sizeof(Libc.MMsgHdr));
        }
        catch
        {
            Dispose();
            throw;
        }

        // The receive side never changes but for msg_namelen, which the kernel overwrites and Answer resets.
        for (int i = 0; i < batchSize; i++)
        {
            _receiveVectors[i] = new Libc.IoVec { Base = _requests + ((nint)i * RequestSlotLength), Length = RequestSlotLength };
            _receiveMessages[i].Header = new Libc.MsgHdr
            {
                Name = AddressOf(i),
                NameLength = AddressSlotLength,
                Iov = &_receiveVectors[i],
                IovLength = 1,
            };
        }
    }

    /// <summary>
    /// Runs the loop on its own thread until <paramref name="stoppingToken"/> fires; completes when the thread has
    /// ended. The socket's handle is referenced for the thread's whole life, so its fd cannot be closed (and the
    /// number reused) under the loop even if the socket is disposed first.
    /// </summary>
    public Task RunAsync(CancellationToken stoppingToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        SafeHandle handle = _socket.SafeHandle;
        bool referenced = false;
        handle.DangerousAddRef(ref referenced);
        CancellationTokenRegistration stopping = default;
        try
        {
            _fd = (int)handle.DangerousGetHandle();

            // Registered before the thread starts: a token already cancelled sets the stop flag right here.
            stopping = stoppingToken.UnsafeRegister(static loop => ((UdpBatchLoop)loop!).Stop(), this);
            new Thread(() => ThreadMain(handle, stopping, done)) { IsBackground = true, Name = _threadName }.Start();
        }
        catch
        {
            stopping.Dispose();
            handle.DangerousRelease();
            throw;
        }

        return done.Task;
    }

    /// <summary>Frees the buffers; only once <see cref="RunAsync"/> has completed (the thread uses them until then).</summary>
    public void Dispose()
    {
        _stop.Dispose();
        Free(ref _requests);
        Free(ref _addresses);
        Free(ref _replyArena);
        Free(ref _receiveVectors);
        Free(ref _receiveMessages);
        Free(ref _replyVectors);
        Free(ref _replyMessages);
    }

    private static void Free<T>(ref T* memory)
        where T : unmanaged
    {
        NativeMemory.Free(memory);
        memory = null;
    }

    private void Stop()
    {
        _stopping = true;
        _stop.Signal(); // stays signalled: every later poll returns at once, so the thread cannot sleep through it
    }

    private void ThreadMain(SafeHandle handle, CancellationTokenRegistration stopping, TaskCompletionSource done)
    {
        try
        {
            while (!_stopping)
            {
                try
                {
                    Serve();
                }
                catch (Exception ex)
                {
                    // Never a silent death: log (throttled), breathe, serve again.
                    _handler.LoopError(ex);
                    Backoff();
                }
            }
        }
        finally
        {
            stopping.Dispose();
            handle.DangerousRelease();
            done.SetResult();
        }
    }

    private void Serve()
    {
        // A batch that came back short emptied the queue: poll before the next recvmmsg rather than pay for an
        // EAGAIN first (poll is level-triggered, so a datagram that arrived meanwhile returns at once).
        bool waitFirst = false;
        while (!_stopping)
        {
            if (waitFirst)
            {
                WaitForDatagrams();
            }

            int received = Libc.ReceiveMessages(_fd, _receiveMessages, (uint)_batchSize, Libc.MSG_DONTWAIT, null);
            if (received > 0)
            {
                // The batch in hand is answered even when stopping has begun: nothing read is left unanswered.
                Answer(received);
                waitFirst = received < _batchSize;
                continue;
            }

            int errno = Libc.LastError;
            waitFirst = errno == Libc.EAGAIN;
            if (errno is Libc.EAGAIN or Libc.EINTR or Libc.ECONNREFUSED)
            {
                // Nothing queued, interrupted, or an ICMP port-unreachable for an earlier reply: not this loop's problem.
                continue;
            }

            // Anything else (ENOBUFS, ENOMEM, ...) is transient for a datagram socket: log, breathe, keep serving.
            _handler.SystemCallFailed("recvmmsg", errno);
            Backoff();
        }
    }

    private void WaitForDatagrams()
    {
        Libc.PollFd* fds = stackalloc Libc.PollFd[2];
        fds[0] = new Libc.PollFd { Fd = _fd, Events = Libc.POLLIN };
        fds[1] = new Libc.PollFd { Fd = _stop.Fd, Events = Libc.POLLIN };
        if (Libc.Poll(fds, 2, Libc.PollForever) < 0)
        {
            int errno = Libc.LastError;
            if (errno != Libc.EINTR)
            {
                _handler.SystemCallFailed("poll", errno);
                Backoff();
            }
        }
    }

    private void Answer(int received)
    {
        int pending = 0;
        int arenaUsed = 0;
        for (int i = 0; i < received; i++)
        {
            ref Libc.MMsgHdr message = ref _receiveMessages[i];
            int length = (int)message.Length;
            uint addressLength = message.Header.NameLength;
            message.Header.NameLength = AddressSlotLength; // the kernel wrote the source's length: room again for the next recvmmsg
            var source = SourceKey.From(new ReadOnlySpan<byte>(AddressOf(i), AddressSlotLength), _family);
            if ((message.Header.Flags & Libc.MSG_TRUNC) != 0)
            {
                _handler.Truncated(length, source);
                continue;
            }

            if (_replyArenaLength - arenaUsed < _replySlotLength)
            {
                Send(pending);
                pending = 0;
                arenaUsed = 0;
            }

            byte* reply = _replyArena + arenaUsed;
            var request = new ReadOnlySpan<byte>(_requests + ((nint)i * RequestSlotLength), length);
            if (!_handler.TryBuildReply(request, source, new Span<byte>(reply, _replySlotLength), out int replyLength))
            {
                continue;
            }

            // The reply goes to the source address the kernel wrote for this datagram: no copy.
            _replyVectors[pending] = new Libc.IoVec { Base = reply, Length = (nuint)replyLength };
            _replyMessages[pending].Header = new Libc.MsgHdr
            {
                Name = AddressOf(i),
                NameLength = addressLength,
                Iov = &_replyVectors[pending],
                IovLength = 1,
            };
            pending++;
            arenaUsed += replyLength;
        }

        Send(pending);
    }

    /// <summary>Sends the first <paramref name="count"/> replies; a reply the kernel refuses counts as send_failed and the rest go on.</summary>
    private void Send(int count)
    {
        int sent = 0;
        while (sent < count)
        {
            int result = Libc.SendMessages(_fd, _replyMessages + sent, (uint)(count - sent), 0);
            if (result > 0)
            {
                for (int i = sent; i < sent + result; i++)
                {
                    _handler.Sent((int)_replyVectors[i].Length);
                }

                sent += result;
                continue;
            }

            int errno = Libc.LastError;
            if (errno == Libc.EINTR || (errno == Libc.EAGAIN && WaitUntilWritable()))
            {
                continue;
            }

            // sendmmsg reports the error of the first message it could not send: that one is lost, the next go on.
            _handler.SendFailed(SourceKey.From(new ReadOnlySpan<byte>(_replyMessages[sent].Header.Name, AddressSlotLength), _family), errno);
            sent++;
        }
    }

    // The socket is normally blocking (sendmmsg then waits for room itself); if the runtime made it non-blocking,
    // a full send buffer gets a bounded wait here rather than an immediate drop.
    private bool WaitUntilWritable()
    {
        var fd = new Libc.PollFd { Fd = _fd, Events = Libc.POLLOUT };
        return Libc.Poll(&fd, 1, SendWaitMilliseconds) > 0;
    }

    // Waits a little before retrying after an error, but wakes at once on stop.
    private void Backoff()
    {
        var fd = new Libc.PollFd { Fd = _stop.Fd, Events = Libc.POLLIN };
        _ = Libc.Poll(&fd, 1, ErrorBackoffMilliseconds);
    }

    private byte* AddressOf(int index) => _addresses + ((nint)index * AddressSlotLength);
}
