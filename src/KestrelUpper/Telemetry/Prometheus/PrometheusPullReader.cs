using OpenTelemetry.Metrics;

namespace KestrelUpper.Telemetry.Prometheus;

/// <summary>A metric reader that only exports when asked (<see cref="MetricReader.Collect"/> from a scrape).</summary>
internal sealed class PrometheusPullReader : BaseExportingMetricReader
{
    public PrometheusPullReader(PrometheusPullExporter exporter)
        : base(exporter)
    {
        Exporter = exporter;

        // Prometheus expects running totals; delta temporality would reset counters on every scrape.
        TemporalityPreference = MetricReaderTemporalityPreference.Cumulative;
    }

    public PrometheusPullExporter Exporter { get; }
}
