using System.Collections;
using Microsoft.AspNetCore.Connections;

namespace KestrelUpper.Tcp;

/// <summary>
/// Log scope of one connection: every event inside it carries the connection id and the client endpoint. The endpoint
/// is read when an event is written, so events after a PROXY header name the client the header named.
/// </summary>
internal sealed class ConnectionLogScope(ConnectionContext connection) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public int Count => 2;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("ConnectionId", connection.ConnectionId),
        1 => new("RemoteEndPoint", connection.RemoteEndPoint?.ToString()),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        yield return this[0];
        yield return this[1];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"ConnectionId:{connection.ConnectionId} RemoteEndPoint:{connection.RemoteEndPoint}";
}
