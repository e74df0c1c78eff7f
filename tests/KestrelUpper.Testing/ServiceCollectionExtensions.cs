using Microsoft.Extensions.DependencyInjection;

namespace KestrelUpper.Testing;

public static class ServiceCollectionExtensions
{
    /// <summary>Replaces the service's clock (registered before the service's own, which yields to it).</summary>
    public static IServiceCollection AddSingletonTimeProvider(this IServiceCollection services, TimeProvider time) =>
        services.AddSingleton(time);
}
