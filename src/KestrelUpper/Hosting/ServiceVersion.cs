using System.Reflection;

namespace KestrelUpper.Hosting;

/// <summary>The service's version as built (informational version, without source-link metadata).</summary>
internal static class ServiceVersion
{
    public static string Value { get; } =
        typeof(ServiceVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}
