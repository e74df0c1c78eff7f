using System.Globalization;
using System.Net.Sockets;
using KestrelUpper.Testing;
using KestrelUpper.Text;

namespace KestrelUpper.Tests.Performance;

/// <summary>
/// Zero allocations per message on the real socket paths, measured where nothing else allocates: a service
/// process, whose managed-heap total its own <c>/metrics</c> reports (<c>dotnet_gc_heap_total_allocated_bytes_total</c>).
/// N exchanges are run twice with N ten times larger; the growth must not depend on N. Counts bytes, never time.
/// (Measured in the test process instead, the test host's own background work was seen adding ~800 KB to a run.)
/// </summary>
[Collection(AllocationMeasurements.Name)]
public sealed class ServiceAllocationTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const string AllocatedMetric = "dotnet_gc_heap_total_allocated_bytes_total";
    private const int Small = 2_000;
    private const int Large = 20_000;
    private const int DatagramWindow = 16;

    // Per-message growth of ~13 bytes or more over the 18,000 extra messages breaks this bound; one-off runtime
    // work (a tier-up, a pool growing) and the scrapes themselves fit in it.
    private const long Bound = 256 * 1024;

    private static readonly byte[] Message = "hello, straße! ﬁx γειά 🙂\n"u8.ToArray();

    [Theory]
    [InlineData(TcpTransports.Epoll)]
    [InlineData(TcpTransports.Kestrel)]
    public async Task A_tcp_connection_allocates_a_bounded_amount_whatever_the_message_count(string transport)
    {
        await using ServiceProcess service = await ServiceProcess.StartAsync(new Dictionary<string, string> { ["Upper__Sockets__Transport"] = transport });
        using var http = new HttpClient { BaseAddress = new Uri($"http://{service.HttpEndPoint}/"), Timeout = TestTimeouts.Default };
        using Socket client = await SocketExtensions.ConnectTcpAsync(service.TcpEndPoint);
        byte[] reply = new byte[Message.Length * 3];
        int expected = ExpectedLength();

        await TcpRoundTrips(client, reply, expected, Small); // warm up
        long small = await MeasureAsync(http, () => TcpRoundTrips(client, reply, expected, Small));
        long large = await MeasureAsync(http, () => TcpRoundTrips(client, reply, expected, Large));

        output.WriteLine($"{transport}: {Small} round trips {small} bytes, {Large} round trips {large} bytes");
        Assert.True(large < small + Bound, $"{Small} round trips allocated {small} bytes, {Large} allocated {large}.");
    }

    [Theory]
    [InlineData(UdpLoops.Batch)] // the Linux batch loop (recvmmsg/sendmmsg)
    [InlineData(UdpLoops.Portable)]
    public async Task The_udp_loop_allocates_a_bounded_amount_whatever_the_datagram_count(string loop)
    {
        await using ServiceProcess service = await ServiceProcess.StartAsync(new Dictionary<string, string>
        {
            ["Upper__Udp__Loop"] = loop,
            ["Upper__Udp__RatePerSource"] = "0",
        });
        using var http = new HttpClient { BaseAddress = new Uri($"http://{service.HttpEndPoint}/"), Timeout = TestTimeouts.Default };
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveTimeout = (int)TestTimeouts.Default.TotalMilliseconds };
        client.Connect(service.UdpEndPoint);
        byte[] reply = new byte[Message.Length * 3];
        int expected = ExpectedLength();

        int mismatched = DatagramRoundTrips(client, reply, expected, Small); // warm up
        long small = await MeasureAsync(http, () => Task.FromResult(mismatched += DatagramRoundTrips(client, reply, expected, Small)));
        long large = await MeasureAsync(http, () => Task.FromResult(mismatched += DatagramRoundTrips(client, reply, expected, Large)));

        output.WriteLine($"{loop} loop: {Small} datagrams {small} bytes, {Large} datagrams {large} bytes");
        Assert.Equal(0, mismatched);
        Assert.True(large < small + Bound, $"{Small} datagrams allocated {small} bytes, {Large} allocated {large}.");
    }

    private static async Task<long> MeasureAsync(HttpClient http, Func<Task> work)
    {
        long before = await AllocatedAsync(http);
        await work();
        return await AllocatedAsync(http) - before;
    }

    private static async Task<long> AllocatedAsync(HttpClient http)
    {
        MetricsScrape metrics = await MetricsScrape.GetAsync(http);
        return (long)metrics.Value(AllocatedMetric);
    }

    private static async Task TcpRoundTrips(Socket client, byte[] reply, int expected, int count)
    {
        for (int i = 0; i < count; i++)
        {
            await client.SendAsync(Message.AsMemory(), SocketFlags.None);
            int read = 0;
            while (read < expected)
            {
                int received = await client.ReceiveAsync(reply.AsMemory(read), SocketFlags.None);
                Assert.True(received > 0, "The service closed the connection.");
                read += received;
            }
        }
    }

    /// <summary>Windows of several datagrams in flight fill the batch loop's batches; returns the wrong-length replies.</summary>
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

    private static int ExpectedLength()
    {
        var uppercaser = new Uppercaser(CasingMode.Unicode);
        byte[] buffer = new byte[uppercaser.MaxOutputLength(Message.Length)];
        var state = default(Utf8UpperState);
        uppercaser.Transform(Message, buffer, ref state, isFinalBlock: true, out _, out int written);
        return written;
    }
}
