using System.Buffers;
using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using KestrelUpper.Interop;
using KestrelUpper.Tcp.Protocol;
using Microsoft.AspNetCore.Connections;

namespace KestrelUpper.Tcp.Epoll;

/// <summary>
/// The epoll driver of one connection: it only moves bytes and events between the socket and the
/// <see cref="UppercaseSession"/>. On readable, one <c>recv</c> into the loop's buffer, the session answers into the
/// loop's reply buffer, one <c>send</c>; a reply the socket does not take at once is kept here and the connection
/// waits for writable instead (backpressure). Exactly one thread drives it at a time: the handler's for the first
/// receive, then its loop's.
/// </summary>
internal sealed class EpollConnection : ISessionDriver
{
    // In _commands beside the SessionCommands bits: the connection waits in its loop's command queue.
    private const int Queued = 1 << 30;

    // Continuations run on the thread that completes it (the loop): the handler's last steps are short and
    // non-blocking, and running them inline saves a thread hop per connection.
    private readonly TaskCompletionSource _completion = new();
    private readonly EpollConnectionContext _context;
    private readonly EpollEngine _engine;
    private UppercaseSession? _session;
    private byte[]? _pending;
    private int _pendingOffset;
    private int _pendingCount;
    private int _commands;
    private Exception? _error;
    private SafeHandle? _handle;

    public EpollConnection(EpollConnectionContext context, EpollEngine engine)
    {
        _context = context;
        _engine = engine;
    }

    /// <summary>The socket's descriptor while the connection is served.</summary>
    public int Fd { get; private set; } = -1;

    /// <summary>The loop it is registered with (null until registered).</summary>
    public EpollLoop? Loop { get; set; }

    /// <summary>Its epoll token while registered: a GC handle to this object.</summary>
    public GCHandle Token { get; set; }

    /// <summary>The events it is registered for: <see cref="Libc.EPOLLIN"/> or <see cref="Libc.EPOLLOUT"/>.</summary>
    public uint Interest { get; set; }

    public bool IsFinished { get; private set; }

    private UppercaseSession Session => _session!;

    /// <summary>The epoll interest that <paramref name="step"/> waits for.</summary>
    public static uint InterestOf(EpollStep step) => step == EpollStep.Write ? Libc.EPOLLOUT : Libc.EPOLLIN;

    public async Task RunAsync(UppercaseSession session)
    {
        _session = session;
        Attach();
        EpollStep step;
        try
        {
            // The first message is usually there already (a textbook client sends at once): answer it on this
            // thread instead of waking a loop for it.
            step = _engine.RunFirstStep(this);
            if (step != EpollStep.Done)
            {
                _engine.Register(this, step);
            }
        }
        catch
        {
            Detach();
            throw;
        }

        if (step == EpollStep.Done)
        {
            Detach();
            Finish();
        }
        else if (Volatile.Read(ref _commands) != 0)
        {
            Loop!.Wake(this); // posted before the loop took over
        }

        await _completion.Task.ConfigureAwait(false);
    }

    public void Post(SessionCommands commands)
    {
        if ((Interlocked.Or(ref _commands, (int)commands | Queued) & Queued) == 0)
        {
            Loop?.Wake(this); // not registered yet: RunAsync hands it over once it is
        }
    }

    /// <summary>The session's first call, then (usually) its first receive; on the handler's thread.</summary>
    public EpollStep Begin(EpollBuffers buffers)
    {
        SessionAction action = Session.Start();
        return action == SessionAction.Read ? OnReadable(buffers) : Perform(action, buffers);
    }

    /// <summary>The socket is readable (or closed, or in error): one receive, answered at once.</summary>
    public EpollStep OnReadable(EpollBuffers buffers)
    {
        nint received = Receive(buffers);
        if (received < 0)
        {
            int errno = Libc.LastError;
            if (errno is Libc.EAGAIN or Libc.EINTR)
            {
                return EpollStep.Read;
            }

            // A reset while lingering is the client closing after it had everything: the end of a drain, not a failure.
            return Session.State == SessionState.Lingering ? Deliver(buffers, 0, endOfInput: true) : Fail(errno);
        }

        return Deliver(buffers, (int)received, endOfInput: received == 0);
    }

    /// <summary>The socket can take more of the waiting reply.</summary>
    public EpollStep OnWritable(EpollBuffers buffers)
    {
        Debug.Assert(_pending is not null, "Write interest without a waiting reply.");
        int sent = SendSome(_pending, _pendingOffset, _pendingCount, out int errno);
        _pendingOffset += sent;
        _pendingCount -= sent;
        long now = _engine.Time.GetTimestamp();
        if (_pendingCount > 0)
        {
            if (sent > 0)
            {
                Session.OnOutputProgress(now);
            }

            return errno == Libc.EAGAIN ? EpollStep.Write : Fail(errno);
        }

        ReturnPending();
        return Perform(Session.OnOutputTaken(now), buffers);
    }

    /// <summary>Commands from other threads (drain, a deadline) or an abort.</summary>
    public EpollStep OnCommands(EpollBuffers buffers)
    {
        var commands = (SessionCommands)(Interlocked.Exchange(ref _commands, 0) & ~Queued);
        if (_context.IsAborted)
        {
            _error = new ConnectionAbortedException("The connection was aborted.");
            return EpollStep.Done;
        }

        if (commands == SessionCommands.None)
        {
            return Interest == Libc.EPOLLOUT ? EpollStep.Write : EpollStep.Read;
        }

        return Perform(Session.OnCommand(commands, buffers.Output, _engine.Time.GetTimestamp()), buffers);
    }

    /// <summary>A fault of the loop itself while handling this connection: end it, report it.</summary>
    public void Fault(Exception error) => _error ??= error;

    /// <summary>Takes a reference on the socket's handle so the descriptor cannot be closed (and its number reused) while it is served.</summary>
    public void Attach()
    {
        SafeHandle handle = _context.Socket.SafeHandle;
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

    /// <summary>
    /// Completes <see cref="RunAsync"/>. The owner calls it last, after unregistering and releasing the handle:
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
            _completion.TrySetResult();
        }
    }

    private EpollStep Deliver(EpollBuffers buffers, int received, bool endOfInput)
    {
        long now = _engine.Time.GetTimestamp();
        SessionAction action = endOfInput
            ? Session.OnInputEnded(buffers.Output, now)
            : Session.OnReceived(new ReadOnlySequence<byte>(buffers.Input, 0, received), buffers.Output, now);
        return Perform(action, buffers);
    }

    /// <summary>Hands the reply to the socket, then does what the session asked.</summary>
    private EpollStep Perform(SessionAction action, EpollBuffers buffers)
    {
        EpollOutput output = buffers.Output;
        int produced = output.WrittenCount;
        if (produced > 0)
        {
            int sent = SendSome(output.Array, 0, produced, out int errno);
            if (sent < produced)
            {
                if (errno != Libc.EAGAIN)
                {
                    output.Reset();
                    return Fail(errno);
                }

                // The client is not reading as fast as it writes: keep the rest and stop reading until it is sent.
                KeepPending(output.Array.AsSpan(sent, produced - sent));
                action = Session.OnOutputBlocked();
            }

            output.Reset();
        }

        switch (action)
        {
            case SessionAction.Read:
                return EpollStep.Read;
            case SessionAction.Write:
                return EpollStep.Write;
            case SessionAction.ReadLast:
                return ReadLast(buffers);
            case SessionAction.Linger:
                // Our FIN; the loop keeps reading (and the session discarding) until the client's FIN or the deadline.
                _ = Libc.Shutdown(Fd, Libc.SHUT_WR); // fails only when the client is gone already, which it may be
                return EpollStep.Read;
            default:
                // Closing the socket (the handler returns, Kestrel disposes it) sends the FIN.
                return EpollStep.Done;
        }
    }

    /// <summary>A drain's last read: what the kernel already holds (one buffer's worth), without waiting.</summary>
    private EpollStep ReadLast(EpollBuffers buffers)
    {
        nint received = Receive(buffers);
        if (received < 0)
        {
            int errno = Libc.LastError;
            if (errno is not (Libc.EAGAIN or Libc.EINTR))
            {
                return Fail(errno);
            }

            return Deliver(buffers, 0, endOfInput: false);
        }

        return Deliver(buffers, (int)received, endOfInput: received == 0);
    }

    /// <summary>One non-blocking receive into the loop's buffer: the byte count, 0 at the end of input, -1 with errno set.</summary>
    private unsafe nint Receive(EpollBuffers buffers)
    {
        fixed (byte* input = buffers.Input)
        {
            return Libc.Recv(Fd, input, (nuint)buffers.Input.Length, Libc.MSG_DONTWAIT);
        }
    }

    private unsafe int SendSome(byte[] data, int offset, int count, out int errno)
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

        return total;
    }

    private void KeepPending(ReadOnlySpan<byte> rest)
    {
        Debug.Assert(_pending is null, "A session writes nothing while its output waits.");
        _pending = ArrayPool<byte>.Shared.Rent(rest.Length);
        rest.CopyTo(_pending);
        _pendingOffset = 0;
        _pendingCount = rest.Length;
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
