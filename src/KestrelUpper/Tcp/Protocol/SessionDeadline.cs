namespace KestrelUpper.Tcp.Protocol;

/// <summary>Which deadline of a session is the next one; see <see cref="UppercaseSession.NextDeadline"/>.</summary>
internal enum SessionDeadline
{
    /// <summary>None applies (finished, or the idle timeout is off).</summary>
    None = 0,

    /// <summary>The PROXY header must have arrived by then.</summary>
    ProxyHeader = 1,

    /// <summary>No byte either way since <c>Upper:Tcp:IdleTimeout</c>: the connection is aborted.</summary>
    Idle = 2,

    /// <summary>The peer did not close its side after our FIN: the connection is closed anyway.</summary>
    Linger = 3,
}
