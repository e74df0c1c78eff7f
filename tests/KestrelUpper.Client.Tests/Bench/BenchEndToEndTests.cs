using System.Globalization;
using System.Net;
using System.Text.Json;
using KestrelUpper.Client.Cli;
using KestrelUpper.Testing;

namespace KestrelUpper.Client.Tests.Bench;

/// <summary>Short runs against the real service: every reply verified. Never a speed assertion.</summary>
public sealed class BenchEndToEndTests
{
    // The service rate-limits UDP per source address; a bench from one address would be throttled.
    private static readonly Dictionary<string, string?> Unthrottled = new() { ["Upper:Udp:RatePerSource"] = "0" };

    [Theory]
    [InlineData("tcp", "1")]
    [InlineData("tcp", "8")]
    [InlineData("udp", "1")]
    [InlineData("udp", "8")]
    public async Task Json_run_verifies_every_reply(string protocol, string pipeline)
    {
        await using UpperHost host = await UpperHost.StartAsync(Unthrottled);

        ClientOutcome outcome = await ClientRun.RunAsync(
            "bench", protocol, "--port", Port(host, protocol), "--connections", "2", "--pipeline", pipeline, "--duration", "0.5", "--size", "32", "--json");

        Assert.Equal(string.Empty, outcome.Error);
        using JsonDocument json = JsonDocument.Parse(outcome.Out);
        JsonElement root = json.RootElement;
        Assert.Equal(0, root.GetProperty("mismatches").GetInt64());
        Assert.Equal(0, root.GetProperty("errors").GetInt64());
        Assert.True(root.GetProperty("messages").GetInt64() > 0);
        Assert.True(root.GetProperty("messagesPerSecond").GetDouble() > 0);
        Assert.True(root.GetProperty("p50Microseconds").GetInt64() <= root.GetProperty("p99Microseconds").GetInt64());
        Assert.True(root.GetProperty("p99Microseconds").GetInt64() <= root.GetProperty("maxMicroseconds").GetInt64());
        Assert.Equal(ExitCodes.Ok, outcome.ExitCode);
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("udp")]
    public async Task Paced_run_with_one_byte_or_tag_sized_messages(string protocol)
    {
        await using UpperHost host = await UpperHost.StartAsync(Unthrottled);
        string size = protocol == "tcp" ? "1" : "6";

        ClientOutcome outcome = await ClientRun.RunAsync(
            "bench", protocol, "--port", Port(host, protocol), "--connections", "3", "--duration", "0.5", "--rate", "300", "--size", size, "--json");

        using JsonDocument json = JsonDocument.Parse(outcome.Out);
        Assert.Equal(0, json.RootElement.GetProperty("mismatches").GetInt64());
        Assert.Equal(0, json.RootElement.GetProperty("errors").GetInt64());
        Assert.True(json.RootElement.GetProperty("messages").GetInt64() > 0);
        Assert.Equal(ExitCodes.Ok, outcome.ExitCode);
    }

    [Fact]
    public async Task Table_run_ends_with_the_table()
    {
        await using UpperHost host = await UpperHost.StartAsync(Unthrottled);

        ClientOutcome outcome = await ClientRun.RunAsync("bench", "tcp", "--port", Port(host, "tcp"), "--duration", "0.3");

        Assert.Equal(ExitCodes.Ok, outcome.ExitCode);
        foreach (string row in new[] { "messages/s", "MB/s", "p50", "p90", "p99", "p99.9", "max", "errors", "mismatches" })
        {
            Assert.Contains(row, outcome.Out, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("\u001b[", outcome.Out, StringComparison.Ordinal);
    }

    private static string Port(UpperHost host, string protocol)
    {
        IPEndPoint endPoint = protocol == "tcp" ? host.TcpEndPoint : host.UdpEndPoint;
        return endPoint.Port.ToString(CultureInfo.InvariantCulture);
    }
}
