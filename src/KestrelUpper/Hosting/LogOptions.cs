namespace KestrelUpper.Hosting;

/// <summary><c>Upper:Log</c>: log output.</summary>
internal sealed class LogOptions
{
    /// <summary>Output format. Defaults to <see cref="LogFormat.Auto"/>: text on a terminal, JSON otherwise.</summary>
    public LogFormat Format { get; set; } = LogFormat.Auto;
}
