using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using KestrelUpper.Hosting;
using KestrelUpper.Tcp.Pipes;
using KestrelUpper.Tcp.Protocol;
using KestrelUpper.Testing;
using KestrelUpper.Tests.Tcp.Protocol;
using Microsoft.AspNetCore.Connections;
using static KestrelUpper.Tests.Proxy.ProxyHeaders;

namespace KestrelUpper.Tests.Tcp;

/// <summary>The pipe driver over in-memory pipes: the order in which it hands bytes and commands to the session.</summary>
public sealed class PipeDriverTests
{
    [Theory]
    [InlineData("Required")]
    [InlineData("Optional")]
    public async Task A_drain_posted_before_the_first_read_still_reads_the_header_and_answers_the_data_after_it(string mode)
    {
        var input = new Pipe();
        var output = new Pipe();
        var connection = new DefaultConnectionContext("drain-first", new DuplexPipe(input.Reader, output.Writer), new DuplexPipe(output.Reader, input.Writer));
        SessionHarness h = SessionHarness.Create(Enum.Parse<ProxyProtocolMode>(mode));
        var driver = new PipeDriver(connection, TimeProvider.System);

        // The header and the request are in before the driver runs, and the server is already draining.
        await input.Writer.WriteAsync(Concat(Ascii("PROXY TCP4 203.0.113.7 192.0.2.10 40000 12000\r\n"), Ascii("last request")));
        driver.Post(SessionCommands.Drain);
        Task running = driver.RunAsync(h.Session);

        ReadResult reply = await output.Reader.ReadAtLeastAsync(12).AsTask().WaitAsync(TestTimeouts.Default);
        Assert.Equal("LAST REQUEST", Encoding.ASCII.GetString(reply.Buffer.ToArray()));
        output.Reader.AdvanceTo(reply.Buffer.End);
        Assert.Equal(SessionState.Lingering, h.Session.State);

        await input.Writer.CompleteAsync(); // the client closes: the linger ends
        await running.WaitAsync(TestTimeouts.Default);
        Assert.Equal(SessionOutcome.Drained, h.Session.Outcome);
        Assert.Equal("203.0.113.7", ((System.Net.IPEndPoint)h.Session.ClientEndPoint!).Address.ToString());
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
