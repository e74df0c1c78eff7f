namespace KestrelUpper.Testing;

/// <summary>One sample line of a Prometheus exposition.</summary>
public sealed record MetricSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);
