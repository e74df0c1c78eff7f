using System.Net;
using KestrelUpper.Telemetry;

namespace KestrelUpper.Tcp;

/// <summary>Records a connection refused by a limit: the counter and the Debug event, the same for every cap.</summary>
internal static class TcpRejection
{
    public static void Record(UpperCounters counters, ILogger logger, string connectionId, EndPoint? remoteEndPoint, TcpRejectReason reason)
    {
        counters.TcpConnectionRejected(reason);
        TcpLog.ConnectionRejected(logger, connectionId, remoteEndPoint, TelemetryNames.ToAttributeValue(reason));
    }
}
