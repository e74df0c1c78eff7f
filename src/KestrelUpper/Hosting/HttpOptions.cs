namespace KestrelUpper.Hosting;

/// <summary><c>Upper:Http</c>: the health and metrics endpoint.</summary>
internal sealed class HttpOptions
{
    /// <summary>Port of the HTTP endpoint (health, metrics, status); 0 picks an ephemeral port. Defaults to 8080.</summary>
    public int Port { get; set; } = 8080;
}
