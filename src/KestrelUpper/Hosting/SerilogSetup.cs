using System.Globalization;
using System.Runtime.CompilerServices;
using Serilog;
using Serilog.Events;
using Serilog.Extensions.Hosting;
using Serilog.Formatting.Compact;

namespace KestrelUpper.Hosting;

/// <summary>
/// Serilog in two stages (Serilog.AspNetCore): a bootstrap logger from the process start, so a start-up failure
/// is logged, then the host's logger: levels from the <c>Serilog</c> section, the format from <c>Upper:Log:Format</c>.
/// </summary>
internal static class SerilogSetup
{
    private const string TextTemplate = "[{Timestamp:HH:mm:ss.fff} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}";

    /// <summary>The levels before the <c>Serilog</c> section is applied over them.</summary>
    public static LoggerConfiguration DefaultLevels() => DefaultLevels(new LoggerConfiguration());

    /// <summary>The first stage, until the host's logger replaces it: default levels, the format of <see cref="LogFormat.Auto"/>.</summary>
    public static ReloadableLogger CreateBootstrapLogger() =>
        WriteToConsole(DefaultLevels(), LogFormat.Auto).CreateBootstrapLogger();

    /// <summary>
    /// Serilog as the host's logging: the bootstrap logger becomes the configured one where <see cref="UpperApp.RunAsync"/>
    /// made one; a host built without it (the in-process test host) gets a logger of its own and leaves the static one alone.
    /// Events go on to any other <see cref="ILoggerProvider"/> registered (OTLP, a test's capturing provider).
    /// </summary>
    public static void AddSerilog(IServiceCollection services, IConfiguration configuration, LogFormat format)
    {
        bool bootstrapped = Log.Logger is ReloadableLogger;
        services.AddSerilog(
            logger => Configure(logger, configuration, format),
            preserveStaticLogger: !bootstrapped,
            writeToProviders: true);
    }

    /// <summary>The <c>Serilog</c> keys the host's logger ignores (all but the levels under Native AOT, none otherwise).</summary>
    public static IReadOnlyList<string> IgnoredKeys(IConfiguration configuration) =>
        RuntimeFeature.IsDynamicCodeSupported ? [] : SerilogLevels.IgnoredKeys(configuration.GetSection(SerilogLevels.SectionName));

    private static void Configure(LoggerConfiguration logger, IConfiguration configuration, LogFormat format)
    {
        DefaultLevels(logger);

        // Serilog.Settings.Configuration finds sinks and enrichers by scanning assemblies and calls them by reflection,
        // which Native AOT cannot do. The AOT compiler folds this switch to false, so that code is not even compiled
        // into the native binary; the JIT build keeps the full reader.
        IConfigurationSection serilog = configuration.GetSection(SerilogLevels.SectionName);
        if (RuntimeFeature.IsDynamicCodeSupported)
        {
            SerilogLevels.Validate(serilog); // its error names the key; Serilog.Settings.Configuration's does not
            logger.ReadFrom.Configuration(configuration);
        }
        else
        {
            SerilogLevels.Apply(logger, serilog);
        }

        logger.Enrich.FromLogContext();
        WriteToConsole(logger, format);
    }

    private static LoggerConfiguration DefaultLevels(LoggerConfiguration logger) => logger
        .MinimumLevel.Information()
        .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
        .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information);

    private static LoggerConfiguration WriteToConsole(LoggerConfiguration logger, LogFormat format)
    {
        bool json = format == LogFormat.Json || (format == LogFormat.Auto && Console.IsOutputRedirected);
        // Compact JSON (@t, @m, @i, @l, @x, then the properties), the format log shippers parse.
        return json
            ? logger.WriteTo.Console(new RenderedCompactJsonFormatter())
            : logger.WriteTo.Console(outputTemplate: TextTemplate, formatProvider: CultureInfo.InvariantCulture);
    }
}
