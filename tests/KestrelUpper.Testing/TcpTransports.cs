namespace KestrelUpper.Testing;

/// <summary>The TCP tests run once per transport (<c>Upper:Sockets:Transport</c>): the same behaviour is owed on both.</summary>
public static class TcpTransports
{
    public const string Direct = "Direct";

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
}
