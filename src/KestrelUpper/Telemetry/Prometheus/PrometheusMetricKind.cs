namespace KestrelUpper.Telemetry.Prometheus;

/// <summary>The Prometheus family type an OpenTelemetry metric is rendered as.</summary>
internal enum PrometheusMetricKind
{
    /// <summary>Not representable in text format 0.0.4 (exponential histograms); skipped.</summary>
    Unsupported = 0,
    Counter,
    Gauge,
    Histogram,
}
