namespace KestrelUpper.Hosting;

/// <summary>A configuration value is unusable; the message is meant for the operator, as is.</summary>
internal sealed class ConfigurationErrorException : Exception
{
    public ConfigurationErrorException(string message)
        : base(message)
    {
    }

    public ConfigurationErrorException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
