namespace KestrelUpper.Tcp.Protocol;

/// <summary>Moves a session's bytes and events over one transport: the epoll loops or Kestrel's pipes.</summary>
internal interface ISessionDriver
{
    /// <summary>Runs <paramref name="session"/> from <see cref="UppercaseSession.Start"/> until it is done; a transport failure throws.</summary>
    Task RunAsync(UppercaseSession session);

    /// <summary>Hands <paramref name="commands"/> to the session on the driving thread; from any thread.</summary>
    void Post(SessionCommands commands);
}
