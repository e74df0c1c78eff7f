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
    }

    public BenchSettings Settings(ParseResult result) => new(
        _protocol,
        Server.Server(result),
        result.GetValue(Connections),
        TimeSpan.FromSeconds(result.GetValue(Duration)),
        result.GetValue(Size),
        result.GetValue(Pipeline),
        result.GetValue(Rate),
        result.GetValue(Json),
        Server.TimeoutOf(result));
}
