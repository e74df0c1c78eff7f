using System.Net.Sockets;
using System.Text;
using KestrelUpper.Testing;

namespace KestrelUpper.Tests.Tcp;

public sealed class TcpEndToEndTests
{
    [Fact]
    public async Task Replies_to_a_message_without_newline_and_keeps_the_connection_open()
    {
        await using UpperHost host = await UpperHost.StartAsync();
        using Socket client = await SocketExtensions.ConnectTcpAsync(host.TcpEndPoint);

        await client.SendAllAsync("hello, world"u8.ToArray());
        Assert.Equal("HELLO, WORLD", Encoding.UTF8.GetString(await client.ReceiveExactlyAsync(12)));

        await client.SendAllAsync("again\n"u8.ToArray());
        Assert.Equal("AGAIN\n", Encoding.UTF8.GetString(await client.ReceiveExactlyAsync(6)));

        client.Shutdown(SocketShutdown.Send);
        Assert.Empty(await client.ReceiveToEndAsync());
    }
}
