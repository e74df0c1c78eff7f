namespace KestrelUpper.Hosting;

/// <summary><c>Upper:Shutdown</c>: graceful drain on SIGTERM.</summary>
internal sealed class ShutdownOptions
{
    /// <summary>How long open connections may finish after SIGTERM before they are aborted. Defaults to 10 seconds.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}
