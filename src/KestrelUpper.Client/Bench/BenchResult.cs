namespace KestrelUpper.Client.Bench;

/// <summary>What a bench run measured.</summary>
internal sealed record BenchResult(BenchSettings Settings, string EndPoint, TimeSpan Elapsed, long Messages, long Errors, long Mismatches, LatencyHistogram Latency)
{
    public double MessagesPerSecond => Elapsed > TimeSpan.Zero ? Messages / Elapsed.TotalSeconds : 0;

    /// <summary>Request payload per second, in 10^6 bytes; the replies carry as much back.</summary>
    public double MegabytesPerSecond => MessagesPerSecond * Settings.Size / 1_000_000;

    /// <summary>0 only when every reply came back and matched byte for byte.</summary>
    public bool Passed => Errors == 0 && Mismatches == 0;
}
