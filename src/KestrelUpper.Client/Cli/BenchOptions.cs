using System.CommandLine;
using KestrelUpper.Client.Bench;
using KestrelUpper.Client.Lines;

namespace KestrelUpper.Client.Cli;

/// <summary>The options of `upper bench tcp` or `upper bench udp`.</summary>
internal sealed class BenchOptions
{
    /// <summary>Largest message: a bigger one says nothing more about the server and costs 52x its size in templates.</summary>
    public const int MaxSize = 1024 * 1024;

    private readonly BenchProtocol _protocol;

    public BenchOptions(BenchProtocol protocol)
    {
        _protocol = protocol;
        int minSize = protocol == BenchProtocol.Udp ? UdpTag.Length : 1;
        int maxSize = protocol == BenchProtocol.Udp ? UdpLineClient.MaxDatagram : MaxSize;
        Size = new Option<int>("--size")
        {
            Description = protocol == BenchProtocol.Udp
                ? $"Bytes per datagram ({minSize}..{maxSize}); the first {UdpTag.Length} carry its sequence number."
                : $"Bytes per message ({minSize}..{maxSize}).",
            DefaultValueFactory = _ => 64,
            HelpName = "bytes",
        };
        Size.CustomParser = OptionParsers.Int("--size", minSize, maxSize);
        if (protocol == BenchProtocol.Tcp)
        {
            Payload = new Option<string>("--payload")
            {
                Description = $"Send this text as each message instead of lowercase ASCII: '{BuiltInText.MultilingualName}' (built in: "
                    + "16 languages, CJK and emoji, 64 KiB) or a file. Replies are checked against --expect, else .NET's invariant "
                    + "upper-casing, which does not expand ß, ligatures and the like (text with those needs --expect).",
                HelpName = "multilingual|file",
            };
            Expect = new Option<string>("--expect")
            {
                Description = "With --payload FILE: the exact reply to expect to it (e.g. python3 str.upper() of the file).",
                HelpName = "file",
            };
        }
        Connections.CustomParser = OptionParsers.Int("--connections", 1, 10_000);
        Pipeline.CustomParser = OptionParsers.Int("--pipeline", 1, 10_000);
        Duration.CustomParser = OptionParsers.Double("--duration", 0, 86_400, allowMin: false);
        Rate.CustomParser = OptionParsers.Double("--rate", 0, 100_000_000, allowMin: true);
    }

    public ServerOptions Server { get; } = new(2, "Seconds to wait for a connection, a reply (udp), or the last replies at the end.");

    public Option<int> Connections { get; } = new("--connections")
    {
        Description = "Concurrent connections (udp: sockets).",
        DefaultValueFactory = _ => 4,
        HelpName = "n",
    };

    public Option<double> Duration { get; } = new("--duration")
    {
        Description = "Seconds of load.",
        DefaultValueFactory = _ => 5,
        HelpName = "seconds",
    };

    public Option<int> Size { get; }

    public Option<int> Pipeline { get; } = new("--pipeline")
    {
        Description = "Requests in flight per connection.",
        DefaultValueFactory = _ => 1,
        HelpName = "depth",
    };

    public Option<double> Rate { get; } = new("--rate")
    {
        Description = "Target messages/s over all connections (open loop); 0 = as fast as replies allow.",
        DefaultValueFactory = _ => 0,
        HelpName = "msgs/s",
    };

    /// <summary>`--payload` (TCP only: a text sent as the stream).</summary>
    public Option<string>? Payload { get; }

    /// <summary>`--expect` (TCP only, with `--payload`).</summary>
    public Option<string>? Expect { get; }

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Print one JSON object instead of the table (no progress, no colours).",
    };

    public void AddTo(Command command)
    {
        Server.AddTo(command);
        command.Options.Add(Connections);
        command.Options.Add(Duration);
        command.Options.Add(Size);
        command.Options.Add(Pipeline);
        command.Options.Add(Rate);
        command.Options.Add(Json);
        if (Payload is not null && Expect is not null)
        {
            command.Options.Add(Payload);
            command.Options.Add(Expect);
            command.Validators.Add(ValidatePayload);
        }
    }

    public BenchSettings Settings(ParseResult result)
    {
        BenchPayload? payload = null;
        if (Payload is not null && result.GetValue(Payload) is { } text
            && !BenchTextPayload.TryLoad(text, Expect is null ? null : result.GetValue(Expect), MaxSize, out payload, out string error))
        {
            // The command's validator has read the same files; they changed in between.
            throw new ClientFailureException(error);
        }

        return new BenchSettings(
            _protocol,
            Server.Server(result),
            result.GetValue(Connections),
            TimeSpan.FromSeconds(result.GetValue(Duration)),
            payload?.Size ?? result.GetValue(Size),
            result.GetValue(Pipeline),
            result.GetValue(Rate),
            result.GetValue(Json),
            Server.TimeoutOf(result),
            payload);
    }

    /// <summary>Bad --payload / --expect combinations and files are usage errors (exit 2), found before connecting.</summary>
    private void ValidatePayload(System.CommandLine.Parsing.CommandResult result)
    {
        string? payload = result.GetValue(Payload!);
        string? expect = result.GetValue(Expect!);
        if (payload is null)
        {
            if (expect is not null)
            {
                result.AddError("--expect needs --payload");
            }

            return;
        }

        if (result.GetResult(Size) is { Implicit: false })
        {
            result.AddError("--size and --payload cannot be used together: each message is the whole payload");
        }
        else if (!BenchTextPayload.TryLoad(payload, expect, MaxSize, out _, out string error))
        {
            result.AddError(error);
        }
    }
}
