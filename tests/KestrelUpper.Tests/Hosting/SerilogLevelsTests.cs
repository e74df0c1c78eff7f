using KestrelUpper.Hosting;
using Microsoft.Extensions.Configuration;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace KestrelUpper.Tests.Hosting;

/// <summary>
/// The Native AOT build reads the <c>Serilog</c> levels with <see cref="SerilogLevels"/> instead of
/// Serilog.Settings.Configuration: both must give every category the same level.
/// </summary>
public sealed class SerilogLevelsTests
{
    private static readonly string[] Categories =
        ["KestrelUpper", "KestrelUpper.Tcp.UppercaseConnectionHandler", "Microsoft.AspNetCore.Hosting.Diagnostics", "Microsoft.Hosting.Lifetime", "Other"];

    public static TheoryData<string[]> Sections => new()
    {
        Array.Empty<string>(),
        new[] { "MinimumLevel:Default=Information", "MinimumLevel:Override:Microsoft.AspNetCore=Warning", "MinimumLevel:Override:Microsoft.Hosting.Lifetime=Warning" },
        // the README's connection logs
        new[] { "MinimumLevel:Override:KestrelUpper=Debug" },
        new[] { "MinimumLevel:Default=verbose", "MinimumLevel:Override:Microsoft=Error", "MinimumLevel:Override:KestrelUpper.Tcp=Fatal" },
        // the short form
        new[] { "MinimumLevel=Warning" },
    };

    private static IConfigurationRoot Configuration(IEnumerable<string> serilogSettings) => new ConfigurationBuilder()
        .AddInMemoryCollection(serilogSettings.Select(s => s.Split('=', 2)).Select(kv => new KeyValuePair<string, string?>($"{SerilogLevels.SectionName}:{kv[0]}", kv[1])))
        .Build();

    private static Logger ReadByAot(IConfiguration configuration)
    {
        LoggerConfiguration logger = SerilogSetup.DefaultLevels();
        SerilogLevels.Apply(logger, configuration.GetSection(SerilogLevels.SectionName));
        return logger.CreateLogger();
    }

    private static bool Enabled(Logger logger, string category, LogEventLevel level) =>
        logger.ForContext(Constants.SourceContextPropertyName, category).IsEnabled(level);

    [Theory]
    [MemberData(nameof(Sections))]
    public void Same_levels_as_Serilog_Settings_Configuration(string[] settings) => AssertSameLevels(Configuration(settings));

    private static void AssertSameLevels(IConfiguration configuration)
    {
        using Logger reflected = SerilogSetup.DefaultLevels().ReadFrom.Configuration(configuration).CreateLogger();
        using Logger aot = ReadByAot(configuration);

        foreach (string category in Categories)
        {
            foreach (LogEventLevel level in Enum.GetValues<LogEventLevel>())
            {
                Assert.True(Enabled(reflected, category, level) == Enabled(aot, category, level), $"{category} at {level}");
            }
        }
    }

    [Fact]
    public void The_shipped_appsettings_uses_only_what_the_AOT_build_reads()
    {
        // The repository-root appsettings.json, copied next to the service (and so next to these tests).
        IConfigurationRoot configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: false)
            .Build();
        Assert.Empty(SerilogLevels.IgnoredKeys(configuration.GetSection(SerilogLevels.SectionName)));
        AssertSameLevels(configuration);
    }

    [Fact]
    public void Levels_follow_a_reload_and_keep_the_last_good_one()
    {
        IConfigurationRoot configuration = Configuration(["MinimumLevel:Default=Debug", "MinimumLevel:Override:KestrelUpper=Debug"]);
        using Logger aot = ReadByAot(configuration);
        Assert.True(Enabled(aot, "Other", LogEventLevel.Debug));

        configuration["Serilog:MinimumLevel:Default"] = "Error";
        configuration["Serilog:MinimumLevel:Override:KestrelUpper"] = "Warning";
        configuration.Reload();
        Assert.False(Enabled(aot, "Other", LogEventLevel.Warning));
        Assert.True(Enabled(aot, "KestrelUpper", LogEventLevel.Warning));
        Assert.False(Enabled(aot, "KestrelUpper", LogEventLevel.Information));

        configuration["Serilog:MinimumLevel:Default"] = "Loud";
        configuration.Reload();
        Assert.True(Enabled(aot, "Other", LogEventLevel.Error));
        Assert.False(Enabled(aot, "Other", LogEventLevel.Warning));
    }

    [Theory]
    [InlineData("MinimumLevel:Default=Loud")]
    [InlineData("MinimumLevel:Override:KestrelUpper=7")]
    [InlineData("MinimumLevel=")]
    public void A_bad_level_is_a_configuration_error_naming_the_key(string setting)
    {
        IConfigurationRoot configuration = Configuration([setting]);
        var error = Assert.Throws<ConfigurationErrorException>(() => ReadByAot(configuration));
        Assert.Contains($"{SerilogLevels.SectionName}:{setting.Split('=')[0]}", error.Message, StringComparison.Ordinal);
        // The JIT build checks the levels the same way before Serilog.Settings.Configuration reads them.
        var checkedFirst = Assert.Throws<ConfigurationErrorException>(() => SerilogLevels.Validate(configuration.GetSection(SerilogLevels.SectionName)));
        Assert.Equal(error.Message, checkedFirst.Message);
    }

    [Fact]
    public void Keys_other_than_the_levels_are_reported_as_ignored()
    {
        IConfigurationRoot configuration = Configuration(["MinimumLevel=Debug", "WriteTo:0:Name=File", "Enrich:0=FromLogContext"]);
        IReadOnlyList<string> ignored = SerilogLevels.IgnoredKeys(configuration.GetSection(SerilogLevels.SectionName));
        Assert.Equal(["Serilog:Enrich", "Serilog:WriteTo"], ignored.Order(StringComparer.Ordinal));
    }
}
