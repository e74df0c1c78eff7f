using OpenTelemetry.Metrics;

namespace KestrelUpper.Telemetry.Prometheus;

internal static class PrometheusMeterProviderBuilderExtensions
{
    /// <summary>
    /// Adds a Prometheus pull reader (cumulative temporality) and hands back the scraper that serves it.
    /// Prefer <see cref="AddPrometheusPullReader(MeterProviderBuilder, PrometheusScraper)"/> inside
    /// <c>OpenTelemetrySdk.Create(...)</c> lambdas, where an out variable cannot escape the lambda.
    /// </summary>
    public static MeterProviderBuilder AddPrometheusPullReader(this MeterProviderBuilder builder, out PrometheusScraper scraper)
    {
        ArgumentNullException.ThrowIfNull(builder);
        scraper = new PrometheusScraper();
        return builder.AddReader(scraper.Reader);
    }

    /// <summary>Adds the reader of an already created <paramref name="scraper"/>; use one scraper per provider.</summary>
    public static MeterProviderBuilder AddPrometheusPullReader(this MeterProviderBuilder builder, PrometheusScraper scraper)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(scraper);
        return builder.AddReader(scraper.Reader);
    }
}
