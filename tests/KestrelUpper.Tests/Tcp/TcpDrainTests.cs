using System.Net.Sockets;
using System.Text;
using KestrelUpper.Telemetry;
using KestrelUpper.Testing;

namespace KestrelUpper.Tests.Tcp;

public sealed class TcpDrainEpollTests() : TcpDrainTests(TcpTransports.Epoll);

public sealed class TcpDrainKestrelTransportTests() : TcpDrainTests(TcpTransports.Kestrel);

/// <summary>
/// What a client sees when the service drains (SIGTERM): the same on both drivers, because one session decides it.
/// Everything received is answered, a carried partial sequence too, then the FIN; the server goes on reading (and
/// discarding) until the client closes, so a client still sending gets a clean close, never a reset.
/// </summary>
public abstract class TcpDrainTests(string transport)
{
    [Fact]
    public async Task A_drain_answers_what_arrived_and_the_carry_then_fins_and_lingers_so_the_close_is_clean()
    {
        UpperHost host = await TcpTransports.StartAsync(transport);
        using Socket client = await SocketExtensions.ConnectTcpAsync(host.TcpEndPoint);

        // "abc" and the first byte of "é" in one write: the reply to "abc" comes at once, the C3 is carried.
        await client.SendAllAsync(new byte[] { (byte)'a', (byte)'b', (byte)'c', 0xC3 });
        Assert.Equal("ABC", Encoding.ASCII.GetString(await client.ReceiveExactlyAsync(3)));
        await Eventually.UntilAsync(() => host.Counters.TcpBytesReceived == 4);

        Task stopping = host.StopAsync();
        Assert.Equal(new byte[] { 0xC3 }, await client.ReceiveToEndAsync()); // the carry, unchanged, then our FIN

        // The client had more to say: while the server lingers it reads and discards, so nothing resets.
        await client.SendAllAsync("still talking after the fin"u8.ToArray());
        client.Shutdown(SocketShutdown.Send);
        await stopping; // the server closed once the client did, well before the shutdown timeout

        Assert.Equal(0, (int)client.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error)!); // no RST arrived
        Assert.Equal(4, host.Counters.TcpBytesReceived); // the bytes after the FIN were not answered
        Assert.Equal(4, host.Counters.TcpBytesSent);
        Assert.Equal(1, host.Counters.TcpClosed(TcpCloseReason.Shutdown));
        Assert.Equal(0, host.Counters.TcpActiveConnections);
        await host.DisposeAsync();
    }

    [Fact]
    public async Task A_client_that_never_closes_is_closed_when_the_linger_ends()
    {
        UpperHost host = await TcpTransports.StartAsync(transport, new Dictionary<string, string?> { ["Upper:Shutdown:Timeout"] = "00:01:00" });
        using Socket client = await SocketExtensions.ConnectTcpAsync(host.TcpEndPoint);
        await client.SendAllAsync("x"u8.ToArray());
        Assert.Equal("X", Encoding.ASCII.GetString(await client.ReceiveExactlyAsync(1)));

        Task stopping = host.StopAsync();
        Assert.Empty(await client.ReceiveToEndAsync());
        await stopping; // the linger's deadline closed it: the one-minute shutdown timeout would outlast the test's 30 s wait
        Assert.Equal(0, host.Counters.TcpActiveConnections);
        await host.DisposeAsync();
    }
}
