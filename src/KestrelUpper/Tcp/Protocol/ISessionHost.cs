using System.Net;

namespace KestrelUpper.Tcp.Protocol;

/// <summary>What a session tells the connection it serves, on the driving thread.</summary>
internal interface ISessionHost
{
    /// <summary>A PROXY header named the client and the destination: the connection shows them from now on.</summary>
    void ClientIdentified(IPEndPoint client, IPEndPoint destination);

    /// <summary>The kind of deadline in force changed (see <see cref="UppercaseSession.NextDeadline"/>): re-arm the timer.</summary>
    void DeadlineChanged();
}
