namespace KestrelUpper.Tcp.Protocol;

/// <summary>How a session ended, for the connection's closing log event.</summary>
internal enum SessionOutcome
{
    /// <summary>Not ended yet, or ended by the transport (a reset, an abort).</summary>
    Unfinished = 0,

    /// <summary>The client finished sending and every reply was handed over.</summary>
    InputCompleted = 1,

    /// <summary>The server drained it: what had arrived was answered, the FIN sent, the linger over.</summary>
    Drained = 2,

    /// <summary>Refused: a PROXY header rule or the per-address connection cap.</summary>
    Rejected = 3,

    /// <summary>The peer left before it sent anything it had to send (a PROXY header).</summary>
    PeerLeft = 4,
}
