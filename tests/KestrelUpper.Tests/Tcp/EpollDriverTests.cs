using System.Net.Sockets;
using System.Text;
using KestrelUpper.Hosting;
using KestrelUpper.Proxy;
using KestrelUpper.Tcp;
using KestrelUpper.Tcp.Epoll;
using KestrelUpper.Tcp.Protocol;
using KestrelUpper.Telemetry;
using KestrelUpper.Testing;
using KestrelUpper.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace KestrelUpper.Tests.Tcp;

/// <summary>The epoll driver on a real socket pair: two small-buffered loops moving a session's bytes and events.</summary>
public sealed class EpollDriverTests : IDisposable
{
    private readonly EpollEngine _engine = Create(receiveBufferBytes: 4096, loops: 2);

    public void Dispose() => _engine.Dispose();

    [Fact]
    public async Task Replies_to_each_message_at_once_without_a_newline()
    {
        await using var pair = await EpollSocketPair.CreateAsync(_engine);
        UppercaseSession session = NewSession(pair);
        Task<SessionOutcome> served = ServeAndCloseAsync(pair, session);

        foreach (string message in new[] { "hi", "stra\u00DFe", "\u03B1\u03B2\u03B3 \u0434\u0430" })
        {
            await pair.Client.SendAllAsync(Encoding.UTF8.GetBytes(message));
            byte[] expected = Encoding.UTF8.GetBytes(message.ToUpperInvariant().Replace("\u00DF", "SS", StringComparison.Ordinal));
            Assert.Equal(expected, await pair.Client.ReceiveExactlyAsync(expected.Length));
        }

        pair.Client.Shutdown(SocketShutdown.Send);
        Assert.Empty(await pair.Client.ReceiveToEndAsync()); // FIN after the last reply, when the connection is closed
        Assert.Equal(SessionOutcome.InputCompleted, await served);
    }

    [Fact]
    public async Task Drain_answers_a_carried_partial_sequence_and_what_the_kernel_holds_then_closes()
    {
        await using var pair = await EpollSocketPair.CreateAsync(_engine);
        UppercaseSession session = NewSession(pair);
        Task<SessionOutcome> served = ServeAndCloseAsync(pair, session);

        // "é" split: its first byte is carried until more arrives or the stream ends.
        await pair.Client.SendAllAsync("abc\u00E9"u8.ToArray().AsMemory(0, 4));
        Assert.Equal("ABC", Encoding.UTF8.GetString(await pair.Client.ReceiveExactlyAsync(3)));

        _drivers[pair].Post(SessionCommands.Drain);

        byte[] rest = await pair.Client.ReceiveToEndAsync();
        Assert.Equal(new byte[] { 0xC3 }, rest); // passed through unchanged, then FIN
        pair.Client.Shutdown(SocketShutdown.Send);
        Assert.Equal(SessionOutcome.Drained, await served);
        Assert.Equal(4, session.BytesReceived);
        Assert.Equal(4, session.BytesSent);
    }

    [Fact]
    public async Task A_client_that_stops_reading_stalls_its_own_replies_and_gets_every_byte_once_it_reads()
    {
        await using var pair = await EpollSocketPair.CreateAsync(_engine);
        UseSmallBuffers(pair);
        UppercaseSession session = NewSession(pair);
        Task<SessionOutcome> served = ServeAndCloseAsync(pair, session);

        // Far more than the kernel buffers hold: the server must stop reading while its reply waits.
        byte[] input = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("\uFB03 stra\u00DFe \u03C9 ", 10_000)));
        byte[] expected = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("FFI STRASSE \u03A9 ", 10_000)));
        Task send = Task.Run(async () =>
        {
            await pair.Client.SendAllAsync(input);
            pair.Client.Shutdown(SocketShutdown.Send);
        });

        await Eventually.UntilAsync(() => session.BytesReceived > 0);
        Assert.False(send.IsCompleted); // backpressure reached the client: nothing was buffered without bound

        // Room again both ways (tiny windows would make the rest crawl), and the client starts reading.
        pair.Client.ReceiveBufferSize = 1024 * 1024;
        pair.Server.Socket.SendBufferSize = 1024 * 1024;
        Assert.Equal(expected, await pair.Client.ReceiveToEndAsync());
        await send;
        Assert.Equal(SessionOutcome.InputCompleted, await served);
        Assert.Equal(input.Length, session.BytesReceived);
        Assert.Equal(expected.Length, session.BytesSent);
    }

    [Fact]
    public async Task A_drain_while_a_reply_waits_answers_everything_read_and_the_carried_sequence_then_closes()
    {
        await using var pair = await EpollSocketPair.CreateAsync(_engine);
        UseSmallBuffers(pair);
        UppercaseSession session = NewSession(pair);
        Task<SessionOutcome> served = ServeAndCloseAsync(pair, session);

        // One ASCII byte, then two-byte sequences: wherever a read ends, it may end inside one (a carry).
        byte[] input = Encoding.UTF8.GetBytes("x" + new string('\u00E9', 300_000));
        Task send = Task.Run(async () =>
        {
            try
            {
                await pair.Client.SendAllAsync(input);
            }
            catch (SocketException)
            {
                // The server closes once it has drained and lingered: the rest is refused.
            }
        });

        // The client reads nothing yet: the server's reply backs up and waits.
        await Eventually.UntilAsync(() => session.BytesReceived > 16 * 1024);
        _drivers[pair].Post(SessionCommands.Drain);

        byte[] replies = await pair.Client.ReceiveToEndAsync(); // every answer, then the FIN
        pair.Client.Dispose(); // ends the server's linger
        Assert.Equal(SessionOutcome.Drained, await served);
        await send;

        // Exactly the uppercased form of every byte the server read, a trailing partial sequence passed through.
        var uppercaser = new Uppercaser(CasingMode.Unicode);
        byte[] expected = new byte[uppercaser.MaxOutputLength((int)session.BytesReceived)];
        var state = default(Utf8UpperState);
        uppercaser.Transform(input.AsSpan(0, (int)session.BytesReceived), expected, ref state, isFinalBlock: true, out _, out int written);
        Assert.Equal(expected.AsSpan(0, written).ToArray(), replies);
        Assert.Equal(written, session.BytesSent);
    }

    [Fact]
    public async Task Many_connections_on_few_loops_are_each_answered_with_their_own_bytes()
    {
        var pairs = new List<EpollSocketPair>();
        var served = new List<Task<SessionOutcome>>();
        try
        {
            for (int i = 0; i < 40; i++)
            {
                EpollSocketPair pair = await EpollSocketPair.CreateAsync(_engine);
                pairs.Add(pair);
                served.Add(ServeAndCloseAsync(pair, NewSession(pair)));
            }

            for (int round = 0; round < 5; round++)
            {
                for (int i = 0; i < pairs.Count; i++)
                {
                    await pairs[i].Client.SendAllAsync(Encoding.ASCII.GetBytes($"conn {i} round {round};"));
                }

                for (int i = 0; i < pairs.Count; i++)
                {
                    string expected = $"CONN {i} ROUND {round};";
                    Assert.Equal(expected, Encoding.ASCII.GetString(await pairs[i].Client.ReceiveExactlyAsync(expected.Length)));
                }
            }

            foreach (EpollSocketPair pair in pairs)
            {
                pair.Client.Shutdown(SocketShutdown.Send);
            }

            Assert.All(await Task.WhenAll(served), outcome => Assert.Equal(SessionOutcome.InputCompleted, outcome));
        }
        finally
        {
            foreach (EpollSocketPair pair in pairs)
            {
                await pair.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_reset_ends_the_connection_with_a_socket_error()
    {
        await using var pair = await EpollSocketPair.CreateAsync(_engine);
        Task<SessionOutcome> served = ServeAndCloseAsync(pair, NewSession(pair));
        await pair.Client.SendAllAsync("x"u8.ToArray());
        Assert.Equal("X", Encoding.ASCII.GetString(await pair.Client.ReceiveExactlyAsync(1)));

        await pair.Client.SendAllAsync("unread"u8.ToArray());
        pair.Client.LingerState = new LingerOption(true, 0);
        pair.Client.Close(); // RST

        Exception? failure = await Record.ExceptionAsync(() => served);
        // The reset may land before or after the server answered "unread": a reset error, or a normal end.
        Assert.True(failure is null or SocketException, failure?.ToString());
    }

    [Fact]
    public async Task Abort_ends_a_waiting_connection_at_once()
    {
        await using var pair = await EpollSocketPair.CreateAsync(_engine);
        Task<SessionOutcome> served = ServeAndCloseAsync(pair, NewSession(pair));

        pair.Server.Abort(new Microsoft.AspNetCore.Connections.ConnectionAbortedException("test"));
        Exception? failure = await Record.ExceptionAsync(async () => Assert.Equal(SessionOutcome.InputCompleted, await served));

        // Whichever the loop saw first, the shut-down socket (an end of input) or the abort: ended, not hung.
        Assert.True(failure is null or Microsoft.AspNetCore.Connections.ConnectionAbortedException or SocketException, failure?.ToString());
        Assert.Empty(await pair.Client.ReceiveToEndAsync()); // the client sees the close
    }

    private readonly Dictionary<EpollSocketPair, ISessionDriver> _drivers = [];

    /// <summary>Serves the pair's server side, then disposes it as Kestrel does once the handler returns.</summary>
    private async Task<SessionOutcome> ServeAndCloseAsync(EpollSocketPair pair, UppercaseSession session)
    {
        try
        {
            await _drivers[pair].RunAsync(session);
            return session.Outcome;
        }
        finally
        {
            session.Release();
            await pair.Server.DisposeAsync();
        }
    }

    /// <summary>A session for the pair's server side, its driver made ready (PROXY off, default limits).</summary>
    private UppercaseSession NewSession(EpollSocketPair pair)
    {
        _drivers[pair] = pair.Server.CreateDriver();
        return Protocol.SessionHarness.ForDriver(pair.Server.RemoteEndPoint, pair.Server.ConnectionId);
    }

    /// <summary>Small fixed kernel buffers both ways (no autotuning), so they hold a small part of an exchange.</summary>
    private static void UseSmallBuffers(EpollSocketPair pair)
    {
        const int Small = 4096;
        pair.Client.ReceiveBufferSize = Small;
        pair.Client.SendBufferSize = Small;
        pair.Server.Socket.ReceiveBufferSize = Small;
        pair.Server.Socket.SendBufferSize = Small;
    }

    private static EpollEngine Create(int receiveBufferBytes, int loops)
    {
        var options = new UpperOptions();
        options.Sockets.ReceiveBufferBytes = receiveBufferBytes;
        options.Sockets.EventLoops = loops;
        return new EpollEngine(new Uppercaser(CasingMode.Unicode), TimeProvider.System, Microsoft.Extensions.Options.Options.Create(options), NullLogger<EpollEngine>.Instance);
    }
}
