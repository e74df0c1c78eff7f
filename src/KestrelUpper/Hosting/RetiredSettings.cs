namespace KestrelUpper.Hosting;

/// <summary>
/// Keys that earlier versions read and this one does not. One still set in an operator's configuration is named in a
/// start-up warning rather than ignored in silence; <c>Upper:Sockets:Transport=Direct</c> is refused outright.
/// </summary>
internal static class RetiredSettings
{
    /// <summary>The value of <c>Upper:Sockets:Transport</c> that is refused, with the line that says what replaced it.</summary>
    public const string DirectTransport = "Direct";

    public const string DirectTransportError =
        "Upper:Sockets:Transport=Direct was removed: use Epoll (the default; the service's own event loops, Linux x64/arm64) or Kestrel (Kestrel's socket transport, every platform).";

    private static readonly (string Key, string Why)[] Keys =
    [
        ("Upper:Sockets:InlineCompletions", "the TCP and UDP ports run on the service's own loops"),
        ("Upper:Sockets:InlinePipeScheduling", "Kestrel's default scheduling is used"),
        ("Upper:Sockets:WaitForDataBeforeAllocatingBuffer", "Kestrel's default is used"),
        ("Upper:Udp:ReceiveLoops", "one receive loop serves the UDP port"),
    ];

    /// <summary>The retired keys present in <paramref name="configuration"/>, with why each is no longer read.</summary>
    public static IReadOnlyList<(string Key, string Why)> Find(IConfiguration configuration)
    {
        var found = new List<(string Key, string Why)>();
        foreach ((string key, string why) in Keys)
        {
            if (configuration[key] is not null)
            {
                found.Add((key, why));
            }
        }

        return found;
    }
}
