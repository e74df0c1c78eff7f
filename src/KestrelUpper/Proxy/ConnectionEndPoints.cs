using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace KestrelUpper.Proxy;

/// <summary>Makes the client and destination a PROXY header named the connection's own endpoints.</summary>
internal static class ConnectionEndPoints
{
    public static void Replace(ConnectionContext connection, IPEndPoint client, IPEndPoint destination)
    {
        connection.RemoteEndPoint = client;
        connection.LocalEndPoint = destination;

        // Kestrel's connection serves the feature itself, but a wrapped context may keep a separate one.
        if (connection.Features.Get<IConnectionEndPointFeature>() is { } endPoints && !ReferenceEquals(endPoints, connection))
        {
            endPoints.RemoteEndPoint = client;
            endPoints.LocalEndPoint = destination;
        }
    }
}
