using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using KestrelUpper.Hosting;
using KestrelUpper.Tcp.Pipes;
using KestrelUpper.Tcp.Protocol;
using KestrelUpper.Tests.Tcp.Protocol;
using Microsoft.AspNetCore.Connections;
using KestrelUpper.Telemetry;
using KestrelUpper.Testing;
using KestrelUpper.Text;
using KestrelUpper.Udp;
using Microsoft.Extensions.Options;

namespace KestrelUpper.Tests.Performance;

/// <summary>
/// Zero allocations per message in the pure parts, on the test's own thread: N exchanges are run twice with
/// different N, and the allocation growth must not depend on N. Counts bytes, never time. The socket paths
/// are measured in a service process (<see cref="ServiceAllocationTests"/>).
/// </summary>
[Collection(AllocationMeasurements.Name)]
public sealed class AllocationTests
{
    private static readonly byte[] Message = "hello, straße! ﬁx γειά 🙂\n"u8.ToArray();

    [Fact]
    public async Task The_pipe_driver_and_its_session_allocate_nothing_per_message()
    {
        // Inline schedulers keep the whole exchange on this thread, so the per-thread counter sees all of it.
        var options = new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false);
        var input = new Pipe(options);
        var output = new Pipe(options);
        var connection = new DefaultConnectionContext("alloc", new DuplexPipe(input.Reader, output.Writer), new DuplexPipe(output.Reader, input.Writer));
        UppercaseSession session = SessionHarness.ForDriver(new IPEndPoint(IPAddress.Loopback, 40_000), connection.ConnectionId);
        Task running = new PipeDriver(connection, TimeProvider.System).RunAsync(session);

        await Exchange(input.Writer, output.Reader, 1_000); // warm up: tiered JIT, pools
        long before = GC.GetAllocatedBytesForCurrentThread();
        await Exchange(input.Writer, output.Reader, 1_000);
        long small = GC.GetAllocatedBytesForCurrentThread() - before;
        before = GC.GetAllocatedBytesForCurrentThread();
        await Exchange(input.Writer, output.Reader, 20_000);
        long large = GC.GetAllocatedBytesForCurrentThread() - before;

        // Bounded whatever N: 20x the messages stay under a bound far below one byte each (one-off runtime work aside).
        Assert.True(small < 8192, $"1000 messages allocated {small} bytes.");
        Assert.True(large < 8192, $"20000 messages allocated {large} bytes (1000 allocated {small}).");

        await input.Writer.CompleteAsync();
        await running.WaitAsync(TestTimeouts.Default);
        Assert.Equal(SessionOutcome.InputCompleted, session.Outcome);
    }

    [Fact]
    public void The_session_allocates_nothing_per_message_behind_a_proxy_header()
    {
        SessionHarness h = SessionHarness.Create(KestrelUpper.Hosting.ProxyProtocolMode.Required);
        h.Session.Start();
        h.Receive(KestrelUpper.Tests.Proxy.ProxyHeaders.Ascii("PROXY TCP4 203.0.113.7 192.0.2.10 40000 12000\r\n"));
        var message = new System.Buffers.ReadOnlySequence<byte>(Message);
        for (int i = 0; i < 1_000; i++)
        {
            h.Session.OnReceived(message, h.Output, i);
            h.Output.Clear();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100_000; i++)
        {
            h.Session.OnReceived(message, h.Output, i);
            h.Output.Clear();
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 8192, $"100000 messages allocated {allocated} bytes.");
        Assert.Equal(101_000L * Message.Length, h.Session.BytesReceived);
    }

    [Fact]
    public void The_udp_datagram_path_allocates_nothing_per_datagram()
    {
        var counters = new UpperCounters();
        IOptions<UpperOptions> options = Options.Create(new UpperOptions { Udp = { RatePerSource = 0 } });
        var processor = new UdpDatagramProcessor(new Uppercaser(CasingMode.Unicode), new SourceRateLimiter(options, TimeProvider.System), counters, options);
        var address = new SocketAddress(AddressFamily.InterNetworkV6);
        new IPEndPoint(IPAddress.IPv6Loopback, 40_000).Serialize().Buffer.Span.CopyTo(address.Buffer.Span);
        byte[] reply = new byte[processor.ReplyBufferLength];

        Process(processor, address, reply, 20_000); // warm up: tiered JIT and OSR compile on this thread
        long before = GC.GetAllocatedBytesForCurrentThread();
        Process(processor, address, reply, 1_000);
        long small = GC.GetAllocatedBytesForCurrentThread() - before;
        before = GC.GetAllocatedBytesForCurrentThread();
        int answered = Process(processor, address, reply, 100_000);
        long large = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(100_000, answered);
        // One-off runtime work (a late tier-up touching a type for the first time) may show up once in either
        // run; per datagram there is nothing: 100x the datagrams stay under a bound far below one byte each.
        Assert.True(small < 8192, $"1000 datagrams allocated {small} bytes.");
        Assert.True(large < 8192, $"100000 datagrams allocated {large} bytes (1000 allocated {small}).");
    }

    private static async Task Exchange(PipeWriter input, PipeReader output, int count)
    {
        for (int i = 0; i < count; i++)
        {
            await input.WriteAsync(Message);
            ReadResult result = await output.ReadAsync();
            output.AdvanceTo(result.Buffer.End);
        }
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }

    private static int Process(UdpDatagramProcessor processor, SocketAddress address, byte[] reply, int count)
    {
        int answered = 0;
        for (int i = 0; i < count; i++)
        {
            if (processor.Process(Message, SourceKey.From(address), reply, out _) is null)
            {
                answered++;
            }
        }

        return answered;
    }
}
