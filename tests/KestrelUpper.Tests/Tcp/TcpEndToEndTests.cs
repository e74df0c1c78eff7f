using System.Net;
using System.Net.Sockets;
using System.Text;
using KestrelUpper.Testing;

namespace KestrelUpper.Tests.Tcp;

public sealed class TcpEndToEndEpollTests() : TcpEndToEndTests(TcpTransports.Epoll);

public sealed class TcpEndToEndKestrelTransportTests() : TcpEndToEndTests(TcpTransports.Kestrel);

public abstract class TcpEndToEndTests(string transport)
{
    private const string Multilingual = "hello stra\u00DFe \uFB01x \u0149 \u0390 \u01C6 \u043F\u0440\u0438\u0432\u0435\u0442 \u043C\u0438\u0440 \u03B3\u03B5\u03B9\u03AC \u03C3\u03BF\u03C5 \u4F60\u597D \u3053\u3093\u306B\u3061\u306F \U0001F642 \u01F0 \uFB03 \uFB06";
    private const string MultilingualUpper = "HELLO STRASSE FIX \u02BCN \u0399\u0308\u0301 \u01C4 \u041F\u0420\u0418\u0412\u0415\u0422 \u041C\u0418\u0420 \u0393\u0395\u0399\u0386 \u03A3\u039F\u03A5 \u4F60\u597D \u3053\u3093\u306B\u3061\u306F \U0001F642 J\u030C FFI ST"; // python3: s.upper()

    [Fact]
    public async Task Replies_to_a_message_without_newline_and_keeps_the_connection_open()
    {
        await using UpperHost host = await TcpTransports.StartAsync(transport);
        using Socket client = await SocketExtensions.ConnectTcpAsync(host.TcpEndPoint);

        await client.SendAllAsync("hello, world"u8.ToArray());
        Assert.Equal("HELLO, WORLD", Encoding.UTF8.GetString(await client.ReceiveExactlyAsync(12)));

        await client.SendAllAsync("again\n"u8.ToArray());
        Assert.Equal("AGAIN\n", Encoding.UTF8.GetString(await client.ReceiveExactlyAsync(6)));

        client.Shutdown(SocketShutdown.Send);
        Assert.Empty(await client.ReceiveToEndAsync());
    }

    [Fact]
    public async Task Multilingual_text_in_random_pieces_is_uppercased_like_python()
    {
        await using UpperHost host = await TcpTransports.StartAsync(transport);
        byte[] input = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(Multilingual + "\n", 50)));
        byte[] expected = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(MultilingualUpper + "\n", 50)));

        var random = new Random(20261121);
        for (int round = 0; round < 5; round++)
        {
            using Socket client = await SocketExtensions.ConnectTcpAsync(host.TcpEndPoint);
            Task<byte[]> reply = client.ReceiveToEndAsync();
            for (int offset = 0; offset < input.Length;)
            {
                int piece = Math.Min(random.Next(1, 40), input.Length - offset);
                await client.SendAllAsync(input.AsMemory(offset, piece));
                offset += piece;
            }

            client.Shutdown(SocketShutdown.Send);
            Assert.Equal(expected, await reply);
        }
    }

    [Fact]
    public async Task One_byte_at_a_time_splits_every_utf8_sequence_and_loses_nothing()
    {
        await using UpperHost host = await TcpTransports.StartAsync(transport);
        using Socket client = await SocketExtensions.ConnectTcpAsync(host.TcpEndPoint);
        byte[] input = Encoding.UTF8.GetBytes(Multilingual);
        Task<byte[]> reply = client.ReceiveToEndAsync();
        foreach (byte b in input)
        {
            await client.SendAllAsync(new[] { b });
        }

        client.Shutdown(SocketShutdown.Send);
        Assert.Equal(MultilingualUpper, Encoding.UTF8.GetString(await reply));
    }

    [Fact]
    public async Task Invalid_utf8_passes_through_unchanged_with_ascii_around_it_uppercased()
    {
        await using UpperHost host = await TcpTransports.StartAsync(transport);
        using Socket client = await SocketExtensions.ConnectTcpAsync(host.TcpEndPoint);
        byte[] input = [(byte)'a', 0x80, (byte)'b', 0xC0, 0xAF, (byte)'c', 0xED, 0xA0, 0x80, (byte)'d', 0xF4, 0x90, 0x80, 0x80, (byte)'e', 0xFF, (byte)'f', 0xE2, 0x82];
        byte[] expected = [(byte)'A', 0x80, (byte)'B', 0xC0, 0xAF, (byte)'C', 0xED, 0xA0, 0x80, (byte)'D', 0xF4, 0x90, 0x80, 0x80, (byte)'E', 0xFF, (byte)'F', 0xE2, 0x82];

        await client.SendAllAsync(input);
        client.Shutdown(SocketShutdown.Send);

        // The truncated sequence at the very end is written out when the stream ends, unchanged.
        Assert.Equal(expected, await client.ReceiveToEndAsync());
        Assert.True(host.Counters.TcpInvalidBytes >= 2);
    }

    [Fact]
    public async Task Streams_16_MiB_while_reading_concurrently()
    {
        await using UpperHost host = await TcpTransports.StartAsync(transport);
        using Socket client = await SocketExtensions.ConnectTcpAsync(host.TcpEndPoint);
        const int size = 16 * 1024 * 1024;
        byte[] input = new byte[size];
        var random = new Random(16);
        for (int i = 0; i < size; i++)
        {
            input[i] = (byte)('a' + random.Next(26));
        }

        Task<byte[]> reply = client.ReceiveToEndAsync();
        await client.SendAllAsync(input);
        client.Shutdown(SocketShutdown.Send);
        byte[] output = await reply;

        Assert.Equal(size, output.Length);
        Assert.Equal(Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(input).ToUpperInvariant()), output);
        Assert.Equal(size, host.Counters.TcpBytesReceived);
        Assert.Equal(size, host.Counters.TcpBytesSent);
    }

    [Fact]
    public async Task Serves_200_concurrent_connections()
    {
        await using UpperHost host = await TcpTransports.StartAsync(transport);
        Socket[] clients = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => SocketExtensions.ConnectTcpAsync(host.TcpEndPoint)));
        try
        {
            await Task.WhenAll(clients.Select(async (client, i) =>
            {
                byte[] message = Encoding.ASCII.GetBytes($"connection number {i}\n");
                for (int round = 0; round < 3; round++)
                {
                    await client.SendAllAsync(message);
                    Assert.Equal($"CONNECTION NUMBER {i}\n", Encoding.ASCII.GetString(await client.ReceiveExactlyAsync(message.Length)));
                }
            }));
            Assert.Equal(200, host.Counters.TcpTotalConnections);
        }
        finally
        {
            foreach (Socket client in clients)
            {
                client.Dispose();
            }
        }
    }

    [Fact]
    public async Task Ascii_mode_changes_only_a_to_z()
    {
        await using UpperHost host = await TcpTransports.StartAsync(transport, new Dictionary<string, string?> { ["Upper:Casing"] = "Ascii" });
        using Socket client = await SocketExtensions.ConnectTcpAsync(host.TcpEndPoint);
        await client.SendAllAsync(Encoding.UTF8.GetBytes("straße é z"));
        client.Shutdown(SocketShutdown.Send);
        Assert.Equal("STRAßE é Z", Encoding.UTF8.GetString(await client.ReceiveToEndAsync()));
    }

    [Theory]
    [InlineData("::1")]
    [InlineData("::")]
    public async Task Listens_on_ipv6_and_dual_stack(string address)
    {
        await using UpperHost host = await TcpTransports.StartAsync(transport, new Dictionary<string, string?> { ["Upper:Address"] = address });
        foreach (IPAddress target in address == "::" ? new[] { IPAddress.IPv6Loopback, IPAddress.Loopback } : [IPAddress.IPv6Loopback])
        {
            using Socket client = await SocketExtensions.ConnectTcpAsync(new IPEndPoint(target, host.TcpEndPoint.Port));
            await client.SendAllAsync("v6"u8.ToArray());
            Assert.Equal("V6", Encoding.ASCII.GetString(await client.ReceiveExactlyAsync(2)));
        }
    }

    [Fact]
    public async Task A_client_reset_mid_stream_is_cleaned_up_and_the_server_keeps_serving()
    {
        await using UpperHost host = await TcpTransports.StartAsync(transport);
        for (int i = 0; i < 20; i++)
        {
            using Socket client = await SocketExtensions.ConnectTcpAsync(host.TcpEndPoint);
            await client.SendAllAsync(new byte[100_000]);
            client.LingerState = new LingerOption(true, 0); // close with RST
            client.Close();
        }

        using Socket healthy = await SocketExtensions.ConnectTcpAsync(host.TcpEndPoint);
        await healthy.SendAllAsync("still here"u8.ToArray());
        Assert.Equal("STILL HERE", Encoding.ASCII.GetString(await healthy.ReceiveExactlyAsync(10)));
        healthy.Dispose();
        // Kestrel dispatches accepted connections on the thread pool: a reset one may be served after the healthy one.
        await Eventually.UntilAsync(() => host.Counters.TcpTotalConnections == 21 && host.Counters.TcpActiveConnections == 0);
        Assert.Equal(21, host.Counters.TcpTotalConnections);
    }
}
