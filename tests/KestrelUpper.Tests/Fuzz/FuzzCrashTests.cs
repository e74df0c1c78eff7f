using KestrelUpper.Fuzz;
using KestrelUpper.Hosting;
using Microsoft.Extensions.Configuration;

namespace KestrelUpper.Tests.Fuzz;

/// <summary>
/// What the fuzz targets found (fuzz/README.md), each asserted on the product API, plus the afl-fuzz input itself
/// through the target that found it.
/// </summary>
public sealed class FuzzCrashTests
{
    /// <summary>
    /// config target, afl-fuzz crash 1A3A070505 (Upper:Tcp:TrustedProxies:0 = "\n", Upper:Shutdown:Timeout = "-1"):
    /// the validator and the binder quote the value, so a newline in it split the one-line
    /// "kestrelupper: configuration error: ..." and an ESC could drive the operator's terminal.
    /// </summary>
    [Theory]
    [InlineData("Upper:Tcp:TrustedProxies:0", "\n", "Upper:Tcp:TrustedProxies:0")]
    [InlineData("Upper:Address", "::1\r\nkestrelupper: started", "Upper:Address")]
    [InlineData("Upper:Tcp:Port", "12\u001b[2J", "Upper:Tcp:Port")]
    [InlineData("Upper:Log:Format", "json\u2028text", "Upper:Log:Format")]
    [InlineData("Upper:Casing", "\u0085\0", "Upper:Casing")]
    public void A_configuration_error_is_one_line_whatever_the_value(string key, string value, string named)
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection([new(key, value)]).Build();

        var error = Assert.Throws<ConfigurationErrorException>(() => UpperOptionsLoader.Load(configuration));

        Assert.DoesNotContain(error.Message, c => char.IsControl(c) || c is '\u2028' or '\u2029');
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_control_character_is_shown_escaped_not_dropped()
    {
        var error = new ConfigurationErrorException("got 'a\nb\u001bc\td'");

        Assert.Equal(@"got 'a\nb\u001Bc\td'", error.Message);
    }

    [Theory]
    [InlineData("config", "1A3A070505")]
    public void The_afl_input_passes_its_target(string target, string hex) =>
        FuzzTargets.All[target](Convert.FromHexString(hex));
}
