using Microsoft.Extensions.Primitives;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace KestrelUpper.Hosting;

/// <summary>
/// The <c>Serilog:MinimumLevel</c> section read as plain strings, for the Native AOT build, where
/// Serilog.Settings.Configuration cannot run (it finds sinks and enrichers by scanning assemblies and calls
/// them through reflection). It reads the same shapes: <c>MinimumLevel</c> as one level, or
/// <c>MinimumLevel:Default</c> and <c>MinimumLevel:Override:&lt;category&gt;</c>; the levels follow a reload
/// of the configuration, as they do with Serilog.Settings.Configuration.
/// </summary>
internal static class SerilogLevels
{
    public const string SectionName = "Serilog";

    private const string MinimumLevelKey = "MinimumLevel";
    private const string DefaultKey = "Default";
    private const string OverrideKey = "Override";

    /// <summary>The keys of <paramref name="serilog"/> (the <c>Serilog</c> section) that are not levels, which this reader ignores (sinks, enrichers, ...).</summary>
    public static IReadOnlyList<string> IgnoredKeys(IConfigurationSection serilog)
    {
        var ignored = new List<string>();
        foreach (IConfigurationSection child in serilog.GetChildren())
        {
            if (!string.Equals(child.Key, MinimumLevelKey, StringComparison.OrdinalIgnoreCase))
            {
                ignored.Add(child.Path);
            }
        }

        return ignored;
    }

    /// <summary>
    /// Checks every level of <paramref name="serilog"/>, so a bad one is the same configuration error (exit 2)
    /// before Serilog.Settings.Configuration reads the section as it is under Native AOT.
    /// </summary>
    /// <exception cref="ConfigurationErrorException">A level is not a Serilog level name.</exception>
    public static void Validate(IConfigurationSection serilog) => Apply(new LoggerConfiguration(), serilog, follow: false);

    /// <summary>Applies the levels of <paramref name="serilog"/> (the <c>Serilog</c> section) to <paramref name="logger"/>.</summary>
    /// <exception cref="ConfigurationErrorException">A level is not a Serilog level name.</exception>
    public static void Apply(LoggerConfiguration logger, IConfigurationSection serilog) => Apply(logger, serilog, follow: true);

    private static void Apply(LoggerConfiguration logger, IConfigurationSection serilog, bool follow)
    {
        LoggingLevelSwitch Switch(IConfigurationSection level) => follow ? Follow(level) : new LoggingLevelSwitch(Parse(level));

        IConfigurationSection minimum = serilog.GetSection(MinimumLevelKey);
        // "MinimumLevel": "Debug" is the short form of "MinimumLevel": { "Default": "Debug" }.
        IConfigurationSection defaultLevel = minimum.Value is null ? minimum.GetSection(DefaultKey) : minimum;
        if (defaultLevel.Value is not null)
        {
            logger.MinimumLevel.ControlledBy(Switch(defaultLevel));
        }

        foreach (IConfigurationSection category in minimum.GetSection(OverrideKey).GetChildren())
        {
            logger.MinimumLevel.Override(category.Key, Switch(category));
        }
    }

    /// <summary>A switch at the level <paramref name="level"/> names now, moved when a reload changes it.</summary>
    private static LoggingLevelSwitch Follow(IConfigurationSection level)
    {
        var levelSwitch = new LoggingLevelSwitch(Parse(level));
        // A value that no longer parses after a reload keeps the last good level: a typo in a live edit must not stop logging.
        ChangeToken.OnChange(level.GetReloadToken, () =>
        {
            if (TryParse(level.Value, out LogEventLevel changed))
            {
                levelSwitch.MinimumLevel = changed;
            }
        });
        return levelSwitch;
    }

    private static LogEventLevel Parse(IConfigurationSection level) =>
        TryParse(level.Value, out LogEventLevel parsed)
            ? parsed
            : throw new ConfigurationErrorException($"'{level.Value}' at '{level.Path}' is not a Serilog level (Verbose, Debug, Information, Warning, Error, Fatal).");

    private static bool TryParse(string? value, out LogEventLevel level) =>
        Enum.TryParse(value, ignoreCase: true, out level) && Enum.IsDefined(level);
}
