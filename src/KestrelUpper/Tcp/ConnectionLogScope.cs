using System.Collections;
using System.Net;

namespace KestrelUpper.Tcp;

/// <summary>Log scope of one connection: every event inside it carries the connection id and the client endpoint.</summary>
internal sealed class ConnectionLogScope(string connectionId, EndPoint? remoteEndPoint) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public int Count => 2;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("ConnectionId", connectionId),
        1 => new("RemoteEndPoint", remoteEndPoint?.ToString()),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        yield return this[0];
        yield return this[1];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"ConnectionId:{connectionId} RemoteEndPoint:{remoteEndPoint}";
}
