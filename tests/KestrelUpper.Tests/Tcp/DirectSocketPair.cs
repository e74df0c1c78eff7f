using System.Net;
using System.Net.Sockets;
using KestrelUpper.Tcp.Transport;

namespace KestrelUpper.Tests.Tcp;

/// <summary>A connected loopback pair: the server side as the direct transport wraps it.</summary>
internal sealed class DirectSocketPair : IAsyncDisposable
{
    private DirectSocketPair(Socket client, DirectTcpConnection server)
    {
        Client = client;
        Server = server;
    }

    public Socket Client { get; }

    public DirectTcpConnection Server { get; }

    public static async Task<DirectSocketPair> CreateAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        Task<Socket> accept = listener.AcceptAsync();
        await client.ConnectAsync(listener.LocalEndPoint!);
        return new DirectSocketPair(client, new DirectTcpConnection(await accept));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
    }
}
