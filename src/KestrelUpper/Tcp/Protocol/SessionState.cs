namespace KestrelUpper.Tcp.Protocol;

/// <summary>Where an <see cref="UppercaseSession"/> is in its life; each state says what the driver may do.</summary>
internal enum SessionState
{
    /// <summary>Waiting for (or reading) a PROXY protocol header; nothing is answered yet.</summary>
    ProxyHeader = 0,

    /// <summary>Answering whatever arrives, as it arrives.</summary>
    Reading = 1,

    /// <summary>The peer has not taken all the output: nothing is read until it does (backpressure).</summary>
    AwaitingPeer = 2,

    /// <summary>The server is closing: one last look at what has already arrived, then the FIN.</summary>
    Draining = 3,

    /// <summary>Our FIN is out; the peer's input is read and discarded until its FIN or the linger deadline.</summary>
    Lingering = 4,

    /// <summary>Finished: the driver closes the connection.</summary>
    Done = 5,
}
