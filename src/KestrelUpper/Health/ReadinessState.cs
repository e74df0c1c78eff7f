namespace KestrelUpper.Health;

/// <summary>Whether the service should receive traffic: listeners bound and not draining.</summary>
internal sealed class ReadinessState
{
    private volatile bool _tcpListening;
    private volatile bool _udpListening;
    private volatile bool _draining;

    public bool IsReady => _tcpListening && _udpListening && !_draining;

    public bool IsDraining => _draining;

    /// <summary>Why the service is not ready, for the <c>/readyz</c> body.</summary>
    public string Describe() => _draining ? "draining" : IsReady ? "ready" : "starting";

    public void TcpListening() => _tcpListening = true;

    public void UdpListening() => _udpListening = true;

    /// <summary>SIGTERM arrived: report not ready at once so load balancers stop sending traffic.</summary>
    public void Drain() => _draining = true;
}
