namespace KestrelUpper.Telemetry.Prometheus;

internal static class PrometheusEndpointRouteBuilderExtensions
{
    private const string UnavailableContentType = "text/plain; charset=utf-8";

    /// <summary>Maps <c>GET <paramref name="pattern"/></c> to a scrape: 200 with the exposition, 503 if collection fails.</summary>
    public static IEndpointRouteBuilder MapPrometheusScrape(this IEndpointRouteBuilder endpoints, string pattern, PrometheusScraper scraper)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        ArgumentNullException.ThrowIfNull(scraper);

        RequestDelegate handler = context => HandleScrapeAsync(context, scraper);
        endpoints.MapGet(pattern, handler);
        return endpoints;
    }

    /// <summary>The endpoint's request handler; separate so it can be tested without a server.</summary>
    public static async Task HandleScrapeAsync(HttpContext context, PrometheusScraper scraper)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(scraper);

        HttpResponse response = context.Response;
        ReadOnlyMemory<byte> body;
        try
        {
            body = await scraper.ScrapeAsync(context.RequestAborted).ConfigureAwait(false);
        }
        catch (PrometheusCollectException ex)
        {
            response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            response.ContentType = UnavailableContentType;
            await response.WriteAsync($"Metrics are unavailable: {ex.Message}\n", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = PrometheusScraper.ContentType;
        response.ContentLength = body.Length;

        // Every scrape is a fresh collect; intermediaries must not serve a stale copy.
        response.Headers.CacheControl = "no-store";
        await response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }
}
