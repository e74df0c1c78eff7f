using System.Diagnostics.Metrics;
using System.Text;
using KestrelUpper.Telemetry.Prometheus;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace KestrelUpper.Tests.Telemetry.Prometheus;

/// <summary>A real meter provider with the Prometheus pull reader, listening to one uniquely named meter.</summary>
internal sealed class MetricsHarness : IDisposable
{
    public MetricsHarness(Action<MeterProviderBuilder>? configure = null, PrometheusScraper? scraper = null)
    {
        // A unique meter name keeps parallel test classes from seeing each other's instruments.
        Meter = new Meter("test-" + Guid.NewGuid().ToString("N"));
        MeterProviderBuilder builder = Sdk.CreateMeterProviderBuilder()
            .ConfigureResource(r => r.Clear().AddService("svc-test", serviceVersion: "1.2.3"))
            .AddMeter(Meter.Name);
        configure?.Invoke(builder);
        if (scraper is null)
        {
            builder.AddPrometheusPullReader(out scraper);
        }
        else
        {
            builder.AddPrometheusPullReader(scraper);
        }

        Scraper = scraper;
        Provider = builder.Build();
    }

    public Meter Meter { get; }

    public MeterProvider Provider { get; }

    public PrometheusScraper Scraper { get; }

    public async Task<string> ScrapeAsync() => Encoding.UTF8.GetString((await Scraper.ScrapeAsync()).Span);

    public static string[] Lines(string exposition) => exposition.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The single sample line starting with <paramref name="prefix"/> (name plus optional labels).</summary>
    public static string SingleSample(string exposition, string prefix) =>
        Assert.Single(Lines(exposition), l => l.StartsWith(prefix + " ", StringComparison.Ordinal));

    public static double SampleValue(string exposition, string prefix) =>
        double.Parse(SingleSample(exposition, prefix)[(prefix.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);

    public void Dispose()
    {
        Provider.Dispose();
        Meter.Dispose();
    }
}
