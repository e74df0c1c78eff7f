namespace KestrelUpper.Client.Bench;

/// <summary>Running totals for the live progress line.</summary>
internal readonly record struct BenchSnapshot(TimeSpan Elapsed, long Messages, long Errors, long Mismatches);
