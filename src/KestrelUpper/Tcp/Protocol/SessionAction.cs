namespace KestrelUpper.Tcp.Protocol;

/// <summary>
/// What the driver does after a call into the session. Output the call wrote is handed to the transport first; when
/// the transport cannot take it all at once the driver calls <see cref="UppercaseSession.OnOutputBlocked"/>, and the
/// action waits until <see cref="UppercaseSession.OnOutputTaken"/> returns it.
/// </summary>
internal enum SessionAction
{
    /// <summary>Wait for input, then call <see cref="UppercaseSession.OnReceived"/> (or <see cref="UppercaseSession.OnInputEnded"/>).</summary>
    Read = 0,

    /// <summary>Output waits for the peer: read nothing, and call <see cref="UppercaseSession.OnOutputTaken"/> once it is sent.</summary>
    Write = 1,

    /// <summary>Drain: take what has already arrived without waiting (nothing is fine) and pass it to <see cref="UppercaseSession.OnReceived"/>.</summary>
    ReadLast = 2,

    /// <summary>Send the FIN now, then go on reading (input is discarded) until the peer's FIN or the linger deadline.</summary>
    Linger = 3,

    /// <summary>Close the connection: everything there was to send has been handed over.</summary>
    Close = 4,
}
