using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using KestrelUpper.Client.Bench;
using KestrelUpper.Client.Cli;
using KestrelUpper.Testing;

namespace KestrelUpper.Client.Tests.Bench;

/// <summary>`upper bench tcp --payload multilingual|FILE [--expect FILE]`: parsing, bad input, and runs against the real service.</summary>
public sealed class PayloadOptionTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("upper-payload-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Built_in_multilingual_payload_is_read_with_its_rotations()
    {
        BenchSettings settings = Parse("--payload", "multilingual");

        BenchPayload payload = Assert.IsType<BenchPayload>(settings.Payload);
        Assert.Equal("multilingual (built-in)", payload.Description);
        Assert.Equal(BenchPayload.SimpleCaseMapping, payload.Verification);
        Assert.Equal(payload.Size, settings.Size);
        Assert.InRange(payload.Size, BuiltInText.MultilingualBytes - Encoding.UTF8.GetByteCount(BuiltInText.Multilingual), BuiltInText.MultilingualBytes);
        Assert.Equal(BenchTextPayload.BuiltInMultilingual(), payload.Request(0).ToArray());
        Assert.False(payload.Request(0).Span.SequenceEqual(payload.Request(1).Span), "rotations must differ, so a reply out of order cannot pass");
        Assert.Equal(payload.Request(0).ToArray(), payload.Request(BenchTextPayload.Rotations).ToArray());
        string text = Encoding.UTF8.GetString(payload.Request(3).Span);
        Assert.Equal(text.ToUpperInvariant(), Encoding.UTF8.GetString(payload.Reply(3)));
    }

    [Fact]
    public void A_file_payload_with_an_expected_reply_is_read_as_given()
    {
        string payloadFile = Write("payload.txt", "straße ﬁx ΐ\n"u8);
        string expectFile = Write("expected.txt", "STRASSE FIX Ϊ́\n"u8);

        BenchSettings settings = Parse("--payload", payloadFile, "--expect", expectFile);

        BenchPayload payload = Assert.IsType<BenchPayload>(settings.Payload);
        Assert.Equal(payloadFile, payload.Description);
        Assert.Equal(File.ReadAllBytes(payloadFile), payload.Request(0).ToArray());
        Assert.Equal(File.ReadAllBytes(payloadFile), payload.Request(5).ToArray());
        Assert.Equal(File.ReadAllBytes(expectFile), payload.Reply(5).ToArray());
        Assert.Equal(File.ReadAllBytes(expectFile).Length, payload.ReplySize);
        Assert.Equal($"--expect {expectFile}", payload.Verification);
    }

    [Fact]
    public void Without_a_payload_the_settings_are_as_before()
    {
        BenchSettings settings = Parse();

        Assert.Null(settings.Payload);
        Assert.Equal(64, settings.Size);
    }

    public static TheoryData<string, string> BadPayloads => new()
    {
        { "missing", "--payload: no such file" },
        { "empty", "is empty" },
        { "too-big", "bytes; at most" },
        { "invalid-utf8", "is not valid UTF-8" },
        { "cut-sequence", "ends inside a UTF-8 sequence" },
        { "expect-alone", "--expect needs --payload" },
        { "expect-missing", "--expect: no such file" },
        { "size-and-payload", "--size and --payload cannot be used together" },
    };

    [Theory]
    [MemberData(nameof(BadPayloads))]
    public async Task A_bad_payload_exits_2_with_one_clear_line(string shape, string message)
    {
        string good = Write("good.txt", "hello, мир\n"u8);
        string[] arguments = shape switch
        {
            "missing" => ["--payload", Path.Combine(_directory, "nope.txt")],
            "empty" => ["--payload", Write("empty.txt", [])],
            "too-big" => ["--payload", Write("big.txt", new byte[BenchOptions.MaxSize + 1])],
            "invalid-utf8" => ["--payload", Write("latin1.txt", [(byte)'c', (byte)'a', (byte)'f', 0xE9, (byte)'!', (byte)'\n'])],
            "cut-sequence" => ["--payload", Write("cut.txt", [(byte)'a', 0xE2, 0x82]), "--expect", good],
            "expect-alone" => ["--expect", good],
            "expect-missing" => ["--payload", good, "--expect", Path.Combine(_directory, "nope.txt")],
            _ => ["--payload", good, "--size", "100"],
        };

        ClientOutcome outcome = await ClientRun.RunAsync(["bench", "tcp", "--port", "1", .. arguments]);

        Assert.Equal(ExitCodes.Usage, outcome.ExitCode);
        string line = Assert.Single(outcome.ErrorLines);
        Assert.StartsWith("upper: ", line, StringComparison.Ordinal);
        Assert.Contains(message, line, StringComparison.Ordinal);
        Assert.Empty(outcome.Out);
    }

    [Fact]
    public async Task Udp_has_no_payload_option()
    {
        ClientOutcome outcome = await ClientRun.RunAsync("bench", "udp", "--payload", "multilingual");

        Assert.Equal(ExitCodes.Usage, outcome.ExitCode);
    }

    [Fact]
    public async Task The_built_in_text_upper_cases_as_python_does_in_every_rotation()
    {
        // The client's check is .NET's invariant upper-casing: it must equal str.upper() on this text, or every
        // reply from a correct server would count as a mismatch.
        await ExternalTools.RequireAsync("python3", "python3");
        BenchPayload payload = Parse("--payload", "multilingual").Payload!;
        for (int rotation = 0; rotation < BenchTextPayload.Rotations; rotation++)
        {
            byte[] python = await PythonUpperAsync(payload.Request(rotation).ToArray());
            Assert.True(python.AsSpan().SequenceEqual(payload.Reply(rotation)), $"rotation {rotation} differs from python3 str.upper()");
        }
    }

    [Fact]
    public async Task Built_in_payload_against_the_service_has_no_mismatch()
    {
        await using UpperHost host = await UpperHost.StartAsync();

        ClientOutcome outcome = await ClientRun.RunAsync(
            "bench", "tcp", "--port", Port(host), "--payload", "multilingual", "--connections", "2", "--pipeline", "2", "--duration", "0.5", "--json");

        using JsonDocument json = JsonDocument.Parse(outcome.Out);
        JsonElement root = json.RootElement;
        Assert.Equal("multilingual (built-in)", root.GetProperty("payload").GetString());
        Assert.Equal(0, root.GetProperty("mismatches").GetInt64());
        Assert.Equal(0, root.GetProperty("errors").GetInt64());
        Assert.True(root.GetProperty("messages").GetInt64() > 0);
        Assert.Equal(ExitCodes.Ok, outcome.ExitCode);
    }

    [Fact]
    public async Task A_file_with_expansions_passes_with_expect_and_is_caught_without()
    {
        await ExternalTools.RequireAsync("python3", "python3");
        byte[] text = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("Straße, ﬁnal ΐ und ǰ: groß! ", 50)) + "\n");
        string payloadFile = Write("special.txt", text);
        string expectFile = Write("special.upper.txt", await PythonUpperAsync(text));
        await using UpperHost host = await UpperHost.StartAsync();

        ClientOutcome expected = await ClientRun.RunAsync(
            "bench", "tcp", "--port", Port(host), "--payload", payloadFile, "--expect", expectFile, "--duration", "0.3", "--json");
        ClientOutcome simple = await ClientRun.RunAsync(
            "bench", "tcp", "--port", Port(host), "--payload", payloadFile, "--duration", "0.3", "--json");

        using JsonDocument passed = JsonDocument.Parse(expected.Out);
        Assert.Equal(0, passed.RootElement.GetProperty("mismatches").GetInt64());
        Assert.Equal(ExitCodes.Ok, expected.ExitCode);

        // .NET's simple mapping leaves ß unexpanded, so the reply is longer than it expects: the check must catch it.
        using JsonDocument failed = JsonDocument.Parse(simple.Out);
        Assert.True(failed.RootElement.GetProperty("mismatches").GetInt64() + failed.RootElement.GetProperty("errors").GetInt64() > 0);
        Assert.Equal(ExitCodes.Failure, simple.ExitCode);
    }

    private static BenchSettings Parse(params string[] arguments)
    {
        var options = new BenchOptions(BenchProtocol.Tcp);
        var command = new RootCommand();
        options.AddTo(command);
        ParseResult result = command.Parse(arguments);
        Assert.Empty(result.Errors);
        return options.Settings(result);
    }

    private static string Port(UpperHost host) => host.TcpEndPoint.Port.ToString(CultureInfo.InvariantCulture);

    private static async Task<byte[]> PythonUpperAsync(byte[] input)
    {
        var info = new ProcessStartInfo("python3") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("import sys; sys.stdout.buffer.write(sys.stdin.buffer.read().decode('utf-8').upper().encode('utf-8'))");
        using Process process = Process.Start(info)!;
        Task writer = Task.Run(async () =>
        {
            await process.StandardInput.BaseStream.WriteAsync(input);
            process.StandardInput.Close();
        });
        using var output = new MemoryStream();
        await process.StandardOutput.BaseStream.CopyToAsync(output);
        await writer;
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
        return output.ToArray();
    }

    private string Write(string name, ReadOnlySpan<byte> bytes)
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllBytes(path, bytes.ToArray());
        return path;
    }
}
