namespace KestrelUpper.Client.Bench;

internal enum BenchProtocol
{
    Tcp,
    Udp,
}
