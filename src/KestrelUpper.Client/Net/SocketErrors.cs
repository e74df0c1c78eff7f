using System.Net.Sockets;

namespace KestrelUpper.Client.Net;

/// <summary>Turns socket errors into the short phrases users see after `upper: `.</summary>
internal static class SocketErrors
{
    public static string Describe(SocketException error, string protocol, object target) => error.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => $"connection refused by {protocol} server at {target} (is it running?)",
        SocketError.ConnectionReset => $"connection reset by {protocol} server at {target}",
        SocketError.TimedOut => $"timed out talking to {protocol} server at {target}",
        SocketError.HostUnreachable or SocketError.NetworkUnreachable => $"{protocol} server at {target} is unreachable",
        SocketError.AddressNotAvailable => $"address {target} is not available",
        _ => $"{protocol} error with {target}: {error.Message}",
    };
}
