namespace KestrelUpper.Tcp.Epoll;

/// <summary>What a connection on the event loop waits for next, after handling an event.</summary>
internal enum EpollStep
{
    /// <summary>More input: the socket becoming readable.</summary>
    Read = 0,

    /// <summary>Room to send the reply the client has not taken yet; no reading meanwhile (backpressure).</summary>
    Write = 1,

    /// <summary>Nothing: the connection is finished (answered and closed, failed, or handed back for a drain).</summary>
    Done = 2,
}
