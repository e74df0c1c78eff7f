using KestrelUpper.Hosting;
using KestrelUpper.Telemetry.Prometheus;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace KestrelUpper.Telemetry;

/// <summary>
/// The OpenTelemetry SDK for this process (OpenTelemetry.Extensions.Hosting is not available here, so the
/// host owns an <see cref="OpenTelemetrySdk"/> as a singleton and disposes it at shutdown): Kestrel's meter,
/// the runtime's, ours; pulled by <c>/metrics</c>, and pushed over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
/// </summary>
internal sealed class UpperTelemetry : IDisposable
{
    public const string DefaultServiceName = "kestrelupper";
    private const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    private static readonly (string RuntimeName, string Renamed)[] RuntimeRenames =
    [
        ("dotnet.assembly.count", "dotnet.assembly.loaded"),
        ("dotnet.process.cpu.count", "dotnet.process.cpu.cores"),
        ("dotnet.timer.count", "dotnet.timer.active"),
    ];

    private readonly OpenTelemetrySdk _sdk;

    public UpperTelemetry()
    {
        Scraper = new PrometheusScraper();
        _sdk = OpenTelemetrySdk.Create(builder => builder
            .ConfigureResource(ConfigureResource)
            .WithMetrics(metrics =>
            {
                metrics
                    .AddMeter(TelemetryNames.MeterName, TelemetryNames.KestrelMeterName, TelemetryNames.RuntimeMeterName, TelemetryNames.MemoryPoolMeterName)
                    .AddPrometheusPullReader(Scraper);

                // Gauges whose names end in ".count" would read as a histogram's _count in Prometheus (promtool rejects them).
                foreach ((string runtimeName, string renamed) in RuntimeRenames)
                {
                    metrics.AddView(runtimeName, new MetricStreamConfiguration { Name = renamed });
                }

                if (OtlpEnabled)
                {
                    // Endpoint, protocol, headers and interval come from the standard OTEL_* variables.
                    metrics.AddOtlpExporter();
                }
            }));
    }

    /// <summary>Serves <c>/metrics</c>.</summary>
    public PrometheusScraper Scraper { get; }

    /// <summary>True when OTLP push is configured through the standard environment variable.</summary>
    public static bool OtlpEnabled => !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(OtlpEndpointVariable));

    /// <summary>
    /// service.name: OTEL_SERVICE_NAME, else service.name in OTEL_RESOURCE_ATTRIBUTES (both read by the SDK's
    /// default detectors), else "kestrelupper"; the version is ours.
    /// </summary>
    public static void ConfigureResource(ResourceBuilder resource)
    {
        bool named = !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("OTEL_SERVICE_NAME"))
            || (Environment.GetEnvironmentVariable("OTEL_RESOURCE_ATTRIBUTES") ?? string.Empty)
                .Split(',').Any(a => a.Trim().StartsWith("service.name=", StringComparison.Ordinal));
        if (!named)
        {
            resource.AddService(DefaultServiceName, serviceVersion: ServiceVersion.Value);
        }
        else
        {
            resource.AddAttributes([new("service.version", ServiceVersion.Value)]);
        }
    }

    public void Dispose() => _sdk.Dispose();
}
