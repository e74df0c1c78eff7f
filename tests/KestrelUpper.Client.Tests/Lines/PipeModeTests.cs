using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using KestrelUpper.Client.Cli;
using KestrelUpper.Testing;

namespace KestrelUpper.Client.Tests.Lines;

/// <summary>Pipe mode against the real service. ASCII only: the service in this branch uppercases ASCII.</summary>
public sealed class PipeModeTests
{
    [Fact]
    public async Task Tcp_writes_each_reply_as_a_line()
    {
        await using UpperHost host = await UpperHost.StartAsync();

        ClientOutcome outcome = await ClientRun.RunWithInputAsync("hello world\nsecond line\n\nno newline at end", "tcp", "--port", Port(host.TcpEndPoint));

        Assert.Equal(string.Empty, outcome.Error);
        Assert.Equal(ExitCodes.Ok, outcome.ExitCode);
        Assert.Equal("HELLO WORLD\nSECOND LINE\n\nNO NEWLINE AT END\n", outcome.Out);
    }

    [Fact]
    public async Task Tcp_keeps_thousands_of_lines_in_order_over_one_connection()
    {
        await using UpperHost host = await UpperHost.StartAsync();
        var input = new StringBuilder();
        var expected = new StringBuilder();
        for (int i = 0; i < 5000; i++)
        {
            input.Append(CultureInfo.InvariantCulture, $"line {i} of the pipe, abc xyz\n");
            expected.Append(CultureInfo.InvariantCulture, $"LINE {i} OF THE PIPE, ABC XYZ\n");
        }

        ClientOutcome outcome = await ClientRun.RunWithInputAsync(input.ToString(), "tcp", "--port", Port(host.TcpEndPoint));

        Assert.Equal(ExitCodes.Ok, outcome.ExitCode);
        Assert.Equal(expected.ToString(), outcome.Out);
    }

    [Fact]
    public async Task Tcp_empty_input_sends_nothing_and_succeeds()
    {
        await using UpperHost host = await UpperHost.StartAsync();

        ClientOutcome outcome = await ClientRun.RunWithInputAsync(string.Empty, "tcp", "--port", Port(host.TcpEndPoint));

        Assert.Equal(ExitCodes.Ok, outcome.ExitCode);
        Assert.Equal(string.Empty, outcome.Out);
    }

    [Fact]
    public async Task Udp_sends_one_datagram_per_line()
    {
        await using UpperHost host = await UpperHost.StartAsync();

        ClientOutcome outcome = await ClientRun.RunWithInputAsync("hello world\nsecond line\n", "udp", "--port", Port(host.UdpEndPoint));

        Assert.Equal(string.Empty, outcome.Error);
        Assert.Equal(ExitCodes.Ok, outcome.ExitCode);
        Assert.Equal("HELLO WORLD\nSECOND LINE\n", outcome.Out);
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("udp")]
    public async Task Host_names_resolve(string protocol)
    {
        await using UpperHost host = await UpperHost.StartAsync();
        IPEndPoint endPoint = protocol == "tcp" ? host.TcpEndPoint : host.UdpEndPoint;

        // "localhost" may name ::1 first while the service listens on 127.0.0.1: the client must fall back.
        ClientOutcome outcome = await ClientRun.RunWithInputAsync("abc\n", protocol, "--host", "localhost", "--port", Port(endPoint));

        Assert.Equal(ExitCodes.Ok, outcome.ExitCode);
        Assert.Equal("ABC\n", outcome.Out);
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("udp")]
    public async Task Ipv6_literal_host(string protocol)
    {
        await using UpperHost host = await UpperHost.StartAsync(new Dictionary<string, string?> { ["Upper:Address"] = "::" });
        IPEndPoint endPoint = protocol == "tcp" ? host.TcpEndPoint : host.UdpEndPoint;

        ClientOutcome outcome = await ClientRun.RunWithInputAsync("abc\n", protocol, "--host", "::1", "--port", Port(endPoint));

        Assert.Equal(ExitCodes.Ok, outcome.ExitCode);
        Assert.Equal("ABC\n", outcome.Out);
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("udp")]
    public async Task Interactive_mode_prompts_like_the_textbook_client(string protocol)
    {
        await using UpperHost host = await UpperHost.StartAsync();
        IPEndPoint endPoint = protocol == "tcp" ? host.TcpEndPoint : host.UdpEndPoint;

        ClientOutcome outcome = await ClientRun.RunInteractiveAsync("hello\nworld\n", protocol, "--port", Port(endPoint));

        Assert.Equal(ExitCodes.Ok, outcome.ExitCode);
        Assert.Equal(
            "Input lowercase sentence: From Server: HELLO\nInput lowercase sentence: From Server: WORLD\nInput lowercase sentence: \n",
            outcome.Out);
    }

    [Fact]
    public async Task Udp_lost_replies_are_reported_and_the_next_lines_still_go()
    {
        // A bound socket that never answers: every datagram is "lost".
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        ClientOutcome outcome = await ClientRun.RunWithInputAsync("one\ntwo\n", "udp", "--port", Port((IPEndPoint)silent.LocalEndPoint!), "--timeout", "0.2");

        Assert.Equal(ExitCodes.Failure, outcome.ExitCode);
        Assert.Equal(2, outcome.ErrorLines.Length);
        Assert.All(outcome.ErrorLines, line => Assert.StartsWith("upper: no reply", line, StringComparison.Ordinal));
        Assert.Contains("line 2", outcome.ErrorLines[1], StringComparison.Ordinal);
        Assert.Equal(string.Empty, outcome.Out);
    }

    private static string Port(IPEndPoint endPoint) => endPoint.Port.ToString(CultureInfo.InvariantCulture);
}
