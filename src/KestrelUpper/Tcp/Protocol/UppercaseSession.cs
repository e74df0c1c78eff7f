using System.Buffers;
using System.Net;
using KestrelUpper.Hosting;
using KestrelUpper.Proxy;
using KestrelUpper.Telemetry;
using KestrelUpper.Text;

namespace KestrelUpper.Tcp.Protocol;

/// <summary>
/// The TCP uppercase protocol for one connection, with no socket, thread or clock in it: a driver passes in the bytes
/// that arrived (and the time), the session writes the replies into the driver's output and says what to do next
/// (<see cref="SessionAction"/>). Every decision the two drivers share lives here: the PROXY header, per-address
/// admission, what a drain answers, when to FIN, linger or close, activity stamps for the idle timeout, byte counts.
/// One thread drives a session at a time; only <see cref="NextDeadline"/> may be called from another.
/// </summary>
/// <remarks>
/// There is no framing: the reply to a piece goes out as soon as the piece arrives (the textbook client sends one
/// message without a newline and waits for one reply). A UTF-8 sequence cut between two pieces is carried over.
/// </remarks>
internal sealed class UppercaseSession
{
    // Kestrel's memory pool hands out 4 KiB blocks; asking a pipe for more would leave the pool.
    private const int MaxSpanHint = 4096;
    private const int MinHeaderBuffer = 256;

    private readonly SessionSettings _settings;
    private readonly Uppercaser _uppercaser;
    private readonly UpperCounters _counters;
    private readonly TcpConnectionLimiter _limiter;
    private readonly ILogger _logger;
    private readonly string _connectionId;
    private readonly EndPoint? _peer;
    private readonly ISessionHost? _host;
    private readonly ProxyHeaderDecoder? _proxy;

    private Utf8UpperState _text;
    private long _invalidReported;
    private int _state; // a SessionState; read by the deadline timer's thread
    private long _stateSince;
    private long _lastActivity;
    private SessionAction _lastAction;
    private SessionState _resumeState;
    private SessionAction _resumeAction;
    private bool _drainRequested;
    private byte[]? _header;
    private int _headerLength;
    private IPAddress? _admitted;
    private bool _counted;

    public UppercaseSession(
        SessionSettings settings,
        Uppercaser uppercaser,
        UpperCounters counters,
        TcpConnectionLimiter limiter,
        ILogger logger,
        string connectionId,
        EndPoint? peer,
        ISessionHost? host,
        long now)
    {
        _settings = settings;
        _uppercaser = uppercaser;
        _counters = counters;
        _limiter = limiter;
        _logger = logger;
        _connectionId = connectionId;
        _peer = peer;
        ClientEndPoint = peer;
        _host = host;
        _stateSince = now;
        _lastActivity = now;
        if (settings.ProxyProtocol != ProxyProtocolMode.Off)
        {
            _proxy = new ProxyHeaderDecoder(settings.ProxyProtocol, settings.TrustedProxies.Contains(ClientAddress.Of(peer)), settings.MaxHeaderBytes);
            _state = (int)SessionState.ProxyHeader;
        }
        else
        {
            _state = (int)SessionState.Reading;
        }
    }

    public SessionState State => (SessionState)Volatile.Read(ref _state);

    public SessionOutcome Outcome { get; private set; }

    /// <summary>The client as far as the session knows: the socket peer, or the client a PROXY header named.</summary>
    public EndPoint? ClientEndPoint { get; private set; }

    /// <summary>Client data received (a PROXY header and input discarded while lingering are not counted).</summary>
    public long BytesReceived { get; private set; }

    /// <summary>Reply bytes handed to the driver.</summary>
    public long BytesSent { get; private set; }

    public long InvalidBytes => _text.InvalidBytes;

    /// <summary>Timestamp of the last byte that moved either way.</summary>
    public long LastActivity => Volatile.Read(ref _lastActivity);

    /// <summary>The first call: refuses a peer nothing could be believed from, or admits the client when no header is expected.</summary>
    public SessionAction Start()
    {
        if (_proxy is not null)
        {
            return _proxy.RejectsBeforeReading ? RejectHeader(ProxyRejectReason.UntrustedPeer) : Return(SessionAction.Read);
        }

        return Return(Admit() ? SessionAction.Read : SessionAction.Close);
    }

    /// <summary>Bytes arrived (any number, in any pieces): answered into <paramref name="output"/> at once.</summary>
    public SessionAction OnReceived(in ReadOnlySequence<byte> input, IBufferWriter<byte> output, long now)
    {
        switch (State)
        {
            case SessionState.Reading:
                Answer(input, output, now, isFinal: false);
                return Return(SessionAction.Read);
            case SessionState.Draining:
                // The last read of a drain: answer it and the carried sequence, then FIN.
                Answer(input, output, now, isFinal: true);
                return Linger(now);
            case SessionState.ProxyHeader:
                return ReceiveHeader(input, output, now);
            case SessionState.Lingering:
                return Return(SessionAction.Read); // after our FIN nothing more is answered
            default:
                throw new InvalidOperationException($"No input is read in the {State} state.");
        }
    }

    /// <summary>The peer finished sending (FIN): answer a carried partial sequence, then close once the output is out.</summary>
    public SessionAction OnInputEnded(IBufferWriter<byte> output, long now)
    {
        switch (State)
        {
            case SessionState.Reading:
            case SessionState.Draining:
                Answer(ReadOnlySequence<byte>.Empty, output, now, isFinal: true);
                return Finish(_drainRequested ? SessionOutcome.Drained : SessionOutcome.InputCompleted);
            case SessionState.Lingering:
                return Finish(SessionOutcome.Drained);
            case SessionState.ProxyHeader:
                ReadOnlySequence<byte> received = HeaderBytes();
                ProxyDecision decision = _proxy!.Decide(received, inputEnded: true, out ProxyHeader header, out ProxyRejectReason reason);
                return Decided(decision, header, reason, received, output, now, inputEnded: true);
            default:
                return Continue();
        }
    }

    /// <summary>The driver could not hand all the output over: wait for the peer, reading nothing meanwhile.</summary>
    public SessionAction OnOutputBlocked()
    {
        if (State != SessionState.AwaitingPeer)
        {
            _resumeState = State;
            _resumeAction = _lastAction;
            SetState(SessionState.AwaitingPeer, _stateSince);
        }

        return Return(SessionAction.Write);
    }

    /// <summary>Some of the waiting output went out: a slow but steady reader of a long reply is not idle.</summary>
    public void OnOutputProgress(long now) => Volatile.Write(ref _lastActivity, now);

    /// <summary>All the output went out: carry on with what was next (a drain that came meanwhile goes first).</summary>
    public SessionAction OnOutputTaken(long now)
    {
        Volatile.Write(ref _lastActivity, now);
        if (State != SessionState.AwaitingPeer)
        {
            return Continue();
        }

        SessionState state = _resumeState;
        SessionAction action = _resumeAction;
        if (_drainRequested && state == SessionState.Reading)
        {
            state = SessionState.Draining;
            action = SessionAction.ReadLast;
        }

        // A drain's last read and a linger are timed from now, not from before the peer held them up.
        SetState(state, state is SessionState.Draining or SessionState.Lingering ? now : _stateSince);
        return Return(action);
    }

    /// <summary>Requests from other threads, handed over by the driver on its own.</summary>
    public SessionAction OnCommand(SessionCommands commands, IBufferWriter<byte> output, long now)
    {
        SessionAction action = Continue();
        if ((commands & SessionCommands.Deadline) != 0)
        {
            action = CheckDeadline(output, now);
        }

        if ((commands & SessionCommands.Drain) != 0)
        {
            action = Drain(output, now);
        }

        return action;
    }

    /// <summary>The transport failed or was aborted: nothing more happens.</summary>
    public void Abandon()
    {
        SetState(SessionState.Done, _stateSince);
        ReturnHeaderBuffer();
    }

    /// <summary>
    /// The deadline of the current state and when it falls (<paramref name="due"/>, a timestamp). Safe from any thread:
    /// the timer that calls it only asks the driver (or the connection) to act, and the owner re-checks.
    /// </summary>
    public SessionDeadline NextDeadline(out long due)
    {
        SessionState state = State;
        switch (state)
        {
            case SessionState.ProxyHeader:
                due = Volatile.Read(ref _stateSince) + _settings.HeaderTimeout;
                return SessionDeadline.ProxyHeader;
            case SessionState.Lingering:
                due = Volatile.Read(ref _stateSince) + _settings.Linger;
                return SessionDeadline.Linger;
            case SessionState.Reading or SessionState.AwaitingPeer or SessionState.Draining when _settings.IdleTimeout > 0:
                due = LastActivity + _settings.IdleTimeout;
                return SessionDeadline.Idle;
            default:
                due = 0;
                return SessionDeadline.None;
        }
    }

    /// <summary>Gives back the per-address slot and the open-connection count; once, when the connection is gone.</summary>
    public void Release()
    {
        ReturnHeaderBuffer();
        if (_counted)
        {
            _counted = false;
            _counters.TcpConnectionClosed();
            if (_admitted is not null)
            {
                _limiter.ReleaseAddress(_admitted);
                _admitted = null;
            }
        }
    }

    private SessionAction ReceiveHeader(in ReadOnlySequence<byte> input, IBufferWriter<byte> output, long now)
    {
        // The header usually arrives whole in the first read: decide on the input in place, copy only a split header.
        ReadOnlySequence<byte> received = input;
        if (_headerLength > 0)
        {
            AppendHeaderBytes(input);
            received = HeaderBytes();
        }

        ProxyDecision decision = _proxy!.Decide(received, inputEnded: false, out ProxyHeader header, out ProxyRejectReason reason);
        if (decision == ProxyDecision.NeedMoreData)
        {
            if (_headerLength == 0)
            {
                AppendHeaderBytes(input);
            }

            return Return(SessionAction.Read);
        }

        return Decided(decision, header, reason, received, output, now, inputEnded: false);
    }

    private SessionAction Decided(ProxyDecision decision, ProxyHeader header, ProxyRejectReason reason, ReadOnlySequence<byte> received, IBufferWriter<byte> output, long now, bool inputEnded)
    {
        ReadOnlySequence<byte> data;
        switch (decision)
        {
            case ProxyDecision.Accepted:
                if (header.HasAddresses)
                {
                    ClientEndPoint = header.Source;
                    _host?.ClientIdentified(header.Source!, header.Destination!);
                }

                // LOCAL / UNKNOWN / UNSPEC: the proxy speaks for itself, the real peer stays the client.
                ProxyLog.HeaderAccepted(_logger, _connectionId, _peer, header.Version, ClientEndPoint, header.Destination);
                data = received.Slice(header.Length);
                break;
            case ProxyDecision.Plain:
                data = received;
                break;
            case ProxyDecision.Rejected:
                return RejectHeader(reason);
            case ProxyDecision.PeerLeft:
                // Connect-and-close (a load balancer's TCP health check): nothing was refused, so nothing is counted.
                ProxyLog.HeaderLost(_logger, _connectionId, _peer, "closed before sending anything");
                ReturnHeaderBuffer();
                return Finish(SessionOutcome.PeerLeft);
            default:
                return Return(SessionAction.Read);
        }

        if (!Admit())
        {
            ReturnHeaderBuffer();
            return Return(SessionAction.Close);
        }

        Answer(data, output, now, isFinal: inputEnded);
        ReturnHeaderBuffer(); // data may have been a slice of it
        return inputEnded ? Finish(SessionOutcome.InputCompleted) : Return(SessionAction.Read);
    }

    private SessionAction RejectHeader(ProxyRejectReason reason)
    {
        _counters.ProxyHeaderRejected(reason);
        ProxyLog.HeaderRejected(_logger, _connectionId, _peer, TelemetryNames.ToAttributeValue(reason));
        ReturnHeaderBuffer();
        return Finish(SessionOutcome.Rejected);
    }

    /// <summary>The per-address cap, taken once the client's address is known: refused before a byte of payload is read.</summary>
    private bool Admit()
    {
        IPAddress? address = ClientAddress.Of(ClientEndPoint);
        if (address is not null && !_limiter.TryAdmitAddress(address))
        {
            TcpRejection.Record(_counters, _logger, _connectionId, ClientEndPoint, TcpRejectReason.MaxConnectionsPerIp);
            Finish(SessionOutcome.Rejected);
            return false;
        }

        _admitted = address;
        _counted = true;
        _counters.TcpConnectionOpened();
        TcpLog.ConnectionOpened(_logger, _connectionId, ClientEndPoint);
        SetState(SessionState.Reading, _stateSince);
        return true;
    }

    private SessionAction Drain(IBufferWriter<byte> output, long now)
    {
        if (_drainRequested)
        {
            return Continue();
        }

        _drainRequested = true;
        switch (State)
        {
            case SessionState.Reading:
                SetState(SessionState.Draining, now);
                return Return(SessionAction.ReadLast);
            case SessionState.ProxyHeader when _proxy!.MayBePlain:
                // Bytes that could still be a plain client's (Optional mode): they are answered like any others.
                ReadOnlySequence<byte> received = HeaderBytes();
                if (!Admit())
                {
                    ReturnHeaderBuffer();
                    return Return(SessionAction.Close);
                }

                Answer(received, output, now, isFinal: false);
                ReturnHeaderBuffer();
                SetState(SessionState.Draining, now);
                return Return(SessionAction.ReadLast);
            case SessionState.ProxyHeader:
                // A header in progress cannot be answered; the client is not at fault, so nothing is counted.
                ProxyLog.HeaderLost(_logger, _connectionId, _peer, "the server is shutting down");
                ReturnHeaderBuffer();
                return Finish(SessionOutcome.Drained);
            default:
                return Continue(); // waiting for the peer: the drain follows once it has taken the output
        }
    }

    private SessionAction CheckDeadline(IBufferWriter<byte> output, long now)
    {
        switch (State)
        {
            case SessionState.ProxyHeader when now - _stateSince >= _settings.HeaderTimeout:
                ProxyDecision decision = _proxy!.OnTimeout(out ProxyRejectReason reason);
                return Decided(decision, default, reason, HeaderBytes(), output, now, inputEnded: false);
            case SessionState.Lingering when now - _stateSince >= _settings.Linger:
                return Finish(SessionOutcome.Drained); // the client kept its side open: close anyway
            default:
                return Continue();
        }
    }

    private void Answer(in ReadOnlySequence<byte> input, IBufferWriter<byte> output, long now, bool isFinal)
    {
        long received = input.Length;
        if (received > 0)
        {
            BytesReceived += received;
            _counters.TcpReceived(received);
            Volatile.Write(ref _lastActivity, now);
        }

        long written = 0;
        foreach (ReadOnlyMemory<byte> segment in input)
        {
            written += Transform(segment.Span, output, isFinal: false);
        }

        if (isFinal)
        {
            written += Transform(default, output, isFinal: true);
        }

        if (written > 0)
        {
            BytesSent += written;
            _counters.TcpSent(written);
        }

        long invalid = _text.InvalidBytes - _invalidReported;
        if (invalid > 0)
        {
            _invalidReported = _text.InvalidBytes;
            _counters.TcpInvalid(invalid);
        }
    }

    private int Transform(ReadOnlySpan<byte> source, IBufferWriter<byte> output, bool isFinal)
    {
        if (source.IsEmpty && (!isFinal || _text.IsEmpty))
        {
            return 0;
        }

        int written = 0;
        while (true)
        {
            int hint = Math.Clamp(_uppercaser.MaxOutputLength(source.Length), Uppercaser.MinimumDestinationLength, MaxSpanHint);
            Span<byte> destination = output.GetSpan(hint);
            OperationStatus status = _uppercaser.Transform(source, destination, ref _text, isFinal, out int consumed, out int produced);
            output.Advance(produced);
            written += produced;
            source = source[consumed..];
            if (status == OperationStatus.Done)
            {
                return written;
            }
        }
    }

    private SessionAction Linger(long now)
    {
        SetState(SessionState.Lingering, now);
        return Return(SessionAction.Linger);
    }

    private SessionAction Finish(SessionOutcome outcome)
    {
        Outcome = outcome;
        SetState(SessionState.Done, _stateSince);
        return Return(SessionAction.Close);
    }

    /// <summary>What the driver goes on doing in the current state when a call changes nothing.</summary>
    private SessionAction Continue() => Return(State switch
    {
        SessionState.AwaitingPeer => SessionAction.Write,
        SessionState.Draining => SessionAction.ReadLast,
        SessionState.Done => SessionAction.Close,
        _ => SessionAction.Read,
    });

    private SessionAction Return(SessionAction action)
    {
        _lastAction = action;
        return action;
    }

    private void SetState(SessionState state, long since)
    {
        SessionDeadline before = DeadlineOf(State);
        // The time first: the timer thread reads the state, then the time that belongs to it.
        Volatile.Write(ref _stateSince, since);
        Volatile.Write(ref _state, (int)state);
        if (DeadlineOf(state) != before)
        {
            _host?.DeadlineChanged(); // rare: the header phase ends, a linger starts, the session ends
        }
    }

    private SessionDeadline DeadlineOf(SessionState state) => state switch
    {
        SessionState.ProxyHeader => SessionDeadline.ProxyHeader,
        SessionState.Lingering => SessionDeadline.Linger,
        SessionState.Done => SessionDeadline.None,
        _ => _settings.IdleTimeout > 0 ? SessionDeadline.Idle : SessionDeadline.None,
    };

    private ReadOnlySequence<byte> HeaderBytes() =>
        _header is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(_header, 0, _headerLength);

    private void AppendHeaderBytes(in ReadOnlySequence<byte> input)
    {
        // Bounded: the decoder refuses a header at MaxHeaderBytes, and each read adds at most one receive buffer.
        int needed = checked(_headerLength + (int)input.Length);
        if (_header is null || _header.Length < needed)
        {
            byte[] grown = ArrayPool<byte>.Shared.Rent(Math.Max(needed, MinHeaderBuffer));
            _header?.AsSpan(0, _headerLength).CopyTo(grown);
            if (_header is not null)
            {
                ArrayPool<byte>.Shared.Return(_header);
            }

            _header = grown;
        }

        input.CopyTo(_header.AsSpan(_headerLength));
        _headerLength = needed;
    }

    private void ReturnHeaderBuffer()
    {
        if (_header is not null)
        {
            ArrayPool<byte>.Shared.Return(_header);
            _header = null;
            _headerLength = 0;
        }
    }
}
