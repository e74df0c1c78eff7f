namespace KestrelUpper.Tcp.Protocol;

/// <summary>
/// A connection feature of a transport that drives sessions itself (the epoll loops) instead of exposing pipes:
/// the handler asks it for the connection's driver, and falls back to the pipes of Kestrel's transport without it.
/// </summary>
internal interface ISessionDriverFeature
{
    ISessionDriver CreateDriver();
}
