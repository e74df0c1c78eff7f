using Microsoft.Extensions.DependencyInjection;

namespace KestrelUpper.Testing;

/// <summary>
/// The UDP tests run once per receive loop (<c>Upper:Udp:Loop</c>): the Linux batch loop and the portable loop owe
/// the same behaviour.
/// </summary>
public static class UdpLoops
{
    /// <summary>The recvmmsg/sendmmsg loop on Linux (the default).</summary>
    public const string Batch = "Batch";

    /// <summary>One datagram at a time: the portable loop on every platform.</summary>
    public const string Portable = "Portable";

    /// <summary><paramref name="settings"/> with the loop set.</summary>
    public static Dictionary<string, string?> With(string loop, IReadOnlyDictionary<string, string?>? settings = null) =>
        new(settings ?? new Dictionary<string, string?>())
        {
            ["Upper:Udp:Loop"] = loop,
        };

    /// <summary>Starts the service with <paramref name="loop"/> and <paramref name="settings"/>.</summary>
    public static Task<UpperHost> StartAsync(string loop, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null) =>
        UpperHost.StartAsync(With(loop, settings), services);
}
