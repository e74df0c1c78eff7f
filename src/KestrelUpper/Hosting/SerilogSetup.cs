using System.Globalization;
using Serilog;
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

    public static Serilog.ILogger Create(IConfiguration configuration, LogFormat format)
    {
        LoggerConfiguration logger = new LoggerConfiguration()
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
            .ReadFrom.Configuration(configuration)
            .Enrich.FromLogContext();

        bool json = format == LogFormat.Json || (format == LogFormat.Auto && Console.IsOutputRedirected);
        return json
            ? logger.WriteTo.Console(new JsonFormatter(renderMessage: true, formatProvider: CultureInfo.InvariantCulture)).CreateLogger()
            : logger.WriteTo.Console(outputTemplate: TextTemplate, formatProvider: CultureInfo.InvariantCulture).CreateLogger();
    }
}
