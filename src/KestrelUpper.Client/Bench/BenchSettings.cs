using KestrelUpper.Client.Net;

namespace KestrelUpper.Client.Bench;

/// <summary>
/// What `upper bench tcp|udp` was asked to do. <see cref="Rate"/> is messages/s over all connections; 0 = unpaced.
/// <see cref="Payload"/> is the text of `--payload` (then <see cref="Size"/> is its length), null for lowercase ASCII.
/// </summary>
internal sealed record BenchSettings(
    BenchProtocol Protocol,
    ServerAddress Server,
    int Connections,
    TimeSpan Duration,
    int Size,
    int Pipeline,
    double Rate,
    bool Json,
    TimeSpan Timeout,
    BenchPayload? Payload = null);
