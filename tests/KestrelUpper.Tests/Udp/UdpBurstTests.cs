using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using KestrelUpper.Telemetry;
using KestrelUpper.Testing;
using KestrelUpper.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KestrelUpper.Tests.Udp;

public sealed class UdpBurstBatchLoopTests() : UdpBurstTests(UdpLoops.Batch);

public sealed class UdpBurstPortableLoopTests() : UdpBurstTests(UdpLoops.Portable);

/// <summary>Many datagrams in flight at once: what a batch holds must be answered, counted and routed right.</summary>
public abstract class UdpBurstTests(string loop)
{
    private const int TagLength = 6; // "cc/sss" then a space: which client, which datagram

    // Loopback drops datagrams when a receive queue overflows; a client sends what is still unanswered again after this.
    private static readonly TimeSpan ResendAfter = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan NoReplyWait = TimeSpan.FromMilliseconds(300);

    private static readonly string[] Texts =
    [
        "hello world",
        "straße und Grüße",
        "ﬁx ﬂow γειά σου κόσμε",
        "привет, мир",
        "İstanbul ıi ǆ ǅ",
        "日本語のテキスト",
        "🙂 emoji and ascii",
        "ŉ ΐ expand on upper",
        "Ελληνικά ΰ ς",
        "",
    ];

    [Fact]
    public async Task Many_clients_bursting_at_once_each_get_their_own_replies_byte_for_byte()
    {
        const int Clients = 32;
        const int PerClient = 50;
        await using UpperHost host = await UdpLoops.StartAsync(loop, new Dictionary<string, string?> { ["Upper:Udp:RatePerSource"] = "0" });

        int[] answered = await Task.WhenAll(Enumerable.Range(0, Clients).Select(c => BurstAsync(host.UdpEndPoint, c, PerClient)));

        Assert.All(answered, count => Assert.Equal(PerClient, count));
        await Eventually.UntilAsync(() => host.Counters.UdpDatagramsReceived == host.Counters.UdpDatagramsSent + host.Counters.UdpDroppedTotal);
        Assert.Equal(0, host.Counters.UdpDroppedTotal);
        Assert.True(host.Counters.UdpDatagramsSent >= Clients * PerClient, $"{host.Counters.UdpDatagramsSent} replies sent.");
    }

    [Fact]
    public async Task A_burst_mixing_good_oversized_and_blocked_port_datagrams_answers_and_counts_each_right()
    {
        const int Good = 20;
        const int Oversized = 10;
        const int Blocked = 10;
        const int MaxReplyBytes = 64;
        using var blocked = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        blocked.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        await using UpperHost host = await UdpLoops.StartAsync(loop, new Dictionary<string, string?>
        {
            ["Upper:Udp:RatePerSource"] = "0",
            ["Upper:Udp:MaxReplyBytes"] = MaxReplyBytes.ToString(CultureInfo.InvariantCulture),
            ["Upper:Udp:BlockedSourcePorts:0"] = ((IPEndPoint)blocked.LocalEndPoint!).Port.ToString(CultureInfo.InvariantCulture),
        });
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        client.Connect(host.UdpEndPoint);
        blocked.Connect(host.UdpEndPoint);

        var expected = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < Good + Oversized; i++)
        {
            // Interleaved, so the batch loop meets drops between replies of one batch.
            byte[] request = i % 3 == 2 && i / 3 < Oversized
                ? Encoding.UTF8.GetBytes(new string('a', MaxReplyBytes + 1 + i))
                : Encoding.UTF8.GetBytes($"good {i:D2} straße");
            if (request.Length <= MaxReplyBytes)
            {
                expected.Add(Encoding.UTF8.GetString(Uppercase(request)));
            }

            client.Send(request);
            if (i < Blocked)
            {
                blocked.Send("reflect me"u8);
            }
        }

        Assert.Equal(Good, expected.Count);
        var replies = new HashSet<string>(StringComparer.Ordinal);
        byte[] buffer = new byte[64 * 1024];
        for (int i = 0; i < Good; i++)
        {
            int n = await client.ReceiveAsync(buffer.AsMemory(), SocketFlags.None).AsTask().WaitAsync(TestTimeouts.Default);
            replies.Add(Encoding.UTF8.GetString(buffer, 0, n));
        }

        Assert.Equal(expected, replies);
        await Eventually.UntilAsync(() => host.Counters.UdpDatagramsReceived == Good + Oversized + Blocked
            && host.Counters.UdpDatagramsReceived == host.Counters.UdpDatagramsSent + host.Counters.UdpDroppedTotal);
        Assert.Equal(Good, host.Counters.UdpDatagramsSent);
        Assert.Equal(Oversized, host.Counters.UdpDropped(UdpDropReason.ReplyTooLarge));
        Assert.Equal(Blocked, host.Counters.UdpDropped(UdpDropReason.BlockedSourcePort));
        Assert.Equal(Oversized + Blocked, host.Counters.UdpDroppedTotal);
        Assert.Null(await SocketExtensions.UdpExchangeAsync(host.UdpEndPoint, "reflect me too"u8.ToArray(), NoReplyWait, blocked));
    }

    [Fact]
    public async Task Stopping_while_datagrams_are_queued_answers_or_counts_every_one_received_and_frees_the_port()
    {
        var logs = new CapturingLoggerProvider();
        UpperHost host = await UdpLoops.StartAsync(
            loop,
            new Dictionary<string, string?> { ["Upper:Udp:RatePerSource"] = "0", ["Serilog:MinimumLevel:Default"] = "Debug" },
            services => services.AddSingleton<ILoggerProvider>(logs));
        await using (host)
        {
            IPEndPoint server = host.UdpEndPoint;
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            client.Connect(server);
            for (int i = 0; i < 2_000; i++)
            {
                client.Send(Encoding.UTF8.GetBytes($"queued {i} γειά"));
            }

            await Eventually.UntilAsync(() => host.Counters.UdpDatagramsReceived > 0);
            await host.StopAsync();

            Assert.Equal(host.Counters.UdpDatagramsReceived, host.Counters.UdpDatagramsSent + host.Counters.UdpDroppedTotal);
            Assert.Contains(logs.Events, e => e.EventId.Name == "UdpStopped");
            Assert.DoesNotContain(logs.Events, e => e.Level >= LogLevel.Error);

            // The socket was closed once the loops ended: the port is free again.
            using var rebind = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            rebind.Bind(server);
        }
    }

    /// <summary>Sends <paramref name="count"/> tagged datagrams at once, resends the unanswered, returns how many were answered right.</summary>
    private static async Task<int> BurstAsync(IPEndPoint server, int clientId, int count)
    {
        using var socket = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Connect(server);
        byte[][] requests = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            string text = Texts[(clientId + i) % Texts.Length];
            requests[i] = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{clientId:D2}/{i:D3} {text}"));
        }

        var answered = new Dictionary<int, byte[]>();
        byte[] buffer = new byte[64 * 1024];
        using var deadline = new CancellationTokenSource(TestTimeouts.Default);
        while (answered.Count < count)
        {
            for (int i = 0; i < count; i++)
            {
                if (!answered.ContainsKey(i))
                {
                    await socket.SendAsync(requests[i], SocketFlags.None, deadline.Token);
                }
            }

            using var round = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
            round.CancelAfter(ResendAfter);
            try
            {
                while (answered.Count < count)
                {
                    int n = await socket.ReceiveAsync(buffer, SocketFlags.None, round.Token);
                    (int from, int index) = ParseTag(buffer.AsSpan(0, n));
                    Assert.Equal(clientId, from); // matched per sender: never another client's reply
                    Assert.Equal(Uppercase(requests[index]), buffer.AsSpan(0, n).ToArray());
                    answered[index] = requests[index];
                }
            }
            catch (OperationCanceledException) when (!deadline.IsCancellationRequested)
            {
                // Some datagrams were lost in a full queue: send those again.
            }
        }

        return answered.Count;
    }

    private static (int Client, int Index) ParseTag(ReadOnlySpan<byte> reply) =>
        (int.Parse(reply[..2], CultureInfo.InvariantCulture), int.Parse(reply.Slice(3, TagLength - 3), CultureInfo.InvariantCulture));

    private static byte[] Uppercase(byte[] request)
    {
        // The service's own uppercaser is the oracle: its rules are tested on their own; here the transport is.
        byte[] reply = new byte[(request.Length * 3) + Uppercaser.MinimumDestinationLength];
        Assert.True(new Uppercaser(CasingMode.Unicode).TryTransformComplete(request, reply, out int written, out _));
        return reply[..written];
    }
}
