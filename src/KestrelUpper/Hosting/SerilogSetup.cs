using System.Globalization;
using System.Runtime.CompilerServices;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Json;

namespace KestrelUpper.Hosting;

/// <summary>
/// Serilog as the logging provider (Serilog.AspNetCore is not available here, so this is the part of it we need):
/// levels from the <c>Serilog</c> section, the sink's format from <c>Upper:Log:Format</c>.
/// </summary>
internal static class SerilogSetup
{
    private const string TextTemplate = "[{Timestamp:HH:mm:ss.fff} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}";

    /// <summary>The levels before the <c>Serilog</c> section is applied over them.</summary>
    public static LoggerConfiguration DefaultLevels() => new LoggerConfiguration()
        .MinimumLevel.Information()
        .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
        .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information);

    public static Serilog.ILogger Create(IConfiguration configuration, LogFormat format)
    {
        LoggerConfiguration logger = DefaultLevels();

        // Serilog.Settings.Configuration scans assemblies and calls sinks by reflection, which Native AOT cannot do.
        // The AOT compiler folds this switch to false, so that code is not even compiled into the native binary;
        // the JIT build keeps the full reader.
        IReadOnlyList<string> ignored = [];
        if (RuntimeFeature.IsDynamicCodeSupported)
        {
            logger.ReadFrom.Configuration(configuration);
        }
        else
        {
            ignored = SerilogLevels.Apply(logger, configuration.GetSection(SerilogLevels.SectionName));
        }

        logger.Enrich.FromLogContext();
        bool json = format == LogFormat.Json || (format == LogFormat.Auto && Console.IsOutputRedirected);
        Logger created = json
            ? logger.WriteTo.Console(new JsonFormatter(renderMessage: true, formatProvider: CultureInfo.InvariantCulture)).CreateLogger()
            : logger.WriteTo.Console(outputTemplate: TextTemplate, formatProvider: CultureInfo.InvariantCulture).CreateLogger();
        foreach (string key in ignored)
        {
            created.Warning("{ConfigurationKey} is ignored: the Native AOT build reads only Serilog:MinimumLevel", key);
        }

        return created;
    }
}
