using KestrelUpper.Client.Net;

namespace KestrelUpper.Client.Lines;

/// <summary>What `upper tcp` and `upper udp` were asked to do.</summary>
internal sealed record LineClientSettings(ServerAddress Server, TimeSpan Timeout);
