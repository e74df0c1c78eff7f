namespace KestrelUpper.Telemetry.Prometheus;

/// <summary>A scrape could not produce metrics (collect failed, timed out, or the provider is gone): answer 503.</summary>
internal sealed class PrometheusCollectException : Exception
{
    public PrometheusCollectException()
    {
    }

    public PrometheusCollectException(string message)
        : base(message)
    {
    }

    public PrometheusCollectException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
