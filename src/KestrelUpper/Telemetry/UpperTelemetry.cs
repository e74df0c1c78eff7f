using KestrelUpper.Hosting;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace KestrelUpper.Telemetry;

/// <summary>
/// The OpenTelemetry SDK, owned by the host (OpenTelemetry.Extensions.Hosting): Kestrel's meter, the runtime's,
/// the buffer pool's, ours; pulled by <c>/metrics</c> (the OpenTelemetry Prometheus exporter), and pushed with the
/// logs over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
/// </summary>
internal static class UpperTelemetry
{
    public const string DefaultServiceName = "kestrelupper";
    public const string MetricsPath = "/metrics";
    private const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    // Gauges whose names end in ".count" would read as a histogram's _count in Prometheus (promtool rejects them).
    private static readonly (string RuntimeName, string Renamed)[] RuntimeRenames =
    [
        ("dotnet.assembly.count", "dotnet.assembly.loaded"),
        ("dotnet.process.cpu.count", "dotnet.process.cpu.cores"),
        ("dotnet.timer.count", "dotnet.timer.active"),
    ];

    /// <summary>True when OTLP push is configured through the standard environment variable.</summary>
    public static bool OtlpEnabled => !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(OtlpEndpointVariable));

    public static IServiceCollection AddUpperTelemetry(this IServiceCollection services)
    {
        OpenTelemetryBuilder telemetry = services.AddOpenTelemetry()
            .ConfigureResource(ConfigureResource)
            .WithMetrics(ConfigureMetrics);
        if (OtlpEnabled)
        {
            // Endpoint, protocol and headers come from the standard OTEL_* variables. Serilog hands every event it
            // writes to this provider too (AddSerilog with writeToProviders), so the OTLP logs are the console's.
            telemetry.WithLogging(logging => logging.AddOtlpExporter());
        }

        return services;
    }

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

    private static void ConfigureMetrics(MeterProviderBuilder metrics)
    {
        // System.Runtime is what OpenTelemetry.Instrumentation.Runtime's AddRuntimeInstrumentation() adds on .NET 9 and later.
        metrics.AddMeter(TelemetryNames.MeterName, TelemetryNames.KestrelMeterName, TelemetryNames.RuntimeMeterName, TelemetryNames.MemoryPoolMeterName);
        foreach ((string runtimeName, string renamed) in RuntimeRenames)
        {
            metrics.AddView(runtimeName, new MetricStreamConfiguration { Name = renamed });
        }

        metrics.AddPrometheusExporter(prometheus =>
        {
            // Every scrape collects afresh: a cached answer would show a test (or a person) counts from before its change.
            prometheus.ScrapeResponseCacheDurationMilliseconds = 0;
            // The series carry the labels they always had (no otel_scope_* on every sample); target_info stays.
            prometheus.ScopeInfoEnabled = false;
        });
        if (OtlpEnabled)
        {
            // Interval from OTEL_METRIC_EXPORT_INTERVAL.
            metrics.AddOtlpExporter();
        }
    }
}
