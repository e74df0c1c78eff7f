using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace KestrelUpper.Benchmarks;

/// <summary>Input bytes per second, from the mean time of one operation over a fixed input size.</summary>
internal sealed class ThroughputColumn(int bytesPerOperation) : IColumn
{
    private const double BytesPerGigabyte = 1e9;
    private const double NanosecondsPerSecond = 1e9;

    public string Id => nameof(ThroughputColumn);

    public string ColumnName => "Throughput";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Input GB/s (1e9 input bytes per second)";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        if (summary[benchmarkCase]?.ResultStatistics is not { } stats)
        {
            return "-";
        }

        double gigabytesPerSecond = bytesPerOperation / (stats.Mean / NanosecondsPerSecond) / BytesPerGigabyte;
        return $"{gigabytesPerSecond:F2} GB/s";
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;
}
