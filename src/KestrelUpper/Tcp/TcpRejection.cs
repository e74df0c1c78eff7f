using KestrelUpper.Telemetry;
using Microsoft.AspNetCore.Connections;

namespace KestrelUpper.Tcp;

/// <summary>Records a connection refused by a limit: the counter and the Debug event, the same for every cap.</summary>
internal static class TcpRejection
{
    public static void Record(UpperCounters counters, ILogger logger, ConnectionContext connection, TcpRejectReason reason)
    {
        counters.TcpConnectionRejected(reason);
        TcpLog.ConnectionRejected(logger, connection.ConnectionId, connection.RemoteEndPoint, TelemetryNames.ToAttributeValue(reason));
    }
}
