namespace KestrelUpper.Tcp.Epoll;

/// <summary>How a connection left the event loop when it did not fail.</summary>
internal enum EpollExit
{
    /// <summary>The client finished sending (FIN) and every reply was sent; closing the socket sends our FIN.</summary>
    InputCompleted = 0,

    /// <summary>The server drained it: what had arrived was answered and our side is shut down; the client may still send.</summary>
    Drained = 1,
}
