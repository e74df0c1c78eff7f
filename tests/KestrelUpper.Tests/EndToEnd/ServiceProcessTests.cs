using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using KestrelUpper.Testing;

namespace KestrelUpper.Tests.EndToEnd;

/// <summary>The service as a real process: exit codes, signals, logs, and the real command-line clients.</summary>
public sealed class ServiceProcessTests
{
    [Theory]
    [InlineData("Upper__Tcp__Port", "70000", "Upper:Tcp:Port must be between 0 and 65535")]
    [InlineData("Upper__Casing", "Shouty", "Upper:Casing")]
    [InlineData("Upper__Address", "example.com", "Upper:Address must be an IP address")]
    [InlineData("Upper__Sockets__Transport", "Direct", "Upper:Sockets:Transport=Direct was removed: use Epoll")]
    [InlineData("Serilog__MinimumLevel__Default", "Loud", "'Loud' at 'Serilog:MinimumLevel:Default' is not a Serilog level")]
    public async Task A_bad_value_is_one_clear_line_and_exit_code_2(string key, string value, string expected)
    {
        await using ServiceProcess service = ServiceProcess.Launch(new Dictionary<string, string> { [key] = value });
        Assert.Equal(2, await service.WaitForExitAsync(TestTimeouts.Default));
        string error = Assert.Single(service.StandardError);
        Assert.StartsWith("kestrelupper: configuration error: ", error, StringComparison.Ordinal);
        Assert.Contains(expected, error, StringComparison.Ordinal);

        // The bootstrap logger (before the host's exists) logs it too, as compact JSON on a redirected stdout.
        string logged = Assert.Single(service.StandardOutput, l => l.Contains("\"Name\":\"ConfigurationError\"", StringComparison.Ordinal));
        using var json = JsonDocument.Parse(logged);
        Assert.Equal("Fatal", json.RootElement.GetProperty("@l").GetString());
        Assert.Contains(expected, json.RootElement.GetProperty("Problem").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_port_in_use_is_one_clear_line_and_a_non_zero_exit()
    {
        using var taken = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        taken.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        taken.Listen();
        string port = ((System.Net.IPEndPoint)taken.LocalEndPoint!).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        await using ServiceProcess service = ServiceProcess.Launch(new Dictionary<string, string> { ["Upper__Tcp__Port"] = port });
        Assert.Equal(1, await service.WaitForExitAsync(TestTimeouts.Default));
        Assert.Contains(service.StandardError, line => line.StartsWith("kestrelupper: cannot start: ", StringComparison.Ordinal) && line.Contains("address already in use", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Sigterm_with_a_connection_open_answers_it_closes_it_and_exits_0()
    {
        await using ServiceProcess service = await ServiceProcess.StartAsync(new Dictionary<string, string> { ["Upper__Shutdown__Timeout"] = "00:00:05" });
        using Socket client = await SocketExtensions.ConnectTcpAsync(service.TcpEndPoint);
        await client.SendAllAsync("before"u8.ToArray());
        Assert.Equal("BEFORE", Encoding.ASCII.GetString(await client.ReceiveExactlyAsync(6)));

        await client.SendAllAsync("in flight"u8.ToArray());
        service.Terminate();

        // Whatever had arrived is answered, then the server closes its side.
        Assert.Equal("IN FLIGHT", Encoding.ASCII.GetString(await client.ReceiveToEndAsync()));
        Assert.Equal(0, await service.WaitForExitAsync(TestTimeouts.Default));
    }

    [Fact]
    public async Task Logs_are_one_json_object_per_line_with_the_bound_endpoints()
    {
        await using ServiceProcess service = await ServiceProcess.StartAsync();
        service.Terminate();
        Assert.Equal(0, await service.WaitForExitAsync(TestTimeouts.Default));

        Assert.NotEmpty(service.StandardOutput);
        foreach (string line in service.StandardOutput)
        {
            // Compact JSON: @t, the rendered @m and its template's hash @i; @l only above Information.
            using var json = JsonDocument.Parse(line);
            Assert.True(json.RootElement.TryGetProperty("@t", out _), line);
            Assert.True(json.RootElement.TryGetProperty("@m", out _), line);
            Assert.True(json.RootElement.TryGetProperty("@i", out _), line);
            Assert.True(json.RootElement.TryGetProperty("SourceContext", out _), line);
            Assert.False(json.RootElement.TryGetProperty("@l", out _), line); // a clean start logs nothing above Information
        }

        string started = Assert.Single(service.StandardOutput, l => l.Contains("\"Name\":\"Started\"", StringComparison.Ordinal));
        using (var json = JsonDocument.Parse(started))
        {
            Assert.Equal(2, json.RootElement.GetProperty("EventId").GetProperty("Id").GetInt32());
            Assert.StartsWith("KestrelUpper 1.0.0 ready", json.RootElement.GetProperty("@m").GetString()!.Replace("\"", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        }

        string[] listening = service.StandardOutput.Where(l => l.Contains("\"Listening\"", StringComparison.Ordinal)).ToArray();
        Assert.Equal(3, listening.Length);
        Assert.Contains(listening, l => l.Contains($":{service.TcpEndPoint.Port}", StringComparison.Ordinal));
        Assert.Contains(listening, l => l.Contains($":{service.UdpEndPoint.Port}", StringComparison.Ordinal));
        Assert.Contains(listening, l => l.Contains($":{service.HttpEndPoint.Port}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Textbook_python_tcp_client_gets_its_reply()
    {
        await using UpperHost host = await UpperHost.StartAsync();
        (int exit, string stdout, string stderr) = await Run(await ExternalTools.RequireAsync("python3", "python3"), "hello textbook straße\n", Asset("TCPClient.py"), "127.0.0.1", Port(host.TcpEndPoint));
        Assert.True(exit == 0, stderr);
        Assert.Equal("Input lowercase sentence:From Server: HELLO TEXTBOOK STRASSE", stdout.TrimEnd('\n'));
    }

    [Fact]
    public async Task Textbook_python_udp_client_gets_its_reply()
    {
        await using UpperHost host = await UpperHost.StartAsync();
        (int exit, string stdout, string stderr) = await Run(await ExternalTools.RequireAsync("python3", "python3"), "hello datagram\n", Asset("UDPClient.py"), "127.0.0.1", Port(host.UdpEndPoint));
        Assert.True(exit == 0, stderr);
        Assert.Equal("Input lowercase sentence:HELLO DATAGRAM", stdout.TrimEnd('\n'));
    }

    [Fact]
    public async Task Netcat_tcp_lines_come_back_uppercased()
    {
        await using UpperHost host = await UpperHost.StartAsync();
        (int exit, string stdout, string stderr) = await Run(await ExternalTools.RequireAsync("nc", "netcat-openbsd"), "first line\nsecond line\n", "-N", "127.0.0.1", Port(host.TcpEndPoint));
        Assert.True(exit == 0, stderr);
        Assert.Equal("FIRST LINE\nSECOND LINE\n", stdout);
    }

    [Fact]
    public async Task Netcat_udp_datagram_comes_back_uppercased()
    {
        await using UpperHost host = await UpperHost.StartAsync();
        (_, string stdout, _) = await Run(await ExternalTools.RequireAsync("nc", "netcat-openbsd"), "over udp\n", "-u", "-w", "2", "127.0.0.1", Port(host.UdpEndPoint));
        Assert.Equal("OVER UDP\n", stdout);
    }

    private static string Port(System.Net.IPEndPoint endPoint) => endPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Asset(string name) => Path.Combine(AppContext.BaseDirectory, "Assets", name);

    /// <summary>Runs a real client program with <paramref name="stdin"/> as its input.</summary>
    private static async Task<(int Exit, string Stdout, string Stderr)> Run(string program, string stdin, params string[] args)
    {
        ProcessResult result = await ProcessRunner.RunAsync(program, args, Encoding.UTF8.GetBytes(stdin));
        return (result.ExitCode, result.StdoutText, result.Stderr);
    }
}
