using System.CommandLine;
using KestrelUpper.Client.Net;

namespace KestrelUpper.Client.Cli;

/// <summary>`--host`, `--port` and `--timeout`, made afresh for each command that takes them.</summary>
internal sealed class ServerOptions
{
    public const string DefaultHost = "127.0.0.1";

    public const int DefaultPort = 12000;

    public ServerOptions(double defaultTimeoutSeconds, string timeoutDescription)
    {
        Timeout = new Option<double>("--timeout")
        {
            Description = timeoutDescription,
            DefaultValueFactory = _ => defaultTimeoutSeconds,
            HelpName = "seconds",
        };
        Timeout.CustomParser = OptionParsers.Double("--timeout", 0, 3600, allowMin: false);
        Port.CustomParser = OptionParsers.Int("--port", 1, 65_535);
        Host.Validators.Add(static result =>
        {
            if (string.IsNullOrWhiteSpace(result.GetValueOrDefault<string>()))
            {
                result.AddError("--host must not be empty");
            }
        });
    }

    public Option<string> Host { get; } = new("--host")
    {
        Description = "Server host name or IP address (IPv4 or IPv6, e.g. ::1 or localhost).",
        DefaultValueFactory = _ => DefaultHost,
        HelpName = "host",
    };

    public Option<int> Port { get; } = new("--port")
    {
        Description = "Server port.",
        DefaultValueFactory = _ => DefaultPort,
        HelpName = "port",
    };

    public Option<double> Timeout { get; }

    public void AddTo(Command command)
    {
        command.Options.Add(Host);
        command.Options.Add(Port);
        command.Options.Add(Timeout);
    }

    public ServerAddress Server(ParseResult result) => new(result.GetValue(Host)!.Trim(), result.GetValue(Port));

    public TimeSpan TimeoutOf(ParseResult result) => TimeSpan.FromSeconds(result.GetValue(Timeout));
}
