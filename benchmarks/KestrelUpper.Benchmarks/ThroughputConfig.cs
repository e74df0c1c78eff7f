using BenchmarkDotNet.Configs;

namespace KestrelUpper.Benchmarks;

/// <summary>Adds the throughput column to the default columns.</summary>
internal sealed class ThroughputConfig : ManualConfig
{
    public ThroughputConfig() => AddColumn(new ThroughputColumn(UppercaserBenchmarks.InputBytes));
}
