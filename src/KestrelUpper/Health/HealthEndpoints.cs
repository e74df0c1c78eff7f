namespace KestrelUpper.Health;

/// <summary>Kubernetes probes: <c>/livez</c>, <c>/readyz</c> and its alias <c>/healthz</c>.</summary>
internal static class HealthEndpoints
{
    private const string PlainText = "text/plain; charset=utf-8";

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        // Liveness says only that the process answers: restarting a draining pod would cut its connections.
        endpoints.MapGet("/livez", () => Results.Text("live\n", PlainText));
        endpoints.MapGet("/readyz", Ready);
        endpoints.MapGet("/healthz", Ready);
        return endpoints;
    }

    private static IResult Ready(ReadinessState readiness) =>
        readiness.IsReady
            ? Results.Text("ready\n", PlainText)
            : Results.Text($"not ready: {readiness.Describe()}\n", PlainText, statusCode: StatusCodes.Status503ServiceUnavailable);
}
