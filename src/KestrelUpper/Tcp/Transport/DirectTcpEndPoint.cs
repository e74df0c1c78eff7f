using System.Net;

namespace KestrelUpper.Tcp.Transport;

/// <summary>
/// The plain TCP port's address, marked so that <see cref="DirectTransportFactory"/> (and not Kestrel's socket
/// transport) binds it. Everything else about it is an ordinary <see cref="IPEndPoint"/>.
/// </summary>
internal sealed class DirectTcpEndPoint(IPAddress address, int port) : IPEndPoint(address, port);
