using System.CommandLine;
using KestrelUpper.Client.Bench;
using KestrelUpper.Client.Cli;
using KestrelUpper.Client.Net;

namespace KestrelUpper.Client.Tests.Cli;

public sealed class ArgumentParsingTests
{
    [Fact]
    public void Bench_defaults()
    {
        var options = new BenchOptions(BenchProtocol.Tcp);
        var command = new RootCommand();
        options.AddTo(command);

        ParseResult result = command.Parse([]);

        Assert.Empty(result.Errors);
        Assert.Equal(
            new BenchSettings(BenchProtocol.Tcp, new ServerAddress("127.0.0.1", 12000), 4, TimeSpan.FromSeconds(5), 64, 1, 0, false, TimeSpan.FromSeconds(2)),
            options.Settings(result));
    }

    [Fact]
    public void Bench_values_are_read()
    {
        var options = new BenchOptions(BenchProtocol.Udp);
        var command = new RootCommand();
        options.AddTo(command);

        ParseResult result = command.Parse(["--host", "::1", "--port", "9", "--connections", "3", "--duration", "1.5", "--size", "100", "--pipeline", "8", "--rate", "250", "--json", "--timeout", "0.5"]);

        Assert.Empty(result.Errors);
        Assert.Equal(
            new BenchSettings(BenchProtocol.Udp, new ServerAddress("::1", 9), 3, TimeSpan.FromSeconds(1.5), 100, 8, 250, true, TimeSpan.FromSeconds(0.5)),
            options.Settings(result));
    }

    [Fact]
    public void Line_client_defaults()
    {
        var options = new ServerOptions(2, "timeout");
        var command = new RootCommand();
        options.AddTo(command);

        ParseResult result = command.Parse([]);

        Assert.Empty(result.Errors);
        Assert.Equal(new ServerAddress("127.0.0.1", 12000), options.Server(result));
        Assert.Equal(TimeSpan.FromSeconds(2), options.TimeoutOf(result));
    }

    [Theory]
    [InlineData("::1", "[::1]:5")]
    [InlineData("127.0.0.1", "127.0.0.1:5")]
    [InlineData("localhost", "localhost:5")]
    public void Server_address_prints_like_a_url_authority(string host, string expected) =>
        Assert.Equal(expected, new ServerAddress(host, 5).ToString());

    [Theory]
    [InlineData("")]
    [InlineData("frob")]
    [InlineData("bench")]
    [InlineData("bench http")]
    [InlineData("tcp --port 0")]
    [InlineData("tcp --port 65536")]
    [InlineData("tcp --port abc")]
    [InlineData("tcp --port")]
    [InlineData("udp --timeout 0")]
    [InlineData("udp extra")]
    [InlineData("bench tcp --connections -1")]
    [InlineData("bench tcp --connections 0")]
    [InlineData("bench tcp --duration 0")]
    [InlineData("bench tcp --pipeline 0")]
    [InlineData("bench tcp --rate -1")]
    [InlineData("bench tcp --size 0")]
    [InlineData("bench udp --size 5")]
    [InlineData("bench udp --size 65508")]
    public async Task Bad_arguments_exit_2_with_one_line_on_stderr(string commandLine)
    {
        ClientOutcome outcome = await ClientRun.RunAsync(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        Assert.Equal(ExitCodes.Usage, outcome.ExitCode);
        string line = Assert.Single(outcome.ErrorLines);
        Assert.StartsWith("upper: ", line, StringComparison.Ordinal);
        Assert.Empty(outcome.Out);
    }

    [Fact]
    public async Task Empty_host_exits_2()
    {
        ClientOutcome outcome = await ClientRun.RunAsync("tcp", "--host", "");

        Assert.Equal(ExitCodes.Usage, outcome.ExitCode);
        Assert.StartsWith("upper: --host", Assert.Single(outcome.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_subcommand_is_named()
    {
        ClientOutcome outcome = await ClientRun.RunAsync("frob");

        Assert.Contains("'frob'", outcome.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("bench tcp --help")]
    public async Task Help_exits_0(string commandLine)
    {
        ClientOutcome outcome = await ClientRun.RunAsync(commandLine.Split(' '));

        Assert.Equal(ExitCodes.Ok, outcome.ExitCode);
        Assert.Contains("Usage:", outcome.Out, StringComparison.Ordinal);
    }
}
