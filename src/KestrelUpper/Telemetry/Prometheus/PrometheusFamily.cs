using System.Text;
using OpenTelemetry.Metrics;

namespace KestrelUpper.Telemetry.Prometheus;

/// <summary>Per-metric naming results, computed once and cached: names never change for a given instrument.</summary>
internal sealed class PrometheusFamily
{
    private PrometheusFamily(string name, PrometheusMetricKind kind, string help)
    {
        Name = name;
        NameUtf8 = Encoding.UTF8.GetBytes(name);
        Kind = kind;
        Help = help;
    }

    public string Name { get; }

    public byte[] NameUtf8 { get; }

    public PrometheusMetricKind Kind { get; }

    public string Help { get; }

    public static PrometheusFamily Create(Metric metric)
    {
        PrometheusMetricKind kind = PrometheusNaming.GetKind(metric.MetricType);
        string name = PrometheusNaming.GetFamilyName(metric.Name, metric.Unit, kind);

        // promtool flags families without help text; the OTel name is the most useful fallback.
        string help = string.IsNullOrEmpty(metric.Description) ? metric.Name : metric.Description;
        return new PrometheusFamily(name, kind, help);
    }
}
