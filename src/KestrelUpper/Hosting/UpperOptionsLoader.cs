using Microsoft.Extensions.Options;

namespace KestrelUpper.Hosting;

/// <summary>Binds and validates <see cref="UpperOptions"/> once, before anything is bound to a port.</summary>
internal static class UpperOptionsLoader
{
    /// <exception cref="ConfigurationErrorException">A value does not parse or is out of range.</exception>
    public static UpperOptions Load(IConfiguration configuration)
    {
        if (string.Equals(configuration["Upper:Sockets:Transport"]?.Trim(), RetiredSettings.DirectTransport, StringComparison.OrdinalIgnoreCase))
        {
            throw new ConfigurationErrorException(RetiredSettings.DirectTransportError);
        }

        var options = new UpperOptions();
        try
        {
            configuration.GetSection(UpperOptions.SectionName).Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            // The generated binder's message names the value, the key and the type
            // ("Failed to convert configuration value 'abc' at 'Upper:Tcp:Port' to type 'System.Int32'.").
            throw new ConfigurationErrorException(ex.Message, ex);
        }

        var result = new UpperOptionsValidator().Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new ConfigurationErrorException(string.Join(" ", result.Failures));
        }

        return options;
    }
}
