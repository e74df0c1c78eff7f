using Microsoft.Extensions.DependencyInjection;

namespace KestrelUpper.Testing;

/// <summary>
/// The UDP tests run once per receive loop (<c>Upper:Udp:BatchSize</c>): the Linux batch loop and the portable
/// loop owe the same behaviour.
/// </summary>
public static class UdpLoops
{
    /// <summary>The default batch size: the recvmmsg/sendmmsg loop on Linux.</summary>
    public const string Batch = "64";

    /// <summary>One datagram at a time: the portable loop on every platform.</summary>
    public const string Portable = "1";

    /// <summary><paramref name="settings"/> with the batch size set.</summary>
    public static Dictionary<string, string?> With(string batchSize, IReadOnlyDictionary<string, string?>? settings = null) =>
        new(settings ?? new Dictionary<string, string?>())
        {
            ["Upper:Udp:BatchSize"] = batchSize,
        };

    /// <summary>Starts the service with <paramref name="batchSize"/> and <paramref name="settings"/>.</summary>
    public static Task<UpperHost> StartAsync(string batchSize, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null) =>
        UpperHost.StartAsync(With(batchSize, settings), services);
}
