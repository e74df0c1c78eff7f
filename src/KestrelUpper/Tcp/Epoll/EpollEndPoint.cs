using System.Net;

namespace KestrelUpper.Tcp.Epoll;

/// <summary>
/// The plain TCP port's address, marked so that <see cref="EpollTransportFactory"/> (and not Kestrel's socket
/// transport) binds it. Everything else about it is an ordinary <see cref="IPEndPoint"/>.
/// </summary>
internal sealed class EpollEndPoint(IPAddress address, int port) : IPEndPoint(address, port);
