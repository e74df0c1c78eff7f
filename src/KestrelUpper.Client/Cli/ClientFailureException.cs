namespace KestrelUpper.Client.Cli;

/// <summary>A failure already phrased for the user; reported as one `upper: ...` line, never a stack trace.</summary>
internal sealed class ClientFailureException : Exception
{
    public ClientFailureException()
    {
    }

    public ClientFailureException(string message)
        : base(message)
    {
    }

    public ClientFailureException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
