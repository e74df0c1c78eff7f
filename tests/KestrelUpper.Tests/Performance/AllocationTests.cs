using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using KestrelUpper.Hosting;
using KestrelUpper.Interop;
using KestrelUpper.Tcp;
using KestrelUpper.Telemetry;
using KestrelUpper.Testing;
using KestrelUpper.Text;
using KestrelUpper.Udp;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace KestrelUpper.Tests.Performance;

/// <summary>
/// Zero allocations per message: N exchanges are run twice with different N, and the allocation growth
/// must not depend on N. Counts bytes, never time.
/// </summary>
[Collection(AllocationMeasurements.Name)]
public sealed class AllocationTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int UdpBatchSize = 64;
    private const int DatagramWindow = 16;

    private static readonly byte[] Message = "hello, straße! ﬁx γειά 🙂\n"u8.ToArray();

    [Fact]
    public async Task The_tcp_pump_allocates_nothing_per_message()
    {
        // Inline schedulers keep the whole exchange on this thread, so the per-thread counter sees all of it.
        var options = new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false);
        var input = new Pipe(options);
        var output = new Pipe(options);
        var stats = new TcpConnectionStats(new UpperCounters(), TimeProvider.System);
        Task<PumpOutcome> pump = UppercasePump.RunAsync(input.Reader, output.Writer, new Uppercaser(CasingMode.Unicode), stats);

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
        Assert.Equal(PumpOutcome.InputCompleted, await pump.WaitAsync(TestTimeouts.Default));
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

    [Fact]
    public async Task The_udp_batch_loop_allocates_a_bounded_amount_whatever_the_datagram_count()
    {
        if (!Libc.IsSupported)
        {
            return; // recvmmsg/sendmmsg exist on Linux only; elsewhere the service runs the portable loop, measured above
        }

        var counters = new UpperCounters();
        IOptions<UpperOptions> options = Options.Create(new UpperOptions { Udp = { RatePerSource = 0 } });
        var processor = new UdpDatagramProcessor(new Uppercaser(CasingMode.Unicode), new SourceRateLimiter(options, TimeProvider.System), counters, options);
        var handler = new UdpDatagramHandler(processor, counters, new LogThrottle(TimeProvider.System, TimeSpan.FromSeconds(10)), NullLogger.Instance);
        using Socket server = UdpSocketFactory.Bind(IPAddress.Loopback, 0);
        using var loop = new UdpBatchLoop(server, handler, UdpBatchSize, "upper-udp-test");
        using var stop = new CancellationTokenSource();
        Task running = loop.RunAsync(stop.Token);

        // A blocking client on span overloads allocates nothing itself; windows of several datagrams fill batches.
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveTimeout = (int)TestTimeouts.Default.TotalMilliseconds };
        client.Connect(server.LocalEndPoint!);
        byte[] reply = new byte[Message.Length * 3];
        int expected = ExpectedLength();

        int mismatched = DatagramRoundTrips(client, reply, expected, 2_000); // warm up
        long small = Measure(() => mismatched += DatagramRoundTrips(client, reply, expected, 2_000));
        long large = Measure(() => mismatched += DatagramRoundTrips(client, reply, expected, 20_000));
        stop.Cancel();
        await running.WaitAsync(TestTimeouts.Default);

        output.WriteLine($"batch loop, client and loop together: 2000 datagrams {small} bytes, 20000 datagrams {large} bytes");
        Assert.Equal(0, mismatched);
        Assert.Equal(24_000, counters.UdpDatagramsSent);
        // Client and loop share the process (and allocate nothing per datagram): the bound is under 4 bytes per
        // datagram of the large run, room for one-off runtime work only.
        Assert.True(small < 64 * 1024, $"2000 datagrams allocated {small} bytes.");
        Assert.True(large < 64 * 1024, $"20000 datagrams allocated {large} bytes (2000 allocated {small}).");
    }

    [Fact]
    public async Task The_real_service_allocates_a_bounded_amount_whatever_the_message_count()
    {
        await using UpperHost host = await UpperHost.StartAsync();
        using Socket client = await SocketExtensions.ConnectTcpAsync(host.TcpEndPoint);
        byte[] reply = new byte[Message.Length * 3];

        await RoundTrips(client, reply, 2_000); // warm up
        long small = await MeasureAsync(() => RoundTrips(client, reply, 2_000));
        long large = await MeasureAsync(() => RoundTrips(client, reply, 20_000));

        output.WriteLine($"real service, client and server together: 2000 round trips {small} bytes, 20000 round trips {large} bytes");

        // Client and server share the process: both sides together must not grow with N (ten times more messages).
        Assert.True(large < small + (256 * 1024), $"2000 round trips allocated {small} bytes, 20000 allocated {large}.");
    }

    private static long Measure(Action work)
    {
        long before = GC.GetTotalAllocatedBytes(precise: true);
        work();
        return GC.GetTotalAllocatedBytes(precise: true) - before;
    }

    /// <summary>Returns how many replies had the wrong length (no assertion inside: xunit's allocate).</summary>
    private static int DatagramRoundTrips(Socket client, byte[] reply, int expected, int count)
    {
        int mismatched = 0;
        for (int sent = 0; sent < count; sent += DatagramWindow)
        {
            for (int i = 0; i < DatagramWindow; i++)
            {
                client.Send(Message);
            }

            for (int i = 0; i < DatagramWindow; i++)
            {
                if (client.Receive(reply) != expected)
                {
                    mismatched++;
                }
            }
        }

        return mismatched;
    }

    private static async Task<long> MeasureAsync(Func<Task> work)
    {
        long before = GC.GetTotalAllocatedBytes(precise: true);
        await work();
        return GC.GetTotalAllocatedBytes(precise: true) - before;
    }

    private static async Task RoundTrips(Socket client, byte[] reply, int count)
    {
        int expected = ExpectedLength();
        for (int i = 0; i < count; i++)
        {
            await client.SendAsync(Message.AsMemory(), SocketFlags.None);
            int read = 0;
            while (read < expected)
            {
                read += await client.ReceiveAsync(reply.AsMemory(read), SocketFlags.None);
            }
        }
    }

    private static int ExpectedLength()
    {
        var uppercaser = new Uppercaser(CasingMode.Unicode);
        byte[] buffer = new byte[uppercaser.MaxOutputLength(Message.Length)];
        var state = default(Utf8UpperState);
        uppercaser.Transform(Message, buffer, ref state, isFinalBlock: true, out _, out int written);
        return written;
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
