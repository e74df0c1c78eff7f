using System.Globalization;
using System.Net;
using System.Net.Sockets;
using KestrelUpper.Client.Cli;

namespace KestrelUpper.Client.Tests.Cli;

/// <summary>Network failures: one `upper: ...` line, exit 1, no stack trace.</summary>
public sealed class ErrorExitTests
{
    [Theory]
    [InlineData("tcp")]
    [InlineData("udp")]
    [InlineData("bench", "tcp")]
    [InlineData("bench", "udp")]
    public async Task Refused_port_exits_1(params string[] command)
    {
        string port = FreePort(command[^1] == "tcp" ? SocketType.Stream : SocketType.Dgram);

        string[] duration = command[0] == "bench" ? ["--duration", "0.2"] : [];

        ClientOutcome outcome = await ClientRun.RunWithInputAsync("hello\n", [.. command, "--port", port, .. duration]);

        AssertOneFailureLine(outcome, "refused");
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("udp")]
    [InlineData("bench", "tcp")]
    [InlineData("bench", "udp")]
    public async Task Unresolvable_host_exits_1(params string[] command)
    {
        ClientOutcome outcome = await ClientRun.RunWithInputAsync("hello\n", [.. command, "--host", "no-such-host.invalid"]);

        AssertOneFailureLine(outcome, "cannot resolve host 'no-such-host.invalid'");
    }

    [Fact]
    public async Task Server_closing_before_replying_is_a_failure()
    {
        // Accepts and closes at once: the replies the client waits for never come.
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        Task closer = Task.Run(async () =>
        {
            using Socket accepted = await listener.AcceptAsync();
            accepted.Close();
        });
        string port = ((IPEndPoint)listener.LocalEndPoint!).Port.ToString(CultureInfo.InvariantCulture);

        ClientOutcome outcome = await ClientRun.RunWithInputAsync("hello\n", "tcp", "--port", port);
        await closer.WaitAsync(KestrelUpper.Testing.TestTimeouts.Default);

        Assert.Equal(ExitCodes.Failure, outcome.ExitCode);
        string line = Assert.Single(outcome.ErrorLines);
        Assert.StartsWith("upper: ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tcp_server_that_never_replies_times_out()
    {
        // Listening but never accepting: the kernel completes the handshake and buffers what is sent.
        using Socket silent = SilentTcpListener(out string port);

        ClientOutcome outcome = await ClientRun.RunWithInputAsync("hello\n", "tcp", "--port", port, "--timeout", "0.3");

        AssertOneFailureLine(outcome, "no reply");
    }

    [Fact]
    public async Task Udp_bench_against_a_silent_port_fails_before_loading()
    {
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        string port = ((IPEndPoint)silent.LocalEndPoint!).Port.ToString(CultureInfo.InvariantCulture);

        ClientOutcome outcome = await ClientRun.RunAsync("bench", "udp", "--port", port, "--timeout", "0.3", "--json");

        AssertOneFailureLine(outcome, "no reply");
        Assert.Empty(outcome.Out);
    }

    [Fact]
    public async Task Bench_with_unanswered_requests_reports_errors_and_exits_1()
    {
        using Socket silent = SilentTcpListener(out string port);

        ClientOutcome outcome = await ClientRun.RunAsync(
            "bench", "tcp", "--port", port, "--connections", "2", "--pipeline", "3", "--duration", "0.3", "--timeout", "0.3", "--json");

        Assert.Equal(ExitCodes.Failure, outcome.ExitCode);
        using var json = System.Text.Json.JsonDocument.Parse(outcome.Out);
        Assert.Equal(6, json.RootElement.GetProperty("errors").GetInt64());
        Assert.Equal(0, json.RootElement.GetProperty("messages").GetInt64());
        Assert.False(json.RootElement.GetProperty("passed").GetBoolean());
    }

    private static Socket SilentTcpListener(out string port)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(16);
        port = ((IPEndPoint)listener.LocalEndPoint!).Port.ToString(CultureInfo.InvariantCulture);
        return listener;
    }

    private static void AssertOneFailureLine(ClientOutcome outcome, string expected)
    {
        Assert.Equal(ExitCodes.Failure, outcome.ExitCode);
        string line = Assert.Single(outcome.ErrorLines);
        Assert.StartsWith("upper: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", outcome.Error, StringComparison.Ordinal);
    }

    /// <summary>A loopback port nothing listens on: bound to learn a free one, then closed.</summary>
    private static string FreePort(SocketType type)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, type, type == SocketType.Stream ? ProtocolType.Tcp : ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port.ToString(CultureInfo.InvariantCulture);
    }
}
