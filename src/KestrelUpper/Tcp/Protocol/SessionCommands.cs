namespace KestrelUpper.Tcp.Protocol;

/// <summary>Requests that reach a session from other threads; the driver hands them over on its own thread.</summary>
[Flags]
internal enum SessionCommands
{
    None = 0,

    /// <summary>The server is shutting down: answer what has arrived, then close.</summary>
    Drain = 1,

    /// <summary>A deadline of the current state (PROXY header, linger) may have passed: check it.</summary>
    Deadline = 2,
}
