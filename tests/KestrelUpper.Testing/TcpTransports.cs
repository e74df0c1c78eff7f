using Microsoft.Extensions.DependencyInjection;

namespace KestrelUpper.Testing;

/// <summary>
/// The TCP tests run once per driver (<c>Upper:Sockets:Transport</c>): the epoll loops and Kestrel's pipes run the same
/// session, so the same behaviour is owed on both.
/// </summary>
public static class TcpTransports
{
    public const string Epoll = "Epoll";

    public const string Kestrel = "Kestrel";

    /// <summary><paramref name="settings"/> with the transport set.</summary>
    public static Dictionary<string, string?> With(string transport, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var merged = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["Upper:Sockets:Transport"] = transport,
        };
        return merged;
    }

    /// <summary>Starts the service on <paramref name="transport"/> with <paramref name="settings"/>.</summary>
    public static Task<UpperHost> StartAsync(string transport, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null) =>
        UpperHost.StartAsync(With(transport, settings), services);
}
