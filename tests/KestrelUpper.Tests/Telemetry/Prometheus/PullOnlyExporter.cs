using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace KestrelUpper.Tests.Telemetry.Prometheus;

/// <summary>An exporter declaring pull-only support, to pin down how the SDK treats it behind <c>AddReader</c>.</summary>
[ExportModes(ExportModes.Pull)]
internal sealed class PullOnlyExporter : BaseExporter<Metric>
{
    public int Exports { get; private set; }

    public override ExportResult Export(in Batch<Metric> batch)
    {
        Exports++;
        return ExportResult.Success;
    }
}
