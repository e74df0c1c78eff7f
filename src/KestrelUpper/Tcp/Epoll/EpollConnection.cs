using System.Buffers;
using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using KestrelUpper.Interop;
using KestrelUpper.Tcp.Transport;
using KestrelUpper.Text;
using Microsoft.AspNetCore.Connections;

namespace KestrelUpper.Tcp.Epoll;

/// <summary>
/// The TCP protocol for one connection on an <see cref="EpollLoop"/>: on readable, one receive, uppercase, send;
/// a reply the client does not take at once waits here and reading stops until it is sent (backpressure).
/// Exactly one thread drives it at a time: the handler's for the first receive, then its loop's.
/// </summary>
internal sealed unsafe class EpollConnection
{
    // Continuations run on the thread that completes it (the loop): the handler's last steps are short and
    // non-blocking, and running them inline saves a thread hop per connection.
    private readonly TaskCompletionSource<EpollExit> _completion = new();
    private readonly Uppercaser _uppercaser;
    private readonly TcpConnectionStats _stats;
    private Utf8UpperState _state;
    private byte[]? _pending;
    private int _pendingOffset;
    private int _pendingCount;
    private bool _shutdownAfterFlush;
    private bool _drainRequested;
    private bool _lastAnswered;
    private EpollExit _exit;
    private Exception? _error;
    private SafeHandle? _handle;

    public EpollConnection(DirectTcpConnection connection, Uppercaser uppercaser, TcpConnectionStats stats)
    {
        Connection = connection;
        _uppercaser = uppercaser;
        _stats = stats;
    }

    public DirectTcpConnection Connection { get; }

    /// <summary>The socket's descriptor, valid between <see cref="Attach"/> and <see cref="Detach"/>.</summary>
    public int Fd { get; private set; } = -1;

    /// <summary>The loop it is registered with (null until registered).</summary>
    public EpollLoop? Loop { get; set; }

    /// <summary>Its epoll token while registered: a GC handle to this object.</summary>
    public GCHandle Token { get; set; }

    /// <summary>The events it is registered for: <see cref="Libc.EPOLLIN"/> or <see cref="Libc.EPOLLOUT"/>.</summary>
    public uint Interest { get; set; }

    public bool IsFinished { get; private set; }

    public Task<EpollExit> Completion => _completion.Task;

    /// <summary>
    /// Takes a reference on the socket's handle so the descriptor cannot be closed (and its number reused) while
    /// the loop uses it: a dispose from another thread (abort, idle timeout) waits for <see cref="Detach"/>.
    /// </summary>
    public void Attach()
    {
        SafeHandle handle = Connection.Socket.SafeHandle;
        bool added = false;
        handle.DangerousAddRef(ref added);
        _handle = handle;
        Fd = (int)handle.DangerousGetHandle();
    }

    public void Detach()
    {
        _handle?.DangerousRelease();
        _handle = null;
    }

    /// <summary>The epoll interest that <paramref name="step"/> waits for.</summary>
    public static uint InterestOf(EpollStep step) => step == EpollStep.Write ? Libc.EPOLLOUT : Libc.EPOLLIN;

    /// <summary>The socket is readable (or closed, or in error): one receive, answered at once.</summary>
    public EpollStep OnReadable(EpollBuffers buffers)
    {
        nint received = Receive(buffers);
        if (received < 0)
        {
            int errno = Libc.LastError;
            return errno is Libc.EAGAIN or Libc.EINTR ? EpollStep.Read : Fail(errno);
        }

        bool final = received == 0;
        EpollStep step = Answer(buffers, (int)received, final);
        if (!final || step == EpollStep.Done)
        {
            return step;
        }

        // The client finished sending: once every reply is out, close our side too.
        if (step == EpollStep.Write)
        {
            _shutdownAfterFlush = true;
            return step;
        }

        return Complete(EpollExit.InputCompleted);
    }

    /// <summary>The socket can take more of the waiting reply.</summary>
    public EpollStep OnWritable(EpollBuffers buffers)
    {
        Debug.Assert(_pending is not null, "Write interest without a waiting reply.");
        int sent = SendSome(_pending, _pendingOffset, _pendingCount, out int errno);
        if (sent > 0)
        {
            _stats.Touch(); // a slow but steady reader of a long reply is not idle
        }

        _pendingOffset += sent;
        _pendingCount -= sent;
        if (_pendingCount > 0)
        {
            return errno == Libc.EAGAIN ? EpollStep.Write : Fail(errno);
        }

        ReturnPending();
        if (_drainRequested)
        {
            return AnswerLastAndDrain(buffers);
        }

        return _shutdownAfterFlush ? Complete(EpollExit.InputCompleted) : EpollStep.Read;
    }

    /// <summary>
    /// The server stops reading (drain), or the connection was aborted. A drain answers what the kernel already
    /// holds (one buffer's worth) and any carried partial sequence, then closes our side; with a reply still
    /// waiting, it does so once the client has taken it.
    /// </summary>
    public EpollStep OnStopReading(EpollBuffers buffers)
    {
        if (Connection.IsAborted)
        {
            _error = new ConnectionAbortedException("The connection was aborted.");
            return EpollStep.Done;
        }

        _drainRequested = true;
        return _pending is not null ? EpollStep.Write : AnswerLastAndDrain(buffers);
    }

    /// <summary>A fault of the loop itself while handling this connection: end it, report it.</summary>
    public void Fault(Exception error) => _error ??= error;

    /// <summary>
    /// Completes <see cref="Completion"/>. The owner calls it last, after unregistering and releasing the handle:
    /// what runs on (the handler's end) may dispose the socket.
    /// </summary>
    public void Finish()
    {
        IsFinished = true;
        ReturnPending();
        if (_error is not null)
        {
            _completion.TrySetException(_error);
        }
        else
        {
            _completion.TrySetResult(_exit);
        }
    }

    private EpollStep AnswerLastAndDrain(EpollBuffers buffers)
    {
        if (_lastAnswered)
        {
            return Complete(EpollExit.Drained); // the last answer has been sent too
        }

        _lastAnswered = true;
        nint received = Receive(buffers);
        if (received < 0)
        {
            int errno = Libc.LastError;
            if (errno is not (Libc.EAGAIN or Libc.EINTR))
            {
                return Fail(errno);
            }

            received = 0;
        }

        EpollStep step = Answer(buffers, (int)received, isFinalBlock: true);
        return step == EpollStep.Read ? Complete(EpollExit.Drained) : step; // Write: finish once it is sent
    }

    /// <summary>One non-blocking receive into the loop's buffer: the byte count, 0 at the end of input, -1 with errno set.</summary>
    private nint Receive(EpollBuffers buffers)
    {
        fixed (byte* input = buffers.Input)
        {
            return Libc.Recv(Fd, input, (nuint)buffers.Input.Length, Libc.MSG_DONTWAIT);
        }
    }

    private EpollStep Answer(EpollBuffers buffers, int count, bool isFinalBlock)
    {
        _stats.Received(count);
        // The output buffer holds MaxOutputLength of a whole input buffer, so one call always consumes it all.
        OperationStatus status = _uppercaser.Transform(buffers.Input.AsSpan(0, count), buffers.Output, ref _state, isFinalBlock, out _, out int produced);
        Debug.Assert(status == OperationStatus.Done, "The output buffer is sized for the whole input.");
        _stats.AddInvalidBytes(ref _state);
        if (produced == 0)
        {
            return EpollStep.Read;
        }

        // Received() stamped the activity just now; a reply taken slowly is stamped as it goes (OnWritable).
        int sent = SendSome(buffers.Output, 0, produced, out int errno);
        if (sent == produced)
        {
            return EpollStep.Read;
        }

        if (errno != Libc.EAGAIN)
        {
            return Fail(errno);
        }

        // The client is not reading as fast as it writes: keep the rest and stop reading until it is sent.
        _pendingCount = produced - sent;
        _pendingOffset = 0;
        _pending = ArrayPool<byte>.Shared.Rent(_pendingCount);
        buffers.Output.AsSpan(sent, _pendingCount).CopyTo(_pending);
        return EpollStep.Write;
    }

    private int SendSome(byte[] data, int offset, int count, out int errno)
    {
        errno = 0;
        int total = 0;
        fixed (byte* start = data)
        {
            while (total < count)
            {
                nint sent = Libc.Send(Fd, start + offset + total, (nuint)(count - total), Libc.MSG_DONTWAIT | Libc.MSG_NOSIGNAL);
                if (sent > 0)
                {
                    total += (int)sent;
                    continue;
                }

                errno = Libc.LastError;
                if (sent < 0 && errno == Libc.EINTR)
                {
                    continue;
                }

                break;
            }
        }

        _stats.Sent(total);
        return total;
    }

    private EpollStep Complete(EpollExit exit)
    {
        _exit = exit;
        if (exit == EpollExit.Drained)
        {
            // The client may still be sending: FIN now, and the handler lingers before closing.
            _ = Libc.Shutdown(Fd, Libc.SHUT_WR); // fails only when the client is gone already, which it may be
        }

        // After the client's FIN the handler returns at once (inline, on this thread) and Kestrel disposes the
        // connection: close() sends our FIN without a shutdown call of its own.
        return EpollStep.Done;
    }

    private EpollStep Fail(int errno)
    {
        _error = new SocketException((int)Libc.ToSocketError(errno));
        return EpollStep.Done;
    }

    private void ReturnPending()
    {
        if (_pending is not null)
        {
            ArrayPool<byte>.Shared.Return(_pending);
            _pending = null;
            _pendingCount = 0;
        }
    }
}
