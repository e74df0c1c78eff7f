namespace KestrelUpper.Client.Tests;

/// <summary>What one in-process run of `upper` did.</summary>
internal sealed record ClientOutcome(int ExitCode, string Out, string Error)
{
    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
