using System.Net;
using System.Net.Sockets;
using KestrelUpper.Tcp.Epoll;

namespace KestrelUpper.Tests.Tcp;

/// <summary>A connected loopback pair: the server side as the epoll transport wraps it.</summary>
internal sealed class EpollSocketPair : IAsyncDisposable
{
    private EpollSocketPair(Socket client, EpollConnectionContext server)
    {
        Client = client;
        Server = server;
    }

    public Socket Client { get; }

    public EpollConnectionContext Server { get; }

    public static async Task<EpollSocketPair> CreateAsync(EpollEngine engine)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        Task<Socket> accept = listener.AcceptAsync();
        await client.ConnectAsync(listener.LocalEndPoint!);
        return new EpollSocketPair(client, new EpollConnectionContext(await accept, engine));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
    }
}
