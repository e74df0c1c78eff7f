using OpenTelemetry.Metrics;

namespace KestrelUpper.Telemetry.Prometheus;

/// <summary>
/// Thread-safe entry point for scrapes: triggers a collect on the pull reader and returns the rendered exposition.
/// At most one collect runs at a time; scrapes arriving while one is in flight share its result.
/// </summary>
/// <remarks>
/// Wire it into exactly one meter provider, then expose it over HTTP:
/// <code>
/// var scraper = new PrometheusScraper();
/// using OpenTelemetrySdk otel = OpenTelemetrySdk.Create(b => b
///     .ConfigureResource(r => r.AddService("kestrel-upper"))
///     .WithMetrics(m => m
///         .AddMeter("KestrelUpper", "Microsoft.AspNetCore.Server.Kestrel", "System.Runtime", "Microsoft.AspNetCore.MemoryPool")
///         .AddPrometheusPullReader(scraper)));
/// app.MapPrometheusScrape("/metrics", scraper);
/// </code>
/// With <c>Sdk.CreateMeterProviderBuilder()</c>, <c>.AddPrometheusPullReader(out var scraper).Build()</c> works the same.
/// </remarks>
internal sealed class PrometheusScraper
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static readonly TimeSpan DefaultCollectTimeout = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private readonly TimeSpan _collectTimeout;
    private Task<byte[]>? _inflight;

    /// <summary>Creates a scraper with its own exporter and reader; add <see cref="Reader"/> to one meter provider.</summary>
    public PrometheusScraper()
        : this(DefaultCollectTimeout)
    {
    }

    public PrometheusScraper(TimeSpan collectTimeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(collectTimeout, TimeSpan.Zero);
        _collectTimeout = collectTimeout;
        PullReader = new PrometheusPullReader(new PrometheusPullExporter());
    }

    /// <summary>The reader to register with the meter provider (the provider owns and disposes it).</summary>
    public MetricReader Reader => PullReader;

    // Not disposed here on purpose: the meter provider the reader is added to owns it.
    private PrometheusPullReader PullReader { get; }

    private PrometheusPullExporter Exporter => PullReader.Exporter;

    /// <summary>
    /// Collects and returns the exposition (UTF-8, <see cref="ContentType"/>).
    /// Throws <see cref="PrometheusCollectException"/> when the collect fails or exceeds the timeout.
    /// </summary>
    public async Task<ReadOnlyMemory<byte>> ScrapeAsync(CancellationToken cancellationToken = default)
    {
        Task<byte[]> collect;
        lock (_gate)
        {
            // Join the in-flight collect instead of queueing another one behind it: its data is just as fresh.
            collect = _inflight ??= Task.Run(CollectAndRelease, CancellationToken.None);
        }

        try
        {
            return await collect.WaitAsync(_collectTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            // The SDK's Collect runs callbacks synchronously and cannot be aborted; the stuck collect
            // stays in flight so later scrapes join it instead of piling up blocked threads.
            throw new PrometheusCollectException(
                $"Metrics collection did not complete within {_collectTimeout.TotalMilliseconds} ms.", ex);
        }
    }

    /// <summary>Scrapes and writes the exposition to <paramref name="destination"/>.</summary>
    public async Task WriteToAsync(Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ReadOnlyMemory<byte> body = await ScrapeAsync(cancellationToken).ConfigureAwait(false);
        await destination.WriteAsync(body, cancellationToken).ConfigureAwait(false);
    }

    private byte[] CollectAndRelease()
    {
        try
        {
            return Collect();
        }
        finally
        {
            // Runs after reader.Collect returned, so the next collect can never overlap this one.
            lock (_gate)
            {
                _inflight = null;
            }
        }
    }

    private byte[] Collect()
    {
        if (Exporter.IsShutdown)
        {
            throw new PrometheusCollectException("Metrics collection failed: the meter provider has been shut down.");
        }

        long before = Exporter.ExportCount;
        bool collected;
        try
        {
            collected = Reader.Collect((int)Math.Min(_collectTimeout.TotalMilliseconds, int.MaxValue));
        }
        catch (ObjectDisposedException ex)
        {
            throw new PrometheusCollectException("The meter provider has been disposed.", ex);
        }

        if (!collected)
        {
            string reason = Exporter.LastError is { } error ? $": {error}" : " (provider disposed, not yet built, or collect timed out).";
            throw new PrometheusCollectException("Metrics collection failed" + reason);
        }

        return Exporter.GetSnapshotNewerThan(before)
            ?? throw new PrometheusCollectException(Exporter.IsShutdown
                ? "Metrics collection failed: the meter provider has been shut down."
                : "Metrics collection failed: Collect() reported success but produced no export.");
    }
}
